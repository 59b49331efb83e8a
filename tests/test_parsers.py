"""The date, number and Rupiah parsers (DuckDB macros), with property-based tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dasbor.reference import register_sql
from etl.validate import SQL_DIR, trimmed

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute((SQL_DIR / "parsers.sql").read_text())
    yield c
    c.close()


def one(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()[0][0]


def id_thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31))


@settings(max_examples=200, deadline=None)
@given(d=dates, weekday=st.sampled_from(HARI), style=st.integers(0, 6))
def test_dates_in_every_accepted_form_parse_to_the_same_day(con, d, weekday, style):
    text = [
        d.isoformat(),
        f"{d.day:02d}/{d.month:02d}/{d.year}",
        f"{d.day}-{d.month}-{d.year}",
        f"{d.day} {BULAN[d.month - 1]} {d.year}",
        f"{weekday}, {d.day} {BULAN[d.month - 1]} {d.year}",  # weekday may be wrong: ignored
        f"{d.day:02d}-{BULAN[d.month - 1][:3]}-{d.year}",
        f"  {d.day}.{d.month}.{d.year} ",
    ][style]
    assert one(con, "select parse_tanggal(?)", text) == d


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=30))
def test_date_parser_never_raises_and_never_invents_a_far_date(con, text):
    value = one(con, "select parse_tanggal(?)", text)
    assert value is None or isinstance(value, dt.date)


@pytest.mark.parametrize(
    "text",
    ["31/02/2020", "22/11/17", "2017/22/11", "22 Smarch 2017", "kemarin", "", "   "],
    ids=["no-31-feb", "two-digit-year", "year-first-slashes", "unknown-month", "word", "empty", "spaces"],
)
def test_dates_that_are_not_dates_are_rejected(con, text):
    assert one(con, "select parse_tanggal(?)", text) is None


@pytest.mark.parametrize(
    ("text", "written_as_date"),
    [
        ("31/02/2020", True),
        ("29-02-2023", True),
        ("2022-13-01", True),
        ("31 Februari 2020", True),
        ("22 Smarch 2017", False),
        ("22/11/17", False),
        ("2017/22/11", False),
        ("kemarin", False),
        ("", False),
    ],
)
def test_a_cell_written_as_a_date_is_told_apart_from_one_that_is_not(con, text, written_as_date):
    # The validator says "no such day" for the first kind and "not recognised" for the second.
    assert one(con, "select bentuk_tanggal(bersih_tanggal(?))", text) is written_as_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rabu, 22 November 2017", dt.date(2017, 11, 22)),
        ("22 Nopember 2017", dt.date(2017, 11, 22)),
        ("1 Agt 2020", dt.date(2020, 8, 1)),
        ("2017-11-22 00:00:00", dt.date(2017, 11, 22)),
    ],
    ids=["weekday", "old-spelling", "short-agt", "iso-with-time"],
)
def test_indonesian_date_spellings(con, text, expected):
    assert one(con, "select parse_tanggal(?)", text) == expected


@settings(max_examples=300, deadline=None)
@given(rupiah=st.integers(0, 10**13), sen=st.integers(0, 99), style=st.integers(0, 5))
def test_rupiah_round_trips_in_every_accepted_form(con, rupiah, sen, style):
    exact = Decimal(rupiah) + (Decimal(sen) / 100 if style in (1, 5) else 0)
    text = [
        f"Rp{id_thousands(rupiah)}",
        f"{id_thousands(rupiah)},{sen:02d}",
        str(rupiah),
        f"Rp {id_thousands(rupiah)},-",
        f"rp.{rupiah}",
        f"Rp{rupiah},{sen:02d}",
    ][style]
    assert one(con, "select parse_uang(?)", text) == exact


@settings(max_examples=300, deadline=None)
@given(whole=st.integers(0, 10**9), frac=st.integers(0, 999))
def test_indonesian_numbers_round_trip(con, whole, frac):
    text = f"{id_thousands(whole)},{frac:03d}"
    assert one(con, "select parse_angka(?)", text) == pytest.approx(whole + frac / 1000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", 1234.56),
        ("1.500", 1500.0),
        ("85.5", 85.5),
        ("1,234.56", 1234.56),
        ("72,5", 72.5),
        ("1.5.0", None),
        ("abc", None),
        ("", None),
    ],
    ids=["id-grouped", "dot-is-thousands", "en-decimal", "en-grouped", "comma-decimal", "broken", "word", "empty"],
)
def test_number_examples(con, text, expected):
    assert one(con, "select parse_angka(?)", text) == expected


def test_negative_money_is_not_money(con):
    assert one(con, "select parse_uang(?)", "-5") is None
    assert one(con, "select parse_uang(?)", "Rp-1.000") is None


@pytest.mark.parametrize("text", ["Non Digital", "non-digital", "NON_DIGITAL", " non  digital ", "Non\u00a0Digital"])
def test_enum_keys_treat_case_spaces_hyphens_underscores_alike(con, text):
    # kunci is not a macro of parsers.sql but dasbor/reference.norm_key, registered on the connection
    # (tests/test_normalise.py holds the rule's own tests).
    register_sql(con)
    assert one(con, "select kunci(?)", text) == "non_digital"


SPACEY = st.text(alphabet=st.sampled_from([" ", "\u00a0", "\u2009", "\u3000", "\t", "a", "é", "1", "-"]), max_size=6)


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), SPACEY), min_size=1, max_size=8))
def test_cells_are_trimmed_as_duckdb_trims(con, cells):
    import pyarrow as pa

    column = pa.chunked_array([pa.array(cells, pa.string())])
    expected = [r[0] for r in con.execute("select trim(c) from unnest(?::varchar[]) t(c)", [cells]).fetchall()]
    assert trimmed(column).to_pylist() == expected
