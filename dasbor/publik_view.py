"""Transparansi on a phone: the headline figures compact, and the list of public innovations as cards
(name on one line; region, stage and date on the next) where a wide table would scroll sideways.

Streamlit lays out the same elements at every width, so the narrow layout is CSS scoped to the
page's own keyed containers (``st-key-publik-*``) under a media query; on a wide screen nothing
changes but that the cards stay hidden."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dasbor import fmt
from dasbor.i18n import label, translator

NARROW = "(max-width: 640px)"  # where Streamlit itself stacks columns
FIGURES = ("publik-angka-usulan", "publik-angka-publik")  # keys of the containers holding the st.metric cards
TABLE, CARDS = "publik-tabel", "publik-kartu"
CARDS_SHOWN = 50  # cards on a phone; the table shows more on a wide screen, the CSV holds all

_CSS = f"""<style>
.st-key-{CARDS} {{ display: none; }}
@media {NARROW} {{
  .st-key-{TABLE} {{ display: none; }}
  .st-key-{CARDS} {{ display: flex; }}
  {", ".join(f".st-key-{k} [data-testid='stHorizontalBlock']" for k in FIGURES)} {{ flex-wrap: wrap; gap: 0.25rem 0.75rem; }}
  {", ".join(f".st-key-{k} [data-testid='stColumn']" for k in FIGURES)} {{
    min-width: calc(33% - 0.75rem) !important; flex: 1 1 calc(33% - 0.75rem) !important; width: auto !important;
  }}
  {", ".join(f".st-key-{k} [data-testid='stColumn']:not(:has([data-testid='stElementContainer']))" for k in FIGURES)} {{
    display: none;
  }}
  {", ".join(f".st-key-{k} [data-testid='stMetricValue']" for k in FIGURES)} {{ font-size: 1.35rem; }}
  {", ".join(f".st-key-{k} [data-testid='stMetricLabel'] p" for k in FIGURES)} {{ font-size: 0.8rem; }}
  {", ".join(f".st-key-{k} [data-testid='stMetricLabel'] *" for k in FIGURES)} {{ white-space: normal; }}
  {", ".join(f".st-key-{k} [data-testid='stCaptionContainer']" for k in FIGURES)} {{ font-size: 0.75rem; }}
}}
.st-key-{CARDS} ol.dasbor-kartu {{ list-style: none; margin: 0 !important; padding: 0 !important; }}
.st-key-{CARDS} ol.dasbor-kartu li {{
  border: 1px solid #d0d0d0; border-radius: 0.4rem; padding: 0.5rem 0.6rem; margin: 0 0 0.5rem !important;
  overflow-wrap: anywhere; max-width: 100%; box-sizing: border-box;
}}
.dasbor-kartu summary {{ cursor: pointer; }}
.dasbor-kartu .nama {{ font-weight: 600; }}
.dasbor-kartu .meta {{ display: block; font-size: 0.875rem; color: #4a4a4a; }}
.dasbor-kartu p {{ margin: 0.3rem 0 0; font-size: 0.875rem; }}
</style>"""


def style() -> None:
    """The narrow-screen layout of Transparansi (once per run, before the keyed containers)."""
    st.html(_CSS)


def _when(row, lang: str) -> str:
    t = translator(lang)
    if pd.notna(row.tanggal_penerapan):
        return t("diterapkan") + " " + fmt.date(row.tanggal_penerapan, lang)
    if pd.notna(row.tanggal_penetapan):
        return t("ditetapkan") + " " + fmt.date(row.tanggal_penetapan, lang)
    return t("tanggal tidak tercatat")


def cards(found: pd.DataFrame, lang: str) -> str:
    """The first ``CARDS_SHOWN`` rows of the public list as HTML cards: name; region · stage · date;
    opened, the agency, the furthest stage and the latest evaluation. Report text is escaped."""
    t = translator(lang)
    e = html.escape
    items = []
    furthest, latest = t("tahap terjauh"), t("evaluasi terakhir")
    for row in found.head(CARDS_SHOWN).itertuples():
        meta = " · ".join((row.wilayah, label("tahap", row.tahap, lang), _when(row, lang)))
        evaluation = (
            label("hasil", row.hasil_evaluasi_terakhir, lang) if isinstance(row.hasil_evaluasi_terakhir, str) else "–"
        )
        more = (
            f"{e(row.perangkat_daerah)} · {e(furthest)}: "
            f"{e(label('tahap', row.tahap_terjauh, lang))} · {e(latest)}: "
            f"{e(evaluation)}"
        )
        items.append(
            f'<li><details><summary><span class="nama">{e(row.nama_inovasi)}</span>'
            f'<span class="meta">{e(meta)}</span></summary><p>{more}</p></details></li>'
        )
    name = t("Daftar inovasi publik")
    return f'<ol class="dasbor-kartu" aria-label="{e(name)}">{"".join(items)}</ol>'


def cards_note(shown: int, total: int, lang: str) -> str:
    n, of = fmt.number(min(shown, CARDS_SHOWN), lang), fmt.number(total, lang)
    t = translator(lang)
    return t(
        "{n} terbaru dari {of}; ketuk kartu untuk rinciannya. Cari untuk mempersempit, atau unduh CSV di bawah.",
        n=n,
        of=of,
    )
