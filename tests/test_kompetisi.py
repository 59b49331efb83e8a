"""The competition pipeline: `capaian` read on each competition's ordered scale (rules, spellings, old
rows), the share passing each round and the survival of awarded innovations worked by hand, and who
sees which entries (a region's account: its own, and only national aggregates of others)."""

from __future__ import annotations

import csv
import io
import json
import math

import duckdb
import pandas as pd
import pytest

from conftest import app_at, write_csv
from dasbor import domain, stats, store
from dasbor.access import NATIONAL, Viewer
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import dampak
from dasbor.queries import kompetisi as q
from etl.load import rebuild, run

RINGKASAN = "pages/1_ringkasan.py"
WILAYAH = "pages/2_perbandingan_wilayah.py"
HEADER = ["kode_wilayah", "kode_inovasi", "ajang", "tahun", "kategori", "capaian"]
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


def _innovations(folder):
    write_csv(
        folder,
        "inovasi.csv",
        INOVASI,
        [
            ["A", "Satu", "71.07", "Dinas", "asn", "lainnya", "digital", "01/01/2019"],
            ["B", "Dua", "71.07", "Dinas", "asn", "lainnya", "digital", "01/01/2019"],
        ],
    )


# 1. The scale's rules


@pytest.mark.parametrize(
    "ajang, capaian, choices",
    [
        ("KIPP", "Juara 1", "peserta, top_99, top_9, top_25, top_35, top_40, top_45, nominee_unpsa, pemenang_unpsa"),
        ("IGA", "Top 99", "peserta, nominasi, terinovatif"),
        ("UNPSA", "Top 45", "peserta, finalis, pemenang"),
        ("Inagara", "Terinovatif", "peserta, nominasi, pemenang"),
    ],
)
def test_a_capaian_off_its_competitions_scale_is_rejected_naming_the_rounds(tmp_path, ajang, capaian, choices):
    _innovations(tmp_path)
    write_csv(
        tmp_path,
        "penghargaan.csv",
        HEADER,
        [["71.07", "A", "KIPP", "2020", "", "Top 99"], ["71.07", "", ajang, "2021", "", capaian]],
    )
    report = run([tmp_path], write=True)
    [bad] = [r for r in report.rejected if r["file"] == "penghargaan.csv"]
    assert (bad["row"], bad["column"], bad["value"]) == (3, "capaian", capaian)
    assert bad["reason"] == (f"bukan babak ajang {ajang}; pilihan: {choices} (kosongkan bila babaknya tidak diketahui)")
    assert bad["reason_en"].startswith(f"not a round of {ajang}; choose one of: {choices}")
    assert store.query("select capaian from penghargaan").capaian.tolist() == ["Top 99"]


def test_spellings_empty_and_free_capaian_load_and_one_entry_per_round_sent(tmp_path):
    _innovations(tmp_path)
    rows = [
        ["71.07", "A", "KIPP", "2020", "Kabupaten", "Peserta"],
        ["71.07", "A", "KIPP", "2020", "Kabupaten", "TOP-99"],  # a row per round reached: one entry
        ["71.07", "B", "KIPP", "2021", "Kabupaten", "Nominee UNPSA"],
        ["71.07", "", "IGA", "2022", "Kabupaten", "Ter-inovatif"],
        ["71.07", "", "IGA", "2023", "Kabupaten", "most innovative"],
        ["73.15", "", "Inagara", "2021", "", "Penerima Inagara"],
        ["73.15", "", "KIPP", "2016", "", ""],  # took part, round unknown (as old award rows were sent)
        ["73.15", "", "lainnya", "2019", "", "Juara Harapan"],  # no scale: any text
    ]
    write_csv(tmp_path, "penghargaan.csv", HEADER, rows)
    report = run([tmp_path], write=True)
    assert not report.rejected
    # The rows keep what the report says; the entries read it on the scale.
    assert store.query("select count(*) n from penghargaan where capaian = 'TOP-99'").n[0] == 1
    entries = store.query(
        "select ajang, tahun, kode_inovasi, peringkat, capaian from kompetisi_entri order by ajang, tahun"
    )
    assert len(entries) == 7  # A's two rows are one entry
    assert entries.capaian.fillna("").tolist() == [
        "terinovatif",
        "terinovatif",
        "pemenang",
        "",
        "top_99",
        "nominee_unpsa",
        "",
    ]
    kipp = entries[entries.ajang == "KIPP"].set_index("tahun")
    assert kipp.peringkat[2020] == 2 and kipp.peringkat[2021] == 4
    assert pd.isna(kipp.peringkat[2016])
    assert pd.isna(entries[entries.ajang == "lainnya"].peringkat.iloc[0])
    again = run([tmp_path], write=True)
    assert again.tables["penghargaan"]["changed"] == 0


