"""Rules that look beyond one cell: table-specific row rules, duplicates and references.

Runs after the cell rules of ``etl.validate``; each rule appends errors to a row's ``_errors``.
Rows that refer to an innovation rejected in the same batch are rejected too, so nothing loads
orphaned. An innovation's ``replikasi_dari`` may name one not loaded yet (a notice says so), but
not itself, nor one that copies it back through a chain (checked across the batch and the current
snapshot, attached as ``db``).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from dasbor import domain
from etl.contract import Table, capaian_choices, capaian_keys

PREDIKAT_MACRO = (
    "create or replace macro predikat_skor(s) as case "
    + " ".join(f"when round(s, 2) between {lo} and {hi} then '{name}'" for name, lo, hi in domain.PREDIKAT_BANDS)
    + " end"
)


def _e(col_sql: str, value_sql: str, cond: str, why_sql: str, why_en_sql: str) -> str:
    return _rule(col_sql, value_sql, cond, why_sql, why_en_sql)[1]


def _rule(col_sql: str, value_sql: str, cond: str, why_sql: str, why_en_sql: str) -> tuple[str, str]:
    """(condition, error expression): the error a row gets when the condition holds."""
    return cond, (
        f"case when {cond} then {{'kolom': {col_sql}, 'nilai': {value_sql}, "
        f"'alasan': {why_sql}, 'alasan_en': {why_en_sql}}} end"
    )


def row_errors(table: Table) -> list[str]:
    """Rules between cells of the same row, as SQL error expressions over typed columns."""
    if table.name == "indeks_daerah":
        return [
            _e(
                "'skor'",
                "null",
                "skor is null and predikat__r is null",
                "'isi skor atau predikat'",
                "'give a score or a predikat'",
            ),
            _e(
                "'predikat'",
                "predikat__r",
                "skor is not null and predikat is not null and predikat <> predikat_skor(skor)",
                "'predikat tidak cocok dengan skor ' || skor || ' (rentangnya: ' || predikat_skor(skor) || ')'",
                "'predikat disagrees with score ' || skor || ' (its band: ' || predikat_skor(skor) || ')'",
            ),
        ]
    if table.name == "inovasi":
        return [
            _e(
                f"'{col}'",
                f"{col}__r",
                f"{col} < tanggal_usulan",
                "'tanggal sebelum tanggal_usulan'",
                "'date is before the proposal date'",
            )
            for col in ("tanggal_uji_coba", "tanggal_penerapan")
        ]
    if table.name == "evaluasi":
        return [
            _e(
                "'satuan_waktu'",
                "null",
                "satuan_waktu is null and (waktu_layanan_sebelum is not null or waktu_layanan_sesudah is not null)",
                "'satuan_waktu wajib bila waktu layanan diisi (menit/jam/hari)'",
                "'time_unit is required when a service time is given (menit/jam/hari)'",
            ),
        ]
    return []


def _append(con: duckdb.DuckDBPyConnection, name: str, joins: str, rules: list[tuple[str, str]]) -> None:
    """Collect the rows these rules break into ``x_<name>``; merged into ``_errors`` by ``_merge``.
    Error lists are built only for the rows that break a rule, not for the millions that do not."""
    broken = " or ".join(f"coalesce({cond}, false)" for cond, _ in rules)
    con.execute(
        f"""
        insert into x_{name}
        select _file, _sheet, _row, e from (
            select v._file, v._sheet, v._row,
                unnest(list_filter([{", ".join(e for _, e in rules)}], lambda e: e is not null)) as e
            from v_{name} v {joins}
            where {broken}
        )
        """
    )


def _merge(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """One rewrite of ``v_<name>``, and none at all when no cross-row rule was broken."""
    (n,) = con.execute(f"select count(*) from x_{name}").fetchall()[0]
    if n:
        con.execute(
            f"""
            create or replace temp table v_{name} as
            select v.* replace (list_concat(v._errors, coalesce(x.errs, [])) as _errors)
            from v_{name} v
            left join (select _file, _sheet, _row, list(e) as errs from x_{name} group by all) x
                on x._file = v._file and x._sheet is not distinct from v._sheet and x._row = v._row
            """
        )


def _where(file_sql: str, sheet_sql: str, row_sql: str, word: str = "baris") -> str:
    return f"{file_sql} || coalesce(' [' || {sheet_sql} || ']', '') || ' {word} ' || {row_sql}"


def _duplicates(con, table: Table) -> None:
    key = ", ".join(table.key)
    first = _where("d.f_file", "d.f_sheet", "d.f_row")
    first_en = _where("d.f_file", "d.f_sheet", "d.f_row", "row")
    _append(
        con,
        table.name,
        f"""left join (
            select _file, _sheet, _row,
                first_value(_file) over w as f_file, first_value(_sheet) over w as f_sheet,
                first_value(_row) over w as f_row, row_number() over w as n
            from v_{table.name}
            where ({key}) in (select ({key}) from v_{table.name} group by all having count(*) > 1)
            window w as (partition by {key} order by _file, _sheet, _row)
        ) d on d._file = v._file and d._sheet is not distinct from v._sheet and d._row = v._row""",
        [
            _rule(
                f"'{table.key[-1]}'",
                f"v.{table.key[-1]}::varchar",
                "d.n > 1",
                f"'kunci ({key}) sudah ada di ' || {first} || '; baris ganda ditolak'",
                f"'key ({key}) already given at ' || {first_en} || '; duplicate row rejected'",
            )
        ],
    )


def one_per_key(rows_sql: str, key: str, order: str, columns: str = "* exclude (_h)") -> str:
    """``rows_sql`` with one row per ``key``, the first by ``order``; ``columns`` of it.

    Only rows whose key repeats go through the window: sorting the millions of rows of a national
    load to find a handful of repeats costs seconds. Repeats are found by the key's hash (grouping
    one integer is faster than texts): a row whose hash occurs once has a key that occurs once; the
    rest, true repeats or hash collisions, are sorted out by the key itself."""
    return f"""
        with candidates as (select *, hash({key}) as _h from ({rows_sql})),
        repeated as (select _h from candidates group by _h having count(*) > 1)
        select {columns} from candidates anti join repeated using (_h)
        union all
        select {columns} from candidates semi join repeated using (_h)
        qualify row_number() over (partition by {key} order by {order}) = 1
    """


def _parents(con, batch_tables: list[str], has_db: bool) -> str:
    """The innovations a row may refer to, one row per code: this batch's (valid or not: ``ok``) and
    the loaded ones. Built once per batch and shared by every table that refers to them."""
    (built,) = con.execute("select count(*) from duckdb_tables() where table_name = '_induk'").fetchall()[0]
    if not built:
        # A code sent twice keeps its valid row, else its first.
        sent = (
            "select kode_inovasi, tanggal_usulan, len(_errors) = 0 as ok, _file, _sheet, _row "
            "from v_inovasi where kode_inovasi is not null"
        )
        batch = (
            f"({one_per_key(sent, 'kode_inovasi', 'ok desc, _row')})"
            if "inovasi" in batch_tables
            else "(select null::varchar kode_inovasi, null::date tanggal_usulan, null::boolean ok, "
            "null::varchar _file, null::varchar _sheet, null::bigint _row where false)"
        )
        loaded = (
            "(select kode_inovasi, tanggal_usulan from db.inovasi)"
            if has_db
            else "(select null::varchar kode_inovasi, null::date tanggal_usulan where false)"
        )
        con.execute(
            f"""
            create temp table _induk as
            select kode_inovasi, b.ok, b.tanggal_usulan as tanggal_usulan_kiriman, b._file, b._sheet, b._row,
                o.tanggal_usulan as tanggal_usulan_dimuat
            from {batch} b full join {loaded} o using (kode_inovasi)
            """
        )
    return "left join _induk p on p.kode_inovasi = v.kode_inovasi"


def _references(con, table: Table, batch_tables: list[str], has_db: bool, date_col: str | None) -> None:
    where = _where("p._file", "p._sheet", "p._row")
    where_en = _where("p._file", "p._sheet", "p._row", "row")
    errors = [
        _rule(
            "'kode_inovasi'",
            "v.kode_inovasi",
            "v.kode_inovasi is not null and p.ok = false",
            f"'inovasi ini ditolak di ' || {where} || '; perbaiki baris itu lalu muat ulang keduanya'",
            f"'this innovation was rejected at ' || {where_en} || '; fix that row and load both again'",
        ),
        _rule(
            "'kode_inovasi'",
            "v.kode_inovasi",
            "v.kode_inovasi is not null and p.kode_inovasi is null",
            "'kode_inovasi tidak ada di tabel inovasi (kiriman ini maupun data yang sudah dimuat)'",
            "'kode_inovasi is not in the inovasi table (neither this batch nor loaded data)'",
        ),
    ]
    if date_col:
        proposed = "coalesce(case when p.ok then p.tanggal_usulan_kiriman end, p.tanggal_usulan_dimuat)"
        errors.append(
            _rule(
                f"'{date_col}'",
                f"strftime(v.{date_col}, '%d/%m/%Y')",
                f"v.{date_col} < {proposed}",
                f"'tanggal sebelum tanggal usulan (' || strftime({proposed}, '%d/%m/%Y') || ')'",
                f"'date is before the proposal date (' || strftime({proposed}, '%d/%m/%Y') || ')'",
            )
        )
    _append(con, table.name, _parents(con, batch_tables, has_db), errors)


def _region_collision(con, has_db: bool) -> None:
    if not has_db:
        return
    _append(
        con,
        "inovasi",
        "left join db.inovasi o on o.kode_inovasi = v.kode_inovasi left join db.wilayah w on w.kode = o.kode_wilayah",
        [
            _rule(
                "'kode_inovasi'",
                "v.kode_inovasi",
                "o.kode_wilayah is not null and v.kode_wilayah is not null and o.kode_wilayah <> v.kode_wilayah",
                "'kode_inovasi ini sudah terdaftar untuk ' || w.nama || ' (' || o.kode_wilayah || '); kode inovasi harus unik'",
                "'this kode_inovasi is already registered for ' || w.nama || ' (' || o.kode_wilayah || '); codes must be unique'",
            )
        ],
    )


def _new_errors(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """An empty ``x_<name>``, the table the rules collect errors in."""
    con.execute(
        f"create or replace temp table x_{name} as "
        f"select _file, _sheet, _row, _errors[1] as e from v_{name} where false"
    )


def _copies_itself(con) -> None:
    _append(
        con,
        "inovasi",
        "",
        [
            _rule(
                "'replikasi_dari'",
                "v.replikasi_dari",
                "v.replikasi_dari = v.kode_inovasi",
                "'replikasi_dari menunjuk inovasi ini sendiri; isi kode inovasi lain yang ditiru, atau kosongkan'",
                "'replikasi_dari names this innovation itself; give the code of the other innovation it copies, "
                "or leave it empty'",
            )
        ],
    )


def cycles(parent: dict[str, str]) -> list[list[str]]:
    """The cycles of a graph in which each innovation copies at most one other (``parent``: code →
    the code it copies), each as its codes in the order of copying; one walk per innovation."""
    done: set[str] = set()
    out = []
    for start in parent:
        if start in done:
            continue
        order: list[str] = []
        at: dict[str, int] = {}
        node = start
        while node in parent and node not in done and node not in at:
            at[node] = len(order)
            order.append(node)
            node = parent[node]
        if node in at:
            out.append(order[at[node] :])
        done.update(order)
    return out


def _replication_cycles(con, has_db: bool) -> None:
    """Reject the batch's rows whose ``replikasi_dari`` closes a cycle (A → B → A), whether the rest
    of the cycle is in this batch or already loaded. The graph is the loaded one with the batch's
    valid rows in place of the loaded rows of the same code; a rejected row leaves its loaded
    version in place, so the search repeats until no cycle runs through an accepted row."""
    sent = con.execute(
        "select kode_inovasi, replikasi_dari, _file, _sheet, _row from v_inovasi "
        "where len(_errors) = 0 and replikasi_dari is not null and kode_inovasi is not null"
    ).fetchall()
    if not sent:
        return  # a cycle through the batch runs through a row of it that copies another
    loaded, before = {}, {}
    if has_db:
        # Loaded innovations the batch does not replace, and the loaded version of those it does.
        loaded = dict(
            con.execute(
                "select kode_inovasi, replikasi_dari from db.inovasi where replikasi_dari is not null "
                "and kode_inovasi not in (select kode_inovasi from v_inovasi where len(_errors) = 0 "
                "and kode_inovasi is not null)"
            ).fetchall()
        )
        before = dict(
            con.execute(
                "select kode_inovasi, replikasi_dari from db.inovasi where replikasi_dari is not null "
                "and kode_inovasi in (select kode_inovasi from v_inovasi where len(_errors) = 0 "
                "and replikasi_dari is not null)"
            ).fetchall()
        )
    rows = {k: (p, f, s, r) for k, p, f, s, r in sent}
    parent = {**loaded, **{k: p for k, p, *_ in sent}}
    rejected: dict[str, list[str]] = {}
    while True:
        found = [c for c in cycles(parent) if any(n in rows and n not in rejected for n in c)]
        if not found:
            break
        for cycle in found:
            for n in cycle:
                if n in rows and n not in rejected:
                    rejected[n] = cycle
        for n in rejected:
            if n in before:
                parent[n] = before[n]
            else:
                parent.pop(n, None)
    if not rejected:
        return
    out = []
    for code, cycle in rejected.items():
        i = cycle.index(code)
        chain = " → ".join([*cycle[i:], *cycle[:i], code][:21]) + (" → …" if len(cycle) > 20 else "")
        elsewhere = [n for n in cycle if n not in rows]
        why = f"replikasi_dari membentuk lingkaran {chain}: inovasi tidak bisa meniru inovasi yang menirunya"
        why_en = f"replikasi_dari forms a cycle {chain}: an innovation cannot copy one that copies it"
        if elsewhere:
            why += f" ({', '.join(elsewhere)} sudah ada di data yang dimuat)"
            why_en += f" ({', '.join(elsewhere)} already in the loaded data)"
        value, file, sheet, row = rows[code]
        out.append(
            {
                "_file": file,
                "_sheet": sheet,
                "_row": row,
                "kolom": "replikasi_dari",
                "nilai": value,
                "alasan": why + "; perbaiki salah satu replikasi_dari",
                "alasan_en": why_en + "; fix one of the replikasi_dari",
            }
        )
    _insert_errors(con, "inovasi", out)


def _insert_errors(con, name: str, errors: list[dict]) -> None:
    """Errors found in Python (one dict per error: where, column, value, reasons) into ``x_<name>``."""
    schema = pa.schema(
        [("_file", pa.string()), ("_sheet", pa.string()), ("_row", pa.int64())]
        + [(c, pa.string()) for c in ("kolom", "nilai", "alasan", "alasan_en")]
    )
    con.register("_errors_found", pa.Table.from_pylist(errors, schema=schema))
    con.execute(
        f"insert into x_{name} select _file, _sheet, _row, "
        "{'kolom': kolom, 'nilai': nilai, 'alasan': alasan, 'alasan_en': alasan_en} from _errors_found"
    )
    con.unregister("_errors_found")


def _replication_notice(con, batch, has_db: bool) -> None:
    """Accepted rows copying an innovation found nowhere (not among the batch's accepted rows nor in
    the loaded data) load as they are, and a notice per file names them: the original may come
    later, from another region's report."""
    loaded = "anti join (select kode_inovasi from db.inovasi) d on d.kode_inovasi = v.replikasi_dari" if has_db else ""
    found = con.execute(
        f"""
        select v._file, v._sheet, count(*), list([v.replikasi_dari, v._row::varchar] order by v._row)[1:5]
        from v_inovasi v
        anti join (select kode_inovasi from v_inovasi where len(_errors) = 0) b on b.kode_inovasi = v.replikasi_dari
        {loaded}
        where len(v._errors) = 0 and v.replikasi_dari is not null
        group by all order by all
        """
    ).fetchall()
    for file, sheet, n, examples in found:
        where = file + (f" [{sheet}]" if sheet else "")
        more = ", ..." if n > len(examples) else ""
        listed = ", ".join(f"{k} di baris {r}" for k, r in examples) + more
        listed_en = ", ".join(f"{k} on row {r}" for k, r in examples) + more
        rows_en = "1 row names" if n == 1 else f"{n} rows name"
        batch.notices.append(
            f"{where}: {n} baris menyebut replikasi_dari yang belum ada di data ({listed}); baris itu tetap "
            f"dimuat, dan tautannya muncul setelah inovasi asalnya dimuat / {rows_en} a replikasi_dari not in "
            f"the data yet ({listed_en}); loaded as sent, the link appears once the original is loaded"
        )


