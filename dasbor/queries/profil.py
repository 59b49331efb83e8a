"""Profil Wilayah: one region at a glance, against its peer cluster and the nation.

The spine's headline figures are figures already defined elsewhere, computed by the functions that
compute them there: proposals per 100,000 people and the share reaching penerapan from Perbandingan
Wilayah's cohort table and funnel (``wilayah.region_table``, ``wilayah.funnel``), the median cycle time
from Alur's cycle times (``alur.cycle_times``, ``alur._cycles_sql``), IID and awards from the cohort
table. Only the share still running after implementation is new (``RUNNING``: a share of Ringkasan's
continuation counts), and the public version's two shares of public innovations.

Who sees what: a region account's own figures come through its scope (``Filters.where``), and the
region itself is only opened when the scope holds it (``place``); the cluster's and the nation's
values are aggregates over every region, as a national user sees them (the same comparison for every
role, as on Perbandingan Wilayah); no other region's row leaves this module, only the cluster's
summary (pooled value, quartiles, minimum and maximum). The public reads ``inovasi_publik`` for rows
and counts of all proposals as Transparansi shows them.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats as sp

from dasbor import data, domain, stats
from dasbor.access import NATIONAL, Viewer, scope_sql
from dasbor.figures import define
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import alur, publik, ringkasan, wilayah

# The profile's region is ?wil=, so the region filter picks it rather than narrowing anything; the
# comparison is with the whole cluster across Indonesia (a province filter would make a third
# benchmark); and, as on Perbandingan Wilayah, the cohort keeps every current stage.
IGNORES = ("provinsi", "wilayah", "tahap")
START = domain.FLOW[0]  # the cycle from the proposal ...
END = domain.IMPLEMENTED  # ... to implementation, and the share of the cohort that reached it

RUNNING = define(
    "profil.masih_berjalan",
    ("Masih berjalan setelah penerapan", "Still running after implementation"),
    (
        "Dari inovasi yang pernah diterapkan dan status lanjutnya sudah dilaporkan (berlanjut atau berhenti, seperti "
        "'Setelah penerapan' di Ringkasan), bagian yang berlanjut. Yang belum dilaporkan tidak dihitung.",
        "Of the innovations ever implemented whose continuation is reported (continuing or stopped, as 'After "
        "implementation' on the Overview), the share continuing. Those not reported yet are left out.",
    ),
    ("persen inovasi", "percent of innovations"),
)
PUBLIC_IMPLEMENTED = define(
    "profil.publik_diterapkan",
    ("Inovasi publik yang sudah diterapkan", "Public innovations implemented"),
    (
        "Dari inovasi publik wilayah itu (lihat Transparansi), bagian yang sudah sampai tahap penerapan atau "
        "sesudahnya, termasuk yang kemudian dihentikan: 'Diterapkan' dibagi 'Inovasi publik'.",
        "Of the region's public innovations (see Transparency), the share that reached implementation or a later "
        "stage, including those stopped afterwards: 'Implemented' divided by 'Public innovations'.",
    ),
    ("persen inovasi publik", "percent of public innovations"),
)
PUBLIC_RUNNING = define(
    "profil.publik_masih_berjalan",
    ("Inovasi publik yang masih berjalan", "Public innovations still running"),
    (
        "Dari inovasi publik yang pernah diterapkan dan status lanjutnya dilaporkan (berlanjut atau berhenti), "
        "bagian yang berlanjut.",
        "Of the public innovations ever implemented whose continuation is reported (continuing or stopped), the "
        "share continuing.",
    ),
    ("persen inovasi publik", "percent of public innovations"),
)
SPINE = define(
    "profil.spine",
    ("Wilayah ini dibanding klaster dan nasional", "This region against its cluster and the nation"),
    (
        "Satu baris per angka. Garis tegak di tengah = nilai klaster (wilayah setingkat di seluruh Indonesia); pita "
        "muda = rentang klaster (terendah–tertinggi), pita tua = separuh tengah wilayah klaster (kuartil 1–3); belah "
        "ketupat = nilai nasional; penanda = wilayah ini dengan interval 95%. Bentuk penanda dan tulisannya memuat "
        "putusan: segitiga ke atas = lebih tinggi, lingkaran = serupa, segitiga ke bawah = lebih rendah. Setiap baris "
        "berskala sendiri, dengan klaster di tengah.",
        "One row per figure. The vertical line in the middle = the cluster's value (regions of the same level across "
        "Indonesia); light band = the cluster's range (lowest–highest), dark band = its middle half (quartiles 1–3); "
        "diamond = the national value; marker = this region with its 95% interval. The marker's shape and its text "
        "carry the verdict: upward triangle = higher, circle = similar, downward triangle = lower. Each row has its "
        "own scale, centred on the cluster.",
    ),
    ("menurut angkanya", "per figure"),
)

# The rows of the spine, in order: (key, figure, words after its name, kind of value, verdict test).
# Tests: 'corong' = the funnel plot's 95% limits around the cluster's pooled share (stats.position,
# stats.verdict_of: Perbandingan Wilayah's verdict); 'interval' = the region's 95% interval against the
# cluster's value (stats.verdict); 'kuartil' = a published score with no sampling error, read against
# the cluster's quartiles (above quartile 3 higher, below quartile 1 lower).
ROWS = {
    "per_100rb": (wilayah.PER_CAPITA, ("", ""), "rate", "interval"),
    "proporsi": (wilayah.SHARE, (f": {END}", f": {END}"), "share", "corong"),
    "siklus": (alur.CYCLE, (f", median {START} → {END}", f", median {START} → {END}"), "days", "interval"),
    "berjalan": (RUNNING, ("", ""), "share", "corong"),
    "iid": (wilayah.IID, (": skor terakhir", ": latest score"), "score", "kuartil"),
    "penghargaan": (wilayah.AWARDS, (": jumlah, semua tahun", ": count, all years"), "count", "interval"),
    "publik_diterapkan": (PUBLIC_IMPLEMENTED, ("", ""), "share", "corong"),
    "publik_berjalan": (PUBLIC_RUNNING, ("", ""), "share", "corong"),
}
INTERNAL_ROWS = ("per_100rb", "proporsi", "siklus", "berjalan", "iid", "penghargaan")
PUBLIC_ROWS = ("per_100rb", "publik_diterapkan", "publik_berjalan")


def row_name(key: str, lang: str) -> str:
    figure, (after_id, after_en), _, _ = ROWS[key]
    from dasbor.i18n import label

    after = after_id if lang == "id" else after_en
    for code in (START, END):  # stage codes in the words become the reader's stage names
        after = after.replace(code, label("tahap", code, lang).lower())
    return figure.name(lang) + after


def cohort(ctx: Ctx) -> Ctx:
    """The page's filters less those the profile does not apply (``IGNORES``)."""
    return Ctx(ctx.key, ctx.lang, ctx.filters.without(*IGNORES), ctx.viewer)


