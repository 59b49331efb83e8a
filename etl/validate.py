"""Step 2 of a load: check every row against the contract, inside DuckDB.

Each table's rows are parsed and checked by one generated query (rules declared in
``etl.contract``), so validation runs at columnar speed. A broken row collects one error per
broken cell; rows with no errors go on to the load, the others to the report. Checks that only
some files need (a text longer than its column allows, control characters) are looked for in the
column's bytes first and become SQL only for the columns that have them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dasbor.reference import RegionResolver, alias_rows, fold, norm_key, register_sql, urusan_rows
from etl import rules
from etl.contract import DOMAINS, LOAD_ORDER, TABLE_BY_NAME, Column, Table, builtin_aliases
from etl.read import Sheet, check_batch

SQL_DIR = Path(__file__).resolve().parent / "sql"


@dataclass
class Batch:
    """The outcome of validation, held as temp tables ``v_<table>`` in ``con``."""

    con: duckdb.DuckDBPyConnection
    tables: list[str]
    rejected: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)


def lit(text: str) -> str:
    """A SQL string literal for our own fixed messages and names (never for data)."""
    return "'" + str(text).replace("'", "''") + "'"


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "parsers.sql").read_text(encoding="utf-8"))
    con.execute(rules.PREDIKAT_MACRO)
    # kunci(text): the key of an enumerated value, by the same rule (and function) that made the keys
    # of alias.csv below.
    register_sql(con)
    # A spelling listed twice (the contract's own, shipped, then the data folder's own alias.csv): the
    # later row wins.
    aliases = [{**a, "urutan": n} for n, a in enumerate([*builtin_aliases(), *alias_rows()])]
    con.register("_alias", pa.Table.from_pylist(aliases or [{"domain": "", "kunci": "", "kanonik": "", "urutan": 0}]))
    con.execute(
        "create or replace temp table alias as select distinct on (domain, kunci) domain, kunci, kanonik "
        "from _alias order by domain, kunci, urutan desc"
    )
    con.unregister("_alias")


def validate(con: duckdb.DuckDBPyConnection, sheets: list[Sheet], has_db: bool) -> Batch:
    check_batch(sheets)  # a batch of header-only or blank files is refused: nothing to load
    prepare(con)
    batch = Batch(con, [])
    for sheet in sheets:
        batch.rejected.extend(sheet.rejected)
        batch.notices.extend(sheet.notices)
    by_table: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        by_table.setdefault(sheet.table.name, []).append(sheet)
    resolver = RegionResolver(alias_rows())
    for name in LOAD_ORDER:
        if name not in by_table:
            continue
        table = TABLE_BY_NAME[name]
        found = _register_raw(con, table, by_table[name])
        numbers = _numbers(by_table[name])
        if any(c.kind == "wilayah_kode" for c in table.columns):
            _map_regions(con, name, resolver, numbers.get("kode_wilayah", {}))
        if any(c.kind == "urusan" for c in table.columns):
            _map_urusan(con, name, numbers.get("urusan", {}))
        for sql in lookup_sql(table):
            con.execute(sql)
        con.execute(f"create or replace temp table v_{name} as {row_sql(table, found)}")
        rules.apply(con, table, batch, has_db)
        batch.tables.append(name)
        _collect(con, table, by_table[name], batch)
    return batch


def _register_raw(con, table: Table, sheets: list[Sheet]) -> dict[str, set[str]]:
    """The sheets' cells, trimmed, as ``raw_<table>`` (with ``_file``, ``_sheet``, ``_row``).

    Returns, per text or code column, the checks its cells need: ``"len"`` when some cell may be
    longer than the column allows, ``"ctrl"`` when some cell holds a control character (or a line
    break or tab where the column takes one line). Both are read off the column's bytes, so the
    millions of cells of a clean national batch are not checked one by one."""
    parts, found = [], {}
    for sheet in sheets:
        data = sheet.data
        n = data.num_rows
        for col in table.columns:
            if col.name not in data.column_names:
                data = data.append_column(col.name, pa.nulls(n, pa.string()))
            else:
                i = data.column_names.index(col.name)
                data = data.set_column(i, col.name, trimmed(data.column(i)))
                if col.max_len is not None:
                    found.setdefault(col.name, set()).update(_needs(data.column(i), col))
        data = data.append_column("_file", _same(sheet.file, n))
        data = data.append_column("_sheet", _same(sheet.sheet, n))
        i = data.column_names.index("_row")
        data = data.set_column(i, "_row", data.column(i).cast(pa.int64()))  # one type in every part
        parts.append(data.select([c.name for c in table.columns] + ["_file", "_sheet", "_row"]))
    con.register(f"raw_{table.name}", pa.concat_tables(parts))
    return found


def _needs(column: pa.ChunkedArray, col: Column) -> set[str]:
    """Which of the checks "len" and "ctrl" ``column``'s cells need (see ``_register_raw``)."""
    out = set()
    if column.null_count == len(column):
        return out
    # A character takes at least one byte: no cell has more characters than the longest has bytes.
    if pc.max(pc.binary_length(column)).as_py() > col.max_len:
        out.add("len")
    for chunk in column.chunks:
        if _controls_in(chunk, col.multiline):
            out.add("ctrl")
            break
    return out


