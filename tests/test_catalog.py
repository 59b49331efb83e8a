"""The message catalogs hold every sentence the pages show, in both languages.

The check runs the real ``pybabel extract`` over the code (as ``scripts/catalog.sh extract`` does) and
fails on a message missing from a catalog, an empty English entry, a placeholder the translation does
not share, a catalog entry the code no longer uses, and on code that keeps a message out of the
catalogs: an f-string or a concatenation handed to ``t()``, the old ``t("…", "…")`` pair, or an
``"…" if lang == "id" else "…"`` choice."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dasbor import i18n

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*sorted((ROOT / "dasbor").rglob("*.py")), *sorted((ROOT / "pages").glob("*.py")), ROOT / "dashboard.py"]
KEYWORDS = ["-k", "t", "-k", "tc:1c,2", "-k", "tr:2", "-k", "trc:2c,3", "-k", "N_"]


def extract(out: Path, *paths: Path) -> list:
    done = subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", str(ROOT / "babel.cfg"),
         "--no-default-keywords", *KEYWORDS, "--no-wrap", "-o", str(out), *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with open(out, "rb") as fh:
        return [m for m in read_po(fh) if m.id]


def catalog(lang: str):
    with open(ROOT / "dasbor" / "locale" / lang / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=lang)


def fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:  # an unbalanced brace
        return {f"<{exc}>"}


def problems(messages: list, cats: dict) -> list[str]:
    out = []
    for m in messages:
        where = ", ".join(f"{f}:{n}" for f, n in m.locations[:2])
        for lang, cat in cats.items():
            entry = cat.get(m.id, context=m.context)
            if entry is None:
                out.append(f"{where}: {m.id!r} is not in the {lang} catalog (run scripts/catalog.sh update)")
            elif not entry.string:
                out.append(f"{where}: {m.id!r} has an empty {lang} entry")
            elif fields(entry.string) != fields(m.id):
                out.append(f"{where}: {m.id!r} and its {lang} text have other placeholders: {entry.string!r}")
    return out


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    return extract(
        tmp_path_factory.mktemp("pot") / "messages.pot", ROOT / "dasbor", ROOT / "pages", ROOT / "dashboard.py"
    )


def test_every_message_of_the_code_is_in_both_catalogs_with_the_same_placeholders(extracted):
    assert len(extracted) > 400  # the extraction found the pages' messages, not nothing
    found = problems(extracted, {"id": catalog("id"), "en": catalog("en")})
    assert not found, "\n".join(found)


def test_the_catalogs_hold_no_message_the_code_no_longer_uses(extracted):
    used = {(m.context, m.id) for m in extracted}
    for lang in ("id", "en"):
        stale = [m.id for m in catalog(lang) if m.id and (m.context, m.id) not in used]
        assert not stale, f"{lang}: {stale[:10]} (run scripts/catalog.sh update)"


def test_the_check_fails_on_a_message_without_english(tmp_path):
    """The check itself: a new sentence that nobody translated is reported, with its file and line."""
    page = tmp_path / "baru.py"
    page.write_text(
        'import streamlit as st\n\n\ndef main(ctx):\n    st.caption(ctx.t("Kalimat baru tanpa terjemahan"))\n'
    )
    found = problems(extract(tmp_path / "m.pot", page), {"en": catalog("en")})
    assert len(found) == 1 and "baru.py:5" in found[0] and "not in the en catalog" in found[0]


def _calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            if name in ("t", "tc", "tr", "trc", "N_"):
                yield name, node
            elif isinstance(f, ast.Call) and node.args and isinstance(node.args[0], (ast.Constant, ast.JoinedStr)):
                yield "call", node


def _language_choice(node: ast.AST) -> bool:
    """``"…" if lang == "id" else "…"`` with text on both sides."""
    if not isinstance(node, ast.IfExp) or not isinstance(node.test, ast.Compare):
        return False
    left, right = node.test.left, node.test.comparators[0]
    is_lang = getattr(left, "id", None) == "lang" or getattr(left, "attr", None) == "lang"
    texts = all(
        isinstance(v, ast.JoinedStr) or (isinstance(v, ast.Constant) and isinstance(v.value, str) and v.value.strip())
        for v in (node.body, node.orelse)
    )
    return is_lang and getattr(right, "value", None) in ("id", "en") and texts


def code_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    out = []
    for name, call in _calls(tree):
        if name == "call":
            out.append(
                f"{rel}:{call.lineno}: a message handed to a returned function is not extracted; use t()/i18n.tr()"
            )
            continue
        msg_args = {"tc": call.args[1:2], "tr": call.args[1:2], "trc": call.args[2:3]}.get(name, call.args[:1])
        if name == "t" and len(call.args) == 2 and all(isinstance(a, (ast.Constant, ast.JoinedStr)) for a in call.args):
            out.append(f"{rel}:{call.lineno}: the old t('…', '…') pair; write t('…') and the English in the catalog")
        for arg in msg_args:
            if not isinstance(arg, (ast.Constant, ast.Name, ast.Attribute, ast.Subscript)):
                out.append(
                    f"{rel}:{call.lineno}: {name}() of {type(arg).__name__}: give a literal message with {{placeholders}}"
                )
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):  # pybabel extract does not read into f-strings
            for name, call in _calls(node):
                out.append(f"{rel}:{call.lineno}: {name}() inside an f-string is not extracted; translate it first")
        if _language_choice(node):
            out.append(f"{rel}:{node.lineno}: text chosen by language in code; put it in the catalogs with t()")
    return out


def test_no_message_is_built_where_the_catalogs_cannot_see_it():
    found = [p for path in SOURCES for p in code_problems(path)]
    assert not found, "\n".join(found)


def test_the_code_check_fails_on_an_f_string_a_pair_and_a_language_choice(tmp_path):
    bad = tmp_path / "buruk.py"
    bad.write_text(
        'def f(ctx, n, lang):\n'
        '    a = ctx.t(f"{n} usulan")\n'
        '    b = ctx.t("Usulan", "Proposals")\n'
        '    c = "hari" if lang == "id" else "days"\n'
        '    d = f"{n} {ctx.t(\'hari\')}"\n'
        '    return a, b, c, d\n'
    )  # fmt: skip
    found = code_problems(bad)
    assert [p.split(":")[1] for p in found] == ["2", "3", "4", "5"], found


def test_the_reader_gets_the_english_text_with_its_placeholders_filled():
    en, id_ = i18n.translator("en"), i18n.translator("id")
    assert en("Tahap") == "Stage" and id_("Tahap") == "Tahap"
    assert en.tc("jamak", "Wilayah") == "Regions" and en("Wilayah") == "Region"
    assert en("Provinsi {nama}", nama="Gorontalo") == "Gorontalo Province"
    assert id_("Provinsi {nama}", nama="Gorontalo") == "Provinsi Gorontalo"
    assert i18n.translator("fr")("Tahap") == "Tahap"  # an unknown language reads Indonesian
