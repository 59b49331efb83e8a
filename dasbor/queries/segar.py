"""Data freshness: when each innovation and each region was last reported, and the innovations in
trial or implementation that nobody has reported on for a year ("tidak diperbarui").

Stale records are the most common complaint about the national databases (JIPPNas found 429 of 2,355
updated innovations stopped). The dates are the ones the rows hold (a proposal date, a stage date, an
evaluation date, an award year), not the time a file was loaded: every row does carry its load
(``muatan_id`` → ``muatan.waktu``), but that says when a file reached this dashboard, not when the
region last reported on the innovation: a first load gives every row of years of history the same
time, and a report sent again unchanged keeps its old load. Everything is measured against the data's
latest date (``latest_date``), not the calendar, so a snapshot reads the same on any day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dasbor import data, domain
from dasbor.access import NATIONAL, Viewer, scope_sql
from dasbor.figures import define
from dasbor.filters import Filters

# Running for citizens, so a report is expected: in trial or implemented (later stages are written
# into a regulation or evaluated, and exits have stopped).
RUNNING = (domain.TRIAL, domain.IMPLEMENTED)
STALE_MONTHS = 12
# Per region on Perbandingan Wilayah: the region filter picks a profile there rather than narrowing
# the comparison, and the innovations counted are those in trial or implementation whatever the
# current-stage filter says (the same filters the comparison's cohort skips).
COMPARISON_IGNORES = ("wilayah", "tahap")
COMPARISON_WHY = (
    "kesegaran dihitung untuk setiap wilayah klaster atas inovasi yang sedang uji coba atau penerapan.",
    "freshness is counted for every region of the cluster over the innovations in trial or implementation.",
)

LATEST = define(
    "segar.tanggal_data",
    ("Tanggal data terbaru", "Data's latest date"),
    (
        "Tanggal terbaru yang dimuat data: usulan, tahapan atau evaluasi, dari semua wilayah. Prakiraan dan "
        "kesegaran data diukur dari tanggal ini, bukan dari hari ini, supaya data yang sama selalu memberi angka "
        "yang sama.",
        "The latest date the data holds: a proposal, a stage or an evaluation, of any region. Forecasts and "
        "freshness are measured from this date, not from today, so the same data always gives the same figures.",
    ),
    ("tanggal", "date"),
)
LAST_REPORTED = define(
    "segar.terakhir_dilaporkan",
    ("Terakhir dilaporkan", "Last reported"),
    (
        "Tanggal terbaru dari baris mana pun tentang inovasi itu: tanggal usulan, tanggal tahapan, tanggal evaluasi, "
        "atau tahun penghargaan (dihitung 1 Januari tahun itu, satu-satunya tanggal yang pasti). Untuk wilayah: yang "
        "terbaru dari inovasinya dan penghargaan wilayah itu. Waktu pemuatan berkas tidak dipakai: itu waktu berkas "
        "sampai di dasbor, bukan waktu daerah melaporkan inovasinya.",
        "The latest date of any row about the innovation: its proposal date, a stage date, an evaluation date, or an "
        "award year (counted as 1 January of that year, the only date it makes certain). For a region: the latest of "
        "its innovations and of its own awards. The time a file was loaded is not used: it is when the file reached "
        "the dashboard, not when the region reported on the innovation.",
    ),
    ("tanggal", "date"),
)
NOT_UPDATED = define(
    "segar.tidak_diperbarui",
    ("Tidak diperbarui", "Not updated"),
    (
        f"Inovasi yang tahap terkininya uji coba atau penerapan (sedang berjalan untuk warga) tetapi tidak punya "
        f"laporan apa pun (terakhir dilaporkan) dalam {STALE_MONTHS} bulan sebelum tanggal data terbaru. Bagian = "
        "dibanding semua inovasi yang sedang uji coba atau penerapan.",
        f"Innovations whose current stage is trial or implementation (running for citizens) with no report of any "
        f"kind (last reported) in the {STALE_MONTHS} months before the data's latest date. Share = of every "
        "innovation in trial or implementation.",
    ),
    ("inovasi; persen", "innovations; percent"),
)


def latest_date() -> dt.date | None:
    """The data's latest date (``LATEST``): of the whole snapshot, whoever looks (a single date, no row)."""
    (value,) = data.read(
        """
        select greatest(
            (select max(tanggal) from tahapan),
            (select max(tanggal_evaluasi) from evaluasi),
            (select max(tanggal_usulan) from inovasi)
        ) as d
        """
    ).d
    return None if pd.isna(value) else pd.Timestamp(value).date()


