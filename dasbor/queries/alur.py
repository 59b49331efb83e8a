"""Alur Tahapan: stage throughput as flow analytics (ActionableAgile/Nave definitions), read from
the tables precomputed at load (tahap_capai_lebar, tahap_keluar, tahap_tunggu)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dasbor import charts, data, stats, store
from dasbor.access import Viewer
from dasbor.filters import Filters
from dasbor.frame import Ctx

FLOW_STAGES = ("usulan", "kajian", "layak", "penetapan", "uji_coba", "penerapan", "pelembagaan", "evaluasi")
OPEN_STAGES = FLOW_STAGES[:-1]  # evaluasi is where the flow ends
WAITING_STAGES = ("usulan", "kajian", "layak", "penetapan")  # before the trial: waiting on decisions
PAIRS = (("usulan", "penerapan"), ("usulan", "penetapan"), ("penetapan", "penerapan"), ("penerapan", "pelembagaan"))


def _order(stage: str) -> int:
    return FLOW_STAGES.index(stage) + 1


def _waits(group: str, source: str) -> str:
    """Median and p85 of finished waits ``t.hari`` per ``group`` (count ``n``), over ``source`` (the
    from/where clauses). Percentiles are nearest-rank, as ``quantile_disc``: the least wait whose
    share of waits at or below it reaches the percentile. They are read off a count per day of wait,
    so a national query holds a few thousand counts instead of every one of millions of waits."""
    return f"""
        with hist as (
            select {group} as kelompok, t.hari, count(*) as k
            {source}
            group by all
        ),
        cum as (
            select kelompok, hari,
                (sum(k) over (partition by kelompok order by hari))::bigint as upto,
                (sum(k) over (partition by kelompok))::bigint as n
            from hist
        )
        select kelompok, any_value(n) as n,
            min(hari) filter (where upto >= 0.5 * n) as median,
            min(hari) filter (where upto >= 0.85 * n) as p85
        from cum
        group by kelompok
    """


def stage_waits(ctx: Ctx) -> pd.DataFrame:
    """Per stage, finished waits in it (days until the next stage or an exit): median, p85, count."""
    where, params = ctx.where()
    source = f"""
        from tahap_tunggu t {Filters.status_join(where, "t")}
        where {where}
    """
    return data.read(f"select kelompok as tahap, n, median, p85 from ({_waits('t.tahap', source)})", params)


def stuck(ctx: Ctx, waits: pd.DataFrame, limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """Open innovations waiting in their stage longer than 85% of finished waits in that stage, the
    longest waits first (at most ``limit``), and how many there are in all.

    ``waits`` is ``stage_waits(ctx)``: its p85 per stage is bound here, not computed a second time
    over every stage move in the country."""
    where, params = ctx.where()
    lines = waits[waits.tahap.isin(OPEN_STAGES)]
    if lines.empty:
        hist, hist_params = "(select null::varchar tahap, null::bigint p85, null::bigint n where false)", []
    else:
        hist = "(select * from (values " + ", ".join(["(?, ?::bigint, ?::bigint)"] * len(lines)) + ") v(tahap, p85, n))"
        hist_params = [v for r in lines.itertuples() for v in (r.tahap, int(r.p85), int(r.n))]
    waiting = f"""
        select s.kode_inovasi, s.kode_wilayah, s.perangkat_daerah, s.tahap, s.tanggal_tahap,
            current_date - s.tanggal_tahap as hari_menunggu, h.p85, h.n as n_riwayat
        from inovasi_status s join {hist} h on h.tahap = s.tahap
        where {where} and s.tanggal_tahap is not null and current_date - s.tanggal_tahap > h.p85
    """
    # Names only for the rows shown: at national scale tens of thousands of innovations are stuck.
    frame = data.read(
        f"""
        with page as ({waiting} order by hari_menunggu desc, s.kode_inovasi {"limit ?" if limit else ""})
        select p.kode_inovasi, i.nama_inovasi, w.nama as wilayah, p.perangkat_daerah, p.tahap,
            p.tanggal_tahap, p.hari_menunggu, p.p85, p.n_riwayat
        from page p
        join inovasi i using (kode_inovasi)
        join wilayah w on w.kode = p.kode_wilayah
        order by p.hari_menunggu desc, p.kode_inovasi
        """,
        [*hist_params, *params, *([limit] if limit else [])],
    )
    if limit is None or len(frame) < limit:
        return frame, len(frame)
    total = data.read(f"select count(*) as n from ({waiting})", [*hist_params, *params]).n.iloc[0]
    return frame, int(total)


def funnel(ctx: Ctx) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How many of the cohort reached each stage, and how many left through each exit, from which stage."""
    where, params = ctx.where(filters=ctx.filters.without("tahap"))
    reach = data.read(
        f"""
        select r.tahap, r.urutan, count(s.kode_inovasi) as jumlah
        from tahap_ref r left join inovasi_status s on s.urutan_maks >= r.urutan and {where}
        where not r.keluar group by all order by r.urutan
        """,
        params,
    )
    exits = data.read(
        f"""
        select k.keluar, k.dari_urutan, count(*) as jumlah
        from tahap_keluar k {Filters.status_join(where, "k")}
        where {where} group by all
        """,
        params,
    )
    return reach, exits


