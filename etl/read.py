"""Step 1 of a load: read CSV and XLSX files into text columns named by the contract.

Every cell stays text here (validation parses it), and every row keeps the number a person sees in
the file: in a spreadsheet program the header is row 1, so the first data row of a CSV is row 2. A
report title and blank rows above the header are skipped (the header is the first row naming the
table's columns) and the rows under it keep the numbers the spreadsheet shows. CSV text is UTF-8,
or whatever a byte-order mark says, or Windows-1252 (Excel's plain CSV), each named in a notice; a
file that is not text at all is refused alone, as one rejection, and the other files still load.
Hidden sheets are not read. A batch with no data row at all is refused (``check_batch``).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from dasbor import settings
from etl.contract import CODE_KINDS, TABLES, Table, header_key, table_for

DOC_SHEETS = ("kamus",)  # the template's own dictionary sheet (etl.template)

SUFFIXES = (".csv", ".xlsx")

HEADER_SCAN = 30  # rows searched for the header: a report's title and blank rows come above it
DELIMITERS = (";", ",", "\t")


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
    rejected: list[dict] = field(default_factory=list)  # rows broken before validation, or the file
    notices: list[str] = field(default_factory=list)
    # Code columns whose cells held numbers (XLSX): {column: {code read: the number as the cell shows it}}
    numbers: dict[str, dict[str, str]] = field(default_factory=dict)
    # Why the file or sheet has no rows to load (Indonesian, English); None when it has rows
    empty: tuple[str, str] | None = None


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


def nothing_to_load(sheets: list[Sheet]) -> str | None:
    """Why a batch has nothing to load (every file header-only, blank or empty), or None when some
    file has a row, even a broken one. Such a batch is refused whole, as an unreadable file is, and
    never makes a new snapshot."""
    if any(s.data.num_rows or s.rejected for s in sheets):
        return None
    by_file: dict[str, list[Sheet]] = {}
    for s in sheets:
        by_file.setdefault(s.file, []).append(s)
    ids, ens = [], []
    for name, parts in by_file.items():
        if len(parts) == 1 and parts[0].sheet is None:
            why, why_en = parts[0].empty or _NO_ROWS
        else:
            why, why_en = "tidak ada baris data di lembar mana pun", "no data rows in any sheet"
        ids.append(f"{name}: {why}")
        ens.append(f"{name}: {why_en}")
    return f"tidak ada yang dimuat; {'; '.join(ids)} / nothing to load; {'; '.join(ens)}"


def check_batch(sheets: list[Sheet]) -> None:
    """Raise ReadError when the batch has nothing to load (``nothing_to_load``)."""
    why = nothing_to_load(sheets)
    if why:
        raise ReadError(why)


_NO_ROWS = ("hanya berisi judul kolom, tanpa baris data", "holds only the column headers, no data rows")
_EMPTY_FILE = ("berkas kosong", "the file is empty")
_EMPTY_SHEET = ("lembar kosong", "the sheet is empty")


def _unknown_table(name: str, stem: str) -> str:
    known = ", ".join(t.name for t in TABLES)
    return (
        f"{name}: '{stem}' bukan nama tabel; beri nama berkas/lembar salah satu dari: {known} "
        f"/ not a table name; name the file or sheet one of: {known}"
    )


def _where(name: str, sheet: str | None) -> str:
    return f"{name}" + (f" [{sheet}]" if sheet else "")


@cache
def _lookup(table: Table) -> dict[str, str]:
    """Header key → contract column, Indonesian and English names alike."""
    return {header_key(k): c.name for c in table.columns for k in (c.name, c.en)}


def _columns(table: Table, headers: list[str], name: str, sheet: str | None) -> tuple[list, list]:
    """Map each header to a contract column (or None) and note what was ignored."""
    where = _where(name, sheet)
    lookup = _lookup(table)
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


def _score(table: Table, cells: list[str]) -> tuple[bool, int]:
    """(names every required column, how many cells name a column) for a candidate header row."""
    lookup = _lookup(table)
    named = {lookup.get(header_key(c)) for c in cells if str(c).strip()} - {None}
    complete = all(c.name in named for c in table.columns if c.required) and all(
        any(g in named for g in group) for group in table.needs_one_of
    )
    return complete, len(named)


def _header_notice(where: str, header_row: int) -> list[str]:
    """Said when the header is not on row 1: which row it is on, and that the rows above were skipped."""
    if header_row <= 1:
        return []
    above = "1" if header_row == 2 else f"1–{header_row - 1}"
    above_en = "row 1" if header_row == 2 else f"rows 1–{header_row - 1}"
    return [
        f"{where}: judul kolom ada di baris {header_row}; baris {above} di atasnya (judul laporan atau baris "
        f"kosong) dilewati / the column headers are on row {header_row}; {above_en} above them (a report "
        f"title or blank rows) skipped"
    ]


# CSV text


class _NotTextError(Exception):
    """A CSV file that is not text in any encoding we read: refused alone, as a rejection."""

    def __init__(self, offset: int, value: str, why: str, why_en: str):
        super().__init__(why_en)
        self.offset, self.value, self.why, self.why_en = offset, value, why, why_en


# Byte-order marks, longest first (UTF-32 LE's begins with UTF-16 LE's).
_UTF16 = ("UTF-16 (Teks Unicode dari Excel)", "UTF-16 (Excel's Unicode Text)")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", ("UTF-32", "UTF-32")),
    (codecs.BOM_UTF32_BE, "utf-32", ("UTF-32", "UTF-32")),
    (codecs.BOM_UTF16_LE, "utf-16", _UTF16),
    (codecs.BOM_UTF16_BE, "utf-16", _UTF16),
)
# Not text at all, however it is named: said in words a data officer can act on.
_SIGNATURES = (
    (
        b"PK\x03\x04",
        "berkas ini buku kerja XLSX (atau ZIP) yang diberi nama .csv; ganti akhiran namanya menjadi .xlsx",
        "this file is an XLSX workbook (or a ZIP) named .csv; rename it to .xlsx",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "berkas ini buku kerja Excel lama (.xls) yang diberi nama .csv; simpan sebagai .xlsx atau 'CSV UTF-8'",
        "this file is an old Excel workbook (.xls) named .csv; save it as .xlsx or 'CSV UTF-8'",
    ),
)
_CP1252 = ("Windows-1252", "Windows-1252")


def _valid_utf8(raw: bytes) -> bool:
    """Whether ``raw`` is UTF-8, checked by Arrow without a copy (a 400 MB file in a few hundredths
    of a second, where decoding it in Python takes ten times that and its size again in memory)."""
    text = pa.LargeStringArray.from_buffers(1, pa.py_buffer(np.array([0, len(raw)], np.int64)), pa.py_buffer(raw))
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the text's first bytes are mostly ASCII letters each paired
    with a zero byte, as UTF-16 stores them; None otherwise."""
    head = raw[:4000]
    if len(head) < 8:
        return None
    odd, even = head[1::2].count(0), head[0::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def _decode_as(raw: bytes, codec: str, tried: tuple[str, str], skip: int = 0) -> bytes:
    """``raw`` from byte ``skip`` on, decoded by ``codec`` (which drops a UTF-16 or UTF-32 byte-order
    mark), as UTF-8 bytes; ``tried`` says in both languages which encodings a failure rules out."""
    try:
        return raw[skip:].decode(codec).encode("utf-8")
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        byte = f"0x{raw[offset]:02X}"
        raise _NotTextError(
            offset,
            byte,
            f"berkas tidak bisa dibaca sebagai teks: bita {byte} bukan huruf dalam {tried[0]}; seluruh berkas "
            "ditolak (berkas lain tetap dimuat); simpan ulang sebagai 'CSV UTF-8'",
            f"the file cannot be read as text: byte {byte} is not a character in {tried[1]}; the whole file is "
            "refused (other files still load); save it again as 'CSV UTF-8'",
        ) from None


def decode(raw: bytes) -> tuple[bytes, tuple[str, str] | None]:
    """The CSV's text as UTF-8 bytes, and the encoding assumed when it was not UTF-8 (its name in
    Indonesian and English, for a notice).

    In this order: a byte-order mark (UTF-16 as Excel's "Unicode Text" writes it, UTF-32, UTF-8);
    UTF-16 without its mark; strict UTF-8; and Windows-1252, what Excel's plain "CSV" writes on
    Windows (charset-normalizer guessed Windows-1250 or Baltic code pages for such Indonesian text,
    garbling é and ’, so no detector is asked). A file that is none of these raises
    ``_NotTextError``: a workbook renamed .csv, binary data (many zero bytes; one NUL in a cell of a
    text file is that cell's error), a byte Windows-1252 does not define."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            return _decode_as(raw, codec, label), label
    for signature, why, why_en in _SIGNATURES:
        if raw.startswith(signature):
            raise _NotTextError(0, f"0x{raw[0]:02X}", why, why_en)
    if raw.startswith(codecs.BOM_UTF8):
        if not _valid_utf8(raw[len(codecs.BOM_UTF8) :]):
            _decode_as(raw, "utf-8", ("UTF-8", "UTF-8"), len(codecs.BOM_UTF8))  # raises, naming the bad byte
        return raw[len(codecs.BOM_UTF8) :], None
    codec = _utf16_without_bom(raw)
    if codec:
        return _decode_as(raw, codec, ("UTF-16", "UTF-16")), ("UTF-16", "UTF-16")
    # Zero bytes are valid UTF-8, and a NUL typed into one cell is that cell's error (etl.validate);
    # a file that starts with many of them is binary.
    head = raw[:8192]
    if head.count(b"\x00") > max(2, len(head) // 100):
        raise _NotTextError(
            raw.index(b"\x00"),
            "0x00",
            "berkas berisi data biner (bita 0x00), bukan teks CSV; seluruh berkas ditolak (berkas lain tetap "
            "dimuat); simpan ulang sebagai 'CSV UTF-8'",
            "the file holds binary data (byte 0x00), not CSV text; the whole file is refused (other files still "
            "load); save it again as 'CSV UTF-8'",
        )
    if _valid_utf8(raw):
        return raw, None
    return _decode_as(raw, "cp1252", ("UTF-8 maupun Windows-1252", "UTF-8 nor Windows-1252")), _CP1252


def why_not_text(raw: bytes) -> tuple[str, str] | None:
    """Why a CSV's bytes are not text the loader reads (Indonesian, English), or None when they are:
    for a page that looks at an upload before loading it (a UTF-16 file is full of zero bytes and
    is text all the same)."""
    try:
        decode(raw)
    except _NotTextError as exc:
        return exc.why, exc.why_en
    return None


def _encoding_notice(name: str, label: tuple[str, str]) -> str:
    if label == _CP1252:
        return (
            f"{name}: bukan UTF-8; dibaca sebagai Windows-1252 (CSV biasa dari Excel di Windows); periksa huruf "
            "seperti é dan ’, atau simpan sebagai 'CSV UTF-8' / not UTF-8; read as Windows-1252 (Excel's plain "
            "CSV on Windows); check letters such as é and ’, or save as 'CSV UTF-8'"
        )
    return f"{name}: dibaca sebagai {label[0]} / read as {label[1]}"


def _refused(table: Table, name: str, raw: bytes, exc: _NotTextError) -> Sheet:
    """A file that is not text: one rejection naming it, the line of the first byte it could not read
    and that byte; nothing of it loads, the other files of the batch do."""
    row = raw.count(b"\n", 0, exc.offset) + 1
    rejection = {
        "file": name,
        "sheet": None,
        "row": row,
        "column": None,
        "value": exc.value,
        "reason": exc.why,
        "reason_en": exc.why_en,
    }
    return Sheet(table, name, None, _no_rows(), rejected=[rejection])


def _no_rows() -> pa.Table:
    return pa.table({"_row": pa.array([], pa.int64())})


def _records(raw: bytes, limit: int) -> list[tuple[int, int]]:
    """(start, end) byte offsets of the first ``limit`` records of a CSV, each ending after its line
    break: a line break inside quotes continues the record, as in a spreadsheet's one row."""
    out, start, pos, quotes = [], 0, 0, 0
    while len(out) < limit and start < len(raw):
        nl = raw.find(b"\n", pos)
        end = len(raw) if nl < 0 else nl + 1
        quotes += raw.count(b'"', pos, end)
        pos = end
        if quotes % 2 == 0 or nl < 0:
            out.append((start, end))
            start, quotes = end, 0
    return out


def _split(text: str, delimiter: str) -> list[str]:
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])


