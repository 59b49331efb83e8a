"""Data freshness (dasbor/queries/segar.py): when an innovation and a region were last reported, and
which innovations in trial or implementation are not updated, pinned on hand-made rows; a region's
account sees its own list only, on Alur Tahapan and on Perbandingan Wilayah."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest

from conftest import INOVASI_HEADER, app_at, inovasi_row, write_csv
from dasbor import fmt, store
from dasbor.access import NATIONAL, Viewer
from dasbor.filters import Filters
from dasbor.queries import segar
from etl.load import run

MITRA, PINRANG = "71.07", "73.15"
LATEST = dt.date(2024, 6, 30)
WILAYAH = "pages/2_perbandingan_wilayah.py"
ALUR = "pages/3_alur_tahapan.py"

# code: region, proposal date, stage rows (stage, date), reported tahap_terkini
ROWS = {
    "A": (MITRA, "10/01/2022", [("penerapan", "10/01/2023")], ""),  # silent since 10 Jan 2023: stale
    "B": (MITRA, "10/01/2022", [("uji_coba", "10/01/2023")], ""),  # in trial, evaluated 1 Aug 2023: fresh
    "C": (MITRA, "10/01/2022", [("penerapan", "10/01/2023")], ""),  # an award of 2024 counts from 1 Jan 2024
    "D": (MITRA, "10/01/2022", [("penerapan", "30/06/2023")], ""),  # exactly 12 months before: not stale
    "E": (MITRA, "10/01/2022", [("penerapan", "29/06/2023")], ""),  # one day more: stale
    "F": (MITRA, "10/01/2022", [("kajian", "01/02/2022")], ""),  # silent, but waiting in review: not running
    "G": (MITRA, "10/01/2022", [("evaluasi", "01/05/2022")], ""),  # evaluated long ago: past running
    # reported as implemented without a date, history up to review: its last stage row is 1 Sep 2022
    "H": (MITRA, "01/03/2022", [("kajian", "01/09/2022")], "penerapan"),
    "K": (PINRANG, "10/01/2022", [("penerapan", "01/12/2022")], ""),  # Pinrang's, stale
    "Z": (MITRA, "30/06/2024", [], ""),  # the data's latest date
}


@pytest.fixture
def fresh(tmp_path):
    write_csv(
        tmp_path,
        "inovasi.csv",
        [*INOVASI_HEADER, "tahap_terkini"],
        [[*inovasi_row(k, region, tanggal=proposed), reported] for k, (region, proposed, _, reported) in ROWS.items()],
    )
    stages = [[k, "usulan", proposed] for k, (_, proposed, _, _) in ROWS.items()]
    stages += [[k, stage, on] for k, (_, _, steps, _) in ROWS.items() for stage, on in steps]
    write_csv(tmp_path, "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], stages)
    write_csv(
        tmp_path, "evaluasi.csv", ["kode_inovasi", "tanggal_evaluasi", "hasil"], [["B", "01/08/2023", "bermanfaat"]]
    )
    write_csv(
        tmp_path,
        "penghargaan.csv",
        ["kode_wilayah", "kode_inovasi", "ajang", "tahun", "kategori", "capaian"],
        [
            [MITRA, "C", "IGA", "2024", "Kabupaten", "Terinovatif"],
            [PINRANG, "", "IGA", "2024", "Kabupaten", "Terinovatif"],
        ],
    )
    report = run([tmp_path], write=True)
    assert report.exit_code == 0, report.rejected
    return tmp_path


def test_the_data_s_latest_date_and_the_line_twelve_months_before_it(fresh):
    assert segar.latest_date() == LATEST
    assert segar.stale_before(LATEST) == dt.date(2023, 6, 30)
    assert segar.stale_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_running_innovations_without_a_report_for_a_year_are_flagged(fresh):
    rows, n, running = segar.not_updated(Filters(), NATIONAL, LATEST)
    # A, B, C, D, E, H (Mitra) and K (Pinrang) are in trial or implementation; F and G are not
    assert running == 7 and n == 4
    got = rows.set_index("kode_inovasi")
    assert got.index.tolist() == ["H", "K", "A", "E"]  # longest without a report first
    assert {k: f"{got.loc[k, 'terakhir']:%Y-%m-%d}" for k in got.index} == {
        "H": "2022-09-01",  # its last stage row, though its current stage has no date
        "K": "2022-12-01",
        "A": "2023-01-10",
        "E": "2023-06-29",
    }
    assert got.hari.to_dict() == {"H": 668, "K": 577, "A": 537, "E": 367}
    assert set(got.sumber) == {"tahapan"} and got.loc["H", "tahap"] == "penerapan"
    # the limit shortens the list, never the count
    first, n_all, _ = segar.not_updated(Filters(), NATIONAL, LATEST, limit=2)
    assert first.kode_inovasi.tolist() == ["H", "K"] and n_all == 4


def test_a_region_account_gets_its_own_list_whatever_the_address_asks(fresh):
    mitra = Viewer("daerah", (MITRA,))
    rows, n, running = segar.not_updated(Filters(), mitra, LATEST)
    assert sorted(rows.kode_inovasi) == ["A", "E", "H"] and (n, running) == (3, 6)
    assert set(rows.kode_wilayah) == {MITRA}
    other, n_other, _ = segar.not_updated(Filters(wilayah=PINRANG), mitra, LATEST)
    assert other.empty and n_other == 0


def test_per_region_last_report_and_counts(fresh):
    frame = segar.per_region(Filters(), NATIONAL, "kabupaten", LATEST).set_index("kode")
    (kabupaten,) = store.query("select count(*) as n from wilayah where tingkat = 'kabupaten'").n
    assert len(frame) == kabupaten  # every region of the cluster, silent ones too
    mitra, pinrang = frame.loc[MITRA], frame.loc[PINRANG]
    assert (f"{mitra.terakhir:%Y-%m-%d}", mitra.berjalan, mitra.tidak_diperbarui) == ("2024-06-30", 6, 3)
    # Pinrang's own award (no innovation named) of 2024 is its latest report; K stays stale
    assert (f"{pinrang.terakhir:%Y-%m-%d}", pinrang.berjalan, pinrang.tidak_diperbarui) == ("2024-01-01", 1, 1)
    assert frame.drop(index=[MITRA, PINRANG]).berjalan.sum() == 0
    own = segar.per_region(Filters(), Viewer("daerah", (MITRA,)), "kabupaten", LATEST)
    assert own.kode.tolist() == [MITRA]
    total = segar.cluster_total(Filters(), "kabupaten", LATEST)
    assert total.to_dict() == {"wilayah": kabupaten, "berjalan": 7, "tidak_diperbarui": 4, "wilayah_dengan": 2}


def test_the_last_report_read_off_the_derived_tables_is_the_latest_of_every_row(sample_data):
    """segar reads inovasi_status and evaluasi_terakhir instead of every stage row: the same dates as
    the maximum over the raw rows of every table, for every innovation of the sample."""
    got = store.query(
        f"""
        with scoped as (select id_inovasi, kode_inovasi, tanggal_usulan, tanggal_tahap from inovasi_status),
        {segar._last_sql("scoped")}
        select s.kode_inovasi, l.terakhir from scoped s join last l using (id_inovasi)
        """
    )
    want = store.query(
        """
        select kode_inovasi, max(tanggal) as terakhir from (
            select kode_inovasi, tanggal_usulan as tanggal from inovasi
            union all select kode_inovasi, tanggal from tahapan
            union all select kode_inovasi, tanggal_evaluasi from evaluasi
            union all select kode_inovasi, make_date(tahun, 1, 1) from penghargaan where kode_inovasi is not null
        ) group by all
        """
    )
    merged = got.merge(want, on="kode_inovasi", suffixes=("", "_raw"), how="outer")
    assert len(merged) == len(got) == len(want) > 1000
    assert (merged.terakhir == merged.terakhir_raw).all()
    undated = store.query("select count(*) as n from inovasi_status where tanggal_tahap is null").n.iloc[0]
    assert undated > 0  # the sample holds current stages reported without a date, so the fallback is exercised


def freshness_table(at, lang: str) -> pd.DataFrame:
    share = "Bagian tidak diperbarui" if lang == "id" else "Share not updated"
    (table,) = [d.value for d in at.dataframe if share in d.value.columns]
    return table


@pytest.mark.parametrize("lang", ["id", "en"])
def test_perbandingan_counts_not_updated_per_region(fresh, downloads, lang):
    params = {"lang": lang} if lang == "en" else {}
    national = app_at(WILAYAH, params)
    table = freshness_table(national, lang).set_index("Wilayah" if lang == "id" else "Region")
    not_updated = segar.NOT_UPDATED.name(lang)
    assert table.loc["Kabupaten Minahasa Tenggara", not_updated] == 3
    assert table.loc["Kabupaten Pinrang", not_updated] == 1
    assert table.loc["Kabupaten Pinrang", segar.LAST_REPORTED.name(lang)] == fmt.date("2024-01-01", lang)
    assert table.iloc[0].name == "Kabupaten Minahasa Tenggara"  # the most not updated first
    whole = "Seluruh klaster kabupaten" if lang == "id" else "The whole regency cluster"
    (line,) = [m.value for m in national.markdown if m.value.startswith(whole)]
    assert "**4**" in line and "7" in line
    # a region's account: its own row, and the cluster's total as an aggregate
    mine = app_at(WILAYAH, params, role="daerah", wilayah=(MITRA,))
    own = freshness_table(mine, lang)
    assert own.iloc[:, 0].tolist() == ["Kabupaten Minahasa Tenggara"]
    (line,) = [m.value for m in mine.markdown if m.value.startswith(whole)]
    assert "**4**" in line
    csv = pd.read_csv(io.BytesIO(downloads(mine)["tidak_diperbarui_kabupaten.csv"]), encoding="utf-8-sig")
    assert csv.iloc[:, 0].tolist() == ["Kabupaten Minahasa Tenggara"]


def test_alur_lists_the_not_updated_beside_what_is_stuck(fresh):
    at = app_at(ALUR, role="daerah", wilayah=(MITRA,))
    titles = [s.value for s in at.subheader]
    stuck = next(i for i, s in enumerate(titles) if s.startswith("Yang macet"))
    assert titles[stuck + 1].startswith("Tidak diperbarui")
    labels = {m.label: m.value for m in at.metric}
    assert labels["Tidak diperbarui"] == "3" and labels["Dari yang sedang uji coba atau penerapan"] == "50,0%"
    (table,) = [d.value for d in at.dataframe if "Terakhir dilaporkan" in d.value.columns]
    assert table["Kode"].tolist() == ["H", "A", "E"]
    assert table["Laporan terakhir berupa"].tolist() == ["Tahapan"] * 3