def cfd(ctx: Ctx, grain: str) -> pd.DataFrame:
    """Per period and stage: innovations that had reached the stage or a later one by the period's end."""
    if grain not in ("week", "month"):
        raise ValueError(grain)
    where, params = ctx.where(filters=ctx.filters.without("tahap"))
    # One count per stage column of the cohort's rows (read once), stacked: grouping eight date
    # columns of a million rows is faster than grouping the five million rows they unfold to.
    per_stage = " union all ".join(
        f"select {k} as urutan, date_trunc('{grain}', capai_{k}) as periode, count(*) as n "
        f"from b where capai_{k} is not null group by all"
        for k in range(1, len(FLOW_STAGES) + 1)
    )
    columns = ", ".join(f"b.capai_{k}" for k in range(1, len(FLOW_STAGES) + 1))
    return data.read(
        f"""
        with b as materialized (
            select {columns} from tahap_capai_lebar b {Filters.status_join(where, "b")} where {where}
        ),
        counts as ({per_stage}),
        span as (select min(periode) lo, max(periode) hi from counts),
        calendar as (
            select unnest(generate_series(lo, hi, interval 1 {grain}))::date as periode from span
        ),
        stages as (select tahap, urutan from tahap_ref where not keluar)
        select c.periode, st.tahap, st.urutan,
            sum(coalesce(n.n, 0)) over (partition by st.tahap order by c.periode) as kumulatif
        from calendar c cross join stages st
        left join counts n on n.urutan = st.urutan and n.periode = c.periode
        order by c.periode, st.urutan
        """,
        params,
    )


def _reached(stage: str) -> str:
    """The tahap_capai_lebar column of a flow stage (named from its fixed order, never from input)."""
    return f"capai_{_order(stage)}"


def _cycles_sql(where: str, start: str, end: str) -> str:
    """Finished cycles (kode_inovasi, selesai, hari); parameters: the filters."""
    b, e = _reached(start), _reached(end)
    return f"""
        select b.kode_inovasi, b.{e} as selesai, b.{e} - b.{b} + 1 as hari
        from tahap_capai_lebar b
        {Filters.status_join(where, "b")}
        where b.{b} is not null and b.{e} is not null and {where}
    """


def _wip_sql(where: str, start: str) -> str:
    """Started, not finished, not exited (kode_inovasi, umur); parameters: end order, filters."""
    b = _reached(start)
    return f"""
        select b.kode_inovasi, current_date - b.{b} + 1 as umur
        from tahap_capai_lebar b
        join inovasi_status s on s.id_inovasi = b.id_inovasi
        where b.{b} is not null and s.urutan_maks < ? and not s.keluar and {where}
    """


def cycle_times(filters: Filters, viewer: Viewer, start: str, end: str, snapshot: Path | None = None) -> pd.DataFrame:
    """Finished innovations: finish date and cycle time = (end − start) days + 1."""
    where, params = filters.without("tahap").where(viewer)
    return store.query(
        f"""
        select c.kode_inovasi, i.nama_inovasi, s.perangkat_daerah, c.selesai, c.hari
        from ({_cycles_sql(where, start, end)}) c
        join inovasi_status s using (kode_inovasi)
        join inovasi i using (kode_inovasi)
        order by c.selesai, c.kode_inovasi
        """,
        params,
        snapshot,
    )


def aging(filters: Filters, viewer: Viewer, start: str, end: str, snapshot: Path | None = None) -> pd.DataFrame:
    """Work in progress: started, not finished, not exited; age = (today − start) days + 1."""
    where, params = filters.without("tahap").where(viewer)
    return store.query(
        f"""
        select a.kode_inovasi, i.nama_inovasi, s.perangkat_daerah, w.nama as wilayah, s.tahap, a.umur
        from ({_wip_sql(where, start)}) a
        join inovasi_status s using (kode_inovasi)
        join inovasi i using (kode_inovasi)
        join wilayah w on w.kode = s.kode_wilayah
        order by a.umur desc, a.kode_inovasi
        """,
        [_order(end), *params],
        snapshot,
    )