def focus(ctx: Ctx, region: str) -> Ctx:
    """The cohort of one region, within the viewer's scope."""
    c = cohort(ctx)
    return Ctx(c.key, c.lang, replace(c.filters, wilayah=region), c.viewer)


def _open(viewer: Viewer, column: str) -> tuple[str, list]:
    """Regions whose profile ``viewer`` may open: a region account's own (its scope), every region with
    a public innovation for the public, every region for national roles."""
    if viewer.role == "publik":
        return f"exists (select 1 from inovasi_publik p where p.kode_wilayah = {column})", []
    return scope_sql(viewer, column)


def place(viewer: Viewer, code: str) -> pd.Series | None:
    """The region ``code`` (kode, nama, tingkat, kode_provinsi, nama_provinsi) when ``viewer`` may open
    its profile, else None: the refusal is decided by the same SQL scope the figures are read under."""
    clause, params = _open(viewer, "w.kode")
    found = data.read(
        f"select kode, nama, tingkat, kode_provinsi, nama_provinsi from wilayah w where w.kode = ? and {clause}",
        [code, *params],
    )
    return None if found.empty else found.iloc[0]


def exists(code: str) -> bool:
    return not data.read("select 1 from wilayah where kode = ?", [code]).empty


def choices(viewer: Viewer) -> pd.DataFrame:
    """Every region whose profile ``viewer`` may open, provinces first, then by province and name."""
    clause, params = _open(viewer, "w.kode")
    return data.read(
        f"""
        select w.kode, w.nama, w.tingkat, w.nama_provinsi from wilayah w where {clause}
        order by w.tingkat <> 'provinsi', w.nama_provinsi, w.nama
        """,
        params,
    )