def test_award_rows_loaded_before_the_scale_are_read_on_it_at_the_next_rebuild(tmp_path, data_dir):
    _innovations(tmp_path)
    write_csv(
        tmp_path,
        "penghargaan.csv",
        HEADER,
        [["71.07", "A", "KIPP", "2020", "", "Top 99"], ["71.07", "", "IGA", "2021", "", "nominasi"]],
    )
    assert run([tmp_path], write=True).exit_code == 0
    # As an earlier version left a snapshot: no scale tables, and a text the validator now refuses.
    snap = store.current_snapshot()
    store.close_readers()
    with duckdb.connect(str(snap)) as con:
        con.execute("update penghargaan set capaian = 'Juara Umum' where ajang = 'IGA'")
        for table in ("kompetisi_entri", "capaian_baca", "capaian_ref"):
            con.execute(f"drop table {table}")
    rebuild()
    stored = store.query("select ajang, capaian from penghargaan order by ajang")
    assert stored.values.tolist() == [["IGA", "Juara Umum"], ["KIPP", "Top 99"]]  # rows untouched
    entries = store.query("select ajang, peringkat from kompetisi_entri order by ajang")
    assert pd.isna(entries.peringkat[0]) and entries.peringkat[1] == 2


def test_capaian_ref_in_a_snapshot_is_the_domain(tmp_path):
    _innovations(tmp_path)
    assert run([tmp_path], write=True).exit_code == 0
    ref = store.query("select * from capaian_ref order by ajang, peringkat, capaian")
    want = sorted(domain.capaian_ref_rows(), key=lambda r: (r["ajang"], r["peringkat"], r["capaian"]))
    assert ref.to_dict("records") == want


# 2. The figures, by hand


def test_the_share_passing_each_round_by_hand():
    # KIPP entries: three stopped as entrants, two at Top 99, one at the final; one of unknown round.
    frame = pd.DataFrame({"peringkat": [1, 1, 1, 2, 2, 3, None]})
    out = q.passing(frame, "KIPP").set_index("peringkat")
    # Top 99: of 6 known entries, 3 reached it; the final: of those 3, 1.
    assert (out.n[2], out.k[2], out.berhenti[2]) == (6, 3, 3)
    assert out.bagian[2] == pytest.approx(0.5) and (out.lo[2], out.hi[2]) == pytest.approx(stats.wilson(3, 6))
    assert (out.n[3], out.k[3], out.bagian[3]) == (3, 1, pytest.approx(1 / 3))
    # Nobody recorded as stopping at the final: only the passers are listed, so no share is given.
    assert (out.n[4], out.k[4], out.berhenti[4]) == (1, 0, 1)
    only_passers = q.passing(pd.DataFrame({"peringkat": [2, 2, 3]}), "IGA").set_index("peringkat")
    assert only_passers.berhenti[2] == 0 and math.isnan(only_passers.bagian[2])
    assert only_passers.bagian[3] == pytest.approx(1 / 3)
    # A region's two entries, both at the final: whether its data lists only passers is the nation's to
    # say (the nation records entries stopping at Top 99), so its 2 of 2 is a share.
    region = pd.DataFrame({"peringkat": [3, 3]})
    assert math.isnan(q.passing(region, "KIPP").set_index("peringkat").bagian[3])
    assert q.passing(region, "KIPP", q.recorded_stops(frame)).set_index("peringkat").bagian[3] == 1.0


def test_the_known_round_sizes_and_their_shares():
    sizes = q.known_sizes("KIPP").set_index(["tahun", "capaian"])
    assert sizes.jumlah[(2019, "peserta")] == 3156 and sizes.jumlah[(2019, "top_45")] == 45
    assert sizes.bagian[(2019, "top_99")] == pytest.approx(99 / 3156)
    assert sizes.bagian[(2019, "top_45")] == pytest.approx(45 / 99)
    assert math.isnan(sizes.bagian[(2020, "top_99")])  # 2020's entrants are not known
    assert all(s.source for s in domain.ROUND_SIZES)
    assert q.known_sizes("UNPSA").empty


def _survival_data(folder):
    _innovations(folder)
    write_csv(
        folder,
        "tahapan.csv",
        ["kode_inovasi", "tahap", "tanggal"],
        [
            ["A", "penerapan", "01/01/2020"],
            ["A", "dihentikan", "19/07/2020"],  # 200 days after implementation
            ["B", "penerapan", "01/01/2020"],
        ],
    )
    write_csv(
        folder,
        "penghargaan.csv",
        HEADER,
        [["71.07", "A", "KIPP", "2021", "", "Top 99"], ["71.07", "B", "KIPP", "2021", "", "peserta"]],
    )


