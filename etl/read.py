"""Step 1 of a load: read CSV and XLSX files into text columns named by the contract.

Every cell stays text here (validation parses it), and every row keeps the number a person sees in
the file: in a spreadsheet program the header is row 1, so the first data row of a CSV is row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from dasbor import settings
from etl.contract import TABLES, Table, header_key, table_for

DOC_SHEETS = ("kamus",)  # the template's own dictionary sheet (etl.template)

SUFFIXES = (".csv", ".xlsx")


class ReadError(Exception):
    """A file cannot be read at all; nothing of the batch is loaded. The loader reports it as the
    failure of its 'read' step (``etl.load.ReadStepError``), with this message as the cause."""


@dataclass
class Sheet:
    """One table's rows from one file (or one sheet of a workbook)."""

    table: Table
    file: str
    sheet: str | None
    data: pa.Table  # contract columns as strings, plus `_row`
    rejected: list[dict] = field(default_factory=list)  # rows broken before validation
    notices: list[str] = field(default_factory=list)


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named directly, plus the CSV/XLSX files inside folders, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES))
        elif path.exists():
            out.append(path)
        else:
            raise ReadError(f"{path}: berkas tidak ditemukan / file not found")
    if not out:
        raise ReadError("tidak ada berkas CSV/XLSX / no CSV or XLSX files given")
    return out


def read_file(path: Path, display: str | None = None) -> list[Sheet]:
    name = display or path.name
    size = path.stat().st_size
    if size > settings.max_upload_bytes():
        raise ReadError(
            f"{name}: {size / 1e6:.0f} MB, lebih dari batas {settings.get('max_upload_mb')} MB "
            f"(INOVASI_MAX_UPLOAD_MB) / larger than the limit"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = table_for(path.stem)
        if table is None:
            raise ReadError(_unknown_table(name, path.stem))
        return [_read_csv(path, name, table)]
    if suffix == ".xlsx":
        return _read_xlsx(path, name)
    raise ReadError(f"{name}: hanya .csv atau .xlsx / only .csv or .xlsx files are read")


def _unknown_table(name: str, stem: str) -> str:
    known = ", ".join(t.name for t in TABLES)
    return (
        f"{name}: '{stem}' bukan nama tabel; beri nama berkas/lembar salah satu dari: {known} "
        f"/ not a table name; name the file or sheet one of: {known}"
    )


def _columns(table: Table, headers: list[str], name: str, sheet: str | None) -> tuple[list, list]:
    """Map each header to a contract column (or None) and note what was ignored."""
    where = f"{name}" + (f" [{sheet}]" if sheet else "")
    lookup = {header_key(k): c.name for c in table.columns for k in (c.name, c.en)}
    mapped, notices, seen = [], [], {}
    for i, header in enumerate(headers):
        col = lookup.get(header_key(header)) if str(header).strip() else None
        if col and col in seen:
            raise ReadError(
                f"{where}: kolom '{col}' muncul dua kali (kolom {seen[col] + 1} dan {i + 1}) / column appears twice"
            )
        if col:
            seen[col] = i
        elif str(header).strip():
            notices.append(f"{where}: kolom '{header}' tidak dikenal dan diabaikan / unknown column ignored")
        mapped.append(col)
    missing = [c.name for c in table.columns if c.required and c.name not in seen]
    for group in table.needs_one_of:
        if not any(g in seen for g in group):
            missing.append(" atau ".join(group))
    if missing:
        raise ReadError(
            f"{where}: kolom wajib tidak ada: {', '.join(missing)} / required columns missing "
            f"(tabel {table.name}; unduh templat dengan `python -m etl template`)"
        )
    return mapped, notices


def _read_csv(path: Path, name: str, table: Table) -> Sheet:
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        head = raw[: raw.find(b"\n") if b"\n" in raw else len(raw)].decode("utf-8")
    except UnicodeDecodeError:
        raise ReadError(_not_utf8(name)) from None
    if not head.strip():
        raise ReadError(f"{name}: baris judul kosong / the header row is empty")
    delimiter = max((";", ",", "\t"), key=head.count)
    headers = next(csv.reader([head.rstrip("\r")], delimiter=delimiter))
    mapped, notices = _columns(table, headers, name, None)
    # The fast reader numbers rows as a person does only when every line is a record: it stops at a
    # blank line or a row of the wrong shape, and the careful reader below takes the file instead.
    try:
        data = _arrow_csv(raw, headers, mapped, delimiter)
        return Sheet(table, name, None, data, notices=notices)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise ReadError(_not_utf8(name)) from None
    return _python_csv(raw, name, table, headers, mapped, delimiter, notices)


def _not_utf8(name: str) -> str:
    return (
        f"{name}: bukan teks UTF-8; di Excel simpan sebagai 'CSV UTF-8' / not UTF-8 text; in Excel save as 'CSV UTF-8'"
    )


def _arrow_csv(raw: bytes, headers: list[str], mapped: list, delimiter: str) -> pa.Table:
    names = [f"c{i}" for i in range(len(headers))]
    keep = {f"c{i}": col for i, col in enumerate(mapped) if col}
    end = len(raw)  # trailing blank lines end the file, they are not blank rows
    while end and raw[end - 1] in b" \t\r\n":
        end -= 1
    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(raw).slice(0, end)),
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=b'"' in raw,
            ignore_empty_lines=False,  # a blank line fails the read (see above) instead of vanishing
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            include_columns=list(keep),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    table = table.rename_columns([keep[n] for n in table.column_names])
    rows = pa.array(np.arange(2, table.num_rows + 2, dtype=np.int64))
    return table.append_column("_row", rows)


