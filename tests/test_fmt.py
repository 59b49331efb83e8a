"""Numbers, money and dates read as an Indonesian (or English) reader writes them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dasbor import fmt


@pytest.mark.parametrize(
    ("call", "id_text", "en_text"),
    [
        (lambda lang: fmt.number(1234567.891, lang, 2), "1.234.567,89", "1,234,567.89"),
        (lambda lang: fmt.number(1234567, lang), "1.234.567", "1,234,567"),
        (lambda lang: fmt.percent(0.1234, lang), "12,3%", "12.3%"),
        (lambda lang: fmt.percent(0.5, lang, 0), "50%", "50%"),
        (lambda lang: fmt.rupiah(1500000, lang), "Rp1.500.000", "IDR1,500,000"),
        (lambda lang: fmt.date("2017-11-22", lang), "22 Nov 2017", "22 Nov 2017"),
        (lambda lang: fmt.date(dt.datetime(2024, 8, 17, 9, 30), lang), "17 Agu 2024", "17 Aug 2024"),
        (lambda lang: fmt.moment(dt.datetime(2026, 12, 2, 15, 48), lang), "2 Des 2026 15:48", "2 Dec 2026 15:48"),
    ],
)
def test_each_language_formats_in_its_own_convention(call, id_text, en_text):
    assert (call("id"), call("en")) == (id_text, en_text)


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_missing_values_show_a_dash(missing):
    assert (
        fmt.number(missing)
        == fmt.percent(missing)
        == fmt.rupiah(missing)
        == fmt.date(missing)
        == fmt.moment(missing)
        == "–"
    )
