"""What a regional data office really sends: every file is built here, in the test (CSV bytes,
openpyxl workbooks), and each test asserts the exact sentence a data officer reads (Indonesian and
English, with file, row as the spreadsheet shows it, column and value) and that no good row is lost."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import INOVASI_HEADER, ROOT, inovasi_row
from dasbor import store
from etl.__main__ import main
from etl.load import LoadError, run

TAHAPAN_HEADER = ["kode_inovasi", "tahap", "tanggal"]


def csv_bytes(header: list[str], rows: list[list[str]], sep: str = ";", newline: str = "\n") -> str:
    """The text of a CSV as a spreadsheet program writes it (quoted where a cell needs it)."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator=newline).writerows([header, *rows])
    return out.getvalue()


def put(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def workbook(path: Path, sheets: dict[str, list[list]], hidden: dict[str, str] | None = None) -> Path:
    """A workbook with one sheet per entry (rows as lists of cell values); ``hidden``: sheet → state."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = (hidden or {}).get(title, "visible")
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def codes(sql: str = "select kode_inovasi from inovasi order by 1") -> list:
    return [r[0] for r in fetch(sql)]


def fetch(sql: str) -> list[list]:
    """The result's rows as lists, with None for a missing value (pandas says nan)."""
    import pandas as pd

    return [[None if pd.isna(v) else v for v in r] for r in store.query(sql).astype(object).values.tolist()]


def rejection(file, row, column, value, reason, reason_en, sheet=None) -> dict:
    return {
        "file": file,
        "sheet": sheet,
        "row": row,
        "column": column,
        "value": value,
        "reason": reason,
        "reason_en": reason_en,
    }


# 1. One table from a CSV and from a workbook's sheet


def test_one_table_from_a_csv_and_from_a_workbook_sheet_loads_both(tmp_path):
    batch = tmp_path / "batch"
    put(batch, "inovasi.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("CSV-1"), inovasi_row("CSV-2")]).encode())
    workbook(batch / "laporan.xlsx", {"inovasi": [INOVASI_HEADER, inovasi_row("XL-1")]})
    report = run([batch], write=True)
    assert report.exit_code == 0 and report.rejected == [] and report.notices == []
    assert report.tables["inovasi"] == {"read": 3, "loaded": 3, "rejected": 0, "changed": 3}
    assert codes() == ["CSV-1", "CSV-2", "XL-1"]
    # and the other way round, with a row of each rejected: each named in its own file and sheet
    later = tmp_path / "later"
    workbook(later / "a.xlsx", {"Inovasi": [INOVASI_HEADER, inovasi_row("XL-2", tanggal="kemarin")]})
    put(later, "inovasi_2024.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("CSV-3", inisiator="x")]).encode())
    again = run([later], write=True)
    assert sorted((r["file"], r["sheet"], r["row"], r["column"]) for r in again.rejected) == [
        ("a.xlsx", "Inovasi", 2, "tanggal_usulan"),
        ("inovasi_2024.csv", None, 2, "inisiator"),
    ]


# 2. Encodings


CAFE = "Kafé ’Layanan Cepat’ – Desa"


def test_a_windows_1252_csv_loads_with_its_letters_and_a_notice_naming_the_encoding(tmp_path):
    row = inovasi_row("W-1")
    row[1] = CAFE
    path = put(tmp_path, "inovasi.csv", csv_bytes(INOVASI_HEADER, [row], newline="\r\n").encode("cp1252"))
    report = run([path], write=True)
    assert report.exit_code == 0 and report.rejected == []
    assert report.notices == [
        "inovasi.csv: bukan UTF-8; dibaca sebagai Windows-1252 (CSV biasa dari Excel di Windows); periksa huruf "
        "seperti é dan ’, atau simpan sebagai 'CSV UTF-8' / not UTF-8; read as Windows-1252 (Excel's plain CSV on "
        "Windows); check letters such as é and ’, or save as 'CSV UTF-8'"
    ]
    assert codes("select nama_inovasi from inovasi") == [CAFE]


def test_excel_unicode_text_utf16_tab_separated_loads(tmp_path):
    row = inovasi_row("U-1")
    row[1] = "Layanan “Prima” ★"
    text = csv_bytes(INOVASI_HEADER, [row, inovasi_row("U-2")], sep="\t", newline="\r\n")
    path = put(tmp_path, "inovasi.csv", text.encode("utf-16"))  # with its byte-order mark, as Excel writes it
    assert path.read_bytes()[:2] == b"\xff\xfe"
    report = run([path], write=True)
    assert report.exit_code == 0 and report.rejected == []
    assert report.notices == [
        "inovasi.csv: dibaca sebagai UTF-16 (Teks Unicode dari Excel) / read as UTF-16 (Excel's Unicode Text)"
    ]
    assert codes("select nama_inovasi from inovasi order by kode_inovasi") == ["Layanan “Prima” ★", "Inovasi U-2"]


def test_in_a_mixed_batch_only_the_file_that_cannot_be_decoded_is_refused(tmp_path):
    batch = tmp_path / "batch"
    latin = inovasi_row("M-1")
    latin[1] = CAFE
    put(batch, "inovasi.csv", csv_bytes(INOVASI_HEADER, [latin]).encode("cp1252"))
    put(batch, "inovasi_2.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("M-2")], sep="\t").encode("utf-16"))
    put(batch, "inovasi_3.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("M-3")]).encode("utf-8"))
    # 0x81 is no character in UTF-8 nor in Windows-1252 (a Shift-JIS export, say), on the file's 3rd line
    broken = csv_bytes(INOVASI_HEADER, [inovasi_row("M-4")]).encode() + b"M-5;\x81\x40;71.07\n"
    put(batch, "inovasi_4.csv", broken)
    put(batch, "tahapan.csv", csv_bytes(TAHAPAN_HEADER, [["M-1", "kajian", "01/12/2017"]]).encode("utf-8-sig"))
    report = run([batch], write=True)
    assert report.exit_code == 3
    assert report.rejected == [
        rejection(
            "inovasi_4.csv",
            3,
            None,
            "0x81",
            "berkas tidak bisa dibaca sebagai teks: bita 0x81 bukan huruf dalam UTF-8 maupun Windows-1252; seluruh "
            "berkas ditolak (berkas lain tetap dimuat); simpan ulang sebagai 'CSV UTF-8'",
            "the file cannot be read as text: byte 0x81 is not a character in UTF-8 nor Windows-1252; the whole "
            "file is refused (other files still load); save it again as 'CSV UTF-8'",
        )
    ]
    assert codes() == ["M-1", "M-2", "M-3"]
    assert codes("select kode_inovasi from tahapan where not turunan") == ["M-1"]
    assert [n.split(":")[0] for n in report.notices] == ["inovasi.csv", "inovasi_2.csv"]


def test_a_workbook_or_binary_file_named_csv_is_refused_alone(tmp_path):
    batch = tmp_path / "batch"
    put(batch, "inovasi.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("B-1")]).encode())
    put(batch, "inovasi_xlsx.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(200))
    put(batch, "tahapan.csv", b"\x00\x01\x02garbage\n\x00\x00")
    report = run([batch], write=True)
    assert report.exit_code == 3 and codes() == ["B-1"]
    assert report.rejected == [
        rejection(
            "inovasi_xlsx.csv",
            1,
            None,
            "0x50",
            "berkas ini buku kerja XLSX (atau ZIP) yang diberi nama .csv; ganti akhiran namanya menjadi .xlsx",
            "this file is an XLSX workbook (or a ZIP) named .csv; rename it to .xlsx",
        ),
        rejection(
            "tahapan.csv",
            1,
            None,
            "0x00",
            "berkas berisi data biner (bita 0x00), bukan teks CSV; seluruh berkas ditolak (berkas lain tetap "
            "dimuat); simpan ulang sebagai 'CSV UTF-8'",
            "the file holds binary data (byte 0x00), not CSV text; the whole file is refused (other files still "
            "load); save it again as 'CSV UTF-8'",
        ),
    ]


def test_why_not_text_tells_a_page_which_uploads_are_not_text():
    from etl.read import why_not_text

    assert why_not_text(csv_bytes(INOVASI_HEADER, [inovasi_row("A")]).encode("utf-16")) is None  # zero bytes, text
    assert why_not_text(CAFE.encode("cp1252")) is None
    assert why_not_text(b"\xd0\xcf\x11\xe0" + bytes(50)) == (
        "berkas ini buku kerja Excel lama (.xls) yang diberi nama .csv; simpan sebagai .xlsx atau 'CSV UTF-8'",
        "this file is an old Excel workbook (.xls) named .csv; save it as .xlsx or 'CSV UTF-8'",
    )


# 3. A title and blank rows above the header


def test_a_report_title_and_blank_rows_above_the_header_keep_row_numbers_as_the_spreadsheet_shows(tmp_path):
    rows = [inovasi_row("T-1"), inovasi_row("T-2"), inovasi_row("T-3", tanggal="kemarin"), inovasi_row("T-4")]
    body = csv_bytes(INOVASI_HEADER, rows)
    title = "LAPORAN INOVASI DAERAH KAB. MINAHASA TENGGARA TAHUN 2024;;;;;;;;\n;;;;;;;;\n\n"
    path = put(tmp_path, "inovasi.csv", (title + body).encode("utf-8-sig"))
    report = run([path], write=True)
    assert report.notices == [
        "inovasi.csv: judul kolom ada di baris 4; baris 1–3 di atasnya (judul laporan atau baris kosong) dilewati "
        "/ the column headers are on row 4; rows 1–3 above them (a report title or blank rows) skipped"
    ]
    assert report.rejected == [
        rejection(
            "inovasi.csv",
            7,
            "tanggal_usulan",
            "kemarin",
            "tanggal tidak dikenali (pakai 22/11/2017, 2017-11-22 atau 22 November 2017)",
            "date not recognised (use 22/11/2017, 2017-11-22 or 22 November 2017)",
        )
    ]
    assert codes() == ["T-1", "T-2", "T-4"]


def test_a_title_row_above_the_header_also_with_quoted_newlines_and_broken_rows(tmp_path):
    """The careful reader (a blank line or a row of the wrong shape under the header) numbers rows alike."""
    header = [*INOVASI_HEADER, "deskripsi"]
    rows = [inovasi_row("Q-1") + ["dua\nbaris; dengan titik koma"], [], inovasi_row("Q-2") + ["", "lebih"]]
    rows.append(inovasi_row("Q-3", tanggal="x") + [""])
    text = "Laporan Inovasi\n" + csv_bytes(header, rows)
    report = run([put(tmp_path, "inovasi.csv", text.encode())], write=True)
    assert [(r["row"], r["column"]) for r in report.rejected] == [(5, None), (6, "tanggal_usulan")]
    assert codes("select deskripsi from inovasi") == ["dua\nbaris; dengan titik koma"]


def test_a_workbook_with_a_merged_title_banner_finds_its_header(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "inovasi"
    sheet["A1"] = "LAPORAN INOVASI DAERAH KAB. MINAHASA TENGGARA"
    sheet.merge_cells("A1:I1")
    sheet["A2"] = "Keadaan per 31 Desember 2024"
    sheet.append([])
    sheet.append(INOVASI_HEADER)
    for row in (inovasi_row("XT-1"), inovasi_row("XT-2", jenis="analog"), inovasi_row("XT-3")):
        sheet.append(row)
    book.save(tmp_path / "laporan.xlsx")
    report = run([tmp_path / "laporan.xlsx"], write=True)
    assert report.notices == [
        "laporan.xlsx [inovasi]: judul kolom ada di baris 4; baris 1–3 di atasnya (judul laporan atau baris "
        "kosong) dilewati / the column headers are on row 4; rows 1–3 above them (a report title or blank rows) "
        "skipped"
    ]
    assert report.rejected == [
        rejection(
            "laporan.xlsx",
            6,
            "jenis",
            "analog",
            "nilai tidak dikenal; pilihan: digital, non_digital",
            "unknown value; choose one of: digital, non_digital",
            sheet="inovasi",
        )
    ]
    assert codes() == ["XT-1", "XT-3"]


# 4. Codes that Excel turned into numbers


def test_codes_typed_as_numbers_are_restored_or_rejected_with_a_sentence(tmp_path):
    header = [*INOVASI_HEADER, "urusan"]

    def row(kode, wilayah, urusan):
        r = inovasi_row(kode)
        r[2] = wilayah
        return [*r, urusan]

    sheet = [header, row("N-1", 71.07, 1.02), row("N-2", 71.1, 2.1), row("N-3", 71.9, 1.02), row("N-4", 7107, "")]
    path = workbook(tmp_path / "angka.xlsx", {"inovasi": sheet})
    report = run([path], write=True)
    assert report.notices == [
        "angka.xlsx [inovasi]: kolom kode (kode_wilayah, urusan) berisi angka, bukan teks; angka itu dibaca "
        "sebagai kode (1.02 → 1.02, 2.1 → 2.10, 71.07 → 71.07, 71.1 → 71.10, 71.9 → 71.90, 7107 → 7107); format "
        "kolom kode sebagai Teks, seperti di templat, agar Excel tidak membuang nolnya / code columns "
        "(kode_wilayah, urusan) hold numbers, not text; the numbers were read as codes (1.02 → 1.02, 2.1 → 2.10, "
        "71.07 → 71.07, 71.1 → 71.10, 71.9 → 71.90, 7107 → 7107); format code columns as Text, as the template "
        "does, so that Excel keeps their zeros"
    ]
    assert report.rejected == [
        rejection(
            "angka.xlsx",
            4,
            "kode_wilayah",
            "71.9",
            "angka 71.9 di sel ini dibaca sebagai kode wilayah 71.90 (Excel membuang nol di belakang angka), tetapi "
            "kode wilayah 71.90 tidak ada; ketik kodenya sebagai teks (format sel Teks)",
            "the number 71.9 in this cell was read as region code 71.90 (Excel drops trailing zeros), but there is "
            "no region code 71.90; type the code as text (cell format Text)",
            sheet="inovasi",
        )
    ]
    got = fetch("select kode_inovasi, kode_wilayah, urusan from inovasi order by 1")
    assert got == [["N-1", "71.07", "1.02"], ["N-2", "71.10", "2.10"], ["N-4", "71.07", None]]


def test_an_urusan_typed_as_a_number_that_does_not_exist_is_named_as_the_cell_shows_it(tmp_path):
    row = [*inovasi_row("NU-1"), 9.9]
    report = run([workbook(tmp_path / "u.xlsx", {"inovasi": [[*INOVASI_HEADER, "urusan"], row]})], write=False)
    assert report.rejected == [
        rejection(
            "u.xlsx",
            2,
            "urusan",
            "9.9",
            "angka 9.9 di sel ini dibaca sebagai urusan 9.90 (Excel membuang nol di belakang angka), tetapi urusan "
            "9.90 tidak ada; ketik kodenya sebagai teks (format sel Teks)",
            "the number 9.9 in this cell was read as urusan 9.90 (Excel drops trailing zeros), but there is no "
            "urusan 9.90; type the code as text (cell format Text)",
            sheet="inovasi",
        )
    ]


def test_the_template_formats_code_columns_as_text(tmp_path):
    from openpyxl import load_workbook

    from etl.contract import CODE_KINDS, TABLES
    from etl.template import write_template

    book = load_workbook(write_template(tmp_path / "t.xlsx"))
    for table in TABLES:
        sheet = book[table.name]
        for cell in sheet[1]:
            kind = table.column(cell.value).kind
            fmt = sheet.column_dimensions[cell.column_letter].number_format
            assert (fmt == "@") is (kind in CODE_KINDS), (table.name, cell.value, fmt)


# 5. Hidden sheets


def test_hidden_and_very_hidden_sheets_are_not_read(tmp_path):
    fresh = inovasi_row("H-1")
    stale = inovasi_row("H-1")
    stale[1] = "Nama lama 2023"
    path = workbook(
        tmp_path / "laporan.xlsx",
        {
            "inovasi": [INOVASI_HEADER, fresh, inovasi_row("H-2")],
            "Inovasi 2023": [INOVASI_HEADER, stale],
            "tahapan": [TAHAPAN_HEADER, ["H-1", "kajian", "01/12/2017"]],
            "Tahapan lama": [TAHAPAN_HEADER, ["H-1", "tidak ada", "kemarin"]],
        },
        hidden={"Inovasi 2023": "hidden", "Tahapan lama": "veryHidden"},
    )
    report = run([path], write=True)
    assert report.exit_code == 0 and report.rejected == []
    assert report.notices == [
        "laporan.xlsx: lembar tersembunyi tidak dibaca: Inovasi 2023, Tahapan lama; tampilkan (Unhide) bila isinya "
        "memang mau dimuat / hidden sheets not read: Inovasi 2023, Tahapan lama; unhide them if they are meant to "
        "load"
    ]
    assert store.query("select nama_inovasi from inovasi order by 1").nama_inovasi.tolist() == [
        "Inovasi H-1",
        "Inovasi H-2",
    ]


def test_a_workbook_whose_table_sheets_are_all_hidden_is_refused_naming_them(tmp_path):
    path = workbook(tmp_path / "x.xlsx", {"Catatan": [["bebas"]], "inovasi": [INOVASI_HEADER]}, {"inovasi": "hidden"})
    with pytest.raises(LoadError) as failed:
        run([path], write=True)
    assert str(failed.value) == (
        "gagal pada langkah 'read' / failed at step 'read': x.xlsx: setiap lembar tabel tersembunyi (inovasi); "
        "lembar tersembunyi tidak dibaca, tampilkan (Unhide) dulu / every table sheet is hidden; hidden sheets are "
        "not read, unhide them first"
    )


# 6. Limits on cell content, and files with nothing to load


def test_cells_longer_than_their_column_or_with_control_characters_are_rejected(tmp_path):
    header = [*INOVASI_HEADER, "deskripsi"]
    multi = inovasi_row("L-1") + ["Baris pertama\nbaris kedua\tdengan tab"]  # allowed in a description
    nul = inovasi_row("L-2") + [""]
    nul[1] = "Inovasi\x00Adminduk"
    broken = inovasi_row("L-3") + [""]
    broken[4] = "Dinas\nKesehatan"
    long_name = inovasi_row("L-4") + [""]
    long_name[1] = "N" * 301
    long_text = inovasi_row("L-5") + ["x" * 5001]
    escape = inovasi_row("L-6") + ["ada \x1b di sini"]
    rows = [multi, nul, broken, long_name, long_text, escape, inovasi_row("L-7") + ["d" * 5000]]
    report = run([put(tmp_path, "inovasi.csv", csv_bytes(header, rows).encode())], write=True)
    assert report.rejected == [
        rejection(
            "inovasi.csv",
            3,
            "nama_inovasi",
            "Inovasi\x00Adminduk",
            "berisi karakter kendali U+0000 pada karakter ke-8; hapus karakter itu",
            "holds the control character U+0000 at character 8; remove it",
        ),
        rejection(
            "inovasi.csv",
            4,
            "perangkat_daerah",
            "Dinas\nKesehatan",
            "berisi ganti baris U+000A pada karakter ke-6; kolom ini hanya satu baris",
            "holds a line break U+000A at character 6; this column takes one line only",
        ),
        rejection(
            "inovasi.csv",
            5,
            "nama_inovasi",
            "N" * 100 + "…",
            "lebih dari 300 karakter (panjangnya 301); persingkat isinya",
            "longer than 300 characters (it has 301); shorten it",
        ),
        rejection(
            "inovasi.csv",
            6,
            "deskripsi",
            "x" * 100 + "…",
            "lebih dari 5.000 karakter (panjangnya 5001); persingkat isinya",
            "longer than 5,000 characters (it has 5001); shorten it",
        ),
        rejection(
            "inovasi.csv",
            7,
            "deskripsi",
            "ada \x1b di sini",
            "berisi karakter kendali U+001B pada karakter ke-5; hapus karakter itu",
            "holds the control character U+001B at character 5; remove it",
        ),
    ]
    assert codes() == ["L-1", "L-7"]
    assert codes("select deskripsi from inovasi where kode_inovasi = 'L-1'") == [multi[-1]]


def test_the_kamus_sheet_states_each_text_columns_limit(tmp_path):
    from python_calamine import CalamineWorkbook

    from etl.template import DICTIONARY_SHEET, write_template

    rows = CalamineWorkbook.from_path(str(write_template(tmp_path / "t.xlsx"))).get_sheet_by_name(DICTIONARY_SHEET)
    limits = {(r[0], r[1]): r[8] for r in rows.to_python()[1:] if r[0] and r[1]}
    assert limits[("inovasi", "nama_inovasi")] == "≤ 300 karakter, satu baris / ≤ 300 characters, one line"
    assert limits[("inovasi", "deskripsi")] == (
        "≤ 5.000 karakter; boleh ganti baris dan tab / ≤ 5,000 characters; line breaks and tabs allowed"
    )
    assert limits[("inovasi", "kode_inovasi")] == "≤ 100 karakter, satu baris / ≤ 100 characters, one line"
    assert limits[("inovasi", "tanggal_usulan")] == ""


@pytest.mark.parametrize(
    ("content", "why", "why_en"),
    [
        (
            ";".join(INOVASI_HEADER) + "\n",
            "inovasi.csv: hanya berisi judul kolom, tanpa baris data",
            "inovasi.csv: holds only the column headers, no data rows",
        ),
        (
            ";".join(INOVASI_HEADER) + "\n;;;;;;;;\n\n  \n",
            "inovasi.csv: hanya berisi judul kolom, tanpa baris data",
            "inovasi.csv: holds only the column headers, no data rows",
        ),
        ("\n\n", "inovasi.csv: berkas kosong", "inovasi.csv: the file is empty"),
    ],
    ids=["header-only", "blank-rows-only", "empty"],
)
def test_a_file_with_nothing_to_load_is_refused_and_makes_no_snapshot(tmp_path, data_dir, capsys, content, why, why_en):
    put(tmp_path / "a", "inovasi.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("E-1")]).encode())
    assert run([tmp_path / "a"], write=True).exit_code == 0
    before = sorted((data_dir / "snapshots").iterdir())
    path = put(tmp_path / "b", "inovasi.csv", content.encode())
    with pytest.raises(LoadError) as failed:
        run([path], write=True)
    sentence = f"tidak ada yang dimuat; {why} / nothing to load; {why_en}"
    # Said by validation today; by the read step once etl/load.py calls etl.read.check_batch there.
    prefix = r"gagal pada langkah '(read|validate)' / failed at step '\1': "
    assert re.fullmatch(prefix + re.escape(sentence), str(failed.value))
    capsys.readouterr()
    assert main(["load", str(path)]) == 1
    assert re.fullmatch(prefix + re.escape(sentence) + "\n", capsys.readouterr().err)
    assert sorted((data_dir / "snapshots").iterdir()) == before
    assert store.query("select count(*) n from muatan").n[0] == 1


def test_a_header_only_file_beside_a_good_one_is_said_and_the_good_one_loads(tmp_path):
    batch = tmp_path / "batch"
    put(batch, "inovasi.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("G-1")]).encode())
    put(batch, "evaluasi.csv", b"kode_inovasi;tanggal_evaluasi;hasil\r\n")
    report = run([batch], write=True)
    assert report.exit_code == 0 and codes() == ["G-1"]
    assert report.notices == [
        "evaluasi.csv: hanya berisi judul kolom, tanpa baris data; tidak ada yang dimuat darinya / holds only the "
        "column headers, no data rows; nothing loaded from it"
    ]


def test_kelola_does_not_say_every_row_passed_for_a_file_with_a_nul(tmp_path, data_dir):
    from conftest import app_at

    put(tmp_path, "inovasi.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("K-0")]).encode())
    assert run([tmp_path / "inovasi.csv"], write=True).exit_code == 0  # the page needs some data to open
    store.close_readers()
    rows = [inovasi_row(f"K-{i}") for i in range(60)]  # past the first 4 KB, which the page sniffs for binary
    rows[-1][1] = "Inovasi\x00K"
    at = app_at("pages/7_kelola_data.py", role="admin")
    at.file_uploader[0].upload("inovasi.csv", csv_bytes(INOVASI_HEADER, rows).encode(), "text/csv").run()
    assert not at.exception
    assert "Semua baris lolos pemeriksaan." not in [s.value for s in at.success]
    assert list(at.dataframe[1].value["Baris"]) == [61]
    assert list(at.dataframe[1].value["Alasan"]) == [
        "berisi karakter kendali U+0000 pada karakter ke-8; hapus karakter itu"
    ]


# 7. Replications


def test_replications_of_itself_of_nothing_yet_and_in_a_cycle(tmp_path):
    header = [*INOVASI_HEADER, "replikasi_dari"]
    put(tmp_path / "a", "inovasi.csv", csv_bytes(header, [inovasi_row("R-A") + ["R-B"]]).encode())
    first = run([tmp_path / "a"], write=True)  # R-B is not loaded yet: R-A loads, with a notice
    assert first.exit_code == 0
    assert first.notices == [
        "inovasi.csv: 1 baris menyebut replikasi_dari yang belum ada di data (R-B di baris 2); baris itu tetap "
        "dimuat, dan tautannya muncul setelah inovasi asalnya dimuat / 1 row names a replikasi_dari not in the "
        "data yet (R-B on row 2); loaded as sent, the link appears once the original is loaded"
    ]
    rows = [
        inovasi_row("R-B") + ["R-A"],  # R-B → R-A → R-B, R-A already loaded
        inovasi_row("R-C") + ["R-C"],  # itself
        inovasi_row("R-D") + ["R-A"],  # a plain replication of a loaded one
        inovasi_row("R-E") + ["R-F"],  # R-E → R-F → R-G → R-E, all in this batch
        inovasi_row("R-F") + ["R-G"],
        inovasi_row("R-G") + ["R-E"],
        inovasi_row("R-H") + ["R-E"],  # copies a member of the cycle, is not in it
    ]
    put(tmp_path / "b", "inovasi.csv", csv_bytes(header, rows).encode())
    put(tmp_path / "b", "tahapan.csv", csv_bytes(TAHAPAN_HEADER, [["R-E", "kajian", "01/12/2017"]]).encode())
    report = run([tmp_path / "b"], write=True)
    tail, tail_en = "; perbaiki salah satu replikasi_dari", "; fix one of the replikasi_dari"
    cycle = "replikasi_dari membentuk lingkaran {}: inovasi tidak bisa meniru inovasi yang menirunya"
    cycle_en = "replikasi_dari forms a cycle {}: an innovation cannot copy one that copies it"
    efg = [("R-F", "R-E → R-F → R-G → R-E"), ("R-G", "R-F → R-G → R-E → R-F"), ("R-E", "R-G → R-E → R-F → R-G")]
    assert report.rejected == [
        rejection(
            "inovasi.csv",
            2,
            "replikasi_dari",
            "R-A",
            cycle.format("R-B → R-A → R-B") + " (R-A sudah ada di data yang dimuat)" + tail,
            cycle_en.format("R-B → R-A → R-B") + " (R-A already in the loaded data)" + tail_en,
        ),
        rejection(
            "inovasi.csv",
            3,
            "replikasi_dari",
            "R-C",
            "replikasi_dari menunjuk inovasi ini sendiri; isi kode inovasi lain yang ditiru, atau kosongkan",
            "replikasi_dari names this innovation itself; give the code of the other innovation it copies, or "
            "leave it empty",
        ),
        *(
            rejection("inovasi.csv", row, "replikasi_dari", value, cycle.format(c) + tail, cycle_en.format(c) + tail_en)
            for row, (value, c) in zip((5, 6, 7), efg, strict=True)
        ),
        rejection(
            "tahapan.csv",
            2,
            "kode_inovasi",
            "R-E",
            "inovasi ini ditolak di inovasi.csv baris 5; perbaiki baris itu lalu muat ulang keduanya",
            "this innovation was rejected at inovasi.csv row 5; fix that row and load both again",
        ),
    ]
    # R-H copies R-E, which this batch rejected and was never loaded: it loads, and the notice says so
    assert report.notices == [
        "inovasi.csv: 1 baris menyebut replikasi_dari yang belum ada di data (R-E di baris 8); baris itu tetap "
        "dimuat, dan tautannya muncul setelah inovasi asalnya dimuat / 1 row names a replikasi_dari not in the "
        "data yet (R-E on row 8); loaded as sent, the link appears once the original is loaded"
    ]
    got = fetch("select kode_inovasi, replikasi_dari from inovasi order by 1")
    assert got == [["R-A", "R-B"], ["R-D", "R-A"], ["R-H", "R-E"]]


def test_a_cycle_found_only_after_rejecting_another_is_rejected_too():
    from etl.rules import cycles

    assert cycles({"A": "B", "B": "A", "C": "A", "D": "D"}) == [["A", "B"], ["D"]]
    assert cycles({"A": "B", "B": "C"}) == []


def test_a_replication_resent_without_its_loop_loads(tmp_path):
    """A → B loaded; the batch sends B → A (a cycle, rejected) and then A again copying nothing:
    with A's new row in place of the loaded one, B → A is no cycle and loads."""
    header = [*INOVASI_HEADER, "replikasi_dari"]
    put(tmp_path / "a", "inovasi.csv", csv_bytes(header, [inovasi_row("S-A") + ["S-B"]]).encode())
    run([tmp_path / "a"], write=True)
    rows = [inovasi_row("S-B") + ["S-A"], inovasi_row("S-A") + [""]]
    report = run([put(tmp_path / "b", "inovasi.csv", csv_bytes(header, rows).encode())], write=True)
    assert report.exit_code == 0 and report.rejected == []
    got = fetch("select kode_inovasi, replikasi_dari from inovasi order by 1")
    assert got == [["S-A", None], ["S-B", "S-A"]]


# 8. Dates written month first


def test_a_us_style_date_says_the_month_cannot_be_and_that_dates_are_day_first(tmp_path):
    rows = [
        inovasi_row("D-1", tanggal="11/22/2020"),
        inovasi_row("D-2", tanggal="13/22/2020"),
        inovasi_row("D-3", tanggal="31/02/2020"),
        inovasi_row("D-4", tanggal="22/11/2020"),
    ]
    report = run([put(tmp_path, "inovasi.csv", csv_bytes(INOVASI_HEADER, rows).encode())], write=True)
    assert report.rejected == [
        rejection(
            "inovasi.csv",
            2,
            "tanggal_usulan",
            "11/22/2020",
            "bulan tidak mungkin 22; tanggal ditulis hari dulu, lalu bulan: 22/11/2020",
            "the month cannot be 22; dates are written day first, then the month: 22/11/2020",
        ),
        rejection(
            "inovasi.csv",
            3,
            "tanggal_usulan",
            "13/22/2020",
            "bulan tidak mungkin 22; tanggal ditulis hari dulu, lalu bulan (hh/bb/tttt)",
            "the month cannot be 22; dates are written day first, then the month (dd/mm/yyyy)",
        ),
        rejection(
            "inovasi.csv",
            4,
            "tanggal_usulan",
            "31/02/2020",
            "tanggal itu tidak ada di kalender (mis. 31/02, atau 29/02 di luar tahun kabisat); periksa hari dan "
            "bulannya",
            "no such day in the calendar (e.g. 31/02, or 29/02 outside a leap year); check the day and month",
        ),
    ]
    assert codes() == ["D-4"]


# Known-good behaviour that stays


def test_known_good_inputs_still_load(tmp_path):
    """Tab-separated files, quoted newlines and semicolons, merged cells, formulas and markup kept as
    text, no-break spaces and full-width digits in codes; and a reload changes nothing."""
    batch = tmp_path / "batch"
    header = [*INOVASI_HEADER, "deskripsi"]
    tabbed = inovasi_row("K-1") + ['Baris satu\nbaris dua; dengan titik koma dan "kutip"']
    tabbed[2] = "７１.０７"  # full-width digits
    put(batch, "inovasi.csv", csv_bytes(header, [tabbed], sep="\t").encode())
    formula = inovasi_row("K-2") + ['=HYPERLINK("http://x";"klik")']
    formula[1] = "![p](http://host/pixel.png) **tebal**"
    formula[2] = "71.07\u00a0"
    put(batch, "inovasi_b.csv", csv_bytes(header, [formula]).encode())
    book = Workbook()
    sheet = book.active
    sheet.title = "inovasi"
    sheet.append(header)
    sheet.append(inovasi_row("K-3") + ["digabung ke kanan"])
    sheet.merge_cells("J2:K2")  # a merged cell over the next, unnamed column
    sheet.append(inovasi_row("K-4") + [""])
    sheet["B3"] = '=CONCAT("a";"b")'  # a formula with no cached value, as openpyxl writes it: empty
    book.save(batch / "gabung.xlsx")
    report = run([batch], write=True)
    assert [(r["file"], r["row"], r["column"], r["reason_en"]) for r in report.rejected] == [
        ("gabung.xlsx", 3, "nama_inovasi", "required")
    ]
    got = fetch("select kode_inovasi, nama_inovasi, kode_wilayah, deskripsi from inovasi order by 1")
    assert got == [
        ["K-1", "Inovasi K-1", "71.07", tabbed[-1]],
        ["K-2", formula[1], "71.07", formula[-1]],
        ["K-3", "Inovasi K-3", "71.07", "digabung ke kanan"],
    ]
    again = run([batch], write=True)
    assert again.tables["inovasi"]["changed"] == 0


def test_duplicate_headers_are_refused_naming_both_columns(tmp_path):
    header = [*INOVASI_HEADER, "Kode Inovasi"]
    path = put(tmp_path, "inovasi.csv", csv_bytes(header, [inovasi_row("DH-1") + ["x"]]).encode())
    with pytest.raises(LoadError) as failed:
        run([path], write=True)
    assert str(failed.value) == (
        "gagal pada langkah 'read' / failed at step 'read': inovasi.csv: kolom 'kode_inovasi' muncul dua kali "
        "(kolom 1 dan 10) / column appears twice"
    )


# No traceback, whatever the input


def _bad_inputs(root: Path) -> dict[str, Path]:
    header = [*INOVASI_HEADER, "replikasi_dari", "urusan", "deskripsi"]
    ok = inovasi_row("OK-1") + ["", "", ""]
    out = {}
    out["mixed"] = root / "mixed"
    put(out["mixed"], "inovasi.csv", csv_bytes(header, [ok]).encode())
    workbook(out["mixed"] / "b.xlsx", {"inovasi": [header, inovasi_row("OK-2") + ["", "", ""]]})
    out["cp1252"] = put(root / "cp", "inovasi.csv", csv_bytes(header, [[*ok[:1], CAFE, *ok[2:]]]).encode("cp1252"))
    out["utf16"] = put(root / "u16", "inovasi.csv", csv_bytes(header, [ok], sep="\t").encode("utf-16"))
    out["undecodable"] = put(root / "bad", "inovasi.csv", b"kode_inovasi;nama\n\x81\x8d\x8f\n")
    out["binary"] = put(root / "bin", "inovasi.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    out["title"] = put(root / "title", "inovasi.csv", ("LAPORAN;;\n\n" + csv_bytes(header, [ok])).encode())
    numbers = [*inovasi_row("NUM-1")[:2], 71.9, *inovasi_row("NUM-1")[3:], "", 9.9, ""]
    out["numbers"] = workbook(root / "num" / "n.xlsx", {"inovasi": [header, numbers]})
    out["hidden"] = workbook(root / "hid" / "h.xlsx", {"inovasi": [header, ok], "lama": [header]}, {"lama": "hidden"})
    out["all-hidden"] = workbook(root / "ah" / "h.xlsx", {"x": [["a"]], "inovasi": [header, ok]}, {"inovasi": "hidden"})
    nul = [ok[0], "a\x00b", *ok[2:-1], "x" * 6000]
    out["nul-and-long"] = put(root / "nul", "inovasi.csv", csv_bytes(header, [nul]).encode())
    out["header-only"] = put(root / "ho", "inovasi.csv", (";".join(header) + "\n").encode())
    out["empty"] = put(root / "empty", "inovasi.csv", b"")
    out["cycle"] = put(root / "cyc", "inovasi.csv", csv_bytes(header, [ok[:9] + ["OK-1", "", ""]]).encode())
    out["us-date"] = put(
        root / "us", "inovasi.csv", csv_bytes(INOVASI_HEADER, [inovasi_row("US", tanggal="11/22/2020")]).encode()
    )
    out["duplicate-header"] = put(root / "dup", "inovasi.csv", csv_bytes([*header, "kode inovasi"], [ok]).encode())
    return out


def test_python_m_etl_load_shows_no_traceback_for_any_bad_input(tmp_path, data_dir):
    inputs = _bad_inputs(tmp_path / "in")
    env = {**os.environ, "INOVASI_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    for name, path in inputs.items():
        proc = subprocess.run(
            [sys.executable, "-m", "etl", "load", str(path), "--report", str(tmp_path / f"{name}.json")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in proc.stdout + proc.stderr, (name, proc.stderr)
        assert proc.returncode in (0, 1, 3), (name, proc.returncode, proc.stderr)
        if proc.returncode == 1 and (tmp_path / f"{name}.json").exists():
            report = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
            assert report["exit_code"] == 1
