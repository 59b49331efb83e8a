"""Alur Tahapan: stage throughput as flow analytics (ActionableAgile/Nave definitions), read from
the tables precomputed at load (tahap_capai_lebar, tahap_keluar, tahap_tunggu)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dasbor import charts, data, domain, forecast, stats, store
from dasbor.access import UNRESTRICTED, Viewer
from dasbor.figures import define
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import segar

FLOW_STAGES = domain.FLOW
# The flow figures (funnel, cycle times, work in progress, throughput, cumulative flow) follow a
# proposal cohort through every stage: filtering them by the current stage would drop exactly the
# innovations that moved on. They apply every other filter, and the page says so where it matters.
COHORT_IGNORES = ("tahap",)
COHORT_WHY = (
    "grafik ini mengikuti kohort usulan melalui semua tahap; menyaring menurut tahap terkini akan membuang "
    "inovasi yang sudah pindah ke tahap berikutnya.",
    "this chart follows the proposal cohort through every stage; keeping only a current stage would drop the "
    "innovations that moved on.",
)


def _order(stage: str) -> int:
    return domain.order(stage)


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
    """Per stage, finished waits in it (days until the next stage or an exit): median, p85, count.
    A history of moves: the current-stage filter is not applied (those still in a stage have no
    finished wait there, so it would leave that stage's history empty)."""
    where, params = ctx.where(filters=ctx.filters.without(*COHORT_IGNORES))
    source = f"""
        from tahap_tunggu t {Filters.status_join(where, "t")}
        where {where}
    """
    return data.read(f"select kelompok as tahap, n, median, p85 from ({_waits('t.tahap', source)})", params)


STUCK = define(
    "alur.macet",
    ("Inovasi macet", "Stuck innovations"),
    (
        "Macet = menunggu keputusan: usulan yang belum diuji coba (di usulan, kajian, layak) atau yang sudah "
        "ditetapkan tetapi belum diuji coba (penetapan), dan sudah menunggu di tahap itu lebih lama dari 85% "
        "perpindahan yang pernah terjadi dari tahap itu. Uji coba dan penerapan memang berlangsung lama, jadi "
        "tidak dihitung macet.",
        "Stuck = waiting on a decision: a proposal not yet tried (proposed, under review, feasible) or one set by "
        "decree but not yet tried (decree), waiting in that stage longer than 85% of the moves out of that stage "
        "so far. A trial or an implementation lasts by design, so neither counts as stuck.",
    ),
    ("inovasi", "innovations"),
)
MOST_STUCK = define(
    "alur.paling_macet",
    ("Paling banyak macet di", "Most stuck in"),
    (
        "Tahap yang memuat inovasi macet terbanyak (definisi macet di atas); bila sama banyak, yang menunggu paling lama.",
        "The stage holding the most stuck innovations (stuck as defined above); on a tie, the one with the longest wait.",
    ),
    ("tahap", "stage"),
)


def _stuck_sql(waits: pd.DataFrame, where: str) -> tuple[str, list]:
    """Innovations waiting on a decision past the p85 of their stage; parameters: the p85 lines, then
    the filters. ``waits`` is ``stage_waits(ctx)``: its p85 per stage is bound here, not computed a
    second time over every stage move in the country."""
    lines = waits[waits.tahap.isin(domain.DECISION)]
    if lines.empty:
        hist, hist_params = "(select null::varchar tahap, null::bigint p85, null::bigint n where false)", []
    else:
        hist = "(select * from (values " + ", ".join(["(?, ?::bigint, ?::bigint)"] * len(lines)) + ") v(tahap, p85, n))"
        hist_params = [v for r in lines.itertuples() for v in (r.tahap, int(r.p85), int(r.n))]
    sql = f"""
        select s.kode_inovasi, s.kode_wilayah, s.perangkat_daerah, s.tahap, s.tanggal_tahap,
            current_date - s.tanggal_tahap as hari_menunggu, h.p85, h.n as n_riwayat
        from inovasi_status s join {hist} h on h.tahap = s.tahap
        where {where} and s.tanggal_tahap is not null and current_date - s.tanggal_tahap > h.p85
    """
    return sql, hist_params


def stuck(ctx: Ctx, waits: pd.DataFrame, limit: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What is stuck (``STUCK``): the longest waits first (at most ``limit``), and how many
    are stuck per stage (``tahap``, ``n``, ``terlama``): the cards and the list share one query."""
    where, params = ctx.where()
    waiting, hist_params = _stuck_sql(waits, where)
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
    per_stage = data.read(
        f"""
        select tahap, count(*) as n, max(hari_menunggu) as terlama, any_value(p85) as p85
        from ({waiting}) group by tahap
        """,
        [*hist_params, *params],
    )
    rank = {code: i for i, code in enumerate(domain.DECISION)}
    per_stage = per_stage.sort_values("tahap", key=lambda c: c.map(rank)).reset_index(drop=True)
    return frame, per_stage


IMPLEMENTED_ONLY = define(
    "alur.diterapkan_belum_dilembagakan",
    ("Diterapkan, belum dilembagakan atau dievaluasi", "Implemented, not yet institutionalised or evaluated"),
    (
        "Inovasi yang tahap terkininya penerapan: sudah berjalan melayani warga, tetapi belum dilembagakan dalam "
        "Perda/Perkada dan belum dievaluasi. Tidak macet (tidak menunggu keputusan), tetapi belum selesai.",
        "Innovations whose current stage is implementation: running for citizens, but not yet written into a "
        "Perda/Perkada and not yet evaluated. Not stuck (not waiting on a decision), but not finished.",
    ),
    ("inovasi", "innovations"),
)
IMPLEMENTED_DAYS = define(
    "alur.hari_sejak_penerapan",
    ("Median hari sejak penerapan", "Median days since implementation"),
    (
        "Median hari dari tanggal penerapan sampai hari ini, atas inovasi yang diterapkan tetapi belum dilembagakan "
        "atau dievaluasi.",
        "Median days from the implementation date to today, over the innovations implemented but not yet "
        "institutionalised or evaluated.",
    ),
    ("hari", "days"),
)
FUNNEL = define(
    "alur.corong",
    ("Corong tahapan kohort", "Stage funnel of the cohort"),
    (
        "Berapa usulan (tahun usulan sesuai filter) yang pernah mencapai tiap tahap (tahap yang dilompati dihitung "
        "terlewati); bagian = dibanding seluruh kohort; konversi = dibanding tahap sebelumnya. Kohort yang masih baru "
        "belum sempat maju, jadi konversi rendah di sana belum tentu kegagalan. Jalan keluar di tabel.",
        "How many proposals (proposal years as filtered) ever reached each stage (a skipped stage counts as passed); "
        "share = of the whole cohort; conversion = against the previous stage. Recent cohorts have not had time to "
        "move on, so low conversion there is not necessarily failure. Exits are in the table.",
    ),
    ("inovasi; persen", "innovations; percent"),
)
CYCLE = define(
    "alur.lama_siklus",
    ("Lama siklus", "Cycle time"),
    (
        "Setiap titik satu inovasi yang sudah selesai, pada tanggal selesainya; lama siklus = (selesai − mulai) hari "
        "+ 1. Garis mendatar: 50%, 70%, 85% dan 95% inovasi selesai dalam sekian hari (peringkat terdekat).",
        "Each point is one finished innovation at its finish date; cycle time = (end − start) days + 1. Horizontal "
        "lines: 50%, 70%, 85% and 95% of innovations finished within that many days (nearest rank).",
    ),
    ("hari", "days"),
)
WIP = define(
    "alur.umur_wip",
    ("Umur pekerjaan yang sedang berjalan", "Aging work in progress"),
    (
        "Setiap titik satu inovasi yang sudah mulai tetapi belum selesai (tanpa yang keluar), menurut tahap "
        "terkininya; umur = (hari ini − mulai) hari + 1. Warna dan bentuk = pita persentil lama siklus inovasi yang "
        "sudah selesai: titik di atas 85% lebih tua dari 85% yang pernah selesai.",
        "Each point is one innovation started but not finished (exits left out), by current stage; age = (today − "
        "start) days + 1. Colour and shape = percentile band of finished cycle times: points above 85% are older than "
        "85% of finished ones.",
    ),
    ("hari", "days"),
)
THROUGHPUT = define(
    "alur.throughput",
    ("Selesai per bulan (throughput)", "Throughput per month"),
    (
        "Batang = inovasi yang mencapai tahap selesai pada bulan itu (bulan kosong tetap ditampilkan); garis hitam = "
        "rata-rata bergerak 3 bulan; garis titik-titik = yang masuk tahap mulai.",
        "Bars = innovations reaching the end stage that month (empty months kept); black line = 3-month moving "
        "average; dotted line = arrivals at the start stage.",
    ),
    ("inovasi per bulan", "innovations per month"),
)
THROUGHPUT_YEARLY = define(
    "alur.throughput_tahunan",
    ("Selesai per tahun (throughput)", "Throughput per year"),
    (
        "Bila inovasi dalam tampilan lebih sedikit daripada jumlah bulannya, dihitung per tahun. Batang = inovasi "
        "yang mencapai tahap selesai pada tahun itu; garis titik-titik = yang masuk tahap mulai.",
        "When the view holds fewer finished innovations than months, they are counted per year. Bars = innovations "
        "reaching the end stage that year; dotted line = arrivals at the start stage.",
    ),
    ("inovasi per tahun", "innovations per year"),
)
WAITS = define(
    "alur.lama_tinggal",
    ("Lama tinggal di tiap tahap", "Time in each stage"),
    (
        "Batang = median hari tinggal di tahap sebelum pindah atau keluar; garis tegak = persentil 85; n = jumlah "
        "perpindahan. Hanya kelompok dengan minimal 5 perpindahan, 25 terlama.",
        "Bar = median days in the stage before moving on or exiting; tick = 85th percentile; n = moves. Only groups "
        "with at least 5 moves, the 25 longest.",
    ),
    ("hari", "days"),
)


def implemented_only(ctx: Ctx, limit: int | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Innovations implemented but never institutionalised or evaluated (``IMPLEMENTED_ONLY``):
    the longest-running first (at most ``limit``), and their count and median days since implementation."""
    where, params = ctx.where()
    base = f"""
        select s.kode_inovasi, s.kode_wilayah, s.perangkat_daerah, s.tanggal_penerapan,
            current_date - s.tanggal_penerapan as hari_sejak_penerapan
        from inovasi_status s where s.tahap = ? and {where}
    """
    summary = data.read(
        f"select count(*) as n, median(hari_sejak_penerapan) as median_hari from ({base})",
        [domain.IMPLEMENTED, *params],
    ).iloc[0]
    frame = data.read(
        f"""
        with page as ({base} order by hari_sejak_penerapan desc nulls last, s.kode_inovasi {"limit ?" if limit else ""})
        select p.kode_inovasi, i.nama_inovasi, w.nama as wilayah, p.perangkat_daerah, p.tanggal_penerapan,
            p.hari_sejak_penerapan
        from page p join inovasi i using (kode_inovasi) join wilayah w on w.kode = p.kode_wilayah
        order by p.hari_sejak_penerapan desc nulls last, p.kode_inovasi
        """,
        [domain.IMPLEMENTED, *params, *([limit] if limit else [])],
    )
    return frame, summary


def funnel(ctx: Ctx) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How many of the cohort reached each stage, and how many left through each exit, from which stage."""
    where, params = ctx.where(filters=ctx.filters.without(*COHORT_IGNORES))
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
        select * from (
            select k.keluar, k.dari_urutan, count(*) as jumlah
            from tahap_keluar k {Filters.status_join(where, "k")}
            where {where} group by all
        ) order by keluar <> ?, dari_urutan nulls last
        """,
        [*params, domain.NOT_FEASIBLE],
    )
    return reach, exits


EXITED = "keluar"  # the cumulative flow diagram's band of innovations that left the flow
CFD = define(
    "alur.cfd",
    ("Diagram alir kumulatif", "Cumulative flow diagram"),
    (
        "Untuk tiap akhir periode: berapa inovasi yang sedang berada di tiap tahap (pita berwarna tahap itu), dan "
        "berapa yang sudah keluar (tidak layak atau dihentikan, pita abu-abu di bawah). Tinggi seluruh tumpukan = "
        "semua usulan yang sudah masuk; pita makin lebar = pekerjaan menumpuk di tahap itu; jarak mendatar = lama "
        "tinggal.",
        "At the end of each period: how many innovations sat in each stage (the band in that stage's colour), and how "
        "many had left the flow (not feasible or stopped, the grey band at the bottom). The height of the whole stack "
        "= all proposals that had arrived; a widening band = work piling up in that stage; the horizontal gap = time "
        "spent.",
    ),
    ("inovasi", "innovations"),
)


def funnel_table(reach: pd.DataFrame) -> pd.DataFrame:
    """The funnel's figures: per stage reached (``jumlah``), the share of the cohort's first stage
    (``bagian``) and the conversion from the stage before (``konversi``; none for the first)."""
    shown = reach[reach.jumlah > 0] if reach.jumlah.sum() else reach
    first = max(1, int(shown.jumlah.iloc[0])) if not shown.empty else 1
    prev = shown.jumlah.shift(1)
    return shown.assign(bagian=shown.jumlah / first, konversi=(shown.jumlah / prev).where(prev > 0)).reset_index(
        drop=True
    )


def throughput_view(flow: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Throughput as drawn: per month with a 3-month moving average of finishes (``rata3``), or per
    year when the view has fewer finishes than months (one region's handful of innovations: monthly
    bars would be lone 1s among empty months). Returns the frame and whether it is yearly."""
    if flow.empty:
        return flow, False
    if flow.selesai.sum() < len(flow):
        yearly = flow.groupby(flow.bulan.dt.year.rename("tahun"))[["masuk", "selesai"]].sum().reset_index()
        return yearly, True
    return flow.assign(rata3=flow.selesai.rolling(3, min_periods=1).mean()), False


def cfd(ctx: Ctx, grain: str) -> pd.DataFrame:
    """Per period (``periode``): how many innovations were in each flow stage at the period's end (a
    column per stage code) and how many had left (column ``EXITED``).

    In stage k at time t = reached stage k (or a later one) by t, not reached stage k+1 by t, and not
    left the flow from stage k by t. Cumulative counts of reaching each stage nest (``capai_k``), so
    the bands are differences of neighbouring cumulative lines, less the exits from that stage. Only
    innovations whose last entry is an exit count as gone: their every stage date precedes the exit,
    so none of them is also counted in a later stage and no band goes below zero."""
    if grain not in ("week", "month"):
        raise ValueError(grain)
    where, params = ctx.where(filters=ctx.filters.without(*COHORT_IGNORES))
    k_all = range(1, len(domain.FLOW) + 1)
    # One count per stage column of the cohort's rows (read once), stacked: grouping eight date
    # columns of a million rows is faster than grouping the five million rows they unfold to.
    per_stage = " union all ".join(
        f"select {k} as urutan, date_trunc('{grain}', capai_{k}) as periode, count(*) as n "
        f"from b where capai_{k} is not null group by all"
        for k in k_all
    )
    columns = ", ".join(f"b.capai_{k}" for k in k_all)
    cumulative = data.read(
        f"""
        with b as materialized (
            select b.id_inovasi, {columns} from tahap_capai_lebar b {Filters.status_join(where, "b")} where {where}
        ),
        counts as ({per_stage}),
        gone as (
            select k.dari_urutan as urutan, date_trunc('{grain}', k.tanggal) as periode, count(*) as n
            from tahap_keluar k join b using (id_inovasi)
            join inovasi_status x on x.id_inovasi = k.id_inovasi and x.keluar  -- still out: left last
            where k.dari_urutan is not null and k.tanggal is not null group by all
        ),
        span as (select min(periode) lo, max(periode) hi from counts),
        calendar as (
            select unnest(generate_series(lo, hi, interval 1 {grain}))::date as periode from span
        ),
        stages as (select unnest(range(1, {len(domain.FLOW) + 1})) as urutan)
        select c.periode, st.urutan,
            sum(coalesce(n.n, 0)) over w as capai,
            sum(coalesce(g.n, 0)) over w as keluar
        from calendar c cross join stages st
        left join counts n on n.urutan = st.urutan and n.periode = c.periode
        left join gone g on g.urutan = st.urutan and g.periode = c.periode
        window w as (partition by st.urutan order by c.periode)
        order by c.periode, st.urutan
        """,
        params,
    )
    return cfd_bands(cumulative)


def cfd_bands(cumulative: pd.DataFrame) -> pd.DataFrame:
    """Bands from cumulative counts (``periode, urutan, capai, keluar``), one row per period and a
    column per band (the flow stages, then ``EXITED``): see ``cfd``."""
    bands = [*domain.FLOW, EXITED]
    if cumulative.empty:
        return pd.DataFrame({"periode": [], **{b: [] for b in bands}})
    wide = cumulative.pivot(index="periode", columns="urutan", values=["capai", "keluar"])
    reached, gone = wide["capai"].to_numpy(dtype="int64"), wide["keluar"].to_numpy(dtype="int64")
    later = np.zeros_like(reached)
    later[:, :-1] = reached[:, 1:]  # reached the next stage (none after the last)
    inside = reached - later - gone
    out = pd.DataFrame(inside, columns=list(domain.FLOW))
    out[EXITED] = gone.sum(axis=1)
    out.insert(0, "periode", wide.index.to_numpy())
    return out


def _reached(stage: str) -> str:
    """The tahap_capai_lebar column of a flow stage (named from the domain, never from input)."""
    return domain.reached_column(stage)


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
    where, params = filters.without(*COHORT_IGNORES).where(viewer)
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
    where, params = filters.without(*COHORT_IGNORES).where(viewer)
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
    where, params = filters.without(*COHORT_IGNORES).where(viewer)
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
    where, params = ctx.where(filters=ctx.filters.without(*COHORT_IGNORES))
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
    where, params = ctx.where(filters=ctx.filters.without(*COHORT_IGNORES))
    source = f"""
        from tahap_tunggu t
        join inovasi_status s using (id_inovasi)
        join wilayah w on w.kode = s.kode_wilayah
        where t.tahap = ? and {where}
    """
    return data.read(f"select * from ({_waits(column, source)}) order by median desc, n desc", [stage, *params])


# Forecasts of the pipeline (dasbor/forecast.py draws the trials): finishes are arrivals at penerapan,
# the throughput's own definition above (reaching it or a later stage: tahap_capai_lebar), per whole
# week counted back from the forecast's day; the flow's filters apply (the stage filter is left out,
# as for every flow chart). A forecast is made on a day ("cut") from the rows dated before it: today's
# the day after the data's latest date (segar.latest_date), the backtest's one year earlier.
_TRIALS_ID = f"{forecast.TRIALS:,}".replace(",", ".")
OPEN = define(
    "alur.terbuka",
    ("Usulan terbuka", "Open proposals"),
    (
        "Inovasi yang tahap terkininya sebelum penerapan (usulan, kajian, layak, penetapan atau uji coba) dan belum "
        "keluar dari alur: yang masih bisa sampai penerapan. Pada uji mundur: menurut baris tahapan yang bertanggal "
        "sebelum hari prakiraan itu saja.",
        "Innovations whose current stage comes before implementation (proposed, under review, feasible, decree or "
        "trial) that have not left the flow: those that can still reach implementation. In the backtest: by the stage "
        "rows dated before that forecast's day only.",
    ),
    ("inovasi", "innovations"),
)
HOW_MANY = define(
    "alur.prakiraan_berapa",
    ("Berapa yang sampai penerapan sampai 31 Desember", "How many reach implementation by 31 December"),
    (
        f"Simulasi Monte Carlo {_TRIALS_ID} kali (benih tetap): tiap percobaan mengambil acak, dengan "
        "pengembalian, jumlah inovasi yang sampai penerapan per minggu dalam "
        f"{forecast.HISTORY_WEEKS} minggu terakhir tampilan ini, satu minggu untuk tiap minggu yang tersisa sampai "
        "31 Desember (minggu terakhir yang tidak penuh dihitung sebagian), paling banyak sebanyak usulan terbuka. "
        "Angka pada 85% = jumlah yang tercapai dalam sekurang-kurangnya 85% percobaan (jadi 95% paling hati-hati). "
        "Mingguan, bukan bulanan: setahun memberi 52 minggu untuk diambil, bukan 12. Riwayat terlalu pendek bila "
        f"kurang dari {forecast.MIN_SPAN_WEEKS} minggu atau kurang dari {forecast.MIN_ACTIVE_WEEKS} minggu yang ada "
        "penyelesaiannya; lalu tidak ada prakiraan.",
        f"Monte Carlo simulation, {forecast.TRIALS:,} trials (fixed seed): each trial draws at random, with "
        f"replacement, the number of innovations reaching implementation per week in the view's last "
        f"{forecast.HISTORY_WEEKS} weeks, one week for each week left to 31 December (a last part-week counted in "
        "part), at most the open proposals. The figure at 85% = the number reached in at least 85% of the trials "
        "(so 95% is the most cautious). Weekly, not monthly: a year gives 52 weeks to draw from, not 12. The history "
        f"is too short with fewer than {forecast.MIN_SPAN_WEEKS} weeks or fewer than {forecast.MIN_ACTIVE_WEEKS} weeks "
        "with a finish; then there is no forecast.",
    ),
    ("inovasi", "innovations"),
)
WHEN = define(
    "alur.prakiraan_kapan",
    ("Kapan semua usulan terbuka sampai penerapan", "When all open proposals reach implementation"),
    (
        "Dengan simulasi yang sama: tiap percobaan mengambil minggu demi minggu sampai jumlahnya mencapai semua "
        "usulan terbuka. Tanggal pada 85% = akhir minggu ketika sekurang-kurangnya 85% percobaan sudah selesai. "
        "Anggapannya semua usulan terbuka akhirnya diterapkan; sebagian akan dihentikan atau tidak layak, jadi "
        "bacalah sebagai paling cepat. Lebih dari 10 tahun tidak dihitung.",
        "From the same simulation: each trial draws week after week until its total reaches all open proposals. The "
        "date at 85% = the end of the week by which at least 85% of the trials were done. It assumes every open "
        "proposal is implemented in the end; some will stop or be judged not feasible, so read it as the earliest. "
        "Beyond 10 years is not counted.",
    ),
    ("tanggal", "date"),
)
BACKTEST = define(
    "alur.uji_mundur",
    ("Uji mundur: prakiraan setahun lalu", "Backtest: the forecast of a year ago"),
    (
        "Prakiraan yang sama dibuat setahun sebelum tanggal data terbaru, hanya dari baris yang bertanggal sebelum "
        "hari itu (riwayat, usulan terbuka), lalu dibandingkan dengan yang terjadi: berapa dari usulan terbuka saat "
        "itu yang benar-benar sampai penerapan sampai 31 Desember tahun itu, dan kapan semuanya sampai (atau berapa "
        "yang sudah sampai pada tanggal data terbaru). Angka pada 85% semestinya terpenuhi sekitar 85 dari 100 kali.",
        "The same forecast made one year before the data's latest date, from the rows dated before that day only "
        "(history, open proposals), against what happened: how many of the proposals open then actually reached "
        "implementation by 31 December that year, and when all of them did (or how many had by the data's latest "
        "date). The figure at 85% should hold about 85 times in 100.",
    ),
    ("inovasi; tanggal", "innovations; date"),
)


def _forecast_where(ctx: Ctx) -> tuple[str, list]:
    return ctx.where(filters=ctx.filters.without(*COHORT_IGNORES))


def weekly_finishes(ctx: Ctx, cut: dt.date) -> np.ndarray:
    """Arrivals at penerapan per whole week before ``cut``, oldest first: the last HISTORY_WEEKS
    weeks, or fewer when the view's first arrival at any stage came later (its weeks before that are
    not zeros of a running pipeline). Counted in the database; only the week counts come back."""
    where, params = _forecast_where(ctx)
    first, done = _reached(domain.FLOW[0]), _reached(domain.IMPLEMENTED)
    span = forecast.HISTORY_WEEKS * forecast.WEEK
    frame = data.read(
        f"""
        with b as (
            select b.{first} as mulai, b.{done} as selesai
            from tahap_capai_lebar b {Filters.status_join(where, "b")}
            where b.{first} < ?::date and {where}
        ),
        weeks as (
            select (?::date - selesai - 1) // {forecast.WEEK} as minggu, count(*) as n
            from b where selesai < ?::date and selesai >= ?::date - {span} group by all
        )
        select p.panjang, w.minggu, w.n
        from (select (?::date - min(mulai) - 1) // {forecast.WEEK} + 1 as panjang from b) p
        left join weeks w on true
        """,
        [cut, *params, cut, cut, cut, cut],
    )
    length = frame.panjang.iloc[0] if not frame.empty else None
    if length is None or pd.isna(length):
        return np.zeros(0, dtype=np.int64)
    length = int(min(forecast.HISTORY_WEEKS, length))
    counts = np.zeros(forecast.HISTORY_WEEKS, dtype=np.int64)
    got = frame.dropna(subset=["minggu"])
    counts[got.minggu.astype(int).to_numpy()] = got.n.astype(int).to_numpy()
    return counts[:length][::-1].copy()  # week 0 is the one just before the cut: oldest first


def open_now(ctx: Ctx) -> int:
    """Open proposals now (``OPEN``): the current stage of inovasi_status (a reported current stage
    without a date counts here; it has no date to place it before a backtest's day)."""
    where, params = _forecast_where(ctx)
    stages = ", ".join("?" * len(domain.BEFORE_IMPLEMENTED))
    return int(
        data.read(
            f"select count(*) as n from inovasi_status s where s.tahap in ({stages}) and {where}",
            [*domain.BEFORE_IMPLEMENTED, *params],
        ).n.iloc[0]
    )


def backtest_actual(ctx: Ctx, cut: dt.date, end: dt.date) -> pd.Series:
    """The backtest's open proposals on ``cut`` (``OPEN``: the last stage row dated before ``cut`` is
    a stage before penerapan), and what happened to them afterwards: how many reached penerapan from
    ``cut`` to ``end`` (``sampai_akhir``), how many by now (``sampai_kini``) and when the last did."""
    where, params = _forecast_where(ctx)
    done = _reached(domain.IMPLEMENTED)
    stages = ", ".join("?" * len(domain.BEFORE_IMPLEMENTED))
    join = "" if where == UNRESTRICTED else "join inovasi_status s using (kode_inovasi)"
    return data.read(
        f"""
        with nomor as (select tahap, row_number() over (order by urutan, tahap) as nomor from tahap_ref),
        at_cut as (
            select t.kode_inovasi,
                arg_max(t.tahap, (t.tanggal - date '1900-01-01') * 16 + r.nomor) as tahap
            from tahapan t join nomor r using (tahap) {join}
            where t.tanggal < ?::date and {where}
            group by t.kode_inovasi
        ),
        open as (
            select b.{done} as selesai
            from at_cut o left join tahap_capai_lebar b using (kode_inovasi)
            where o.tahap in ({stages})
        )
        select count(*) as terbuka,
            count(*) filter (where selesai >= ?::date and selesai <= ?::date) as sampai_akhir,
            count(*) filter (where selesai >= ?::date) as sampai_kini,
            max(selesai) as terakhir
        from open
        """,
        [cut, *params, *domain.BEFORE_IMPLEMENTED, cut, end, cut],
    ).iloc[0]


def forecasts(ctx: Ctx) -> dict | None:
    """Today's forecast and the backtest made one year before the data's latest date, with what
    happened since (None when there is no dated row at all)."""
    latest = segar.latest_date()
    if latest is None:
        return None
    cut = latest + dt.timedelta(days=1)
    now = forecast.forecast(weekly_finishes(ctx, cut), open_now(ctx), cut)
    then_cut = (pd.Timestamp(cut) - pd.DateOffset(years=1)).date()
    then_end = forecast.horizon(then_cut)[0]
    actual = backtest_actual(ctx, then_cut, then_end)
    then = forecast.forecast(weekly_finishes(ctx, then_cut), int(actual.terbuka), then_cut)
    all_done = int(actual.terbuka) > 0 and int(actual.sampai_kini) == int(actual.terbuka)
    return {
        "latest": latest,
        "now": now,
        "then": then,
        "actual": {
            "open": int(actual.terbuka),
            "by_end": int(actual.sampai_akhir),
            "by_latest": int(actual.sampai_kini),
            "all_on": pd.Timestamp(actual.terakhir).date() if all_done else None,
        },
    }
