"""The Excel template and the sample batch both go through the real loader."""

from __future__ import annotations

import hashlib

import pytest
from python_calamine import CalamineWorkbook

from dasbor import store
from dasbor.reference import regions
from etl.contract import STAGES, TABLES
from etl.load import run
from etl.sample import PREFIX, write_sample
from etl.template import DICTIONARY_SHEET, write_template


def test_template_has_a_sheet_per_table_and_documents_every_column(tmp_path):
    path = write_template(tmp_path / "templat.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == [t.name for t in TABLES] + [DICTIONARY_SHEET]
    for t in TABLES:
        header = book.get_sheet_by_name(t.name).to_python()[0]
        assert header == [c.name for c in t.columns]
    rows = book.get_sheet_by_name(DICTIONARY_SHEET).to_python()
    documented = {(r[0], r[1]) for r in rows[1:] if r[0] and r[1]}
    assert documented == {(t.name, c.name) for t in TABLES for c in t.columns}
    for r in rows[1:]:
        if r[0] and r[1]:
            assert r[4] and r[5], f"{r[0]}.{r[1]} lacks its meaning in Indonesian and English"


def test_the_empty_template_is_nothing_to_load_and_one_filled_row_loads_cleanly(tmp_path):
    from openpyxl import load_workbook

    from etl.load import LoadError

    path = write_template(tmp_path / "t.xlsx")
    with pytest.raises(LoadError) as empty:
        run([path], write=False)
    assert str(empty.value).endswith(
        "tidak ada yang dimuat; t.xlsx: tidak ada baris data di lembar mana pun / nothing to load; "
        "t.xlsx: no data rows in any sheet"
    )
    book = load_workbook(path)
    sheet = book["inovasi"]
    example = {c.name: c.example for c in TABLES[0].columns}
    example.update(deskripsi="Baris pertama\nbaris kedua", replikasi_dari="", nama_wilayah="")
    for i, cell in enumerate(sheet[1], start=1):
        sheet.cell(row=2, column=i, value=example[cell.value] or None)
    book.save(path)
    report = run([path], write=False)
    assert report.exit_code == 0 and not report.rejected and not report.notices
    assert report.tables["inovasi"] == {"read": 1, "loaded": 1, "rejected": 0}


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_sample_is_deterministic_per_seed(tmp_path):
    a = _digest(write_sample(tmp_path / "a", innovations=300, seed=7))
    b = _digest(write_sample(tmp_path / "b", innovations=300, seed=7))
    c = _digest(write_sample(tmp_path / "c", innovations=300, seed=8))
    assert a == b and a != c


def test_sample_loads_clean_and_covers_the_country_and_every_stage(tmp_path):
    report = run([write_sample(tmp_path / "s", innovations=1500, seed=2017)], write=True)
    assert report.exit_code == 0, report.rejected[:3]
    assert set(report.tables) == {"inovasi", "tahapan", "evaluasi", "penghargaan", "indeks_daerah", "kegiatan"}
    provinces = store.query(
        "select count(distinct w.kode_provinsi) n from inovasi i join wilayah w on w.kode = i.kode_wilayah"
    )
    assert provinces.n[0] == sum(r.tingkat == "provinsi" for r in regions())
    stages = set(store.query("select distinct tahap from tahapan").tahap)
    assert stages == set(STAGES)
    assert store.query("select bool_and(kode_inovasi like ?) ok from inovasi", [PREFIX + "%"]).ok[0]
    assert store.query("select sampel from info_data").sampel[0]
    derived = store.query("select count(*) n from tahapan where turunan").n[0]
    assert derived > 0, "the export-style regions exercise the derived history"
    per_region = store.query("select count(*) n from inovasi group by kode_wilayah").n
    assert per_region.max() > 5 * per_region.median(), "activity should be uneven across regions"
    waits = store.query("select tahap, median(hari) m from tahap_tunggu group by 1").set_index("tahap").m
    assert waits["kajian"] > waits["usulan"], "review at the research agency takes longer than filing"
    evals = store.query("select count(*) filter (where ikm_sesudah is not null) s, count(*) n from evaluasi").iloc[0]
    assert 0 < evals.s < evals.n, "some evaluations surveyed (IKM), some self-reported"
    names = store.query("select nama_inovasi from inovasi").nama_inovasi.tolist()
    repeated = [n for n in names if len(set(n.split())) < len(n.split())]
    assert not repeated, f"names repeat a word, e.g. {repeated[:3]}"


def test_sample_holds_the_seed_events_and_their_regions_are_among_the_busier(tmp_path):
    report = run([write_sample(tmp_path / "s", innovations=1500, seed=2017)], write=True)
    assert report.exit_code == 0 and report.tables["kegiatan"]["rejected"] == 0
    seed = store.query(
        "select kode_wilayah, strftime(tanggal, '%d/%m/%Y') d, jenis, penyelenggara, keterangan from kegiatan "
        "where kode_wilayah in ('71.07', '73.15') order by tanggal"
    )
    mitra = seed[seed.d == "22/11/2017"].iloc[0]
    assert (mitra.kode_wilayah, mitra.jenis) == ("71.07", "sosialisasi")
    assert "Asisten III" in mitra.keterangan and "LAN" in mitra.keterangan
    pinrang = seed[seed.kode_wilayah == "73.15"]
    assert "12/10/2015" in set(pinrang.d) and any("unit terendah" in k for k in pinrang.keterangan)
    assert store.query("select count(distinct jenis) n from kegiatan").n[0] == 5
    busy = store.query("select kode_wilayah, count(*) n from inovasi group by 1 order by n desc")
    top = set(busy.kode_wilayah.head(max(10, len(busy) // 20)))
    assert {"71.07", "73.15"} <= top, "the seed regions are among the busier ones"
    # Competition entries, not only wins: KIPP entrants that passed no round, and rounds on the scale.
    rounds = store.query("select ajang, peringkat, count(*) n from kompetisi_entri group by all")
    assert set(rounds[rounds.ajang == "KIPP"].peringkat.dropna()) >= {1, 2, 3}
    assert rounds.peringkat.notna().all()