def _text(value: str) -> str:
    """A SQL string literal of our own fixed words (a competition's name and rounds), never of data."""
    return "'" + value.replace("'", "''") + "'"


def _capaian(con) -> None:
    """``penghargaan.capaian`` read on the scale of the row's ajang (``dasbor.domain.COMPETITIONS``):
    each distinct text keyed once by the one normalisation rule (``kunci``), so 'Top 99', 'TOP-99' and
    'top_99' are one round. A text that is no round of a competition with a scale rejects the row,
    naming that scale's rounds; an empty capaian loads (the entry took part, its round unknown), and a
    competition without a scale (lainnya) takes any text. Rows keep the text as written; the loader
    reads it on the scale for the derived tables (``etl.load._capaian_scale``)."""
    con.register("_capaian_kunci", pa.Table.from_pylist(capaian_keys()))
    con.execute(
        """
        create or replace temp table _capaian as
        select d.teks, k.ajang, k.kanonik
        from (select distinct capaian as teks from v_penghargaan where capaian is not null) d
        join _capaian_kunci k on k.kunci = kunci(d.teks)
        """
    )
    con.unregister("_capaian_kunci")
    scaled = ", ".join(_text(a) for a in domain.COMPETITIONS)
    whens = " ".join(f"when {_text(a)} then {_text(capaian_choices(a))}" for a in domain.COMPETITIONS)
    choices = f"(case v.ajang {whens} end)"
    _append(
        con,
        "penghargaan",
        "left join _capaian c on c.teks = v.capaian and c.ajang = v.ajang",
        [
            _rule(
                "'capaian'",
                "v.capaian",
                f"v.capaian is not null and v.ajang in ({scaled}) and c.kanonik is null",
                f"'bukan babak ajang ' || v.ajang || '; pilihan: ' || {choices} || "
                "' (kosongkan bila babaknya tidak diketahui)'",
                f"'not a round of ' || v.ajang || '; choose one of: ' || {choices} || "
                "' (leave it empty when the round is unknown)'",
            )
        ],
    )