def stale_before(latest: dt.date) -> dt.date:
    """A running innovation last reported before this day is not updated."""
    return (pd.Timestamp(latest) - pd.DateOffset(months=STALE_MONTHS)).date()


def _last_sql(scoped: str) -> str:
    """Per innovation of the CTE ``scoped`` (id_inovasi, kode_inovasi, tanggal_usulan, tanggal_tahap of
    inovasi_status): its last report (``terakhir``) and which kind of row it was (``sumber``).

    Read off the tables built at load rather than every stage row (a national query would group six
    million of them): ``inovasi_status.tanggal_tahap`` is the date of the latest stage row (the current
    stage is the last one entered; the proposal date when there is no stage row) and
    ``evaluasi_terakhir`` holds the latest evaluation. Only a current stage reported without a date
    leaves ``tanggal_tahap`` empty; the stage rows of those few are read. tests/test_segar.py holds
    this to the maximum over every row."""
    return f"""
        undated as (
            select t.kode_inovasi, max(t.tanggal) as tanggal from tahapan t
            where t.kode_inovasi in (select kode_inovasi from {scoped} where tanggal_tahap is null)
            group by all
        ),
        awarded as (
            select kode_inovasi, max(make_date(tahun, 1, 1)) as tanggal from penghargaan
            where kode_inovasi in (select kode_inovasi from {scoped}) group by all
        ),
        dates as (
            select s.id_inovasi, s.tanggal_usulan as usulan, coalesce(s.tanggal_tahap, u.tanggal) as tahapan,
                e.tanggal_evaluasi as evaluasi, a.tanggal as penghargaan
            from {scoped} s
            left join undated u on u.kode_inovasi = s.kode_inovasi
            left join evaluasi_terakhir e on e.id_inovasi = s.id_inovasi
            left join awarded a on a.kode_inovasi = s.kode_inovasi
        ),
        last as (
            select id_inovasi, terakhir,
                case terakhir
                    when tahapan then 'tahapan' when evaluasi then 'evaluasi' when penghargaan then 'penghargaan'
                    else 'inovasi'
                end as sumber
            from (select *, greatest(usulan, tahapan, evaluasi, penghargaan) as terakhir from dates)
        )
    """


def _running() -> tuple[str, list]:
    return f"s.tahap in ({', '.join('?' * len(RUNNING))})", list(RUNNING)


def not_updated(
    filters: Filters, viewer: Viewer, latest: dt.date, limit: int | None = None
) -> tuple[pd.DataFrame, int, int]:
    """The innovations not updated (``NOT_UPDATED``) in the viewer's scope and the filters, the
    longest silent first (at most ``limit``), how many there are, and how many are in trial or
    implementation at all. A region's account gets its own regions' rows only: the scope is part of
    the condition."""
    where, params = filters.where(viewer)
    running, running_params = _running()
    base = f"""
        with scoped as materialized (
            select s.id_inovasi, s.kode_inovasi, s.kode_wilayah, s.perangkat_daerah, s.tahap, s.tanggal_usulan,
                s.tanggal_tahap
            from inovasi_status s where {running} and {where}
        ),
        {_last_sql("scoped")},
        stale as materialized (
            select s.*, l.terakhir, l.sumber, ?::date - l.terakhir as hari
            from scoped s join last l using (id_inovasi)
            where l.terakhir < ?
        )
    """
    args = [*running_params, *params, latest, stale_before(latest)]
    rows = data.read(
        f"""
        {base},
        page as (select * from stale order by hari desc, kode_inovasi {"limit ?" if limit else ""})
        select s.kode_inovasi, i.nama_inovasi, w.nama as wilayah, s.kode_wilayah, s.perangkat_daerah, s.tahap,
            s.terakhir, s.sumber, s.hari
        from page s join inovasi i using (kode_inovasi) join wilayah w on w.kode = s.kode_wilayah
        order by s.hari desc, s.kode_inovasi
        """,
        [*args, *([limit] if limit else [])],
    )
    counts = data.read(
        f"{base} select (select count(*) from stale) as n, (select count(*) from scoped) as berjalan", args
    ).iloc[0]
    return rows, int(counts.n), int(counts.berjalan)


