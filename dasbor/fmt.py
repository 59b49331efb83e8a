"""Numbers, money and dates as the reader expects them: Indonesian (`1.234,5`, `Rp1.500.000`,
`22 Nov 2017`) or English, through Babel's locale data rather than hand-written rules."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache

import pandas as pd
from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

LOCALES = {"id": "id_ID", "en": "en_US"}


# Parsed once: Babel otherwise parses the locale name and the pattern on every call, which was most
# of the cost of formatting a table of 500 regions (0.2 s against 0.04 s).
@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(LOCALES[lang])


@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


# Formatting is pure, and a page formats the same few thousand values on every rerun (a table of
# 416 regions, their IID by year): remembered, a rerun costs a lookup per cell instead of Babel's
# formatting (0.1 s of Perbandingan Wilayah's 0.3 s at 100,000 innovations).
@lru_cache(maxsize=65_536)
def _number(value, lang: str, digits: int) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=_pattern(pattern), locale=_locale(lang))


@lru_cache(maxsize=65_536)
def _percent(value, lang: str, digits: int) -> str:
    return format_percent(value, format=_pattern("#,##0." + "0" * digits + "%"), locale=_locale(lang))


def separators(lang: str = "id") -> str:
    """Plotly's ``layout.separators`` for the reader: the decimal mark, then the thousands mark
    (`,.` in Indonesian, `.,` in English), from the same locale data as every number in the text."""
    locale = _locale(lang)
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def number(value, lang: str = "id", digits: int = 0) -> str:
    if _missing(value):
        return "–"
    return _number(value, lang, digits)


def percent(value, lang: str = "id", digits: int = 1) -> str:
    if _missing(value):
        return "–"
    return _percent(value, lang, digits)


def rupiah(value, lang: str = "id") -> str:
    if _missing(value):
        return "–"
    return format_currency(value, "IDR", format=_pattern("¤#,##0"), locale=_locale(lang), currency_digits=False)


def date(value, lang: str = "id") -> str:
    if _missing(value):
        return "–"
    if isinstance(value, dt.datetime):
        value = value.date()
    elif not isinstance(value, dt.date):
        value = pd.Timestamp(value).date()
    return format_date(value, "d MMM y", locale=_locale(lang))


def moment(value, lang: str = "id") -> str:
    """A date and a time of day as the text says dates (`2 Des 2026 15:48`). The clock takes a colon in
    both languages: Indonesian's `15.48` would read as a decimal number beside the table's counts."""
    if _missing(value):
        return "–"
    stamp = pd.Timestamp(value)
    return f"{date(stamp, lang)} {stamp:%H:%M}"


def table(frame: pd.DataFrame, lang: str, names: dict[str, str], digits: int = 1, shares=()) -> pd.DataFrame:
    """A frame as the reader reads it, for a table on screen: the columns of ``names`` only, headed by
    their names (already in the reader's language, from the catalogs: ``{"hari": t("Lama siklus
    (hari)")}``); dates as `17 Jul 2014`; fractional numbers with the reader's separators (``shares`` as
    percentages); whole numbers left as numbers. CSVs keep the raw frame."""
    out = {}
    for column, title in names.items():
        if not isinstance(title, str):  # the old (Indonesian, English) pairs: headers come from the catalogs
            raise TypeError(f"header of {column!r} must be text in the reader's language, not {title!r}")
        values = frame[column]
        if column in shares:
            out[title] = [percent(v, lang, 1) for v in values]
        elif pd.api.types.is_datetime64_any_dtype(values) or (
            values.dtype == object and values.map(lambda v: isinstance(v, dt.date)).any()
        ):
            out[title] = [date(v, lang) for v in values]
        elif pd.api.types.is_float_dtype(values):
            whole = values.dropna().map(float.is_integer).all()
            out[title] = values.astype("Int64") if whole else [number(v, lang, digits) for v in values]
        else:
            out[title] = values
    return pd.DataFrame(out, index=frame.index)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text) -> str:
    """Report text made inert for Markdown (headings and st.markdown render it otherwise)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