def apply(con: duckdb.DuckDBPyConnection, table: Table, batch, has_db: bool) -> None:
    """Cross-row rules for ``v_<table>``; ``batch.tables`` lists the tables validated before it."""
    name = table.name
    _new_errors(con, name)
    if name == "inovasi":
        _duplicates(con, table)
        _region_collision(con, has_db)
        _copies_itself(con)
        # A cycle is looked for among the rows valid so far: merge, then collect its errors anew.
        _merge(con, name)
        _new_errors(con, name)
        _replication_cycles(con, has_db)
    elif name == "tahapan":
        # The same stage twice is not an error: the later date wins at load time.
        _references(con, table, batch.tables, has_db, "tanggal")
    elif name == "evaluasi":
        _duplicates(con, table)
        _references(con, table, batch.tables, has_db, "tanggal_evaluasi")
    elif name == "penghargaan":
        _references(con, table, batch.tables, has_db, None)
        _capaian(con)
    elif name in ("indeks_daerah", "penduduk", "kegiatan"):
        # kegiatan: one event per region, date and kind; the same row sent twice is one event.
        _duplicates(con, table)
    _merge(con, name)
    if name == "inovasi":
        _replication_notice(con, batch, has_db)
    if name == "indeks_daerah":
        con.execute(
            "create or replace temp table v_indeks_daerah as "
            "select * replace (coalesce(predikat, predikat_skor(skor)) as predikat) from v_indeks_daerah"
        )