@st.cache_data(show_spinner=False, max_entries=64)
def cycle_view(snapshot: str, filters: Filters, viewer: Viewer, start: str, end: str) -> dict:
    """Percentiles over every finished cycle and bands over all work in progress, computed in the
    database; only a fixed sample of at most POINTS rows of each comes back, with names, for drawing.
    The sample is the rows with the smallest hash of their code: the same rows on every run."""
    snap = Path(snapshot)
    where, params = filters.without("tahap").where(viewer)
    days = store.query(f"select hari from ({_cycles_sql(where, start, end)})", params, snap).hari.to_numpy()
    marks = {p: stats.nearest_rank(days, p) for p in (50, 70, 85, 95)}
    cycles = store.query(
        f"""
        with c as (select * from ({_cycles_sql(where, start, end)}) order by hash(kode_inovasi), kode_inovasi limit ?)
        select c.kode_inovasi, i.nama_inovasi, s.perangkat_daerah, c.selesai, c.hari
        from c join inovasi_status s using (kode_inovasi) join inovasi i using (kode_inovasi)
        order by c.selesai, c.kode_inovasi
        """,
        [*params, charts.POINTS],
        snap,
    )
    # pita_no: how many of the 50/70/85/95% marks the age is above (0 = within the median).
    edges = [marks[p] for p in (50, 70, 85, 95)] if days.size else []
    band = " + ".join("(a.umur > ?)::int" for _ in edges) or "0"
    (n_wip,) = store.query(f"select count(*) as n from ({_wip_sql(where, start)})", [_order(end), *params], snap).n
    wip = store.query(
        f"""
        with a as (select * from ({_wip_sql(where, start)}) order by hash(kode_inovasi), kode_inovasi limit ?)
        select a.kode_inovasi, i.nama_inovasi, s.perangkat_daerah, w.nama as wilayah, s.tahap, a.umur,
            {band} as pita_no
        from a
        join inovasi_status s using (kode_inovasi)
        join inovasi i using (kode_inovasi)
        join wilayah w on w.kode = s.kode_wilayah
        order by a.umur desc, a.kode_inovasi
        """,
        [_order(end), *params, charts.POINTS, *(float(e) for e in edges)],
        snap,
    )
    return {"n_cycles": int(days.size), "marks": marks, "cycles": cycles, "n_wip": int(n_wip), "wip": wip}


def throughput(ctx: Ctx, start: str, end: str) -> pd.DataFrame:
    """Per month (empty months kept): arrivals at ``start`` and finishes at ``end``."""
    where, params = ctx.where(filters=ctx.filters.without("tahap"))
    b, e = _reached(start), _reached(end)  # reaching the end stage implies reaching the start
    return data.read(
        f"""
        with f as materialized (
            select date_trunc('month', b.{b}) as masuk, date_trunc('month', b.{e}) as selesai
            from tahap_capai_lebar b {Filters.status_join(where, "b")}
            where b.{b} is not null and {where}
        ),
        arrived as (select masuk as bulan, count(*) as n from f group by all),
        finished as (select selesai as bulan, count(*) as n from f where selesai is not null group by all),
        span as (
            select min(bulan) lo, max(bulan) hi
            from (select bulan from arrived union all select bulan from finished)
        ),
        calendar as (select unnest(generate_series(lo, hi, interval 1 month))::date as bulan from span)
        select c.bulan, coalesce(a.n, 0) as masuk, coalesce(z.n, 0) as selesai
        from calendar c
        left join arrived a on a.bulan = c.bulan
        left join finished z on z.bulan = c.bulan
        order by c.bulan
        """,
        params,
    )


def waits_by(ctx: Ctx, group: str, stage: str) -> pd.DataFrame:
    """Finished waits in one stage per agency or region: median, p85 and count."""
    column = {"perangkat_daerah": "s.perangkat_daerah", "wilayah": "w.nama"}[group]
    where, params = ctx.where()
    source = f"""
        from tahap_tunggu t
        join inovasi_status s using (id_inovasi)
        join wilayah w on w.kode = s.kode_wilayah
        where t.tahap = ? and {where}
    """
    return data.read(f"select * from ({_waits(column, source)}) order by median desc, n desc", [stage, *params])