def latest_date(ctx: Ctx, region: str):
    """The newest date in the region's data in view: a proposal or a stage entered (the public: a
    public innovation's decree or implementation)."""
    f = focus(ctx, region)
    if ctx.viewer.role == "publik":
        where, params = f.filters.where_public("p")
        sql = f"select max(greatest(p.tanggal_penetapan, p.tanggal_penerapan)) d from inovasi_publik p where {where}"
    else:
        where, params = f.where()
        sql = f"select max(greatest(s.tanggal_usulan, s.tanggal_tahap)) d from inovasi_status s where {where}"
    value = data.read(sql, params).d[0]
    return None if value is None or pd.isna(value) else value


def poisson_interval(count: float) -> tuple[float, float]:
    """Exact (Garwood) 95% interval of a Poisson count: for rates per population and counts of awards."""
    if count is None or (isinstance(count, float) and math.isnan(count)):
        return (math.nan, math.nan)
    lo = 0.0 if count == 0 else float(sp.chi2.ppf(0.025, 2 * count) / 2)
    return lo, float(sp.chi2.ppf(0.975, 2 * count + 2) / 2)


def _spread(values: pd.Series) -> dict:
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(float)
    if not v.size:
        return {"min": math.nan, "q1": math.nan, "q3": math.nan, "max": math.nan, "wilayah": 0}
    q1, q3 = np.quantile(v, [0.25, 0.75])
    return {"min": float(v.min()), "q1": float(q1), "q3": float(q3), "max": float(v.max()), "wilayah": int(v.size)}


def _row(key: str, value, lo, hi, cluster, nation, spread: dict, verdict: str, k=None, n=None, **extra) -> dict:
    def num(x):
        return math.nan if x is None or pd.isna(x) else float(x)

    return {
        "key": key,
        "nilai": num(value),
        "lo": num(lo),
        "hi": num(hi),
        "k": num(k),
        "n": num(n),
        "klaster": num(cluster),
        "nasional": num(nation),
        **spread,
        "verdict": verdict,
        "uji": ROWS[key][3],
        **extra,
    }


def _per_capita(own: pd.DataFrame, peers: pd.DataFrame, every: dict[str, pd.DataFrame]) -> dict:
    """Proposals per 100,000 people (``wilayah.PER_CAPITA``, the column of Perbandingan's table)."""
    with_pop = peers[peers.penduduk.notna() & (peers.penduduk > 0)]
    cluster = with_pop.n.sum() / with_pop.penduduk.sum() * 100_000 if len(with_pop) else math.nan
    people = every["provinsi"].penduduk.sum()  # the provinces hold the whole population once
    proposals = sum(int(f.n.sum()) for f in every.values())
    nation = proposals / people * 100_000 if people > 0 else math.nan
    spread = _spread(with_pop.n / with_pop.penduduk * 100_000)
    if own.empty or pd.isna(own.penduduk.iloc[0]) or own.penduduk.iloc[0] <= 0:
        n = None if own.empty else own.n.iloc[0]
        return _row("per_100rb", None, None, None, cluster, nation, spread, "tidak_ada", n=n)
    n, people_here = float(own.n.iloc[0]), float(own.penduduk.iloc[0])
    lo, hi = (x / people_here * 100_000 for x in poisson_interval(n))
    value = n / people_here * 100_000
    return _row("per_100rb", value, lo, hi, cluster, nation, spread, stats.verdict(lo, hi, cluster), k=n, n=people_here)


