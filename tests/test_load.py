"""Loading the reporting template into DuckDB: rules, report, exit codes, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import INOVASI_HEADER, inovasi_row, write_csv
from dasbor import store
from etl.__main__ import main
from etl.load import run


def table(sql: str, params=None):
    return store.query(sql, params)


def rejected_at(report, file, row):
    return [r for r in report.rejected if r["file"] == file and r["row"] == row]


def test_messy_report_loads_good_rows_and_names_every_broken_cell(tmp_path, capsys):
    batch = tmp_path / "laporan"
    header = [
        "Kode Inovasi",
        "NAMA_INOVASI",
        "nama wilayah",
        "Perangkat Daerah",
        "Inisiator",
        "Bentuk",
        "Jenis",
        "Urusan",
        "Tanggal Usulan",
        "Anggaran",
        "Kolom Tambahan",
    ]
    write_csv(
        batch,
        "inovasi.csv",
        header,
        [
            [
                "MT-1",
                "Adminduk Keliling",
                "Mitra",
                "Disdukcapil",
                "OPD",
                "Pelayanan Publik",
                "Non Digital",
                "2.12",
                "Rabu, 22 November 2017",
                "Rp1.500.000",
                "x",
            ],
            [
                "MT-2",
                "Klinik Gizi",
                "KABUPATEN KULON PROGO",
                "Dinkes",
                "Anggota Masyarakat",
                "tata kelola",
                "digital",
                "Kesehatan",
                "05/01/2018",
                "2.500.000,50",
                "",
            ],
            ["MT-3", "Dua Tegal", "Tegal", "Dinkes", "ASN", "lainnya", "digital", "", "05/01/2018", "", ""],
            [
                "MT-4",
                "Tanggal Salah",
                "Kabupaten Pinrang",
                "Dinas",
                "alien",
                "lainnya",
                "digital",
                "",
                "31/02/2018",
                "-5",
                "",
            ],
        ],
        sep=";",
        bom=True,
    )
    code = main(["load", str(batch), "--report", str(tmp_path / "r.json")])
    assert code == 3
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["tables"]["inovasi"] == {"read": 4, "loaded": 2, "rejected": 2, "changed": 2}
    tegal = [r for r in report["rejected"] if r["row"] == 4]
    assert tegal == [
        {
            "file": "inovasi.csv",
            "sheet": None,
            "row": 4,
            "column": "nama_wilayah",
            "value": "Tegal",
            "reason": tegal[0]["reason"],
            "reason_en": tegal[0]["reason_en"],
        }
    ]
    assert "Kabupaten Tegal (33.28)" in tegal[0]["reason"]
    row5 = {r["column"]: r for r in report["rejected"] if r["row"] == 5}
    assert set(row5) == {"inisiator", "tanggal_usulan", "anggaran"}
    assert row5["tanggal_usulan"]["value"] == "31/02/2018"
    assert row5["tanggal_usulan"]["reason"].startswith("tanggal itu tidak ada di kalender")
    assert row5["inisiator"]["reason_en"].startswith("unknown value")
    assert any("Kolom Tambahan" in n for n in report["notices"])
    loaded = table("select * from inovasi order by kode_inovasi")
    assert list(loaded.kode_inovasi) == ["MT-1", "MT-2"]
    first = loaded.iloc[0]
    assert (first.kode_wilayah, first.inisiator, first.jenis, first.bentuk) == (
        "71.07",
        "perangkat_daerah",
        "non_digital",
        "pelayanan_publik",
    )
    assert str(first.tanggal_usulan)[:10] == "2017-11-22" and float(first.anggaran) == 1_500_000
    assert float(loaded.iloc[1].anggaran) == 2_500_000.5 and loaded.iloc[1].urusan == "1.02"
    out = capsys.readouterr().out
    assert "DITOLAK inovasi.csv baris 5, kolom tanggal_usulan, nilai '31/02/2018'" in out


def test_loading_the_same_files_twice_changes_nothing(tmp_path):
    from etl.sample import write_sample

    batch = write_sample(tmp_path / "s", innovations=200, seed=3)
    assert run([batch], write=True).exit_code == 0
    tables = (
        "inovasi",
        "tahapan",
        "evaluasi",
        "penghargaan",
        "indeks_daerah",
        "kegiatan",
        "inovasi_status",
        "tahap_tunggu",
        "kompetisi_entri",
    )
    before = {t: table(f"select * from {t} order by all") for t in tables}
    again = run([batch], write=True)
    assert all(c["changed"] == 0 for c in again.tables.values())
    assert again.tables["tahapan"].get("derived", 0) == 0
    for t in tables:
        after = table(f"select * from {t} order by all")
        assert after.equals(before[t]), t
    loads = table("select id from muatan order by id")
    assert list(loads.id) == [1, 2]


def test_enumerations_accept_any_case_spacing_and_english(tmp_path):
    rows = [
        inovasi_row(f"K{i}", jenis=j) for i, j in enumerate(["Non Digital", "non-digital", "NON_DIGITAL", "Digital"])
    ]
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, rows)
    write_csv(
        tmp_path,
        "tahapan.csv",
        ["kode_inovasi", "stage", "date"],
        [["K0", "review", "01/12/2017"], ["K0", "Not Feasible", "2018-02-01"], ["K1", "Tahap Uji Coba", "01/01/2018"]],
    )
    assert run([tmp_path / "inovasi.csv", tmp_path / "tahapan.csv"], write=True).exit_code == 0
    assert list(table("select jenis from inovasi order by kode_inovasi").jenis) == ["non_digital"] * 3 + ["digital"]
    stages = table("select tahap from tahapan where not turunan order by tanggal")
    assert list(stages.tahap) == ["kajian", "uji_coba", "tidak_layak"]


def test_cells_padded_with_spaces_load_as_if_trimmed(tmp_path):
    nbsp, ideographic = "\u00a0", "\u3000"  # spreadsheets paste these; both are spaces to DuckDB's trim
    padded = ["  K0 ", f" Inovasi K0{nbsp}", f"{nbsp}71.07", "", " Dinas Kesehatan  ", "ASN ", "  pelayanan_publik"]
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [[*padded, f"Digital{ideographic}", " 22/11/2017 "]])
    write_csv(tmp_path, "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], [["K0 ", " kajian", "\t01/12/2017"]])
    report = run([tmp_path / "inovasi.csv", tmp_path / "tahapan.csv"], write=True)
    row = table("select * from inovasi").iloc[0]
    assert (row.kode_inovasi, row.nama_inovasi, row.kode_wilayah) == ("K0", "Inovasi K0", "71.07")
    assert (row.perangkat_daerah, row.inisiator, row.jenis) == ("Dinas Kesehatan", "asn", "digital")
    assert str(row.tanggal_usulan.date()) == "2017-11-22"
    # A tab is not a space to trim: that date is named as not understood, with the cell as sent.
    assert [(r["column"], r["value"]) for r in report.rejected] == [("tanggal", "\t01/12/2017")]


def test_a_day_that_does_not_exist_is_told_apart_from_an_unreadable_date(tmp_path):
    rows = [inovasi_row("K1", tanggal="29/02/2023"), inovasi_row("K2", tanggal="kemarin")]
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, rows)
    report = run([tmp_path / "inovasi.csv"], write=False)
    why = {r["value"]: r["reason_en"] for r in report.rejected}
    assert why["29/02/2023"].startswith("no such day in the calendar")
    assert why["kemarin"].startswith("date not recognised (use 22/11/2017")


def test_rows_referring_to_a_rejected_innovation_are_rejected_too(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("OK"), inovasi_row("BAD", tanggal="kemarin")])
    write_csv(
        tmp_path,
        "tahapan.csv",
        ["kode_inovasi", "tahap", "tanggal"],
        [["BAD", "kajian", "01/12/2017"], ["OK", "kajian", "01/12/2017"], ["NONE", "kajian", "01/12/2017"]],
    )
    write_csv(
        tmp_path, "evaluasi.csv", ["kode_inovasi", "tanggal_evaluasi", "hasil"], [["BAD", "01/12/2019", "bermanfaat"]]
    )
    report = run([tmp_path], write=True)
    assert report.exit_code == 3
    (child,) = rejected_at(report, "tahapan.csv", 2)
    assert "inovasi.csv baris 3" in child["reason"]
    (unknown,) = rejected_at(report, "tahapan.csv", 4)
    assert "tidak ada di tabel inovasi" in unknown["reason"]
    assert rejected_at(report, "evaluasi.csv", 2)[0]["column"] == "kode_inovasi"
    assert table("select count(*) n from tahapan t anti join inovasi using (kode_inovasi)").n[0] == 0
    assert set(table("select kode_inovasi from tahapan").kode_inovasi) == {"OK"}


def test_rows_sent_later_are_checked_against_the_loaded_innovation(tmp_path):
    write_csv(tmp_path / "a", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A", tanggal="22/11/2017")])
    assert run([tmp_path / "a"], write=True).exit_code == 0
    rows = [["A", "kajian", "21/11/2017"], ["A", "layak", "23/11/2017"], ["B", "kajian", "23/11/2017"]]
    write_csv(tmp_path / "b", "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], rows)
    report = run([tmp_path / "b"], write=True)
    early, unknown = sorted(report.rejected, key=lambda r: r["row"])
    assert (early["row"], early["column"]) == (2, "tanggal") and "22/11/2017" in early["reason"]
    assert (unknown["row"], unknown["column"]) == (4, "kode_inovasi") and "tidak ada" in unknown["reason"]
    assert table("select tahap from tahapan where not turunan").tahap.tolist() == ["layak"]


def test_stage_date_before_the_proposal_is_rejected(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A", tanggal="22/11/2017")])
    write_csv(tmp_path, "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], [["A", "kajian", "21/11/2017"]])
    report = run([tmp_path], write=True)
    (r,) = report.rejected
    assert (r["column"], r["value"]) == ("tanggal", "21/11/2017") and "22/11/2017" in r["reason"]


def test_history_is_derived_from_current_stage_columns_and_replaced_by_real_history(tmp_path):
    header = INOVASI_HEADER + ["tahap_terkini", "tanggal_uji_coba", "tanggal_penerapan"]
    write_csv(
        tmp_path / "a",
        "inovasi.csv",
        header,
        [
            inovasi_row("X") + ["Tahap Penerapan", "01/03/2018", "01/09/2018"],
            inovasi_row("Y") + ["Inisiatif", "", ""],
        ],
    )
    report = run([tmp_path / "a"], write=True)
    assert report.tables["tahapan"]["derived"] == 4
    derived = table("select kode_inovasi, tahap, turunan from tahapan order by kode_inovasi, tanggal")
    assert list(zip(derived.kode_inovasi, derived.tahap, strict=True)) == [
        ("X", "usulan"),
        ("X", "uji_coba"),
        ("X", "penerapan"),
        ("Y", "usulan"),
    ]
    assert derived.turunan.all()
    assert table("select tahap from inovasi_status where kode_inovasi = 'X'").tahap[0] == "penerapan"
    write_csv(tmp_path / "b", "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], [["X", "kajian", "01/12/2017"]])
    run([tmp_path / "b"], write=True)
    x = table("select tahap, turunan from tahapan where kode_inovasi = 'X'")
    assert list(x.tahap) == ["kajian"] and not x.turunan.any()


def test_resent_innovation_recomputes_only_its_derived_history(tmp_path):
    header = INOVASI_HEADER + ["tahap_terkini", "tanggal_uji_coba", "tanggal_penerapan"]
    rows = [inovasi_row("X") + ["Uji Coba", "01/03/2018", ""], inovasi_row("Y") + ["Uji Coba", "01/04/2018", ""]]
    write_csv(tmp_path / "a", "inovasi.csv", header, rows)
    assert run([tmp_path / "a"], write=True).tables["tahapan"]["derived"] == 4
    rows[1] = inovasi_row("Y") + ["Penerapan", "01/04/2018", "01/10/2018"]
    write_csv(tmp_path / "b", "inovasi.csv", header, rows)
    again = run([tmp_path / "b"], write=True)
    assert again.tables["tahapan"]["derived"] == 1  # Y's penerapan; X and Y's earlier rows untouched
    got = table("select kode_inovasi k, tahap, muatan_id m from tahapan where turunan order by k, tanggal")
    assert got.values.tolist() == [
        ["X", "usulan", 1],
        ["X", "uji_coba", 1],
        ["Y", "usulan", 1],
        ["Y", "uji_coba", 1],
        ["Y", "penerapan", 2],
    ]


def test_a_later_date_for_the_same_stage_replaces_the_earlier(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    write_csv(
        tmp_path,
        "tahapan.csv",
        ["kode_inovasi", "tahap", "tanggal"],
        [["A", "uji_coba", "01/03/2018"], ["A", "penetapan", "01/05/2018"], ["A", "uji_coba", "01/06/2018"]],
    )
    assert run([tmp_path], write=True).exit_code == 0
    got = table("select tahap, strftime(tanggal, '%Y-%m-%d') d from tahapan order by tanggal")
    assert list(zip(got.tahap, got.d, strict=True)) == [("penetapan", "2018-05-01"), ("uji_coba", "2018-06-01")]


def test_the_same_stage_twice_on_one_date_keeps_the_later_row(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    write_csv(
        tmp_path,
        "tahapan.csv",
        ["kode_inovasi", "tahap", "tanggal", "nomor_dokumen"],
        [["A", "penetapan", "01/05/2018", "SK 1"], ["A", "penetapan", "01/05/2018", "SK 2 (ralat)"]],
    )
    assert run([tmp_path], write=True).exit_code == 0
    got = table("select tahap, nomor_dokumen from tahapan where tahap = 'penetapan'")
    assert list(got.nomor_dokumen) == ["SK 2 (ralat)"]


@pytest.mark.parametrize(
    ("skor", "predikat", "ok", "stored"),
    [
        ("52,36", "", True, "inovatif"),
        ("60,01", "Sangat Inovatif", True, "sangat_inovatif"),
        ("", "kurang inovatif", True, "kurang_inovatif"),
        ("0", "", True, "tidak_dapat_dinilai"),
        ("70", "inovatif", False, None),
        ("", "", False, None),
    ],
    ids=["derived", "agrees", "predikat-only", "zero-is-disclaimer", "disagrees", "neither"],
)
def test_indeks_daerah_predikat_rules(tmp_path, skor, predikat, ok, stored):
    write_csv(
        tmp_path,
        "indeks_daerah.csv",
        ["nama_wilayah", "tahun", "skor", "predikat"],
        [["Kabupaten Pinrang", "2025", skor, predikat]],
    )
    report = run([tmp_path], write=True)
    assert (report.exit_code == 0) is ok
    if ok:
        assert table("select kode_wilayah, predikat from indeks_daerah").iloc[0].tolist() == ["73.15", stored]
    else:
        assert report.rejected[0]["column"] in ("skor", "predikat")


def test_duplicate_keys_in_one_batch_reject_the_later_row(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A"), inovasi_row("A", tanggal="23/11/2017")])
    report = run([tmp_path], write=True)
    (r,) = report.rejected
    assert r["row"] == 3 and "inovasi.csv baris 2" in r["reason"]


def test_a_code_registered_to_another_region_is_rejected(tmp_path):
    write_csv(tmp_path / "a", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A", kode_wilayah="71.07")])
    run([tmp_path / "a"], write=True)
    write_csv(tmp_path / "b", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A", kode_wilayah="73.15")])
    report = run([tmp_path / "b"], write=True)
    assert report.exit_code == 1 and "71.07" in report.rejected[0]["reason"]
    assert table("select kode_wilayah from inovasi").kode_wilayah[0] == "71.07"


def test_xlsx_sheets_excel_dates_numbers_and_row_numbers(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Inovasi"
    sheet.append(INOVASI_HEADER + ["anggaran"])
    sheet.append(inovasi_row("A")[:-1] + [dt.datetime(2017, 11, 22), 1500000.5])
    sheet.append([])
    sheet.append(inovasi_row("B", tanggal="kemarin") + [12])
    book.create_sheet("Catatan Saya").append(["bebas"])
    book.save(tmp_path / "laporan.xlsx")
    report = run([tmp_path / "laporan.xlsx"], write=True)
    (r,) = report.rejected
    assert (r["file"], r["sheet"], r["row"], r["column"]) == ("laporan.xlsx", "Inovasi", 4, "tanggal_usulan")
    assert any("Catatan Saya" in n for n in report.notices)
    a = table("select tanggal_usulan, anggaran from inovasi").iloc[0]
    assert str(a.tanggal_usulan)[:10] == "2017-11-22" and float(a.anggaran) == 1500000.5


def test_blank_lines_and_broken_rows_keep_row_numbers_as_a_person_sees_them(tmp_path):
    path = tmp_path / "inovasi.csv"
    lines = [
        ",".join(INOVASI_HEADER),
        ",".join(inovasi_row("A")),
        "",
        ",".join(inovasi_row("B", tanggal="x")),
        ",".join(inovasi_row("C")) + ",extra,values",
        ",".join(inovasi_row("D")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run([path], write=True)
    assert sorted((r["row"], r["column"]) for r in report.rejected) == [(4, "tanggal_usulan"), (5, None)]
    assert set(table("select kode_inovasi from inovasi").kode_inovasi) == {"A", "D"}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_and_space_only_lines_and_trailing_blank_lines_keep_row_numbers(tmp_path, newline):
    path = tmp_path / "inovasi.csv"
    lines = [
        ",".join(INOVASI_HEADER),
        ",".join(inovasi_row("A")),
        " \t",
        ",".join(inovasi_row("B", tanggal="x")),
        "",
        ",".join(inovasi_row("C", tanggal="y")),
    ]
    path.write_bytes((newline.join(lines) + newline * 3).encode())
    report = run([path], write=True)
    assert sorted((r["row"], r["column"]) for r in report.rejected) == [(4, "tanggal_usulan"), (6, "tanggal_usulan")]
    assert report.tables["inovasi"]["read"] == 3


def test_trailing_blank_lines_alone_are_not_rows(tmp_path):
    path = tmp_path / "inovasi.csv"
    lines = [",".join(INOVASI_HEADER), ",".join(inovasi_row("A")), ",".join(inovasi_row("B", tanggal="x"))]
    path.write_bytes(("\r\n".join(lines) + "\r\n\r\n  \r\n").encode())
    report = run([path], write=True)
    assert [(r["row"], r["column"]) for r in report.rejected] == [(3, "tanggal_usulan")]
    assert report.tables["inovasi"] == {"read": 2, "loaded": 1, "rejected": 1, "changed": 1}


def test_exit_codes(tmp_path, capsys):
    good = write_csv(tmp_path / "good", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    assert main(["load", str(good)]) == 0
    bad = write_csv(tmp_path / "bad", "inovasi.csv", INOVASI_HEADER, [inovasi_row("Z", tanggal="x")])
    assert main(["load", str(bad)]) == 1
    unknown = write_csv(tmp_path / "u", "anggaran.csv", ["a"], [["1"]])
    assert main(["load", str(unknown)]) == 1
    assert "bukan nama tabel" in capsys.readouterr().err
    missing = write_csv(tmp_path / "m", "inovasi.csv", ["kode_inovasi", "nama_inovasi"], [["A", "x"]])
    assert main(["load", str(missing)]) == 1
    err = capsys.readouterr().err
    assert "kolom wajib tidak ada" in err and "inisiator" in err and len(err.strip().splitlines()) == 1
    # Not text in any encoding (a workbook renamed .csv): refused, the reason on the rejected line.
    binary = tmp_path / "l" / "inovasi.csv"
    binary.parent.mkdir()
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    assert main(["load", str(binary)]) == 1
    assert "rename it to .xlsx" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        main(["load"])
    assert usage.value.code == 2
    assert main(["load", str(tmp_path / "nowhere.csv")]) == 1


def test_check_validates_without_writing(tmp_path, data_dir):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A"), inovasi_row("B", tanggal="x")])
    assert main(["check", str(tmp_path)]) == 3
    assert store.current_snapshot() is None
    assert not (data_dir / "snapshots").exists() or not any((data_dir / "snapshots").iterdir())


def test_status_reports_snapshot_tables_and_history(tmp_path, capsys):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    main(["load", str(tmp_path), "--user", "petugas"])
    capsys.readouterr()
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["snapshot"].endswith(".duckdb") and status["tables"]["inovasi"] == 1
    (load,) = status["loads"]
    assert load["user"] == "petugas" and load["files"][0]["name"] == "inovasi.csv"
    assert len(load["files"][0]["sha256"]) == 64 and load["tables"]["inovasi"]["loaded"] == 1


def test_rejected_rows_are_kept_with_their_load(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A"), inovasi_row("B", inisiator="x")])
    report = run([tmp_path], write=True)
    kept = table("select muatan_id, berkas, baris, kolom, nilai from baris_ditolak")
    assert kept.iloc[0].tolist() == [report.load_id, "inovasi.csv", 3, "inisiator", "x"]


def test_old_snapshots_are_pruned(tmp_path, data_dir, monkeypatch):
    monkeypatch.setenv("INOVASI_KEEP_SNAPSHOTS", "2")
    for i in range(4):
        write_csv(tmp_path / str(i), "inovasi.csv", INOVASI_HEADER, [inovasi_row(f"A{i}")])
        run([tmp_path / str(i)], write=True)
        spill = Path(f"{store.current_snapshot()}.tmp")  # left by a reader that spilled and then died
        spill.mkdir()
        (spill / "duckdb_temp_storage.tmp").write_bytes(b"x")
    snaps = sorted((data_dir / "snapshots").glob("*.duckdb"))
    assert len(snaps) == 2 and store.current_snapshot() == snaps[-1]
    assert sorted((data_dir / "snapshots").glob("*.tmp")) == [Path(f"{s}.tmp") for s in snaps]
    assert table("select count(*) n from inovasi").n[0] == 4


def test_marts_list_names_every_derived_table_of_marts_sql():
    import re

    from etl.load import MARTS
    from etl.validate import SQL_DIR

    created = re.findall(r"create or replace table (\w+)", (SQL_DIR / "marts.sql").read_text(encoding="utf-8"))
    assert sorted(created) == sorted(MARTS)


def test_rebuild_restores_derived_tables_an_older_snapshot_lacks(tmp_path, data_dir, capsys):
    import duckdb

    from etl.load import marts_missing

    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A"), inovasi_row("B")])
    assert run([tmp_path], write=True).exit_code == 0
    assert main(["rebuild", "--if-needed"]) == 0 and "rebuilt" not in capsys.readouterr().out  # nothing to do
    before = store.current_snapshot()
    store.close_readers()
    with duckdb.connect(str(before)) as con:  # what a snapshot from an older version looks like
        con.execute("drop table evaluasi_terakhir")
    assert marts_missing(before) == ["evaluasi_terakhir"]
    assert main(["rebuild", "--if-needed"]) == 0
    assert "rebuilt" in capsys.readouterr().out
    after = store.current_snapshot()
    assert after != before and marts_missing(after) == []
    assert table("select kode_inovasi from inovasi order by 1").kode_inovasi.tolist() == ["A", "B"]
    assert table("select count(*) n from muatan").n[0] == 1  # a rebuild is not a load


def test_rebuild_replaces_derived_tables_built_by_other_sql(tmp_path, data_dir, capsys):
    """An older version's tables can all be there with other columns (tahap_tunggu once had no
    id_inovasi): the digest of the SQL that built them tells."""
    import duckdb

    from etl.load import marts_missing

    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    assert run([tmp_path], write=True).exit_code == 0
    before = store.current_snapshot()
    store.close_readers()
    with duckdb.connect(str(before)) as con:
        con.execute("update versi_turunan set versi = 'older'")
    assert marts_missing(before) == ["versi_turunan"]
    assert main(["rebuild", "--if-needed"]) == 0 and "rebuilt" in capsys.readouterr().out
    assert marts_missing(store.current_snapshot()) == []
    store.close_readers()  # marts_missing read it through the shared reader
    with duckdb.connect(str(before)) as con:  # a snapshot from before the digest was kept
        con.execute("drop table versi_turunan")
    assert marts_missing(before) == ["versi_turunan"]


def test_post_load_checks_name_each_broken_invariant(tmp_path, data_dir):
    import duckdb

    from etl.checks import violations

    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A"), inovasi_row("B")])
    assert run([tmp_path], write=True).exit_code == 0
    store.close_readers()
    with duckdb.connect() as con:
        con.execute("attach ? as db", [str(store.current_snapshot())])
        assert violations(con) == []
        con.execute("insert into db.inovasi_status select * from db.inovasi_status where kode_inovasi = 'A'")
        con.execute("update db.tahap_ref set urutan = 9 where tahap = 'evaluasi'")
        con.execute("update db.tahap_capai_lebar set id_inovasi = 99 where kode_inovasi = 'B'")
        broken = violations(con)
    assert any(b.startswith("inovasi_status: key (kode_inovasi) not unique: 1 keys") for b in broken)
    assert any(b.startswith("inovasi_status: key (id_inovasi) not unique: 1 keys") for b in broken)
    assert any(b.startswith("tahap_ref numbers its non-exit stages 1..8") for b in broken)
    assert any(b.startswith("inovasi_status has every innovation: -1 rows") for b in broken)
    assert any(b.startswith("tahap_capai_lebar, tahap_keluar, evaluasi_terakhir and tahap_tunggu use") for b in broken)
    assert len(broken) == 5


def test_a_load_failing_its_checks_publishes_nothing_and_leaves_no_draft(tmp_path, data_dir, monkeypatch):
    from etl import checks
    from etl.load import LoadError

    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    assert run([tmp_path], write=True).exit_code == 0
    before = store.current_snapshot()
    monkeypatch.setattr(checks, "violations", lambda con: ["inovasi: dibuat gagal untuk uji"])
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A"), inovasi_row("B")])
    with pytest.raises(LoadError, match="dibuat gagal untuk uji"):
        run([tmp_path], write=True)
    assert store.current_snapshot() == before
    assert sorted(p.name for p in (data_dir / "snapshots").iterdir()) == [before.name]