def test_whether_awarded_innovations_keep_running_by_hand_with_dampaks_definition(tmp_path):
    _survival_data(tmp_path / "b")
    assert run([tmp_path / "b"], write=True).exit_code == 0
    ctx = Ctx("ringkasan", "id", Filters(), NATIONAL)
    out = q.running(ctx).set_index("kelompok")
    # Passed a round: A, stopped after 200 days: 0 running after a year (the curve reached zero).
    assert (out.n["lolos"], out.berhenti["lolos"]) == (1, 1)
    assert [out[f"th{y}"]["lolos"] for y in (1, 2, 3)] == [0.0, 0.0, 0.0]
    # Entered, never passed: B, running since 01/01/2020.
    assert (out.n["tidak_lolos"], out.th3["tidak_lolos"]) == (1, 1.0)
    # Every implemented innovation: 1 of 2 stopped at day 200, so 1/2 from then on.
    assert (out.n["semua"], out.th1["semua"], out.th3["semua"]) == (2, 0.5, 0.5)
    # The same curve Dampak draws (one definition).
    life = dampak.survival(Filters(), NATIONAL, store.current_snapshot())
    times, surv = stats.kaplan_meier(life.hari, life.berhenti, life.jumlah)
    assert out.th1["semua"] == surv[times <= 365.25][-1]
    # A region's account reads its own innovations here, and the national figures beside them.
    other = q.running(Ctx("ringkasan", "id", Filters(), Viewer("daerah", ("73.15",)))).set_index("kelompok")
    assert other.n["semua"] == 0 and other.nasional_n["semua"] == 2


# 3. Who sees which entries, on the sample


def _table_with(at, column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if column in d.value.columns)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_region_account_sees_its_own_entries_and_national_aggregates_on_ringkasan(sample_data, lang):
    at = app_at(RINGKASAN, {"lang": "en"} if lang == "en" else {}, role="daerah", wilayah=("71.07",))
    headers = [h.value for h in at.header]
    assert ("Kompetisi inovasi" if lang == "id" else "Innovation competitions") in headers
    own = store.query(
        "select tahun, count(*) n from kompetisi_entri where ajang = 'KIPP' and kode_wilayah = '71.07' group by 1"
    )
    assert own.n.sum() > 0, "the sample has KIPP entries of 71.07"
    entries = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["layout"].get("barmode") == "stack"
    )
    from conftest import plotly_array

    drawn: dict[int, int] = {}
    for trace in entries["data"]:
        for x, y in zip(plotly_array(trace["x"]), plotly_array(trace["y"]), strict=True):
            drawn[int(x)] = drawn.get(int(x), 0) + int(y)
    assert drawn == dict(zip(own.tahun.astype(int), own.n.astype(int), strict=True))
    # The share passing each round: this region's and the national one, nothing of another region.
    passing = _table_with(at, "Untuk" if lang == "id" else "For")
    national = q.passing(q.national_entries("KIPP"), "KIPP")
    assert set(passing.iloc[:, 0]) == {"Kabupaten Minahasa Tenggara", "Nasional" if lang == "id" else "National"}
    nat_rows = passing[passing.iloc[:, 0] == ("Nasional" if lang == "id" else "National")]
    assert nat_rows.iloc[:, 3].astype(int).tolist() == national.k.tolist()
    never = q.never_passed("KIPP")
    text = " ".join(m.value for m in at.markdown)
    assert (f"Secara nasional: {len(never)} wilayah." if lang == "id" else f"Nationally: {len(never)} regions.") in text
    others = set(never.nama) - {"Kabupaten Minahasa Tenggara"}
    assert others and not any(name in text for name in others)
    for d in at.dataframe:
        assert not any(name in d.value.to_string() for name in others)


@pytest.mark.parametrize(("role", "wilayah"), [("nasional", ()), ("daerah", ("71.07",))])
def test_perbandingan_lists_regions_that_never_pass_only_for_national_users(sample_data, role, wilayah, downloads):
    at = app_at(WILAYAH, role=role, wilayah=wilayah)
    never = q.never_passed("KIPP")
    assert len(never) >= 2
    files = downloads(at)
    per_region = list(csv.DictReader(io.StringIO(files["kompetisi_wilayah_KIPP.csv"].decode("utf-8-sig"))))
    if role == "nasional":
        listed = list(csv.DictReader(io.StringIO(files["kompetisi_tanpa_lolos_KIPP.csv"].decode("utf-8-sig"))))
        assert [r["Wilayah"] for r in listed] == never.nama.tolist()
        assert (
            len(per_region)
            == store.query("select count(distinct kode_wilayah) n from kompetisi_entri where ajang = 'KIPP'").n[0]
        )
    else:
        assert "kompetisi_tanpa_lolos_KIPP.csv" not in files
        assert [r["Wilayah"] for r in per_region] == ["Kabupaten Minahasa Tenggara", "Seluruh Indonesia"]
        total = store.query("select count(*) n from kompetisi_entri where ajang = 'KIPP'").n[0]
        assert float(per_region[-1]["Jumlah"]) == total
        text = " ".join(m.value for m in at.markdown)
        assert f"Secara nasional: {len(never)} wilayah." in text
        assert not any(name in text for name in set(never.nama) - {"Kabupaten Minahasa Tenggara"})


def test_a_competition_whose_entrants_are_not_listed_shows_no_share_for_its_first_round(sample_data):
    at = app_at(RINGKASAN, {"wil": "73.15", "ajang": "IGA", "lang": "en"})
    table = _table_with(at, "For")
    first = table[table["Round"] == "Nominee"]
    assert set(first["Share"]) == {"only those who passed are recorded"}