def _csv_header(table: Table, raw: bytes) -> tuple[int, int, str, list[str]] | None:
    """(record index, byte offset after it, delimiter, cells) of the header: the first record naming
    every required column, else the one naming the most columns, else the first that is not blank
    (its headers then fail as missing columns). None when every scanned record is blank."""
    records = [(s, e, raw[s:e].decode("utf-8", "replace").rstrip("\r\n")) for s, e in _records(raw, HEADER_SCAN)]
    best, first = None, None
    for i, (_, end, text) in enumerate(records):
        if not text.strip(" \t;,\r\n\"'"):
            continue
        if first is None:
            first = (i, end, max(DELIMITERS, key=text.count), text)
        scored = []
        for d in DELIMITERS:
            cells = _split(text, d)
            complete, n = _score(table, cells)
            scored.append((complete, n, d, cells))
        complete, n, d, cells = max(scored, key=lambda x: (x[0], x[1]))
        if complete:
            return i, end, d, cells
        if n and (best is None or n > best[0]):
            best = (n, (i, end, d, cells))
    if best:
        return best[1]
    if first:
        i, end, d, text = first
        return i, end, d, _split(text, d)
    return None


def _read_csv(path: Path, name: str, table: Table) -> Sheet:
    raw = path.read_bytes()
    try:
        raw, encoding = decode(raw)
    except _NotTextError as exc:
        return _refused(table, name, raw, exc)
    notices = [_encoding_notice(name, encoding)] if encoding else []
    found = _csv_header(table, raw)
    if found is None:
        return Sheet(
            table, name, None, _no_rows(), notices=[*notices, _empty_notice(name, _EMPTY_FILE)], empty=_EMPTY_FILE
        )
    index, start, delimiter, headers = found
    mapped, column_notices = _columns(table, headers, name, None)
    notices += _header_notice(name, index + 1) + column_notices
    first = index + 2  # the row number, as a spreadsheet shows it, of the first record under the header
    # The fast reader numbers rows as a person does only when every line is a record: it stops at a
    # blank line or a row of the wrong shape, and the careful reader below takes the file instead.
    try:
        data = _arrow_csv(raw, start, headers, mapped, delimiter, first)
        sheet = Sheet(table, name, None, data, notices=notices)
    except pa.ArrowInvalid:
        sheet = _python_csv(raw, start, name, table, headers, mapped, delimiter, notices, first)
    if not sheet.data.num_rows and not sheet.rejected:
        sheet.empty = _NO_ROWS
        sheet.notices.append(_empty_notice(name, _NO_ROWS))
    return sheet