def _controls_in(chunk: pa.Array, multiline: bool) -> bool:
    """Whether a chunk of text holds a C0 or C1 control character (tab and line breaks excepted when
    ``multiline``), judged on its bytes: printable ASCII only, the usual case, is one min and max."""
    if len(chunk) == chunk.null_count:
        return False
    offsets_buf, data_buf = chunk.buffers()[1], chunk.buffers()[2]
    if data_buf is None:
        return False
    wide = pa.types.is_large_string(chunk.type)
    offsets = np.frombuffer(offsets_buf, np.int64 if wide else np.int32)
    lo, hi = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
    data = np.frombuffer(data_buf, np.uint8)[lo:hi]
    if not data.size or (data.min() >= 0x20 and data.max() < 0x7F):
        return False
    low = data[data < 0x20]
    if low.size and (not multiline or np.isin(low, (9, 10, 13), invert=True).any()):
        return True
    if (data == 0x7F).any():
        return True
    lead = np.flatnonzero(data[:-1] == 0xC2)  # U+0080–U+009F are C2 80 – C2 9F in UTF-8
    return bool(lead.size and (data[lead + 1] < 0xA0).any())


def _numbers(sheets: list[Sheet]) -> dict[str, dict[str, str]]:
    """The codes read from numbers in the table's sheets: {column: {code read: number shown}}."""
    out: dict[str, dict[str, str]] = {}
    for sheet in sheets:
        for col, found in sheet.numbers.items():
            out.setdefault(col, {}).update(found)
    return out


# Unicode's space separators (category Zs), the characters DuckDB's trim() removes.
SPACES = " \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"


def trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``column`` without spaces around its cells, as DuckDB's trim() would leave it. Arrow trims
    here because a trim per cell in DuckDB took seconds of a national load, nearly all of it on
    cells with nothing to trim: a column of plain ASCII with no cell starting or ending in a space
    is returned as it is."""
    if column.null_count == len(column):
        return column
    plain = pc.all(pc.string_is_ascii(column)).as_py()
    if plain and not pc.any(pc.or_(pc.starts_with(column, " "), pc.ends_with(column, " "))).as_py():
        return column
    return pc.utf8_trim(column, SPACES)


def _same(text: str | None, n: int) -> pa.Array:
    """``text`` on every one of ``n`` rows, as a dictionary (a list of millions costs seconds). No
    text (a CSV has no sheet) is a dictionary too, of null indices: a table read from a CSV and from
    a workbook's sheet then has one type for ``_sheet``, and its parts concatenate."""
    if text is None:
        return pa.DictionaryArray.from_arrays(pa.nulls(n, pa.int32()), pa.array([], pa.string()))
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([text], pa.string()))


