"""The empty reporting template: one sheet per table, plus a dictionary of every column."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from etl.contract import CODE_KINDS, TABLES
from etl.read import DOC_SHEETS

DICTIONARY_SHEET = DOC_SHEETS[0]
HEADERS = (
    "tabel / table",
    "kolom / column",
    "nama Inggris / English name",
    "wajib / required",
    "arti",
    "meaning",
    "nilai yang diterima / accepted values",
    "contoh / example",
    "panjang & baris / length & lines",
)
# Excel's "Text" format: a code typed into such a cell stays as typed (71.10, 001), where the
# General format turns it into a number that loses its zeros (71.1, 1).
TEXT_FORMAT = "@"


def write_template(out: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    required_fill = PatternFill("solid", fgColor="FFE699")
    for table in TABLES:
        sheet = book.create_sheet(table.name)
        for i, col in enumerate(table.columns, start=1):
            cell = sheet.cell(row=1, column=i, value=col.name)
            cell.font = Font(bold=True)
            if col.required:
                cell.fill = required_fill
            cell.comment = Comment(f"{col.help_id}\n{col.help_en}\n{col.accepted()}".strip(), "templat")
            column = sheet.column_dimensions[cell.column_letter]
            column.width = max(14, len(col.name) + 4)
            if col.kind in CODE_KINDS:
                column.number_format = TEXT_FORMAT  # every cell of the column, also rows not yet typed
        sheet.freeze_panes = "A2"
    doc = book.create_sheet(DICTIONARY_SHEET)
    doc.append(HEADERS)
    for cell in doc[1]:
        cell.font = Font(bold=True)
    for table in TABLES:
        for col in table.columns:
            either = any(col.name in group for group in table.needs_one_of)
            required = "ya / yes" if col.required else ("salah satu / one of the pair" if either else "tidak / no")
            doc.append(
                (
                    table.name,
                    col.name,
                    col.en,
                    required,
                    col.help_id,
                    col.help_en,
                    col.accepted(),
                    col.example,
                    col.limits(),
                )
            )
    doc.append(())
    doc.append(
        (
            "Kolom berwarna kuning wajib diisi. Judul kolom boleh huruf besar/kecil, spasi atau garis bawah, "
            "atau nama Inggrisnya. / Yellow columns are required; headers may use any case, spaces or the English name.",
        )
    )
    doc.append(
        (
            "Kolom kode (kode_inovasi, kode_wilayah, urusan, replikasi_dari) berformat Teks agar Excel tidak "
            "membuang nol (71.10 menjadi 71.1). / Code columns are formatted as Text so that Excel keeps their "
            "zeros (71.10 would become 71.1).",
        )
    )
    for letter, width in zip("ABCDEFGHI", (14, 24, 22, 18, 50, 50, 40, 26, 34), strict=True):
        doc.column_dimensions[letter].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out
