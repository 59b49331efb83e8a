"""Ringkasan: headline figures for a period against the same period a year before, trends, mixes."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dasbor import data
from dasbor.frame import Ctx

EVENTS = {  # headline → the date column that dates it
    "usulan": "s.tanggal_usulan",
    "ditetapkan": "s.tanggal_penetapan",
    "diterapkan": "s.tanggal_penerapan",
}


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