def _from_number(what: str, what_en: str, shown: str, code: str) -> tuple[str, str]:
    """Why a code read from a number is rejected: the number as the cell shows it, the code it was
    read as, and what to do."""
    return (
        f"angka {shown} di sel ini dibaca sebagai {what} {code} (Excel membuang nol di belakang angka), tetapi "
        f"{what} {code} tidak ada; ketik kodenya sebagai teks (format sel Teks)",
        f"the number {shown} in this cell was read as {what_en} {code} (Excel drops trailing zeros), but there "
        f"is no {what_en} {code}; type the code as text (cell format Text)",
    )


def _map_regions(con, name: str, resolver: RegionResolver, numbers: dict[str, str]) -> None:
    """Each distinct (code, name) pair of the table resolved once; ``numbers`` are the codes read
    from numbers in a workbook ({code: number shown}), which a rejection quotes as the cell shows."""
    pairs = con.execute(f"select distinct isi(kode_wilayah), isi(nama_wilayah) from raw_{name}").fetchall()
    rows = []
    for kode, nama in pairs:
        code, why, why_en = resolver.resolve(kode, nama)
        shown = numbers.get(kode) if kode else None
        if code is None and shown is not None and resolver.code(kode) is None:
            why, why_en = _from_number("kode wilayah", "region code", shown, kode)
        rows.append({"k": kode, "n": nama, "kode": code, "nilai": shown, "alasan": why, "alasan_en": why_en})
    con.register(f"_map_wilayah_{name}", pa.Table.from_pylist(rows, schema=_MAP_SCHEMA))


_MAP_SCHEMA = pa.schema([(c, pa.string()) for c in ("k", "n", "kode", "nilai", "alasan", "alasan_en")])


def _map_urusan(con, name: str, numbers: dict[str, str]) -> None:
    ref = urusan_rows()
    by_code = {r["kode_bidang"]: r["kode_bidang"] for r in ref}
    by_name = {norm_key(r["nama_bidang_urusan"]): r["kode_bidang"] for r in ref}
    values = con.execute(f"select distinct isi(urusan) from raw_{name} where isi(urusan) is not null")
    rows = []
    for (raw,) in values.fetchall():
        # A code as written (full-width digits and stray spaces too), else a name by the rule of keys.
        match = re.fullmatch(r"([0-9])\.?0?([0-9]{1,2})", "".join(fold(raw).split()))
        code = f"{match.group(1)}.{int(match.group(2)):02d}" if match else None
        found = by_code.get(code) or by_name.get(norm_key(raw))
        why = why_en = shown = None
        if found is None and raw in numbers:
            shown = numbers[raw]
            why, why_en = _from_number("urusan", "urusan", shown, raw)
        rows.append({"k": raw, "kode": found, "nilai": shown, "alasan": why, "alasan_en": why_en})
    schema = pa.schema([(c, pa.string()) for c in ("k", "kode", "nilai", "alasan", "alasan_en")])
    con.register(f"_map_urusan_{name}", pa.Table.from_pylist(rows, schema=schema))


NUMBER_KINDS = ("uang", "angka", "bulat", "tahun")


def lookup_sql(table: Table) -> list[str]:
    """Per date, enum or number column, its distinct texts parsed once: ``lk_<table>_<column>(teks, v)``,
    keyed by the text as read. A national batch repeats few values many times (3,080 dates, under
    16,000 amounts among 360,000 evaluations), so parsing each cell took seconds."""
    out = []
    for c in table.columns:
        lk = f"lk_{table.name}_{c.name}"
        distinct = f"select teks, isi(teks) as raw from (select distinct {c.name} as teks from raw_{table.name})"
        if c.kind == "tanggal":
            # bulan_salah: the month of a day-first date that cannot be one (11/22/2020, written month
            # first); saran: that date read month first, when it is a real day.
            out.append(
                f"create or replace temp table {lk} as "
                "select teks, tanggal_dari_bersih(c) as v, bentuk_tanggal(c) as bentuk, "
                "case when tanggal_angka(c) and bulan_salah > 12 then bulan_salah end as bulan_salah, "
                "case when tanggal_angka(c) and bulan_salah > 12 then try_strptime("
                r"regexp_replace(c, '^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$', '\2-\1-\3'), '%d-%m-%Y')::date "
                "end as saran "
                "from (select teks, c, try_cast(regexp_extract(c, "
                r"'^\d{1,2}[/.\-](\d{1,2})[/.\-]', 1) as integer) as bulan_salah "
                f"from (select teks, bersih_tanggal(raw) as c from ({distinct})))"
            )
        elif c.kind in NUMBER_KINDS:
            parse = "uang_dari_bersih" if c.kind == "uang" else "angka_dari_bersih"
            whole = c.kind in ("bulat", "tahun")  # a whole number, or not understood
            v = "case when x = floor(x) then x::bigint end" if whole else "x"
            out.append(
                f"create or replace temp table {lk} as select teks, {v} as v "
                f"from (select teks, {parse}(bersih_angka(raw)) as x from ({distinct}))"
            )
        elif c.kind == "enum":
            out.append(
                f"create or replace temp table {lk} as select d.teks, a.kanonik as v from ({distinct}) d "
                f"left join alias a on a.domain = {lit(c.domain)} and a.kunci = kunci(d.raw)"
            )
    return out