def _python_csv(raw, name, table, headers, mapped, delimiter, notices) -> Sheet:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ReadError(_not_utf8(name)) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader)
    cols = {col: [] for col in mapped if col}
    rows, rejected = [], []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(headers) and any(c.strip() for c in record[len(headers) :]):
            rejected.append(_shape_error(name, number, len(record), len(headers)))
            continue
        record = record + [""] * (len(headers) - len(record))
        for i, col in enumerate(mapped):
            if col:
                cols[col].append(record[i])
        rows.append(number)
    data = pa.table({**{k: pa.array(v, pa.string()) for k, v in cols.items()}, "_row": rows})
    return Sheet(table, name, None, data, rejected=rejected, notices=notices)


def _shape_error(name, number, got, want) -> dict:
    return {
        "file": name,
        "sheet": None,
        "row": number,
        "column": None,
        "value": None,
        "reason": f"baris berisi {got} nilai, padahal judul punya {want} kolom (cek pemisah/tanda kutip)",
        "reason_en": f"row has {got} values but the header has {want} columns (check separators/quotes)",
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel numbers carry no separators: write the decimal with a comma so the Indonesian
        # number rules read 1234.5 as 1234,5 and not as 12345.
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    return str(value)


def _read_xlsx(path: Path, name: str) -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise ReadError(f"{name}: bukan buku kerja XLSX yang bisa dibaca / not a readable XLSX ({exc})") from None
    sheets, skipped = [], []
    for sheet_name in book.sheet_names:
        table = table_for(sheet_name)
        if table is None:
            if sheet_name.strip().lower() not in DOC_SHEETS:
                skipped.append(sheet_name)
            continue
        sheet = book.get_sheet_by_name(sheet_name)
        cells = sheet.to_python()
        if not cells or not any(str(c).strip() for c in cells[0]):
            continue
        first_row = sheet.start[0] + 1 if sheet.start else 1
        headers = [_cell(c) for c in cells[0]]
        mapped, notices = _columns(table, headers, name, sheet_name)
        cols = {col: [] for col in mapped if col}
        rows = []
        for offset, record in enumerate(cells[1:], start=1):
            values = [_cell(c) for c in record]
            if not any(v.strip() for v in values):
                continue
            for i, col in enumerate(mapped):
                if col:
                    cols[col].append(values[i] if i < len(values) else "")
            rows.append(first_row + offset)
        data = pa.table({**{k: pa.array(v, pa.string()) for k, v in cols.items()}, "_row": rows})
        sheets.append(Sheet(table, name, sheet_name, data, notices=notices))
    if not sheets:
        raise ReadError(_unknown_table(name, ", ".join(skipped) or "(tanpa lembar)"))
    if skipped:
        sheets[0].notices.append(f"{name}: lembar {', '.join(skipped)} bukan tabel dan dilewati / sheets skipped")
    return sheets