def _shares(key: str, own: pd.DataFrame, peers: pd.DataFrame, nation_k: float, nation_n: float) -> dict:
    """A share judged as Perbandingan judges one: ``wilayah.funnel`` of the region (k of n) against the
    cluster's pooled share and over-dispersion; the cluster's spread over its regions' shares."""
    everyone = wilayah.funnel(peers, peers)
    theta = everyone.theta if everyone else math.nan
    spread = _spread(everyone.table.proporsi) if everyone else _spread(pd.Series(dtype=float))
    nation = nation_k / nation_n if nation_n else math.nan
    result = wilayah.funnel(own, peers) if everyone is not None and len(own) else None
    if result is None or result.table.empty:
        n = own.n.sum() if len(own) else 0
        return _row(key, None, None, None, theta, nation, spread, "tidak_ada", k=0, n=n)
    r = result.table.iloc[0]
    return _row(key, r.proporsi, r.ci_lo, r.ci_hi, theta, nation, spread, r.verdict, k=r.k, n=r.n)


def cycle_medians(filters: Filters) -> pd.DataFrame:
    """Median days from proposal to implementation (Alur's cycle time, nearest rank as Alur's 50% line)
    per region (``kode``), per cluster (``kode`` null) and for the nation (both null), as a national
    user sees them: aggregates only."""
    where, params = filters.without(*alur.COHORT_IGNORES).where(NATIONAL)
    return data.read(
        f"""
        select r.tingkat, r.kode_wilayah as kode, quantile_disc(c.hari, 0.5) as hari_median, count(*) as n
        from ({alur._cycles_sql(where, START, END)}) c
        join inovasi_status r on r.kode_inovasi = c.kode_inovasi
        group by grouping sets ((r.tingkat, r.kode_wilayah), (r.tingkat), ())
        """,
        params,
    )


def _cycle(ctx: Ctx, code: str, tingkat: str) -> dict:
    days = alur.cycle_times(focus(ctx, code).filters, ctx.viewer, START, END).hari.to_numpy(float)
    every = cycle_medians(cohort(ctx).filters)
    regions = every[(every.tingkat == tingkat) & every.kode.notna()]
    cluster = every[(every.tingkat == tingkat) & every.kode.isna()].hari_median
    nation = every[every.tingkat.isna() & every.kode.isna()].hari_median
    cluster = float(cluster.iloc[0]) if len(cluster) else math.nan
    nation = float(nation.iloc[0]) if len(nation) else math.nan
    spread = _spread(regions.hari_median)
    if not days.size:
        return _row("siklus", None, None, None, cluster, nation, spread, "tidak_ada", n=0)
    value = stats.nearest_rank(days, 50)
    _, lo, hi = stats.bootstrap_median(days)
    return _row("siklus", value, lo, hi, cluster, nation, spread, stats.verdict(lo, hi, cluster), n=days.size)


def continuation_counts(filters: Filters, viewer: Viewer, tingkat: str | None = None) -> pd.DataFrame:
    """Per region (``kode``): innovations ever implemented whose continuation is reported (``n``) and
    those continuing (``k``), the counts of Ringkasan's 'After implementation' (``ringkasan.continuation``)."""
    where, params = filters.where(viewer)
    level, level_params = ("and s.tingkat = ?", [tingkat]) if tingkat else ("", [])
    return data.read(
        f"""
        select s.kode_wilayah as kode,
            count(*) filter (where s.status_lanjut = 'berlanjut') as k,
            count(*) filter (where s.status_lanjut is not null) as n
        from inovasi_status s
        where {where} and s.tanggal_penerapan is not null {level}
        group by all having count(*) filter (where s.status_lanjut is not null) > 0
        order by kode
        """,
        [*params, *level_params],
    )


def _running(ctx: Ctx, code: str, tingkat: str) -> dict:
    own = continuation_counts(focus(ctx, code).filters, ctx.viewer)
    c = cohort(ctx).filters
    peers = continuation_counts(c, NATIONAL, tingkat)
    nation = continuation_counts(c, NATIONAL)
    return _shares("berjalan", own, peers, nation.k.sum(), nation.n.sum())