def _err(col: str, value_sql: str, cond: str, why: str, why_en: str) -> str:
    return _err_sql(col, value_sql, cond, lit(why), lit(why_en))


def _err_sql(col: str, value_sql: str, cond: str, why_sql: str, why_en_sql: str) -> str:
    """An error whose reasons are SQL expressions (they quote the cell's length, character, month)."""
    return (
        f"case when {cond} then {{'kolom': {lit(col)}, 'nilai': {value_sql}, "
        f"'alasan': {why_sql}, 'alasan_en': {why_en_sql}}} end"
    )


# C0 and C1 control characters (NUL, escape, ...); a one-line column takes no tab or line break either.
CONTROLS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
CONTROLS_AND_BREAKS = r"[\x00-\x1f\x7f-\x9f]"


def _text_errors(c: Column, r: str, needs: set[str]) -> list[str]:
    """A text or code column's length and character rules, for the checks its cells need."""
    errs = []
    if "len" in needs:
        n, n_en = f"{c.max_len:,}".replace(",", "."), f"{c.max_len:,}"
        errs.append(
            _err_sql(
                c.name,
                f"left({r}, 100) || '…'",  # the start of the cell is enough to find it
                f"length({r}) > {c.max_len}",
                f"'lebih dari {n} karakter (panjangnya ' || length({r}) || '); persingkat isinya'",
                f"'longer than {n_en} characters (it has ' || length({r}) || '); shorten it'",
            )
        )
    if "ctrl" in needs:
        pattern = CONTROLS if c.multiline else CONTROLS_AND_BREAKS
        ch = f"regexp_extract({r}, {lit(pattern)})"
        code = f"printf('U+%04X', unicode({ch}))"
        at = f"strpos({r}, {ch})"
        brk = f"{ch} in (chr(9), chr(10), chr(13))"  # a tab or line break, in a column of one line
        what = f"case when {ch} = chr(9) then 'tab' when {brk} then 'ganti baris' else 'karakter kendali' end"
        what_en = (
            f"case when {ch} = chr(9) then 'a tab' when {brk} then 'a line break' else 'the control character' end"
        )
        errs.append(
            _err_sql(
                c.name,
                r,
                f"regexp_matches({r}, {lit(pattern)})",
                f"'berisi ' || {what} || ' ' || {code} || ' pada karakter ke-' || {at} || "
                f"case when {brk} then '; kolom ini hanya satu baris' else '; hapus karakter itu' end",
                f"'holds ' || {what_en} || ' ' || {code} || ' at character ' || {at} || "
                f"case when {brk} then '; this column takes one line only' else '; remove it' end",
            )
        )
    return errs


