"""Ringkasan: headline figures for a period against the same period a year before, trends, mixes."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dasbor import data, domain
from dasbor.figures import define
from dasbor.frame import Ctx

EVENTS = {  # headline → the date column that dates it
    "usulan": "s.tanggal_usulan",
    "ditetapkan": "s.tanggal_penetapan",
    "diterapkan": "s.tanggal_penerapan",
}


HEADLINES = {
    "usulan": define(
        "ringkasan.usulan_baru",
        ("Usulan baru", "New proposals"),
        ("Inovasi yang diusulkan dalam periode ini.", "Innovations proposed in this period."),
        ("inovasi", "innovations"),
    ),
    "ditetapkan": define(
        "ringkasan.ditetapkan",
        ("Ditetapkan", "Set by decree"),
        (
            "Inovasi yang ditetapkan dengan keputusan kepala daerah (tanggal penetapan) dalam periode ini.",
            "Innovations set by a head-of-region decree (decree date) in this period.",
        ),
        ("inovasi", "innovations"),
    ),
    "diterapkan": define(
        "ringkasan.diterapkan",
        ("Mulai diterapkan", "Implemented"),
        (
            "Inovasi yang masuk tahap penerapan (tanggal penerapan) dalam periode ini.",
            "Innovations that entered implementation (implementation date) in this period.",
        ),
        ("inovasi", "innovations"),
    ),
    "bermanfaat": define(
        "ringkasan.bermanfaat",
        ("Dinilai bermanfaat", "Judged beneficial"),
        (
            "Inovasi yang dievaluasi dalam periode ini dengan hasil 'bermanfaat'.",
            "Innovations evaluated in this period with the result 'beneficial'.",
        ),
        ("inovasi", "innovations"),
    ),
}
CONTINUATION = define(
    "ringkasan.setelah_penerapan",
    ("Setelah penerapan", "After implementation"),
    (
        "Inovasi yang pernah diterapkan, menurut evaluasi terakhirnya: berlanjut, berhenti, atau belum dilaporkan.",
        "Innovations ever implemented, by their latest evaluation: continuing, stopped, or not reported yet.",
    ),
    ("inovasi", "innovations"),
)
PER_YEAR = define(
    "ringkasan.per_tahun",
    ("Usulan, penetapan dan penerapan per tahun", "Proposals, decrees and implementations per year"),
    (
        "Untuk inovasi yang lolos filter: berapa yang diusulkan, ditetapkan dan mulai diterapkan pada tiap tahun "
        "kalender. Tahun berjalan belum lengkap.",
        "For innovations matching the filters: how many were proposed, set by decree and implemented in each "
        "calendar year. The current year is not complete.",
    ),
    ("inovasi per tahun", "innovations per year"),
)
STAGE_MIX = define(
    "ringkasan.tahap_terkini",
    ("Posisi inovasi saat ini, per tahap", "Where innovations stand now, by stage"),
    (
        "Tahap terkini = tahap terakhir yang dimasuki. Tidak layak dan Dihentikan adalah jalan keluar.",
        "Current stage = the last stage entered. Not feasible and Stopped are exits.",
    ),
    ("inovasi", "innovations"),
)
GROUP_MIX = define(
    "ringkasan.kelompok_kemendagri",
    ("Pengelompokan Kemendagri", "Kemendagri's grouping"),
    (
        "Seperti aplikasi pelaporan Kemendagri: Inisiatif (usulan sampai penetapan), Uji Coba, Penerapan (penerapan "
        "dan sesudahnya); jalan keluar ditampilkan terpisah.",
        "As Kemendagri's reporting app groups them: Initiative (proposal to decree), Trial, Implementation "
        "(implemented and later); exits shown separately.",
    ),
    ("inovasi", "innovations"),
)
MIXES = {
    "inisiator": define(
        "ringkasan.menurut_sumber",
        ("Menurut sumber", "By source"),
        ("Sumber inovasi menurut PP 38/2017 Ps 3.", "Source of the innovation under PP 38/2017 art. 3."),
        ("inovasi", "innovations"),
    ),
    "bentuk": define(
        "ringkasan.menurut_bentuk",
        ("Menurut bentuk", "By form"),
        ("Tata kelola, pelayanan publik, atau lainnya sesuai urusan.", "Governance, public service, or other."),
        ("inovasi", "innovations"),
    ),
    "jenis": define(
        "ringkasan.menurut_jenis",
        ("Menurut jenis", "By type"),
        ("Digital (daring) atau non-digital (luring).", "Digital (online) or non-digital (offline)."),
        ("inovasi", "innovations"),
    ),
}
AGENCIES = define(
    "ringkasan.perangkat_daerah",
    ("Perangkat daerah paling aktif", "Most active agencies"),
    (
        "Jumlah usulan per perangkat daerah (nama digabung lintas wilayah bila lebih dari satu wilayah dipilih), "
        "dengan jumlah yang pernah diterapkan.",
        "Proposals per agency (names pooled across regions when several regions are in view), with how many were "
        "ever implemented.",
    ),
    ("usulan", "proposals"),
)


def period(ctx: Ctx) -> tuple[dt.date, dt.date]:
    """The headline period: the last year in view, up to the latest date in the data that year."""
    latest = data.read(
        "select max(greatest(tanggal_usulan, coalesce(tanggal_tahap, tanggal_usulan))) d from inovasi_status"
    ).d[0]
    latest = pd.Timestamp(latest).date() if latest is not None and latest == latest else dt.date.today()
    if ctx.filters.tahun and ctx.filters.tahun[1] < latest.year:
        year = ctx.filters.tahun[1]
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return dt.date(latest.year, 1, 1), latest


def _shift(day: dt.date) -> dt.date:
    return (
        day.replace(year=day.year - 1)
        if not (day.month == 2 and day.day == 29)
        else day.replace(year=day.year - 1, day=28)
    )


def headline(ctx: Ctx) -> pd.DataFrame:
    """Counts in the period and in the same period a year earlier (year filter not applied)."""
    start, end = period(ctx)
    where, params = ctx.where(filters=ctx.filters.without("tahun"))
    windows = [start, end, _shift(start), _shift(end)]
    parts, args = [], []
    for name, col in EVENTS.items():
        parts.append(f"count(*) filter (where {col} between ? and ?) as {name}")
        parts.append(f"count(*) filter (where {col} between ? and ?) as {name}_lalu")
        args += windows
    sql = f"""
        with ev as (  -- only useful evaluations in either window: a fraction of all of them to group
            select kode_inovasi,
                bool_or(tanggal_evaluasi between ? and ?) as now_ok,
                bool_or(tanggal_evaluasi between ? and ?) as before_ok
            from evaluasi
            where hasil = 'bermanfaat' and (tanggal_evaluasi between ? and ? or tanggal_evaluasi between ? and ?)
            group by kode_inovasi
        )
        select {", ".join(parts)},
            count(*) filter (where ev.now_ok) as bermanfaat,
            count(*) filter (where ev.before_ok) as bermanfaat_lalu
        from inovasi_status s left join ev using (kode_inovasi)
        where {where}
    """
    return data.read(sql, [*windows, *windows, *args, *params])


def continuation(ctx: Ctx) -> pd.DataFrame:
    where, params = ctx.where()
    return data.read(
        f"""
        select coalesce(status_lanjut, 'belum_dilaporkan') as status, count(*) as jumlah
        from inovasi_status s
        where {where} and s.tanggal_penerapan is not null
        group by all order by jumlah desc
        """,
        params,
    )


def per_year(ctx: Ctx) -> pd.DataFrame:
    """Per calendar year: proposals made, innovations set by decree, and implemented that year."""
    where, params = ctx.where()
    return data.read(
        f"""
        with f as (select * from inovasi_status s where {where}),
        ev as (
            select year(tanggal_usulan) tahun, 'usulan' peristiwa from f
            union all select year(tanggal_penetapan), 'ditetapkan' from f where tanggal_penetapan is not null
            union all select year(tanggal_penerapan), 'diterapkan' from f where tanggal_penerapan is not null
        )
        select tahun, peristiwa, count(*) as jumlah from ev group by all order by tahun, peristiwa
        """,
        params,
    )


def mix(ctx: Ctx, column: str) -> pd.DataFrame:
    """Counts of innovations by one column of inovasi_status (from a fixed list)."""
    if column not in ("tahap", "kelompok", "inisiator", "bentuk", "jenis"):
        raise ValueError(column)
    where, params = ctx.where()
    return data.read(
        f"select {column} as nilai, count(*) as jumlah from inovasi_status s where {where} group by all order by jumlah desc",
        params,
    )


def stage_mix(ctx: Ctx) -> pd.DataFrame:
    """Innovations per current stage, every stage in the domain's order (zeros kept)."""
    counts = mix(ctx, "tahap").set_index("nilai").jumlah
    return pd.DataFrame({"nilai": list(domain.CODES), "jumlah": [int(counts.get(c, 0)) for c in domain.CODES]})


def agencies(ctx: Ctx, limit: int = 10) -> pd.DataFrame:
    where, params = ctx.where()
    return data.read(
        f"""
        select s.perangkat_daerah, count(*) as usulan, count(s.tanggal_penerapan) as diterapkan,
            count(distinct s.kode_wilayah) as wilayah
        from inovasi_status s where {where}
        group by all order by usulan desc, s.perangkat_daerah limit ?
        """,
        [*params, limit],
    )