def _iid(own: pd.DataFrame, peers: pd.DataFrame, every: dict[str, pd.DataFrame]) -> dict:
    scores = peers.iid_skor.dropna()
    spread = _spread(scores)
    cluster = scores.mean() if len(scores) else math.nan
    nation = pd.concat([f.iid_skor for f in every.values()]).dropna().mean()
    value = own.iid_skor.iloc[0] if len(own) else math.nan
    if pd.isna(value) or not spread["wilayah"]:
        verdict = "tidak_ada"
    else:
        verdict = "lebih_tinggi" if value > spread["q3"] else "lebih_rendah" if value < spread["q1"] else "serupa"
    year = own.iid_tahun.iloc[0] if len(own) else None
    rating = own.iid_predikat.iloc[0] if len(own) else None
    return _row("iid", value, None, None, cluster, nation, spread, verdict, tahun=year, predikat=rating)


def _awards(own: pd.DataFrame, peers: pd.DataFrame, every: dict[str, pd.DataFrame]) -> dict:
    cluster = peers.penghargaan.mean()
    nation = pd.concat([f.penghargaan for f in every.values()]).mean()
    spread = _spread(peers.penghargaan)
    if own.empty:
        return _row("penghargaan", None, None, None, cluster, nation, spread, "tidak_ada")
    count = float(own.penghargaan.iloc[0])
    lo, hi = poisson_interval(count)
    return _row("penghargaan", count, lo, hi, cluster, nation, spread, stats.verdict(lo, hi, cluster), k=count)


def tables(ctx: Ctx) -> dict[str, pd.DataFrame]:
    """Perbandingan's cohort table of every cluster as a national user sees it (aggregates per region,
    read here only to summarise the cluster and the nation)."""
    national = Ctx(ctx.key, ctx.lang, cohort(ctx).filters, NATIONAL)
    return {level: wilayah.region_table(national, level, END) for level in wilayah.CLUSTERS}


def own_row(ctx: Ctx, code: str, tingkat: str) -> pd.DataFrame:
    """The region's row of the cohort table, through the viewer's scope (empty outside it)."""
    # for the public: counts of all proposals (as on Transparansi) and the shipped population are public
    public = ctx.viewer.role == "publik"
    frame = tables(ctx)[tingkat] if public else wilayah.region_table(cohort(ctx), tingkat, END)
    return frame[frame.kode == code].reset_index(drop=True)


def spine(ctx: Ctx, where: pd.Series) -> pd.DataFrame:
    """The spine's rows for region ``where`` (a ``place``): value, 95% interval (lo, hi), numerator and
    denominator (k, n), the cluster's and the nation's value, the cluster's min, quartiles and max over
    its regions (and how many), the verdict and its test."""
    code, tingkat = where.kode, where.tingkat
    every = tables(ctx)
    peers = every[tingkat]
    own = own_row(ctx, code, tingkat)
    if ctx.viewer.role == "publik":
        return pd.DataFrame([_per_capita(own, peers, every), *_public_shares(ctx, code, tingkat)])
    c = cohort(ctx)
    bench = wilayah.benchmark(c, tingkat, END)
    nation = pd.concat(every.values())
    rows = [
        _per_capita(own, peers, every),
        _shares("proporsi", own[["kode", "n", "k"]], bench, nation.k.sum(), nation.n.sum()),
        _cycle(ctx, code, tingkat),
        _running(ctx, code, tingkat),
        _iid(own, peers, every),
        _awards(own, peers, every),
    ]
    return pd.DataFrame(rows)


def public_counts(filters: Filters, tingkat: str | None = None) -> pd.DataFrame:
    """Per region (``kode``): public innovations (``n``), those that reached implementation or later
    (``k``; Transparansi's 'Diterapkan'), those with a reported continuation and those continuing."""
    where, params = filters.where_public("p")
    level, level_params = ("and p.tingkat = ?", [tingkat]) if tingkat else ("", [])
    marks = ", ".join("?" * len(publik.FROM_IMPLEMENTED))
    return data.read(
        f"""
        select p.kode_wilayah as kode, count(*) as n,
            count(*) filter (where p.tahap_terjauh in ({marks})) as k,
            count(*) filter (where p.status_lanjut is not null) as dilaporkan,
            count(*) filter (where p.status_lanjut = 'berlanjut') as berlanjut
        from inovasi_publik p where {where} {level}
        group by all order by kode
        """,
        [*publik.FROM_IMPLEMENTED, *params, *level_params],
    )


