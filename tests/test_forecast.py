"""Forecasts of the pipeline (dasbor/forecast.py, alur.forecasts): quantiles worked by hand, the
backtest blind to rows dated after its day, a region's account forecasting from its own rows only,
and Alur's choices kept in the URL."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import numpy as np
import pandas as pd
import pytest

from conftest import INOVASI_HEADER, app_at, inovasi_row, plotly_array, write_csv
from dasbor import forecast
from dasbor.access import NATIONAL, Viewer
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import alur, segar
from etl.load import run

ALUR = "pages/3_alur_tahapan.py"
PINRANG, MITRA = "73.15", "71.07"


# --- the arithmetic, by hand -------------------------------------------------------------------


def test_a_constant_throughput_gives_exact_quantiles():
    """3 finishes every week: in 10 weeks every trial ends at 30, so 50%, 85% and 95% are all 30."""
    totals = forecast.how_many([3] * 10, weeks=10, cap=1000)
    assert totals.shape == (forecast.TRIALS,) and set(totals) == {30}
    assert [forecast.at_least(totals, p) for p in forecast.LEVELS] == [30, 30, 30]
    # capped by the open proposals: never more than there are
    assert set(forecast.how_many([3] * 10, weeks=10, cap=20)) == {20}
    # by when 30 are done: week 10 in every trial
    assert set(forecast.weeks_needed([3] * 10, 30)) == {10}


def test_the_whole_forecast_on_a_constant_throughput_lands_on_31_december():
    """A cut 70 days (10 whole weeks) before 31 December, 26 weeks of 3 a week, 30 open: 30 reach
    implementation by 31 December at every level, and all 30 by the end of week 10, 31 December."""
    cut = dt.date(2025, 10, 23)
    assert forecast.horizon(cut) == (dt.date(2025, 12, 31), 10, 0)
    f = forecast.forecast([3] * 26, 30, cut)
    assert f.ready and f.how_many == {50: 30, 85: 30, 95: 30}
    assert f.when == {50: dt.date(2025, 12, 31), 85: dt.date(2025, 12, 31), 95: dt.date(2025, 12, 31)}
    # more open than can finish: the count stops at what the weeks allow; all 45 take 15 weeks, to the
    # 105th day from the cut, 4 February 2026
    more = forecast.forecast([3] * 26, 45, cut)
    assert more.how_many == {50: 30, 85: 30, 95: 30} and set(more.when.values()) == {dt.date(2026, 2, 4)}


def test_by_when_on_a_small_case_worked_by_hand():
    """Weeks of 0 or 2 finishes, equally likely; 4 open. All 4 are done by week w when at least two of
    the first w weeks had 2: P = 1 − (w + 1) / 2^w, so 0.8125 by week 5, 0.890625 by week 6 (the 85%
    answer), 0.9375 by week 7 and 0.96484375 by week 8 (the 95% answer)."""
    needed = forecast.weeks_needed([0, 2], 4)
    for w in range(1, 12):
        assert abs((needed <= w).mean() - (1 - (w + 1) / 2**w)) < 0.015, w
    assert forecast.within(needed, 85) == 6 and forecast.within(needed, 95) == 8
    cut = dt.date(2025, 1, 1)
    assert forecast.week_end(cut, 6) == dt.date(2025, 2, 11)  # the last day of the sixth week
    # how many in 4 weeks: 2 × Binomial(4, ½): P(≥ 2) = 15/16, P(≥ 4) = 11/16, P(≥ 6) = 5/16
    totals = forecast.how_many([0, 2], weeks=4, cap=100)
    assert forecast.at_least(totals, 50) == 4 and forecast.at_least(totals, 85) == 2
    assert forecast.at_least(totals, 95) == 0
    # a deterministic one: 5 a week, 12 open → 3 weeks, whatever the draw
    assert set(forecast.weeks_needed([5, 5], 12)) == {3}


def test_too_short_a_history_is_said_not_forecast():
    assert forecast.history([1] * (forecast.MIN_SPAN_WEEKS - 1)).reason == "span"
    few = [1] * (forecast.MIN_ACTIVE_WEEKS - 1) + [0] * forecast.MIN_SPAN_WEEKS
    assert forecast.history(few).reason == "active"
    enough = [1] * forecast.MIN_ACTIVE_WEEKS + [0] * (forecast.MIN_SPAN_WEEKS - forecast.MIN_ACTIVE_WEEKS)
    assert forecast.history(enough).enough
    f = forecast.forecast(few, 10, dt.date(2025, 6, 1))
    assert not f.ready and f.how_many == {} and f.totals is None


def test_the_part_week_and_the_end_of_the_year():
    # 31 Oct to 31 Dec: 62 days, 8 weeks and 6 days; a forecast made on 1 January has no days left
    assert forecast.horizon(dt.date(2026, 10, 31)) == (dt.date(2026, 12, 31), 8, 6)
    assert forecast.horizon(dt.date(2026, 1, 1)) == (dt.date(2025, 12, 31), 0, 0)
    # a part-week of 3 days counts each finish of a drawn week with probability 3/7: 7 a week → Bin(7, 3/7)
    part = forecast.how_many([7], weeks=0, cap=100, rest_days=3)
    assert abs(part.mean() - 3) < 0.05 and part.max() <= 7
    # the same seed, the same answer
    assert (forecast.how_many([0, 1, 4], 9, 50) == forecast.how_many([0, 1, 4], 9, 50)).all()


def test_a_stall_beyond_ten_years_is_no_date():
    needed = forecast.weeks_needed([0] * 99 + [1], 1000)
    assert math.isinf(forecast.within(needed, 50)) and forecast.week_end(dt.date(2025, 1, 1), math.inf) is None


# --- the queries, on a hand-made history --------------------------------------------------------

LATEST = dt.date(2024, 6, 30)  # the data's latest date: the proposal of Z
CUT = LATEST + dt.timedelta(days=1)
THEN = dt.date(2023, 7, 1)  # the backtest's day, one year earlier


def day(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


def plus(d: dt.date, days: int) -> dt.date:
    return d + dt.timedelta(days=days)


def base_rows() -> tuple[list[list[str]], list[list[str]]]:
    """Pinrang: F01–F12 implemented in the half-year before the backtest's day (one every two weeks),
    O01–O10 open on that day (in review since April 2023), O01–O04 implemented that autumn and O05–O06
    the next March, P01–P10 proposed after the backtest's day and implemented within months. Mitra: S1
    implemented in 2022 and silent since, X1 proposed in 2024 and in review, Z proposed on the last day."""
    inovasi, tahapan = [], []

    def add(code, region, proposed, *stages):
        inovasi.append(inovasi_row(code, region, tanggal=day(proposed)))
        tahapan.append([code, "usulan", day(proposed)])
        tahapan.extend([code, stage, day(on)] for stage, on in stages)

    for i in range(12):
        add(f"F{i + 1:02d}", PINRANG, dt.date(2022, 6, 1), ("penerapan", plus(dt.date(2023, 1, 7), 14 * i)))
    for i in range(10):
        done = []
        if i < 4:
            done = [("penerapan", plus(dt.date(2023, 9, 1), 14 * i))]
        elif i < 6:
            done = [("penerapan", plus(dt.date(2024, 3, 1), 14 * (i - 4)))]
        add(f"O{i + 1:02d}", PINRANG, dt.date(2023, 3, 1), ("kajian", dt.date(2023, 4, 1)), *done)
    for i in range(10):
        add(f"P{i + 1:02d}", PINRANG, dt.date(2023, 8, 1), ("penerapan", plus(dt.date(2023, 10, 7), 14 * i)))
    add("S1", MITRA, dt.date(2022, 6, 1), ("penerapan", dt.date(2022, 12, 1)))
    add("X1", MITRA, dt.date(2024, 1, 1), ("kajian", dt.date(2024, 2, 1)))
    add("Z", MITRA, LATEST)
    return inovasi, tahapan


def load(folder, inovasi, tahapan) -> None:
    if inovasi:
        write_csv(folder, "inovasi.csv", INOVASI_HEADER, inovasi)
    write_csv(folder, "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], tahapan)
    report = run([folder], write=True)
    assert report.exit_code == 0, report.rejected


@pytest.fixture
def history(tmp_path):
    load(tmp_path / "base", *base_rows())
    return tmp_path


def ctx_of(viewer=NATIONAL, filters: Filters | None = None, lang="id") -> Ctx:
    return Ctx("alur", lang, filters or Filters(), viewer)


def test_weekly_finishes_are_whole_weeks_counted_back_from_the_cut(history):
    weekly = alur.weekly_finishes(ctx_of(), THEN)
    assert len(weekly) == forecast.HISTORY_WEEKS and weekly.sum() == 13  # F01–F12 and S1
    # F_i on 7 Jan 2023 + 14·i: (THEN − day − 1) // 7 = 24 − 2i weeks back; S1 (1 Dec 2022) 30 weeks back
    back = {24 - 2 * i for i in range(12)} | {30}
    assert {forecast.HISTORY_WEEKS - 1 - k for k in np.flatnonzero(weekly)} == back
    # the view's first arrival sets where a younger history starts: Mitra's own began on 1 June 2022
    assert len(alur.weekly_finishes(ctx_of(Viewer("daerah", (MITRA,))), dt.date(2022, 9, 1))) == 14


def test_the_backtest_knows_only_the_rows_dated_before_its_day(history):
    before = alur.forecasts(ctx_of())
    assert before["latest"] == LATEST and before["then"].cut == THEN and before["now"].cut == CUT
    then = before["then"]
    assert then.open == 10 and then.ready  # O01–O10, in review on 1 July 2023
    assert before["actual"] == {"open": 10, "by_end": 4, "by_latest": 6, "all_on": None}
    # Later rows, all dated after the backtest's day and none after the data's latest date: a move
    # and an implementation of two proposals open then, a stop, and a new innovation.
    later = [
        ["O07", "penetapan", day(dt.date(2024, 1, 10))],
        ["O08", "penerapan", day(dt.date(2023, 11, 20))],
        ["O09", "dihentikan", day(dt.date(2024, 2, 1))],
        ["Q1", "usulan", day(dt.date(2023, 9, 1))],
        ["Q1", "penerapan", day(dt.date(2023, 12, 1))],
    ]
    load(history / "later", [inovasi_row("Q1", PINRANG, tanggal=day(dt.date(2023, 9, 1)))], later)
    alur_views_cleared()
    after = alur.forecasts(ctx_of())
    assert after["latest"] == LATEST
    same = after["then"]
    assert (same.cut, same.open, same.how_many, same.when) == (then.cut, then.open, then.how_many, then.when)
    assert (same.history.weekly == then.history.weekly).all() and (same.totals == then.totals).all()
    # what happened did change: O08 reached implementation by 31 December 2023
    assert after["actual"] == {"open": 10, "by_end": 5, "by_latest": 7, "all_on": None}
    # and today's forecast sees the new rows: O08 implemented and O09 stopped are no longer open
    # (open now: O07–O10, X1 and Z; then O07, O10, X1 and Z)
    assert (before["now"].open, after["now"].open) == (6, 4)


def test_rows_after_the_data_s_latest_date_leave_a_fixed_day_s_figures_alone(history):
    weekly, actual = alur.weekly_finishes(ctx_of(), THEN), alur.backtest_actual(ctx_of(), THEN, dt.date(2023, 12, 31))
    load(history / "2025", [], [["O10", "penerapan", day(dt.date(2025, 2, 1))], ["O09", "uji_coba", "01/03/2025"]])
    alur_views_cleared()
    assert (alur.weekly_finishes(ctx_of(), THEN) == weekly).all()
    again = alur.backtest_actual(ctx_of(), THEN, dt.date(2023, 12, 31))
    assert (again.terbuka, again.sampai_akhir) == (actual.terbuka, actual.sampai_akhir) == (10, 4)


def alur_views_cleared() -> None:
    """A new load is a new snapshot (cache keys carry it); clear anyway, as the conftest does."""
    import streamlit as st

    st.cache_data.clear()


def test_a_region_account_forecasts_from_its_own_rows_only(history):
    mine = alur.forecasts(ctx_of(Viewer("daerah", (MITRA,))))
    # Mitra: X1 and Z open; its one finish (S1, December 2022) is older than the last 52 weeks
    assert mine["now"].open == 2 and not mine["now"].ready and mine["now"].history.reason == "active"
    assert mine["now"].history.weekly.sum() == 0
    assert mine["actual"]["open"] == 0  # nothing of Mitra's was open on 1 July 2023
    # the same as a national user filtering to Mitra, and not the national figures
    filtered = alur.forecasts(ctx_of(filters=Filters(wilayah=MITRA)))
    assert filtered["now"].open == 2 and (filtered["now"].history.weekly == mine["now"].history.weekly).all()
    national = alur.forecasts(ctx_of())
    assert national["now"].open == 6 and national["now"].ready
    # asking the URL for Pinrang changes nothing for Mitra's account: the scope holds
    other = alur.forecasts(ctx_of(Viewer("daerah", (MITRA,)), Filters(wilayah=PINRANG)))
    assert other["now"].open == 0 and other["now"].history.weekly.sum() == 0


# --- the page ------------------------------------------------------------------------------------


def cards(at) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for m in at.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


@pytest.mark.parametrize("lang", ["id", "en"])
def test_alur_shows_the_forecast_and_its_backtest_for_a_national_user(history, downloads, lang):
    at = app_at(ALUR, {"lang": lang} if lang == "en" else {})
    result = alur.forecasts(ctx_of(lang=lang))
    now, then = result["now"], result["then"]
    sure = "yakin" if lang == "id" else "sure"
    got = cards(at)
    # today's three levels, then the backtest's, in that order
    for p in forecast.LEVELS:
        assert got[f"{p}% {sure}"] == [str(now.how_many[p]), str(then.how_many[p])]
    heading = "Hari ini: 6 usulan terbuka" if lang == "id" else "Today: 6 open proposals"
    assert any(heading in m.value for m in at.markdown)
    happened = next(m for m in at.metric if m.label.startswith(("Yang terjadi", "What happened")))
    assert happened.value == "4"
    table = pd.read_csv(io.BytesIO(downloads(at)["prakiraan_penerapan.csv"]), encoding="utf-8-sig")
    assert table.iloc[:, 0].tolist() == ["50%", "85%", "95%"]
    assert table.iloc[:, 1].tolist() == [now.how_many[p] for p in forecast.LEVELS]
    assert table.iloc[:, 4].tolist() == [4, 4, 4]
    # the chart draws both spreads of trials and the backtest's outcome
    axis = "Bagian percobaan" if lang == "id" else "Share of trials"
    (chart,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if axis in c.proto.spec]
    bars = [tr for tr in chart["data"] if tr["type"] == "bar"]
    assert len(bars) == 2 and all(abs(sum(plotly_array(b["y"])) - 1) < 1e-9 for b in bars)
    (line,) = [tr for tr in chart["data"] if tr["type"] == "scatter"]
    assert plotly_array(line["x"]) == [4, 4]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_region_account_sees_only_its_own_forecast_and_stale_list(history, downloads, lang):
    at = app_at(ALUR, {"lang": lang} if lang == "en" else {}, role="daerah", wilayah=(MITRA,))
    heading = "Hari ini: 2 usulan terbuka" if lang == "id" else "Today: 2 open proposals"
    assert any(heading in m.value for m in at.markdown)
    short = "Riwayat terlalu pendek" if lang == "id" else "The history is too short"
    assert any(short in i.value for i in at.info)
    assert not [m for m in at.metric if m.label.startswith(("50%",))]  # no forecast drawn from too little
    # the stale list: Mitra's S1 alone, though twelve of Pinrang's are stale too
    name = segar.LAST_REPORTED.name(lang)
    (stale,) = [d.value for d in at.dataframe if name in d.value.columns]
    code = "Kode" if lang == "id" else "Code"
    assert stale[code].tolist() == ["S1"]
    files = downloads(at)
    assert pd.read_csv(io.BytesIO(files["tidak_diperbarui.csv"]), encoding="utf-8-sig")[code].tolist() == ["S1"]
    assert not any(b"F0" in data or b"Pinrang" in data for data in files.values())
    national = app_at(ALUR, {"lang": lang} if lang == "en" else {})
    (everyone,) = [d.value for d in national.dataframe if name in d.value.columns]
    assert sorted(everyone[code]) == sorted(["S1", *(f"F{i:02d}" for i in range(1, 13))])


def widgets(at) -> dict[str, str]:
    return {w.label: w.value for w in [*at.selectbox, *at.radio]}


def test_alur_choices_live_in_the_url_and_a_copied_address_opens_the_same_view(history):
    params = {"mulai": "kajian", "selesai": "uji_coba", "cfd": "week", "menurut": "wilayah", "tunggu": "layak"}
    at = app_at(ALUR, params)
    names = ("Tahap mulai", "Tahap selesai", "Satuan waktu diagram alir kumulatif", "Menurut", "Tahap")
    got = {k: v for k, v in widgets(at).items() if k in names}
    assert (got["Tahap mulai"], got["Tahap selesai"]) == ("kajian", "uji_coba")
    assert got["Satuan waktu diagram alir kumulatif"] == "week"
    assert (got["Menurut"], got["Tahap"]) == ("wilayah", "layak")
    assert any(s.value == "Tunggu di tahap layak" for s in at.subheader) or any(
        "Belum cukup perpindahan" in i.value for i in at.info
    )
    # a change is written to the address; back to the default, the key leaves it
    next(s for s in at.selectbox if s.label == "Tahap mulai").set_value("layak").run()
    assert not at.exception and at.query_params["mulai"] in ("layak", ["layak"])
    next(s for s in at.selectbox if s.label == "Tahap selesai").set_value("penerapan").run()
    assert "selesai" not in at.query_params
    next(r for r in at.radio if r.label == "Satuan waktu diagram alir kumulatif").set_value("month").run()
    assert "cfd" not in at.query_params
    copied = {k: (v[-1] if isinstance(v, list) else v) for k, v in dict(at.query_params).items()}
    assert copied == {"mulai": "layak", "menurut": "wilayah", "tunggu": "layak"}
    again = widgets(app_at(ALUR, copied))
    assert {k: again[k] for k in got} == {
        "Tahap mulai": "layak",
        "Tahap selesai": "penerapan",
        "Satuan waktu diagram alir kumulatif": "month",
        "Menurut": "wilayah",
        "Tahap": "layak",
    }
    # an end stage that cannot follow the start falls back to the default, without an error
    odd = widgets(app_at(ALUR, {"mulai": "uji_coba", "selesai": "kajian"}))
    assert (odd["Tahap mulai"], odd["Tahap selesai"]) == ("uji_coba", "penerapan")
