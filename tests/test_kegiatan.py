"""Kegiatan (outreach events): the table's rules, a difference-in-differences worked by hand, the same
estimate through the real loader and the page, "too few to say" instead of a chart, and who sees which
events (a region's account: its own, and only national aggregates of others), in both languages."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date

import pytest
from scipy import stats as sps

from conftest import app_at, write_csv
from dasbor import outreach, store
from dasbor.queries import kegiatan as q
from etl.load import run

RINGKASAN = "pages/1_ringkasan.py"
WILAYAH = "pages/2_perbandingan_wilayah.py"
HEADER = ["kode_wilayah", "nama_wilayah", "tanggal", "jenis", "penyelenggara", "peserta", "sasaran", "keterangan"]
INOVASI = [
    "kode_inovasi",
    "nama_inovasi",
    "kode_wilayah",
    "perangkat_daerah",
    "inisiator",
    "bentuk",
    "jenis",
    "tanggal_usulan",
]


def _charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def _is_monthly(chart: dict) -> bool:
    """The months around one event (its own trend drawn on is a trace no other chart has)."""
    return any(
        d.get("name") in ("Tren sebelum kegiatan, diteruskan", "Trend before the event, drawn on")
        for d in chart["data"]
    )


# 1. The difference in differences, by hand


def test_the_difference_in_differences_and_its_interval_worked_by_hand():
    # Four months before and four after. Region: 1 0 2 1 | 3 2 4 3; comparison mean: .5 .5 1 0 | 1 1 1.5 .5.
    # Differences d = region − comparison: .5 −.5 1 1 (mean .5) | 2 1 2.5 2.5 (mean 2). DiD = 2 − .5 = 1.5.
    # Both windows: deviations 0 −1 .5 .5, squares sum 1.5, variance 1.5/3 = .5; SE = √(.5/4 + .5/4) = .5.
    # 95%: ± t(.975, 6) × .5, t(.975, 6) = 2.446911851144969 (tables: 2.447).
    est = outreach.difference_in_differences([1, 0, 2, 1], [3, 2, 4, 3], [0.5, 0.5, 1, 0], [1, 1, 1.5, 0.5], 40)
    assert est.status == outreach.COMPUTED
    assert (est.n_before, est.n_after) == (4, 12)
    assert (est.region_before, est.region_after, est.comparison_before, est.comparison_after) == (1.0, 3.0, 0.5, 1.0)
    assert est.did == pytest.approx(1.5)
    assert est.se == pytest.approx(0.5)
    assert est.lo == pytest.approx(1.5 - 2.446911851144969 * 0.5)
    assert est.hi == pytest.approx(1.5 + 2.446911851144969 * 0.5)
    # The same as (after − before in the region) − (after − before in the comparison).
    assert est.did == pytest.approx((3.0 - 1.0) - (1.0 - 0.5))


def test_too_few_proposals_or_comparison_regions_give_no_estimate():
    few = outreach.difference_in_differences([0] * 12, [1] * 9 + [0] * 3, [0.1] * 12, [0.1] * 12, 100)
    assert few.status == outreach.TOO_FEW and math.isnan(few.did) and math.isnan(few.lo)
    assert (few.n_before, few.n_after) == (0, 9)  # the counts are still told
    enough = outreach.difference_in_differences([0] * 12, [1] * 10 + [0] * 2, [0.1] * 12, [0.1] * 12, 100)
    assert enough.status == outreach.COMPUTED and outreach.MIN_PROPOSALS == 10
    alone = outreach.difference_in_differences([1] * 12, [2] * 12, [0.1] * 12, [0.1] * 12, outreach.MIN_COMPARISON - 1)
    assert alone.status == outreach.NO_COMPARISON and math.isnan(alone.did)


def test_the_regions_own_trend_drawn_on_by_hand():
    # Before: 0, 1, ..., 11 (months 0–11): the line is y = x. The event's month is 12; after are 13–24,
    # whose mean month is 18.5, so the trend predicts 18.5 a month after.
    assert outreach.trend(list(range(12))) == pytest.approx((0.0, 1.0))
    assert outreach.trend_after(list(range(12))) == pytest.approx(18.5)
    assert outreach.trend_after([2] * 12) == pytest.approx(2.0)


def test_the_mean_over_events_of_one_kind_by_hand():
    # Estimates 1, 2, 3: mean 2, sd 1, SE 1/√3; t(.975, 2) = 4.302652729911275.
    pool = outreach.pooled([1.0, 2.0, 3.0, math.nan])
    assert pool.n == 3 and pool.mean == pytest.approx(2.0)
    assert pool.lo == pytest.approx(2 - 4.302652729911275 / math.sqrt(3))
    assert pool.hi == pytest.approx(2 + 4.302652729911275 / math.sqrt(3))
    assert math.isnan(outreach.pooled([1.0, 2.0]).mean)  # fewer than MIN_EVENTS: no mean


# 2. The same estimate through the loader

EVENT = date(2020, 6, 15)


def _month(k: int) -> date:
    """The 10th of the k-th month after June 2020 (k < 0: before)."""
    m = EVENT.month - 1 + k
    return date(EVENT.year + m // 12, m % 12 + 1, 10)


def _synthetic(folder):
    """71.07 (a kabupaten) holds a sosialisasi on 15/06/2020. Its proposals: 1 in each of the 12 months
    before, then 1, 3, 1, 3, ... in the 12 after, and 5 in June 2020 itself (the event's month, not
    counted). Comparison (kabupaten reporting, no event in the window): 71.01 one a month throughout,
    71.02 one a month after only, 71.03, 71.04, 71.05 none in the window (they report, later). 71.06
    held an event in the window and sends many: excluded. Manado (71.71) is a kota: another cluster."""
    rows, n = [], 0

    def add(region: str, day: date) -> None:
        nonlocal n
        n += 1
        rows.append([f"K-{n}", f"Inovasi {n}", region, "Dinas", "asn", "lainnya", "digital", day.strftime("%d/%m/%Y")])

    for k in range(-12, 0):
        add("71.07", _month(k))
        add("71.01", _month(k))
        for _ in range(9):
            add("71.06", _month(k))
    for _ in range(5):
        add("71.07", date(2020, 6, 20))
    for k in range(1, 13):
        for _ in range(1 if k % 2 else 3):
            add("71.07", _month(k))
        add("71.01", _month(k))
        add("71.02", _month(k))
        add("71.71", _month(k))
    for region in ("71.03", "71.04", "71.05"):
        add(region, date(2022, 3, 1))  # reporting regions, after the window
    add("71.71", date(2022, 9, 30))  # the data runs on past the window
    write_csv(folder, "inovasi.csv", INOVASI, rows)
    write_csv(
        folder,
        "kegiatan.csv",
        HEADER,
        [
            ["71.07", "", "15/06/2020", "sosialisasi", "Bagian Organisasi", "80", "perangkat daerah", ""],
            ["71.06", "", "01/02/2021", "bimtek", "BRIDA", "", "", ""],
        ],
    )


def test_an_event_loaded_through_the_loader_gives_the_estimate_worked_by_hand(tmp_path):
    _synthetic(tmp_path / "b")
    assert run([tmp_path / "b"], write=True).exit_code == 0
    est = q.estimates(str(store.current_snapshot()))
    row = est[(est.kode_wilayah == "71.07")].iloc[0]
    # Region: 1 a month before (12), after 1,3,1,3,... (mean 2, 24); June's 5 not counted.
    # Comparison (71.01–71.05, five): before .2 a month (71.01 alone), after .4 (71.01 and 71.02).
    # d before = 1 − .2 = .8 every month (variance 0); d after = .6, 2.6, ... (mean 1.6, variance 12/11).
    # DiD = 1.6 − .8 = .8; SE = √((12/11)/12 + 0) = √(1/11); t(.975, 22) = 2.0738730679040147.
    assert (row.status, row.n_before, row.n_after, row.n_comparison) == (outreach.COMPUTED, 12, 24, 5)
    assert (row.region_before, row.region_after) == (pytest.approx(1.0), pytest.approx(2.0))
    assert (row.comparison_before, row.comparison_after) == (pytest.approx(0.2), pytest.approx(0.4))
    half = 2.0738730679040147 * math.sqrt(1 / 11)
    assert row.did == pytest.approx(0.8)
    assert (row.lo, row.hi) == (pytest.approx(0.8 - half), pytest.approx(0.8 + half))
    assert sps.t.ppf(0.975, 22) == pytest.approx(2.0738730679040147)
    assert (row.dari, row.sampai) == (date(2019, 6, 1), date(2021, 6, 30))
    assert row.tren_sesudah == pytest.approx(1.0)  # one a month before, flat: it predicted one a month
    # 71.06's own event: its window runs past the data's last full month? No: the data runs to 09/2022.
    other = est[est.kode_wilayah == "71.06"].iloc[0]
    assert other.n_comparison == 5  # 71.07 held an event in that window too, so it is left out
    months = q.series(str(store.current_snapshot()), "71.07", EVENT)
    assert len(months) == 25 and list(months.fase).count("kegiatan") == 1
    assert months.wilayah[months.fase == "kegiatan"].iloc[0] == 5  # drawn, but not counted
    assert months.pembanding[months.fase == "sesudah"].tolist() == pytest.approx([0.4] * 12)


def test_the_region_section_shows_the_hand_computed_estimate_in_both_languages(tmp_path, downloads):
    _synthetic(tmp_path / "b")
    assert run([tmp_path / "b"], write=True).exit_code == 0
    for lang, words in (("id", "usulan per bulan lebih banyak"), ("en", "proposals per month more")):
        at = app_at(RINGKASAN, {"wil": "71.07", "lang": lang} if lang == "en" else {"wil": "71.07"})
        text = " ".join(m.value for m in at.markdown)
        number = "0,80" if lang == "id" else "0.80"
        assert f"**{number} {words}**" in text
        half = 2.0738730679040147 * math.sqrt(1 / 11)
        lo, hi = (f"{v:.2f}".replace(".", "," if lang == "id" else ".") for v in (0.8 - half, 0.8 + half))
        assert f"{lo} – {hi}" in text
        assert ("asosiasi, bukan bukti" if lang == "id" else "association, not proof") in text
        chart = next(c for c in _charts(at) if _is_monthly(c))
        bars = next(d for d in chart["data"] if d["type"] == "bar")
        assert len(bars["x"]) == 25
        files = downloads(at)
        rows = list(csv.DictReader(io.StringIO(files["kegiatan_dampak_71.07.csv"].decode("utf-8-sig"))))
        did = (
            "Selisih dari selisih (usulan per bulan)"
            if lang == "id"
            else "Difference in differences (proposals per month)"
        )
        assert float(rows[0][did]) == pytest.approx(0.8)
        assert q.AFTER.definition(lang) in " ".join(c.value for c in at.caption)


# 3. Too few proposals: a sentence, not a line


def test_with_too_few_proposals_the_page_says_so_and_draws_no_line(tmp_path):
    rows = [
        ["F-1", "Satu", "71.07", "Dinas", "asn", "lainnya", "digital", "01/03/2020"],
        ["F-2", "Dua", "71.07", "Dinas", "asn", "lainnya", "digital", "01/09/2020"],
        ["F-3", "Tiga", "71.01", "Dinas", "asn", "lainnya", "digital", "01/01/2019"],
        ["F-4", "Empat", "71.01", "Dinas", "asn", "lainnya", "digital", "01/01/2023"],
    ]
    write_csv(tmp_path, "inovasi.csv", INOVASI, rows)
    write_csv(tmp_path, "kegiatan.csv", HEADER, [["71.07", "", "15/06/2020", "bimtek", "BRIDA", "", "", ""]])
    assert run([tmp_path], write=True).exit_code == 0
    for lang, said in (("id", "Usulan terlalu sedikit untuk menyimpulkan"), ("en", "Too few proposals to say")):
        at = app_at(RINGKASAN, {"wil": "71.07", **({"lang": "en"} if lang == "en" else {})})
        info = " ".join(i.value for i in at.info)
        assert said in info and "1" in info
        assert not any(_is_monthly(c) for c in _charts(at))


# 4. The table's rules


def _load(folder, rows, header=HEADER, inovasi=True):
    if inovasi:
        write_csv(
            folder, "inovasi.csv", INOVASI, [["A", "Satu", "71.07", "Dinas", "asn", "lainnya", "digital", "01/01/2020"]]
        )
    write_csv(folder, "kegiatan.csv", header, rows)
    return run([folder], write=True)


@pytest.mark.parametrize(
    "row, column, value, why",
    [
        (
            ["71.07", "", "22/11/2017", "rapat", "Setda", "", "", ""],
            "jenis",
            "rapat",
            "nilai tidak dikenal; pilihan: sosialisasi",
        ),
        (["71.07", "", "22/11/2017", "bimtek", "Setda", "-3", "", ""], "peserta", "-3", "kurang dari 0"),
        (["71.07", "", "22/11/2017", "bimtek", "Setda", "12,5", "", ""], "peserta", "12,5", "bukan bilangan bulat"),
        (["71.07", "", "", "bimtek", "Setda", "", "", ""], "tanggal", None, "wajib diisi"),
        (["71.07", "", "31/02/2018", "bimtek", "Setda", "", "", ""], "tanggal", "31/02/2018", "tidak ada di kalender"),
        (["71.07", "", "01/01/2099", "bimtek", "Setda", "", "", ""], "tanggal", "01/01/2099", "masa depan"),
        (["71.07", "", "22/11/2017", "bimtek", "", "", "", ""], "penyelenggara", None, "wajib diisi"),
        (
            ["", "Kabupaten Antah Berantah", "22/11/2017", "bimtek", "Setda", "", "", ""],
            "nama_wilayah",
            "Kabupaten Antah Berantah",
            "tidak dikenal",
        ),
        (["", "", "22/11/2017", "bimtek", "Setda", "", "", ""], "nama_wilayah", None, "kosong"),
    ],
)
def test_each_rule_of_the_kegiatan_table_rejects_its_row_naming_file_row_column_and_value(
    tmp_path, row, column, value, why
):
    good = ["71.07", "", "22/11/2017", "sosialisasi", "Bagian Organisasi", "85", "perangkat daerah", "Manado"]
    report = _load(tmp_path, [good, row])
    assert report.tables["kegiatan"] == {"read": 2, "loaded": 1, "rejected": 1, "changed": 1}
    [bad] = [r for r in report.rejected if r["file"] == "kegiatan.csv"]
    assert (bad["row"], bad["column"], bad["value"]) == (3, column, value)
    assert why in bad["reason"] and bad["reason_en"] and bad["reason_en"] != bad["reason"]
    assert store.query("select count(*) n from kegiatan").n[0] == 1


def test_a_repeated_event_is_rejected_and_a_reload_changes_nothing(tmp_path):
    rows = [
        ["71.07", "", "22/11/2017", "Sosialisasi", "Bagian Organisasi", "85", "perangkat daerah", "Manado"],
        ["", "Kabupaten Minahasa Tenggara", "22/11/2017", "sosialisasi", "Lain", "", "", ""],
        ["", "Kab. Pinrang", "15/02/2016", "bimbingan teknis", "BRIDA", "1.200", "kecamatan", ""],
    ]
    report = _load(tmp_path, rows)
    [dup] = report.rejected
    assert (dup["row"], dup["column"]) == (3, "jenis")
    assert "kunci (kode_wilayah, tanggal, jenis) sudah ada di kegiatan.csv baris 2" in dup["reason"]
    loaded = store.query("select kode_wilayah, tanggal, jenis, peserta from kegiatan order by kode_wilayah")
    assert loaded.values.tolist() == [
        ["71.07", loaded.tanggal[0], "sosialisasi", 85],
        ["73.15", loaded.tanggal[1], "bimtek", 1200],
    ]
    again = _load(tmp_path, rows)
    assert again.tables["kegiatan"]["changed"] == 0
    assert store.query("select count(*) n from kegiatan").n[0] == 2


def test_english_headers_and_spellings_are_read(tmp_path):
    header = ["region_code", "region_name", "date", "kind", "organiser", "participants", "audience", "description"]
    report = _load(tmp_path, [["73.15", "", "2016-02-15", "Technical guidance", "BRIDA", "40", "ASN", ""]], header)
    assert not report.rejected
    assert store.query("select jenis from kegiatan").jenis.tolist() == ["bimtek"]


# 5. Who sees which events, on the sample


def _events_table(at, lang: str):
    col = "Jenis" if lang == "id" else "Kind"
    organiser = "Penyelenggara" if lang == "id" else "Organiser"
    return next(d.value for d in at.dataframe if col in d.value.columns and organiser in d.value.columns)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_region_account_sees_its_own_events_with_their_estimates_on_ringkasan(sample_data, lang, downloads):
    params = {"lang": "en"} if lang == "en" else {}
    at = app_at(RINGKASAN, params, role="daerah", wilayah=("71.07",))
    headers = [h.value for h in at.header]
    assert ("Kegiatan pembinaan dan sesudahnya" if lang == "id" else "Outreach events and what followed") in headers
    est = q.estimates(str(store.current_snapshot()))
    mine = est[est.kode_wilayah == "71.07"]
    files = downloads(at)
    listed = list(csv.DictReader(io.StringIO(files["kegiatan_71.07.csv"].decode("utf-8-sig"))))
    assert {r["kode_wilayah"] for r in listed} == {"71.07"} and len(listed) == len(mine)
    assert "2017-11-22" in {r["tanggal"] for r in listed}
    rows = list(csv.DictReader(io.StringIO(files["kegiatan_dampak_71.07.csv"].decode("utf-8-sig"))))
    did = (
        "Selisih dari selisih (usulan per bulan)" if lang == "id" else "Difference in differences (proposals per month)"
    )
    shown = sorted(float(r[did]) for r in rows if r[did])
    assert shown == pytest.approx(sorted(mine.did.dropna()))
    seed = mine[mine.tanggal == date(2017, 11, 22)].iloc[0]
    assert seed.status == outreach.COMPUTED, "the sample holds enough proposals around 22/11/2017"
    # No other region's event or name reaches the page.
    page = " ".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)])
    assert "Pinrang" not in page
    for d in at.dataframe:
        assert "Kabupaten Pinrang" not in d.value.to_string()


def test_a_region_account_asking_for_another_region_gets_no_section_for_it(sample_data):
    at = app_at(RINGKASAN, {"wil": "73.15"}, role="daerah", wilayah=("71.07",))
    assert "Kegiatan pembinaan dan sesudahnya" not in [h.value for h in at.header]
    assert not any("Pinrang" in m.value for m in at.markdown)


def test_a_national_user_sees_a_region_through_the_region_filter(sample_data):
    at = app_at(RINGKASAN, {"wil": "73.15", "kegiatan": "2016-02-15.sosialisasi"})
    est = q.estimates(str(store.current_snapshot()))
    row = est[(est.kode_wilayah == "73.15") & (est.tanggal == date(2016, 2, 15))].iloc[0]
    assert row.status == outreach.COMPUTED
    text = " ".join(m.value for m in at.markdown)
    assert f"**{abs(row.did):.2f}".replace(".", ",") in text
    assert f"{int(row.n_comparison)} kabupaten pembanding" in text
    assert any(_is_monthly(c) for c in _charts(at))


@pytest.mark.parametrize(("role", "wilayah"), [("nasional", ()), ("daerah", ("71.07",))])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_perbandingan_shows_the_kinds_of_outreach_nationally_and_only_own_events_to_a_region(
    sample_data, role, wilayah, lang, downloads
):
    at = app_at(WILAYAH, {"lang": "en"} if lang == "en" else {}, role=role, wilayah=wilayah)
    est = q.estimates(str(store.current_snapshot()))
    kinds = q.by_kind()
    chart = next(c for c in _charts(at) if c["data"] and c["data"][0].get("error_x"))
    points = chart["data"][0]
    from dasbor.i18n import label

    drawn = kinds[kinds.rata.notna()]
    assert list(points["y"]) == [label("jenis_kegiatan", j, lang) for j in drawn.jenis]
    assert len(drawn) >= 1, "the sample has a kind of event with enough computable events"
    for kind in drawn.itertuples():
        part = est[(est.jenis == kind.jenis) & (est.status == outreach.COMPUTED)]
        assert kind.rata == pytest.approx(part.did.mean())  # the same aggregate for every role
    files = downloads(at)
    listed = list(csv.DictReader(io.StringIO(files["kegiatan_semua.csv"].decode("utf-8-sig"))))
    code = "Kode wilayah" if lang == "id" else "Region code"
    regions = {r[code] for r in listed}
    if role == "daerah":
        assert regions == {"71.07"}
    else:
        assert regions == set(est.kode_wilayah) and len(listed) == len(est)