def _public_shares(ctx: Ctx, code: str, tingkat: str) -> list[dict]:
    c = cohort(ctx).filters
    peers, nation = public_counts(c, tingkat), public_counts(c)
    own = peers[peers.kode == code]
    running = {"k": "berlanjut", "n": "dilaporkan"}

    def reported(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[["kode", *running.values()]].rename(columns={v: k for k, v in running.items()}).query("n > 0")

    return [
        _shares(
            "publik_diterapkan", own[["kode", "n", "k"]], peers[["kode", "n", "k"]], nation.k.sum(), nation.n.sum()
        ),
        _shares("publik_berjalan", reported(own), reported(peers), nation.berlanjut.sum(), nation.dilaporkan.sum()),
    ]


def public_per_year(filters: Filters, tingkat: str, region: str) -> pd.DataFrame:
    """Public innovations per proposal year of one region beside the median region of its cluster and
    quartiles 1–3 (every region of the cluster, those without public innovations too): ``wilayah.per_year``
    over ``inovasi_publik``."""
    where, params = filters.where_public("p")
    return data.read(
        f"""
        with f as (select p.kode_wilayah, p.tahun_usulan from inovasi_publik p where p.tingkat = ? and {where}),
        regions as (select kode from wilayah where tingkat = ?),
        years as (select distinct tahun_usulan as tahun from f),
        counts as (
            select r.kode, y.tahun, count(f.kode_wilayah) as n
            from regions r cross join years y
            left join f on f.kode_wilayah = r.kode and f.tahun_usulan = y.tahun
            group by all
        )
        select tahun, sum(n) filter (where kode = ?) as wilayah, median(n) as median_klaster,
            quantile_cont(n, 0.25) as q1_klaster, quantile_cont(n, 0.75) as q3_klaster
        from counts group by tahun order by tahun
        """,
        [tingkat, *params, tingkat, region],
    )


def replications(ctx: Ctx, region: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The region's innovations that other regions replicated (``ditiru``) and those it replicated from
    another region (``meniru``), from ``inovasi.replikasi_dari``. The other side is named (innovation and
    region) only when the viewer may see it or it is public; otherwise only that it exists."""
    f = focus(ctx, region)
    where, params = f.where("s")
    seen, seen_params = scope_sql(ctx.viewer, "x.kode_wilayah")
    shown = f"({seen} or pub.kode_inovasi is not null)"
    copied = data.read(
        f"""
        select i.kode_inovasi, i.nama_inovasi,
            case when {shown} then x.nama_inovasi end as nama_lain,
            case when {shown} then w.nama end as wilayah_lain
        from inovasi_status s join inovasi i using (kode_inovasi)
        join inovasi x on x.replikasi_dari = i.kode_inovasi and x.kode_wilayah <> i.kode_wilayah
        join wilayah w on w.kode = x.kode_wilayah
        left join inovasi_publik pub on pub.kode_inovasi = x.kode_inovasi
        where {where}
        order by i.nama_inovasi, wilayah_lain nulls last, nama_lain nulls last
        """,
        [*seen_params, *seen_params, *params],
    )
    copies = data.read(
        f"""
        select i.kode_inovasi, i.nama_inovasi, i.replikasi_dari,
            case when {shown} then x.nama_inovasi end as nama_lain,
            case when {shown} then w.nama end as wilayah_lain,
            x.kode_inovasi is null as tidak_ada
        from inovasi_status s join inovasi i using (kode_inovasi)
        left join inovasi x on x.kode_inovasi = i.replikasi_dari
        left join wilayah w on w.kode = x.kode_wilayah
        left join inovasi_publik pub on pub.kode_inovasi = x.kode_inovasi
        where {where} and i.replikasi_dari is not null and coalesce(x.kode_wilayah, '') <> i.kode_wilayah
        order by i.nama_inovasi
        """,
        [*seen_params, *seen_params, *params],
    )
    return copied, copies


def continuation(ctx: Ctx, region: str) -> pd.DataFrame:
    """Ringkasan's 'After implementation' counts for the region (the base of ``RUNNING``)."""
    return ringkasan.continuation(focus(ctx, region))
