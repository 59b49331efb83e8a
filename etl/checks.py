"""Invariants of a snapshot, checked after every load before it is published.

Like tests beside a dbt model: each names the table and the rule. A violation means a loader bug,
not bad input (bad input is rejected earlier), so the load stops and nothing is published.

After an incremental build (etl/load.py) the rules are checked on the rows of the touched
innovations and regions only (``Scope``): the snapshot the load started from held them all, and a
load changes no other rows of these tables, so a rule broken now is broken on a touched row. The
small tables not keyed by innovation (regions, population, index, events, references) are checked
whole either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dasbor import domain

# The tables a scoped check narrows, and by which column of the scope's tables.
BY_CODE = (
    "inovasi",
    "tahapan",
    "evaluasi",
    "inovasi_status",
    "tahap_capai_lebar",
    "tahap_keluar",
    "evaluasi_terakhir",
    "inovasi_publik",
)
BY_ID = ("tahap_tunggu",)
BY_REGION = ("penghargaan", "kompetisi_entri")


@dataclass(frozen=True)
class Scope:
    """Check only the touched rows: ``innovations`` names a table of (kode_inovasi, id_inovasi), the
    touched innovations with the ids the derived tables give them, ``regions`` one of kode_wilayah,
    the regions whose award rows the load touched."""

    innovations: str = "_sentuh"
    regions: str = "_sentuh_wilayah"

    def table(self, db: str, name: str, column: str) -> str:
        among = self.regions if column == "kode_wilayah" else self.innovations
        return f"(select * from {db}.{name} semi join {among} using ({column}))"


def _tables(db: str, scope: Scope | None) -> dict[str, str]:
    """What each rule reads for each table: the table, or with ``scope`` its touched rows."""
    columns = {
        **{t: "kode_inovasi" for t in BY_CODE},
        **{t: "id_inovasi" for t in BY_ID},
        **{t: "kode_wilayah" for t in BY_REGION},
    }
    return {t: f"{db}.{t}" if scope is None else scope.table(db, t, c) for t, c in columns.items()}


KEYS = (
    ("wilayah", ("kode",)),
    ("inovasi", ("kode_inovasi",)),
    ("tahapan", ("kode_inovasi", "tahap")),
    ("evaluasi", ("kode_inovasi", "tanggal_evaluasi")),
    ("indeks_daerah", ("kode_wilayah", "tahun")),
    ("penduduk", ("kode_wilayah", "tahun")),
    ("kegiatan", ("kode_wilayah", "tanggal", "jenis")),
    ("inovasi_status", ("kode_inovasi",)),
    # the integer the derived tables are joined on names one innovation each
    ("inovasi_status", ("id_inovasi",)),
    ("tahap_capai_lebar", ("id_inovasi",)),
    ("tahap_keluar", ("id_inovasi",)),
    ("evaluasi_terakhir", ("kode_inovasi",)),
)

RULES = (
    (
        f"tahap_ref numbers its non-exit stages 1..{len(domain.FLOW)} (tahap_capai_lebar has one column per stage)",
        "select ((select list(urutan order by urutan) from {db}.tahap_ref where not keluar) <> range(1, "
        + str(len(domain.FLOW) + 1)
        + "))::int",
    ),
    (
        "tahapan.tahap is a stage code",
        "select count(*) from {tahapan} where tahap not in (select tahap from {db}.tahap_ref)",
    ),
    (
        "tahapan.kode_inovasi exists in inovasi",
        "select count(*) from {tahapan} t anti join {inovasi} i using (kode_inovasi)",
    ),
    (
        "evaluasi.kode_inovasi exists in inovasi",
        "select count(*) from {evaluasi} t anti join {inovasi} i using (kode_inovasi)",
    ),
    (
        "inovasi.kode_wilayah exists in wilayah",
        "select count(*) from {inovasi} i anti join {db}.wilayah w on w.kode = i.kode_wilayah",
    ),
    ("indeks_daerah.predikat is set", "select count(*) from {db}.indeks_daerah where predikat is null"),
    (
        "kegiatan.kode_wilayah exists in wilayah",
        "select count(*) from {db}.kegiatan k anti join {db}.wilayah w on w.kode = k.kode_wilayah",
    ),
    (
        # Every award row is one entry's: the entries of kompetisi_entri cover them all.
        "kompetisi_entri has an entry for every penghargaan row",
        "select count(*) from {penghargaan} p anti join {kompetisi_entri} e on e.kode_wilayah = p.kode_wilayah "
        "and e.kode_inovasi is not distinct from p.kode_inovasi and e.ajang = p.ajang and e.tahun = p.tahun "
        "and e.kategori is not distinct from p.kategori",
    ),
    (
        # The definition of a public innovation (dasbor/queries/publik.py): marked public and reached
        # penetapan or a later stage. Both ways: no row without it, no public innovation missing, and
        # tahap_terjauh (which shows the reader why a row is there) is the furthest stage reached.
        "inovasi_publik is exactly the innovations marked public that reached penetapan or a later stage",
        "with rule as (select s.kode_inovasi, r.tahap from {inovasi_status} s join {inovasi} i "
        "using (kode_inovasi) join {db}.tahap_ref r on r.urutan = s.urutan_maks and not r.keluar "
        "where i.publikasi and s.urutan_maks >= " + str(domain.order(domain.DECREE)) + "), "
        "listed as (select kode_inovasi, tahap_terjauh from {inovasi_publik}) "
        "select (select count(*) from (from listed except all from rule)) "
        "+ (select count(*) from (from rule except all from listed))",
    ),
    (
        "tahap_capai_lebar, tahap_keluar, evaluasi_terakhir and tahap_tunggu use inovasi_status's id_inovasi",
        "select (select count(*) from {tahap_capai_lebar} b anti join {inovasi_status} s "
        "using (id_inovasi, kode_inovasi)) + (select count(*) from {tahap_keluar} k "
        "anti join {inovasi_status} s using (id_inovasi, kode_inovasi)) + (select count(*) "
        "from {evaluasi_terakhir} e anti join {inovasi_status} s using (id_inovasi, kode_inovasi)) "
        "+ (select count(*) from {tahap_tunggu} t anti join {inovasi_status} s using (id_inovasi))",
    ),
    (
        "inovasi_status has every innovation",
        "select (select count(*) from {db}.inovasi) - (select count(*) from {db}.inovasi_status)",
    ),
)


def violations(con: duckdb.DuckDBPyConnection, db: str = "db", scope: Scope | None = None) -> list[str]:
    """Each broken rule as 'rule: N rows'; empty when the snapshot is sound. With ``scope``, only on
    the touched rows (an id_inovasi key on the rows holding a touched id, so that a new id repeating
    an untouched one is found)."""
    out = []
    tables = _tables(db, scope)
    for table, key in KEYS:
        cols = ", ".join(key)
        source = f"{db}.{table}"
        if scope is not None and "id_inovasi" in key:
            source = scope.table(db, table, "id_inovasi")
        elif scope is not None and "kode_inovasi" in key:
            source = scope.table(db, table, "kode_inovasi")
        # Repeats are looked for by the key's hash first (grouping millions of one integer is faster
        # than of texts); only rows whose hash repeats, true repeats or rare collisions, are grouped
        # by the key itself.
        (dupes,) = con.execute(
            f"""
            with repeated as (select hash({cols}) as h from {source} group by h having count(*) > 1)
            select count(*) from (
                select {cols} from {source} where hash({cols}) in (select h from repeated)
                group by all having count(*) > 1
            )
            """
        ).fetchall()[0]
        (nulls,) = con.execute(
            # Whole even when scoped: a row without its key is in no scope, and a null scan is cheap.
            f"select count(*) from {db}.{table} where {' or '.join(f'{k} is null' for k in key)}"
        ).fetchall()[0]
        if dupes:
            out.append(f"{table}: key ({cols}) not unique: {dupes} keys")
        if nulls:
            out.append(f"{table}: key ({cols}) has nulls: {nulls} rows")
    for name, sql in RULES:
        (n,) = con.execute(sql.format(db=db, **tables)).fetchall()[0]
        if n:
            out.append(f"{name}: {n} rows break it")
    return out
