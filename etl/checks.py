"""Invariants of a snapshot, checked after every load before it is published.

Like tests beside a dbt model: each names the table and the rule. A violation means a loader bug,
not bad input (bad input is rejected earlier), so the load stops and nothing is published.
"""

from __future__ import annotations

import duckdb

from dasbor import domain

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
        "select count(*) from {db}.tahapan where tahap not in (select tahap from {db}.tahap_ref)",
    ),
    (
        "tahapan.kode_inovasi exists in inovasi",
        "select count(*) from {db}.tahapan t anti join {db}.inovasi i using (kode_inovasi)",
    ),
    (
        "evaluasi.kode_inovasi exists in inovasi",
        "select count(*) from {db}.evaluasi t anti join {db}.inovasi i using (kode_inovasi)",
    ),
    (
        "inovasi.kode_wilayah exists in wilayah",
        "select count(*) from {db}.inovasi i anti join {db}.wilayah w on w.kode = i.kode_wilayah",
    ),
    ("indeks_daerah.predikat is set", "select count(*) from {db}.indeks_daerah where predikat is null"),
    (
        "kegiatan.kode_wilayah exists in wilayah",
        "select count(*) from {db}.kegiatan k anti join {db}.wilayah w on w.kode = k.kode_wilayah",
    ),
    (
        # Every award row is one entry's: the entries of kompetisi_entri cover them all.
        "kompetisi_entri has an entry for every penghargaan row",
        "select count(*) from {db}.penghargaan p anti join {db}.kompetisi_entri e on e.kode_wilayah = p.kode_wilayah "
        "and e.kode_inovasi is not distinct from p.kode_inovasi and e.ajang = p.ajang and e.tahun = p.tahun "
        "and e.kategori is not distinct from p.kategori",
    ),
    (
        # The definition of a public innovation (dasbor/queries/publik.py): marked public and reached
        # penetapan or a later stage. Both ways: no row without it, no public innovation missing, and
        # tahap_terjauh (which shows the reader why a row is there) is the furthest stage reached.
        "inovasi_publik is exactly the innovations marked public that reached penetapan or a later stage",
        "with rule as (select s.kode_inovasi, r.tahap from {db}.inovasi_status s join {db}.inovasi i "
        "using (kode_inovasi) join {db}.tahap_ref r on r.urutan = s.urutan_maks and not r.keluar "
        "where i.publikasi and s.urutan_maks >= " + str(domain.order(domain.DECREE)) + "), "
        "listed as (select kode_inovasi, tahap_terjauh from {db}.inovasi_publik) "
        "select (select count(*) from (from listed except all from rule)) "
        "+ (select count(*) from (from rule except all from listed))",
    ),
    (
        "tahap_capai_lebar, tahap_keluar, evaluasi_terakhir and tahap_tunggu use inovasi_status's id_inovasi",
        "select (select count(*) from {db}.tahap_capai_lebar b anti join {db}.inovasi_status s "
        "using (id_inovasi, kode_inovasi)) + (select count(*) from {db}.tahap_keluar k "
        "anti join {db}.inovasi_status s using (id_inovasi, kode_inovasi)) + (select count(*) "
        "from {db}.evaluasi_terakhir e anti join {db}.inovasi_status s using (id_inovasi, kode_inovasi)) "
        "+ (select count(*) from {db}.tahap_tunggu t anti join {db}.inovasi_status s using (id_inovasi))",
    ),
    (
        "inovasi_status has every innovation",
        "select (select count(*) from {db}.inovasi) - (select count(*) from {db}.inovasi_status)",
    ),
)


def violations(con: duckdb.DuckDBPyConnection, db: str = "db") -> list[str]:
    """Each broken rule as 'rule: N rows'; empty when the snapshot is sound."""
    out = []
    for table, key in KEYS:
        cols = ", ".join(key)
        # Repeats are looked for by the key's hash first (grouping millions of one integer is faster
        # than of texts); only rows whose hash repeats, true repeats or rare collisions, are grouped
        # by the key itself.
        (dupes,) = con.execute(
            f"""
            with repeated as (select hash({cols}) as h from {db}.{table} group by h having count(*) > 1)
            select count(*) from (
                select {cols} from {db}.{table} where hash({cols}) in (select h from repeated)
                group by all having count(*) > 1
            )
            """
        ).fetchall()[0]
        (nulls,) = con.execute(
            f"select count(*) from {db}.{table} where {' or '.join(f'{k} is null' for k in key)}"
        ).fetchall()[0]
        if dupes:
            out.append(f"{table}: key ({cols}) not unique: {dupes} keys")
        if nulls:
            out.append(f"{table}: key ({cols}) has nulls: {nulls} rows")
    for name, sql in RULES:
        (n,) = con.execute(sql.format(db=db)).fetchall()[0]
        if n:
            out.append(f"{name}: {n} rows break it")
    return out
