"""Figures, each defined once: its name, its definition in both languages and its unit.

A figure is declared beside the query that computes it (``dasbor/queries/<page>.py``) with
``define``; the card, the chart, the table, the CSV and the public page that show it take its name
and definition from that one declaration. ``docs/figures.md`` lists them all (made by
``python -m dasbor.figures``; a test keeps it current).
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    key: str
    name_id: str
    name_en: str
    definition_id: str
    definition_en: str
    unit_id: str
    unit_en: str
    module: str  # where it is defined (and computed)

    def name(self, lang: str) -> str:
        return self.name_id if lang == "id" else self.name_en

    def definition(self, lang: str) -> str:
        return self.definition_id if lang == "id" else self.definition_en

    def unit(self, lang: str) -> str:
        return self.unit_id if lang == "id" else self.unit_en


REGISTRY: dict[str, Figure] = {}


def define(
    key: str,
    name: tuple[str, str],
    definition: tuple[str, str],
    unit: tuple[str, str],
) -> Figure:
    """Declare a figure (once: a second declaration of one key is an error)."""
    module = sys._getframe(1).f_globals.get("__name__", "?")
    figure = Figure(key, *name, *definition, *unit, module=module)
    if key in REGISTRY and REGISTRY[key] != figure:
        raise ValueError(f"figure {key!r} is defined twice: {REGISTRY[key].module} and {module}")
    REGISTRY[key] = figure
    return figure


QUERY_MODULES = (
    "ringkasan", "wilayah", "alur", "segar", "dampak", "katalog", "publik", "peta", "profil", "kegiatan", "kompetisi",
)  # fmt: skip


def all_figures() -> list[Figure]:
    """Every figure of every page, in page order."""
    for name in QUERY_MODULES:
        importlib.import_module(f"dasbor.queries.{name}")
    # page order, then declaration order within a module, whichever module was imported first
    rank = {f"dasbor.queries.{name}": i for i, name in enumerate(QUERY_MODULES)}
    every = list(REGISTRY.values())
    return sorted(every, key=lambda f: (rank.get(f.module, len(rank)), every.index(f)))


def markdown() -> str:
    lines = [
        "# Figures / Angka",
        "",
        "Every figure the dashboard shows, with the one definition that the card, the chart, the table, "
        "the CSV and the public page share. Made from the declarations in `dasbor/queries/` by "
        "`python -m dasbor.figures`; do not edit by hand.",
        "",
        "| key | nama / name | satuan / unit | definisi | definition | defined in |",
        "|---|---|---|---|---|---|",
    ]
    for f in all_figures():
        cells = [
            f"`{f.key}`",
            f"{f.name_id} / {f.name_en}",
            f"{f.unit_id} / {f.unit_en}",
            f.definition_id,
            f.definition_en,
            f"`{f.module.replace('.', '/')}.py`",
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


DOC = Path(__file__).resolve().parent.parent / "docs" / "figures.md"

if __name__ == "__main__":
    # Run as a script this file is __main__, not dasbor.figures, which the queries register with.
    from dasbor import figures as registered

    registered.DOC.parent.mkdir(exist_ok=True)
    registered.DOC.write_text(registered.markdown(), encoding="utf-8")
    print(f"{registered.DOC}: {len(registered.REGISTRY)} figures")