def _column_sql(c: Column, table: Table, needs: set[str]) -> tuple[str, list[str], str]:
    """(typed expr, error exprs, extra join) for one column; ``needs`` as ``_register_raw`` found."""
    r = f"{c.name}__r"
    errs: list[str] = []
    if c.required:
        errs.append(_err(c.name, r, f"{r} is null", "wajib diisi", "required"))
    typed, join = r, ""
    if c.max_len is not None:
        errs += _text_errors(c, r, needs)
    if c.kind == "tanggal":
        # Few distinct dates stand behind many rows: parse each distinct text once (lookup_sql).
        lk = f"lk_{table.name}_{c.name}"
        join, typed = f"left join {lk} on {lk}.teks = src.{c.name}__t", f"{lk}.v"
        errs += [
            _err(
                c.name,
                r,
                f"{r} is not null and {typed} is null and not {lk}.bentuk",
                "tanggal tidak dikenali (pakai 22/11/2017, 2017-11-22 atau 22 November 2017)",
                "date not recognised (use 22/11/2017, 2017-11-22 or 22 November 2017)",
            ),
            _err(
                c.name,
                r,
                f"{r} is not null and {typed} is null and {lk}.bentuk and {lk}.bulan_salah is null",
                "tanggal itu tidak ada di kalender (mis. 31/02, atau 29/02 di luar tahun kabisat); periksa hari dan bulannya",
                "no such day in the calendar (e.g. 31/02, or 29/02 outside a leap year); check the day and month",
            ),
            # 11/22/2020: the month first, as American software writes it.
            _err_sql(
                c.name,
                r,
                f"{r} is not null and {typed} is null and {lk}.bulan_salah is not null",
                f"'bulan tidak mungkin ' || {lk}.bulan_salah || '; tanggal ditulis hari dulu, lalu bulan' || "
                f"coalesce(': ' || strftime({lk}.saran, '%d/%m/%Y'), ' (hh/bb/tttt)')",
                f"'the month cannot be ' || {lk}.bulan_salah || '; dates are written day first, then the month' || "
                f"coalesce(': ' || strftime({lk}.saran, '%d/%m/%Y'), ' (dd/mm/yyyy)')",
            ),
            _err(c.name, r, f"{typed} > current_date", "tanggal di masa depan", "date is in the future"),
            _err(
                c.name,
                r,
                f"{typed} < date '1950-01-01'",
                "tanggal sebelum 1950, periksa tahunnya",
                "date before 1950, check the year",
            ),
        ]
    elif c.kind in NUMBER_KINDS:
        # Like dates, each distinct text is parsed once (lookup_sql).
        lk = f"lk_{table.name}_{c.name}"
        join, typed = f"left join {lk} on {lk}.teks = src.{c.name}__t", f"{lk}.v"
        what = {
            "uang": (
                "bukan jumlah Rupiah ≥ 0 yang dikenali (mis. Rp1.500.000)",
                "not a Rupiah amount ≥ 0 (e.g. Rp1.500.000)",
            ),
            "angka": ("bukan angka (mis. 1.234,56)", "not a number (e.g. 1.234,56)"),
            "bulat": ("bukan bilangan bulat (mis. 1.250)", "not a whole number (e.g. 1.250)"),
            "tahun": ("bukan tahun (mis. 2025)", "not a year (e.g. 2025)"),
        }[c.kind]
        errs.append(_err(c.name, r, f"{r} is not null and {typed} is null", *what))
        if c.kind == "tahun":
            errs.append(
                _err(
                    c.name,
                    r,
                    f"{typed} not between 1990 and year(current_date) + 1",
                    "tahun di luar 1990 sampai tahun depan",
                    "year outside 1990 to next year",
                )
            )
        if c.lo is not None:
            errs.append(_err(c.name, r, f"{typed} < {c.lo}", f"kurang dari {c.lo:g}", f"less than {c.lo:g}"))
        if c.hi is not None:
            errs.append(_err(c.name, r, f"{typed} > {c.hi}", f"lebih dari {c.hi:g}", f"more than {c.hi:g}"))
    elif c.kind == "enum":
        lk = f"lk_{table.name}_{c.name}"
        join, typed = f"left join {lk} on {lk}.teks = src.{c.name}__t", f"{lk}.v"
        if c.domain == "ya_tidak":
            typed = f"coalesce({lk}.v = 'true', true)"
        choices = ", ".join(DOMAINS[c.domain])
        errs.append(
            _err(
                c.name,
                r,
                f"{r} is not null and {lk}.v is null",
                f"nilai tidak dikenal; pilihan: {choices}",
                f"unknown value; choose one of: {choices}",
            )
        )
    elif c.kind == "urusan":
        join = f"left join _map_urusan_{table.name} mu on mu.k = src.{r}"
        typed = "mu.kode"
        errs.append(
            _err_sql(
                c.name,
                f"coalesce(mu.nilai, {r})",
                f"{r} is not null and mu.kode is null",
                "coalesce(mu.alasan, "
                + lit("urusan tidak dikenal (pakai kode 1.01–5.05 Permendagri 90/2019 atau namanya)")
                + ")",
                "coalesce(mu.alasan_en, "
                + lit("unknown urusan (use a Permendagri 90/2019 code 1.01–5.05 or its name)")
                + ")",
            )
        )
    elif c.kind == "wilayah_kode":
        join = (
            f"left join _map_wilayah_{table.name} mw on mw.k is not distinct from src.kode_wilayah__r "
            "and mw.n is not distinct from src.nama_wilayah__r"
        )
        typed = "mw.kode"
        value = "coalesce(mw.nilai, src.kode_wilayah__r, src.nama_wilayah__r)"
        column = "case when src.kode_wilayah__r is null then 'nama_wilayah' else 'kode_wilayah' end"
        errs.append(
            f"case when mw.kode is null then {{'kolom': {column}, 'nilai': {value}, "
            "'alasan': mw.alasan, 'alasan_en': mw.alasan_en} end"
        )
    elif c.kind == "wilayah_nama":
        typed = r
    return typed, errs, join


