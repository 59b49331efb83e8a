"""The empty reporting template: one sheet per table, plus a dictionary of every column."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from dasbor.reference import alias_rows, norm_key, regions
from etl.contract import CODE_KINDS, DOMAINS, TABLES, Column, builtin_aliases
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
# Drop-down lists and input hints cover these rows of every table sheet: one range per column in the
# sheet's XML whatever its length, so the file does not grow with it; a batch longer than this is
# still read in full, only without the hints below the last.
FIRST_ROW, LAST_ROW = 2, 5000
# The region codes the kode_wilayah drop-down offers, on the dictionary sheet beside the column list
# (Excel's inline list takes 255 characters, 552 codes need some 3,000). Not a hidden sheet: the
# loader notes every hidden sheet of an upload as not read, and a visible list lets an officer look
# a code up by its name.
REGION_LIST = "daftar_kode_wilayah"  # the workbook's defined name for the codes' range
REGION_COLUMNS = ("K", "L", "M")  # code, name, province on the dictionary sheet
# Excel's own limits (ECMA-376 dataValidation): a prompt's or error's title 32 characters, a prompt
# 255, an error message 225.
TITLE_MAX, TEXT_MAX, ERROR_MAX = 32, 255, 225


def other_spellings(domain: str) -> set[str]:
    """Spellings the loader reads as a code of ``domain`` beyond the codes themselves (English names,
    the Kemendagri app's words: ``alias.csv`` and ``etl.contract``'s own), by the one normalisation rule."""
    codes = {norm_key(c) for c in DOMAINS[domain]}
    return {a["kunci"] for a in (*builtin_aliases(), *alias_rows()) if a["domain"] == domain} - codes


def _id(n: int) -> str:
    """A whole number as Indonesian writes it: 5.000."""
    return f"{n:,}".replace(",", ".")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _hint_limits(col: Column) -> str:
    """The column's limits in a few words of both languages, for its input hint."""
    if col.max_len is not None:
        return f"≤ {_id(col.max_len)} karakter / ≤ {col.max_len:,} characters"
    if col.lo is not None and col.hi is not None:
        return f"{col.lo:g}–{col.hi:g}"
    if col.lo is not None:
        return f"≥ {col.lo:g}"
    return ""


def input_hint(col: Column) -> tuple[str, str]:
    """The hint Excel shows when a cell of ``col`` is selected: its title (the column, * if required)
    and a text of at most 255 characters, Indonesian then English, each cut to its share if long (the
    header's comment and the dictionary sheet hold the full text)."""
    title = _short(f"{col.name}{' *' if col.required else ''}", TITLE_MAX)
    tail = "\n".join(
        x
        for x in (
            _hint_limits(col),
            "Pilih dari daftar / Pick from the list" if col.domain or col.kind == "wilayah_kode" else "",
        )
        if x
    )
    room = (TEXT_MAX - len(tail) - 2) // 2
    text = "\n".join(x for x in (_short(col.help_id, room), _short(col.help_en, room), tail) if x)
    return title, text


def _validation(col: Column) -> DataValidation:
    """The validation of one column's cells: a drop-down for an enumeration or a region code, a length
    limit for text, otherwise only the input hint."""
    title, prompt = input_hint(col)
    kw = {"promptTitle": title, "prompt": prompt, "showInputMessage": True, "allow_blank": True}
    if col.domain or col.kind == "wilayah_kode":
        listed = f'"{",".join(DOMAINS[col.domain])}"' if col.domain else REGION_LIST
        # A typed value off the list is only questioned, not blocked, when the loader reads other
        # spellings of the codes as well (bupati, Tahap Uji Coba, 7107): it is the judge, and says why
        # when it refuses a row.
        lenient = col.kind == "wilayah_kode" or bool(other_spellings(col.domain))
        kw.update(
            type="list",
            formula1=listed,
            showErrorMessage=True,
            errorStyle="warning" if lenient else "stop",
            errorTitle=_short("Tidak ada di daftar / Not listed", TITLE_MAX),
            error=_short(
                f"Nilai ini tidak ada di daftar {col.name}. Pilih dari daftar"
                + ("; ejaan lain dimuat bila dikenal pemuat." if lenient else ".")
                + f" / This value is not on the {col.name} list. Pick from it"
                + ("; other spellings load if the loader knows them." if lenient else "."),
                ERROR_MAX,
            ),
        )
    elif col.max_len is not None:
        kw.update(
            type="textLength",
            operator="lessThanOrEqual",
            formula1=str(col.max_len),
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle=_short("Terlalu panjang / Too long", TITLE_MAX),
            error=_short(
                f"{col.name} paling banyak {_id(col.max_len)} karakter; sel yang lebih panjang ditolak pemuat. / "
                f"{col.name} takes at most {col.max_len:,} characters; the loader rejects a longer cell.",
                ERROR_MAX,
            ),
        )
    return DataValidation(**kw)


def _region_list(doc) -> None:
    """Every region code of the master (``dasbor.reference.regions``), with its name and province, on
    the dictionary sheet, and the defined name the kode_wilayah drop-down refers to."""
    code, name, prov = REGION_COLUMNS
    for letter, head in zip(
        REGION_COLUMNS, ("kode_wilayah", "nama wilayah / region", "provinsi / province"), strict=True
    ):
        doc[f"{letter}1"] = head
        doc[f"{letter}1"].font = Font(bold=True)
    rows = regions()
    for i, r in enumerate(rows, start=2):
        doc[f"{code}{i}"] = r.kode
        doc[f"{code}{i}"].number_format = TEXT_FORMAT
        doc[f"{name}{i}"] = r.nama
        doc[f"{prov}{i}"] = r.nama_provinsi
    doc.parent.defined_names[REGION_LIST] = DefinedName(
        REGION_LIST, attr_text=f"{doc.title}!${code}$2:${code}${len(rows) + 1}"
    )
    for letter, width in zip(REGION_COLUMNS, (14, 34, 26), strict=True):
        doc.column_dimensions[letter].width = width


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
            check = _validation(col)
            check.add(f"{cell.column_letter}{FIRST_ROW}:{cell.column_letter}{LAST_ROW}")
            sheet.add_data_validation(check)
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
    doc.append(
        (
            f"Baris {FIRST_ROW}–{_id(LAST_ROW)} setiap lembar punya petunjuk isian, dan daftar pilihan untuk "
            f"kolom berdaftar dan kode_wilayah (kodenya di kolom {REGION_COLUMNS[0]} lembar ini). / Rows "
            f"{FIRST_ROW}–{LAST_ROW:,} of every sheet carry input hints, and drop-down lists for the enumerated "
            f"columns and kode_wilayah (its codes are in column {REGION_COLUMNS[0]} of this sheet).",
        )
    )
    _region_list(doc)
    for letter, width in zip("ABCDEFGHI", (14, 24, 22, 18, 50, 50, 40, 26, 34), strict=True):
        doc.column_dimensions[letter].width = width
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out