def _empty_notice(where: str, why: tuple[str, str]) -> str:
    return f"{where}: {why[0]}; tidak ada yang dimuat darinya / {why[1]}; nothing loaded from it"


def _arrow_csv(raw: bytes, start: int, headers: list[str], mapped: list, delimiter: str, first: int) -> pa.Table:
    names = [f"c{i}" for i in range(len(headers))]
    keep = {f"c{i}": col for i, col in enumerate(mapped) if col}
    end = len(raw)  # trailing blank lines end the file, they are not blank rows
    while end > start and raw[end - 1] in b" \t\r\n":
        end -= 1
    table = pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(raw).slice(start, end - start)),
        read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=b'"' in raw,
            ignore_empty_lines=False,  # a blank line fails the read (see above) instead of vanishing
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    table = table.append_column("_row", pa.array(np.arange(first, table.num_rows + first, dtype=np.int64)))
    table = _without_blank_rows(table, names)
    return table.select([*keep, "_row"]).rename_columns([*keep.values(), "_row"])


def _without_blank_rows(table: pa.Table, names: list[str]) -> pa.Table:
    """``table`` without the rows whose every cell is blank (``;;;;`` lines, which Excel writes for
    formatted but empty rows), as the careful reader skips them. A blank row has a blank first cell,
    so only a file with one is looked at further."""
    if not table.num_rows or not names:
        return table

    def blank_cells(name: str):
        column = table.column(name)
        return pc.or_(pc.equal(column, ""), pc.utf8_is_space(column))

    blank = blank_cells(names[0])
    if not pc.any(blank).as_py():
        return table
    for name in names[1:]:
        blank = pc.and_(blank, blank_cells(name))
    return table.filter(pc.invert(blank))


