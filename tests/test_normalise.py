"""One rule for keys and enumerations: dasbor/reference.norm_key, which the validator's SQL calls as
``kunci``. Python and SQL agree on any text, and what a data officer pastes from the web or Word
(no-break spaces, tabs, full-width letters) loads like what they type."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import INOVASI_HEADER, inovasi_row, write_csv
from dasbor import store
from dasbor.reference import RegionResolver, alias_rows, fold, norm_key
from etl.load import run
from etl.validate import prepare

# What pasted text is made of: letters in both cases, full-width ones, no-break and other Unicode
# spaces, tabs and line breaks, combining marks, hyphens, dashes, underscores, invisible characters
# (zero-width space, soft hyphen, BOM), quotes and dots, ligatures, the German sharp s and dotted I.
PASTED = st.text(
    alphabet=st.sampled_from(
        list("aAzZéÉ019 _-.'\"()")
        + ["\u00a0", "\u2009", "\u202f", "\u3000", "\u1680", "\t", "\n", "\r", "\x0b", "\x00"]
        + ["ＤＩＧＩＴＡＬ"[i] for i in range(7)]
        + ["ｎｏｎ"[i] for i in range(3)]
        + ["\uff3f", "\uff0d", "\u2010", "\u2013", "\u2014", "\u2212", "\u203f"]
        + ["\u0301", "\u0308", "\u0327", "\u20dd"]
        + ["\u200b", "\u00ad", "\ufeff", "\u200d"]
        + ["\ufb01", "ß", "\u0130", "\u03a3", "\u1e9e", "\u2160", "\u00b2", "\u2460"]
    ),
    max_size=24,
)
ANY_TEXT = st.one_of(PASTED, st.text(max_size=24))


@pytest.fixture(scope="module")
def con():
    """A connection set up exactly as the validator sets up its own."""
    c = duckdb.connect()
    prepare(c)
    yield c
    c.close()


def sql_keys(con, texts: list[str | None]) -> list[str | None]:
    rows = con.execute(
        "select kunci(t) from unnest(?::varchar[]) with ordinality as u(t, n) order by n", [texts]
    ).fetchall()
    return [r[0] for r in rows]


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=10))
def test_python_and_sql_give_every_text_the_same_key(con, texts):
    assert sql_keys(con, texts) == [norm_key(t) for t in texts]


@settings(max_examples=400, deadline=None)
@given(text=ANY_TEXT)
def test_a_key_is_its_own_key(text):
    key = norm_key(text)
    assert norm_key(key) == key
    assert key == key.strip("_") and "__" not in key
    assert not any(ch.isspace() for ch in key)


@settings(max_examples=200, deadline=None)
@given(text=PASTED)
def test_case_spaces_and_full_width_do_not_change_a_key(text):
    assert norm_key(text.upper()) == norm_key(text.lower()) == norm_key(text)
    assert norm_key(text.replace(" ", "\u00a0")) == norm_key(text.replace(" ", "\t")) == norm_key(text)
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert norm_key(full_width) == norm_key(text)


def test_sql_keeps_null_null(con):
    assert sql_keys(con, [None, "", "Digital"]) == [None, "", "digital"]


@pytest.mark.parametrize(
    "text",
    [
        "Non Digital",
        "non-digital",
        "NON_DIGITAL",
        " non  digital ",
        "Non\u00a0Digital",
        "Non\tDigital",
        "Non\u2013Digital",
        "Non\u200b Digital",
        "ＮＯＮ－ＤＩＧＩＴＡＬ",
        "Non\u3000Digital",
        '"Non Digital".',
        "non_digital\u00ad",
    ],
    ids=[
        "space",
        "hyphen",
        "underscore",
        "padded",
        "nbsp",
        "tab",
        "en-dash",
        "zero-width",
        "full-width",
        "ideographic-space",
        "quoted",
        "soft-hyphen",
    ],
)
def test_spellings_of_one_value_have_one_key(con, text):
    assert norm_key(text) == "non_digital"
    assert sql_keys(con, [text]) == ["non_digital"]


def test_composed_and_decomposed_accents_are_one_key():
    assert norm_key("Caf\u00e9") == norm_key("Cafe\u0301") == "caf\u00e9"


def test_alias_keys_follow_the_rule_and_the_data_folders_rows_win(data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "alias.csv").write_text(
        "domain,nilai,kanonik,catatan\nJenis,Ｌｕｒｉｎｇ\u00a0Saja,non_digital,\njenis,online,non_digital,ours\n",
        encoding="utf-8",
    )
    rows = alias_rows()
    assert all(r["kunci"] == norm_key(r["kunci"]) for r in rows)
    assert {"domain": "jenis", "kunci": "luring_saja", "kanonik": "non_digital"} in rows
    c = duckdb.connect()
    try:
        prepare(c)
        kanonik = c.execute("select kanonik from alias where domain = 'jenis' and kunci = 'online'").fetchall()
    finally:
        c.close()
    assert kanonik == [("non_digital",)]  # the shipped row says digital; the data folder's comes later


def test_region_names_follow_the_same_folding():
    resolver = RegionResolver(alias_rows())
    assert fold("ＫＡＢ．\u00a0Pare\tPare") == "kab. pare pare"
    assert resolver.resolve("", "ＫＡＢ．\u00a0Pare\u00a0Pare")[0] == "73.72"
    assert resolver.resolve("", "KABUPATEN\u00a0KULON\u3000PROGO")[0] == "34.01"
    assert resolver.resolve("", "ＭＩＴＲＡ")[0] == "71.07"  # a nickname from alias.csv
    assert resolver.resolve("７１．０７", "")[0] == "71.07"
    assert resolver.resolve("", "Tegal\uff0c Jawa Tengah")[0] is None  # still ambiguous: kabupaten or kota


def test_pasted_spellings_load_as_their_values(tmp_path):
    header = [*INOVASI_HEADER, "urusan"]
    rows = [
        [*inovasi_row("NBSP", jenis="Non\u00a0Digital"), "1.02"],
        [*inovasi_row("LEBAR", jenis="ＤＩＧＩＴＡＬ"), "１．０２"],
        [*inovasi_row("TAB", jenis="non\tdigital", inisiator="Perangkat\u00a0Daerah"), "Kesehatan"],
        [*inovasi_row("WILAYAH", kode_wilayah="", nama_wilayah="Kab.\u00a0Minahasa\u00a0Tenggara"), "KESEHATAN"],
    ]
    write_csv(tmp_path, "inovasi.csv", header, rows)
    report = run([tmp_path / "inovasi.csv"], write=True)
    assert report.rejected == [], report.rejected
    assert report.exit_code == 0
    loaded = store.query(
        "select kode_inovasi, jenis, inisiator, kode_wilayah, urusan from inovasi order by kode_inovasi"
    )
    assert dict(zip(loaded.kode_inovasi, loaded.jenis, strict=True)) == {
        "LEBAR": "digital",
        "NBSP": "non_digital",
        "TAB": "non_digital",
        "WILAYAH": "digital",
    }
    assert set(loaded.inisiator) == {"perangkat_daerah"}
    assert set(loaded.kode_wilayah) == {"71.07"}
    assert set(loaded.urusan) == {"1.02"}


def test_headers_follow_the_same_rule():
    """Column headers are keys too: full-width letters, no-break spaces and a BOM do not hide a column."""
    from etl.contract import header_key

    for header in (
        "kode_inovasi",
        "Kode Inovasi*",
        "\ufeffKODE-INOVASI",
        "ｋｏｄｅ　ｉｎｏｖａｓｉ",
        "Kode\u00a0Inovasi",
    ):
        assert header_key(header) == "kodeinovasi", header
    assert header_key("kode wilayah") != header_key("kode inovasi")