def _per_region_sql(where: str, scope: str, prov_clause: str) -> str:
    running, _ = _running()
    return f"""
        with scoped as materialized (
            select s.id_inovasi, s.kode_inovasi, s.kode_wilayah, s.tahap, s.tanggal_usulan, s.tanggal_tahap
            from inovasi_status s where s.tingkat = ? and {where}
        ),
        {_last_sql("scoped")},
        own_awards as (
            select kode_wilayah, max(make_date(tahun, 1, 1)) as terakhir from penghargaan
            where kode_inovasi is null group by all
        ),
        per_region as (
            select s.kode_wilayah, max(l.terakhir) as terakhir,
                count(*) filter (where {running}) as berjalan,
                count(*) filter (where {running} and l.terakhir < ?) as tidak_diperbarui
            from scoped s left join last l using (id_inovasi)
            group by all
        )
        select w.kode, w.nama, w.nama_provinsi,
            greatest(r.terakhir, a.terakhir) as terakhir,
            coalesce(r.berjalan, 0) as berjalan,
            coalesce(r.tidak_diperbarui, 0) as tidak_diperbarui
        from wilayah w
        left join per_region r on r.kode_wilayah = w.kode
        left join own_awards a on a.kode_wilayah = w.kode
        where w.tingkat = ? and {scope} {prov_clause}
    """


def per_region(filters: Filters, viewer: Viewer, cluster: str, latest: dt.date) -> pd.DataFrame:
    """Every region of the cluster the viewer may see (in the chosen province, if any), with its last
    report, its innovations in trial or implementation (``berjalan``) and how many of those are not
    updated. ``filters`` are the comparison's (Perbandingan drops the region and stage filters)."""
    where, params = filters.where(viewer)
    scope, scope_params = scope_sql(viewer, "w.kode")
    prov_clause, prov_params = ("and w.kode_provinsi = ?", [filters.provinsi]) if filters.provinsi else ("", [])
    _, running_params = _running()
    return data.read(
        f"select * from ({_per_region_sql(where, scope, prov_clause)}) order by tidak_diperbarui desc, nama",
        [
            cluster,
            *params,
            *running_params,
            *running_params,
            stale_before(latest),
            cluster,
            *scope_params,
            *prov_params,
        ],
    )


def cluster_total(filters: Filters, cluster: str, latest: dt.date) -> pd.Series:
    """The whole cluster's counts as a national user sees them, added up in the query (an aggregate
    every signed-in role may compare with; no region's row leaves it): regions, innovations in trial
    or implementation, not updated, regions with any not updated."""
    where, params = filters.where(NATIONAL)
    prov_clause, prov_params = ("and w.kode_provinsi = ?", [filters.provinsi]) if filters.provinsi else ("", [])
    _, running_params = _running()
    return data.read(
        f"""
        select count(*) as wilayah, coalesce(sum(berjalan), 0)::bigint as berjalan,
            coalesce(sum(tidak_diperbarui), 0)::bigint as tidak_diperbarui,
            count(*) filter (where tidak_diperbarui > 0) as wilayah_dengan
        from ({_per_region_sql(where, "true", prov_clause)})
        """,
        [cluster, *params, *running_params, *running_params, stale_before(latest), cluster, *prov_params],
    ).iloc[0]