def _python_csv(raw, start, name, table, headers, mapped, delimiter, notices, first) -> Sheet:
    reader = csv.reader(io.StringIO(raw[start:].decode("utf-8"), newline=""), delimiter=delimiter)
    cols = {col: [] for col in mapped if col}
    rows, rejected = [], []
    for number, record in enumerate(reader, start=first):
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
    data = pa.table({**{k: pa.array(v, pa.string()) for k, v in cols.items()}, "_row": pa.array(rows, pa.int64())})
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


# XLSX


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


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _shown(value) -> str:
    """A number as a spreadsheet shows it in a cell formatted General: 71.1, 7107."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def code_from_number(kind: str, value: float) -> str:
    """The code a number in a code column stands for. Excel turns a code typed into a General cell
    into a number and drops its trailing zeros: a region's or an urusan's two-digit part comes back
    (71.1 → 71.10, 2.1 → 2.10, 71.07 and 1.02 stay); other codes are the number as shown."""
    value = float(value)
    if kind in ("wilayah_kode", "urusan") and not value.is_integer():
        cents = round(value * 100)
        if abs(value * 100 - cents) < 1e-6:
            return f"{cents // 100}.{cents % 100:02d}"
    return _shown(value)


def _converter(kind: str):
    """How a cell of a column of ``kind`` becomes text: numbers in code and text columns as written
    (71.07, never 71,07), numbers elsewhere with a decimal comma for the Indonesian number rules."""
    if kind in CODE_KINDS or kind in ("teks", "wilayah_nama"):
        return lambda v: _shown(v) if _is_number(v) else _cell(v)
    return _cell


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _xlsx_header(table: Table, cells: list[list]) -> int:
    """Index of the header among the first rows (as ``_csv_header``, cells already split)."""
    best, first = None, None
    for i, row in enumerate(cells[:HEADER_SCAN]):
        texts = [_cell(c) for c in row]
        if not any(t.strip() for t in texts):
            continue
        first = i if first is None else first
        complete, n = _score(table, texts)
        if complete:
            return i
        if n and (best is None or n > best[0]):
            best = (n, i)
    return best[1] if best else (first or 0)


def _xlsx_sheet(table: Table, name: str, sheet_name: str, cells: list[list], first_row: int) -> Sheet:
    where = _where(name, sheet_name)
    if not any(not _blank(c) for row in cells[:HEADER_SCAN] for c in row):
        return Sheet(table, name, sheet_name, _no_rows(), empty=_EMPTY_SHEET)
    index = _xlsx_header(table, cells)
    headers = [_cell(c) for c in cells[index]]
    mapped, notices = _columns(table, headers, name, sheet_name)
    notices = _header_notice(where, first_row + index) + notices
    kinds = {c.name: c.kind for c in table.columns}
    take = [(i, col, _converter(kinds[col])) for i, col in enumerate(mapped) if col]
    codes = {i for i, col, _ in take if kinds[col] in CODE_KINDS}
    cols: dict[str, list[str]] = {col: [] for _, col, _ in take}
    numbers: dict[str, dict[str, str]] = {}
    rows = []
    for offset, record in enumerate(cells[index + 1 :], start=index + 1):
        if all(_blank(c) for c in record):
            continue
        width = len(record)
        for i, col, convert in take:
            value = record[i] if i < width else None
            if i in codes and _is_number(value):
                text = code_from_number(kinds[col], value)
                numbers.setdefault(col, {})[text] = _shown(value)
                cols[col].append(text)
            else:
                cols[col].append(convert(value))
        rows.append(first_row + offset)
    data = pa.table({**{k: pa.array(v, pa.string()) for k, v in cols.items()}, "_row": pa.array(rows, pa.int64())})
    if numbers:
        notices.append(_numbers_notice(where, numbers))
    sheet = Sheet(table, name, sheet_name, data, notices=notices, numbers=numbers)
    if not rows:
        sheet.empty = _NO_ROWS
    return sheet


def _numbers_notice(where: str, numbers: dict[str, dict[str, str]]) -> str:
    columns = ", ".join(numbers)
    pairs = [(shown, text) for found in numbers.values() for text, shown in found.items()]
    shown = ", ".join(f"{a} → {b}" for a, b in sorted(pairs)[:6]) + (", ..." if len(pairs) > 6 else "")
    return (
        f"{where}: kolom kode ({columns}) berisi angka, bukan teks; angka itu dibaca sebagai kode ({shown}); "
        "format kolom kode sebagai Teks, seperti di templat, agar Excel tidak membuang nolnya / code columns "
        f"({columns}) hold numbers, not text; the numbers were read as codes ({shown}); format code columns as "
        "Text, as the template does, so that Excel keeps their zeros"
    )


def _read_xlsx(path: Path, name: str) -> list[Sheet]:
    from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        raise ReadError(f"{name}: bukan buku kerja XLSX yang bisa dibaca / not a readable XLSX ({exc})") from None
    # Hidden and very hidden sheets hold what the office put away (last year's copy, lookups): a
    # person reading the workbook does not see them, so neither does the loader.
    hidden = [m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible]
    sheets, skipped = [], []
    for sheet_name in book.sheet_names:
        if sheet_name in hidden:
            continue
        table = table_for(sheet_name)
        if table is None:
            if sheet_name.strip().lower() not in DOC_SHEETS:
                skipped.append(sheet_name)
            continue
        sheet = book.get_sheet_by_name(sheet_name)
        cells = sheet.to_python()
        first_row = sheet.start[0] + 1 if sheet.start else 1
        sheets.append(_xlsx_sheet(table, name, sheet_name, cells, first_row))
    if not sheets:
        hidden_tables = [h for h in hidden if table_for(h)]
        if hidden_tables:
            raise ReadError(
                f"{name}: setiap lembar tabel tersembunyi ({', '.join(hidden_tables)}); lembar tersembunyi tidak "
                "dibaca, tampilkan (Unhide) dulu / every table sheet is hidden; hidden sheets are not read, unhide "
                "them first"
            )
        raise ReadError(_unknown_table(name, ", ".join(skipped) or "(tanpa lembar)"))
    if skipped:
        sheets[0].notices.append(f"{name}: lembar {', '.join(skipped)} bukan tabel dan dilewati / sheets skipped")
    if hidden:
        sheets[0].notices.append(
            f"{name}: lembar tersembunyi tidak dibaca: {', '.join(hidden)}; tampilkan (Unhide) bila isinya memang "
            f"mau dimuat / hidden sheets not read: {', '.join(hidden)}; unhide them if they are meant to load"
        )
    return sheets