def row_sql(table: Table, needs: dict[str, set[str]] | None = None) -> str:
    """One query that parses and checks every cell of ``raw_<table>``; ``needs`` names the checks
    that text columns need (``_register_raw``; None: all of them)."""
    cleans, cleaned, typeds, errors, joins = [], [], [], [], []
    for c in table.columns:
        typed, errs, join = _column_sql(c, table, {"len", "ctrl"} if needs is None else needs.get(c.name, set()))
        cleans.append(f"isi({c.name}) as {c.name}__r")
        if c.kind in ("tanggal", "enum", *NUMBER_KINDS):
            cleans.append(f"{c.name} as {c.name}__t")  # the text as read, for its lookup table
            cleaned.append(f"{c.name}__t")
        typeds.append(f"{typed} as {c.name}")
        errors.extend(errs)
        if join:
            joins.append(join)
    row_rules = rules.row_errors(table) or ["null"]
    return f"""
        with src as (
            select _file, _sheet, _row, {", ".join(cleans)}
            from raw_{table.name}
        ),
        typed as (
            select src.*, {", ".join(typeds)},
                list_filter([{", ".join(errors)}], lambda e: e is not null) as _cell_errors
            from src {" ".join(joins)}
        )
        -- the typed columns, the errors, and where the row came from; the raw texts were needed only
        -- to describe the errors
        select * exclude ({", ".join([*cleaned, *(f"{c.name}__r" for c in table.columns), "_cell_errors"])}),
            list_concat(_cell_errors, list_filter([{", ".join(row_rules)}], lambda e: e is not null)) as _errors
        from typed
    """


def _collect(con, table: Table, sheets: list[Sheet], batch: Batch) -> None:
    name = table.name
    rows = con.execute(
        f"""
        select _file, _sheet, _row, e.kolom, e.nilai, e.alasan, e.alasan_en
        from (select _file, _sheet, _row, unnest(_errors) as e from v_{name})
        order by _file, _sheet, _row
        """
    ).fetchall()
    batch.rejected.extend(
        {"file": f, "sheet": s, "row": r, "column": col, "value": v, "reason": why, "reason_en": en}
        for f, s, r, col, v, why, en in rows
    )
    total, bad = con.execute(f"select count(*), count(*) filter (where len(_errors) > 0) from v_{name}").fetchall()[0]
    pre = sum(len(s.rejected) for s in sheets)
    batch.counts[name] = {"read": total + pre, "loaded": total - bad, "rejected": bad + pre}
