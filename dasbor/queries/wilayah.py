"""Perbandingan Wilayah: regions of one peer cluster side by side, with counts, denominators,
intervals and control limits, never a bare league table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dasbor import data, domain, fmt, i18n, stats
from dasbor.access import NATIONAL, UNRESTRICTED, Viewer, scope_sql
from dasbor.figures import define
from dasbor.frame import Ctx

CLUSTERS = domain.CLUSTERS
TARGET_STAGES = domain.TARGETS


def _predikat_bands(lang: str) -> str:
    from dasbor.i18n import label

    return "; ".join(
        f"{label('predikat', name, lang)} "
        + (fmt.number(lo, lang, 0) if lo == hi else f"{fmt.number(lo, lang, 2)}–{fmt.number(hi, lang, 2)}")
        for name, lo, hi in domain.PREDIKAT_BANDS[::-1]
    )


SHARE = define(
    "wilayah.proporsi",
    ("Proporsi yang mencapai tahap", "Share that reached the stage"),
    (
        "Dari usulan kohort wilayah itu (tahun usulan sesuai filter), bagian yang pernah mencapai tahap yang dipilih "
        "atau tahap sesudahnya (tahap yang dilewati dihitung terlewati).",
        "Of the region's cohort of proposals (proposal years as filtered), the share that ever reached the chosen "
        "stage or a later one (a skipped stage counts as passed).",
    ),
    ("persen usulan", "percent of proposals"),
)
VERDICT = define(
    "wilayah.dibanding_klaster",
    ("Dibanding klaster", "Against cluster"),
    (
        "'Lebih tinggi' atau 'Lebih rendah' bila jumlah usulan wilayah itu yang mencapai tahap yang dipilih berada di "
        "luar batas kendali 95% diagram corong di sekitar proporsi gabungan klaster, pada jumlah usulannya (peluang "
        "binomial eksak; bila sebaran antarwilayah lebih lebar dari kebetulan, skor z dengan penyesuaian "
        "over-dispersi); di dalamnya 'Serupa'. Klaster = semua wilayah setingkat (di provinsi yang dipilih, bila ada), "
        "sama untuk setiap peran. Uji yang sama dipakai tabel, diagram corong dan grafik interval.",
        "'Higher' or 'Lower' when the region's count that reached the chosen stage lies outside the funnel plot's 95% "
        "control limits around the cluster's pooled share, given its number of proposals (exact binomial probability; "
        "when regions spread more than chance allows, a z-score with the over-dispersion adjustment); inside them "
        "'Similar'. Cluster = every region of the same level (in the chosen province, if any), the same for every "
        "role. The table, the funnel plot and the interval chart use this same test.",
    ),
    ("putusan", "verdict"),
)
PER_CAPITA = define(
    "wilayah.per_100rb",
    ("Usulan per 100.000 penduduk", "Proposals per 100,000 people"),
    (
        "Usulan kohort dibagi jumlah penduduk wilayah (tahun penduduk terbaru yang ada), dikali 100.000. Penduduk "
        "bawaan: Dukcapil Kemendagri, akhir 2024; tabel `penduduk` yang dimuat menggantikannya untuk tahunnya.",
        "The cohort's proposals divided by the region's population (the latest population year there is), times "
        "100,000. Shipped population: Dukcapil Kemendagri, end of 2024; a loaded `penduduk` table replaces it for "
        "the years it covers.",
    ),
    ("usulan per 100.000 penduduk", "proposals per 100,000 people"),
)
FUNNEL = define(
    "wilayah.diagram_corong",
    ("Diagram corong", "Funnel plot"),
    (
        "Setiap titik satu wilayah, makin ke kanan makin banyak usulannya. Garis hitam = proporsi gabungan klaster; "
        "garis putus-putus = batas 95%, titik-titik = batas 99,8%. Wilayah kecil wajar berada jauh dari garis tengah; "
        "sekitar 1 dari 20 wilayah keluar batas 95% karena kebetulan saja.",
        "Each point is one region; further right means more proposals. Black line = the cluster's pooled share; "
        "dashed lines = 95% limits, dotted lines = 99.8%. Small regions naturally lie far from the centre; about 1 "
        "region in 20 falls outside 95% by chance alone.",
    ),
    ("persen usulan", "percent of proposals"),
)
OUTSIDE = define(
    "wilayah.di_luar_batas",
    ("Wilayah di luar batas klaster", "Regions outside the cluster's limits"),
    (
        "Titik = proporsi wilayah, garis abu-abu = batas wajar 95% pada jumlah usulannya, garis tegak = proporsi "
        "klaster. Hanya wilayah yang lebih tinggi atau lebih rendah; selebihnya serupa.",
        "Point = the region's share, grey bar = the 95% control range at its number of proposals, vertical line = "
        "cluster share. Only regions that are higher or lower; the rest are similar.",
    ),
    ("persen usulan", "percent of proposals"),
)
IID = define(
    "wilayah.iid",
    ("Indeks Inovasi Daerah (IID) per tahun", "Regional Innovation Index (IID) by year"),
    (
        f"Skor 0–100 dari Kemendagri (Permendagri 104/2018) dengan predikatnya: {_predikat_bands('id')}. Sel berisi "
        "skor (predikat), atau predikatnya saja bila skornya tidak dilaporkan.",
        f"Kemendagri's 0–100 score (Permendagri 104/2018) with its rating: {_predikat_bands('en')}. Cells hold score "
        "(rating), or the rating alone when no score was reported.",
    ),
    ("skor 0–100", "score 0–100"),
)
# An award is a penghargaan row that passed a round of its competition. Since penghargaan also holds
# plain entries (the competition pipeline: 'peserta', rank 1 of every scale), those are not awards; a
# row whose round is unknown (no capaian, or a text off the scale, as award rows were sent before
# the scale existed) still counts as one, as it always did.
WON = f"""(
    select p.* from penghargaan p
    left join capaian_baca b on b.ajang = p.ajang and b.teks = p.capaian
    left join capaian_ref r on r.ajang = b.ajang and r.capaian = b.capaian
    where r.capaian is distinct from '{domain.ENTERED}'
)"""
AWARDS = define(
    "wilayah.penghargaan",
    ("Penghargaan", "Awards"),
    (
        "Penghargaan wilayah klaster: IGA (Kemendagri), KIPP (KemenPANRB), Inagara (LAN) dan lainnya, terbaru di "
        "atas; keikutsertaan yang belum lolos babak mana pun (peserta) bukan penghargaan. Nama inovasi wilayah lain "
        "hanya tampil bila inovasinya terbuka untuk publik.",
        "Awards of the cluster's regions: IGA (Kemendagri), KIPP (KemenPANRB), Inagara (LAN) and others, newest "
        "first; an entry that passed no round (peserta) is not an award. Another region's innovation is named only "
        "when it is open to the public.",
    ),
    ("penghargaan", "awards"),
)


# The cohort (every figure of the table, the funnel and the profile) does not apply these filters:
# the region filter picks the profile rather than narrowing the comparison, and the current-stage
# filter would bias a cohort (a stage filter keeps the proposals still sitting there and drops those
# that moved on). The page says so whenever one of them is set.
COHORT_IGNORES = ("wilayah", "tahap")
# IID scores and awards are facts about a region in an assessment or award year, not about proposals:
# of the shared filters only the province applies to them.
REGION_FACTS_IGNORE = ("tahun", "wilayah", "sumber", "bentuk", "jenis", "urusan", "tahap")


def _cohort(ctx: Ctx, viewer: Viewer | None = None) -> tuple[str, list]:
    return ctx.filters.without(*COHORT_IGNORES).where(viewer or ctx.viewer)


def _signed_in(viewer: Viewer) -> tuple[str, list]:
    """Published facts of every region (IID scores, awards won) are open to every signed-in role,
    like the national aggregates a region compares itself with; the public reads none of them here."""
    return (UNRESTRICTED, []) if viewer.national or viewer.role == "daerah" else ("false", [])


def region_table(ctx: Ctx, cluster: str, stage: str) -> pd.DataFrame:
    """Every region of the cluster (zero-activity ones too) with cohort size n and k that reached ``stage``."""
    where, params = _cohort(ctx)
    prov_clause, prov_params = ("and w.kode_provinsi = ?", [ctx.filters.provinsi]) if ctx.filters.provinsi else ("", [])
    # A region's account lists its own regions only; other regions enter only through benchmark().
    scope, scope_params = scope_sql(ctx.viewer, "w.kode")
    prov_clause, prov_params = f"{prov_clause} and {scope}", [*prov_params, *scope_params]
    frame = data.read(
        f"""
        with f as (select kode_wilayah, urutan_maks from inovasi_status s where {where}),
        pop as (
            select kode_wilayah, jumlah, tahun, sumber from penduduk
            qualify row_number() over (partition by kode_wilayah order by tahun desc) = 1
        ),
        iid as (
            select kode_wilayah, tahun, skor, predikat from indeks_daerah
            qualify row_number() over (partition by kode_wilayah order by tahun desc) = 1
        ),
        awards as (select kode_wilayah, count(*) as penghargaan from {WON} group by all)
        select w.kode, w.nama, w.nama_provinsi,
            count(f.kode_wilayah) as n,
            count(f.kode_wilayah) filter (where f.urutan_maks >= ?) as k,
            any_value(pop.jumlah) as penduduk, any_value(pop.tahun) as tahun_penduduk,
            any_value(pop.sumber) as sumber_penduduk,
            any_value(iid.skor) as iid_skor, any_value(iid.predikat) as iid_predikat, any_value(iid.tahun) as iid_tahun,
            coalesce(any_value(awards.penghargaan), 0) as penghargaan
        from wilayah w
        left join f on f.kode_wilayah = w.kode
        left join pop on pop.kode_wilayah = w.kode
        left join iid on iid.kode_wilayah = w.kode
        left join awards on awards.kode_wilayah = w.kode
        where w.tingkat = ? {prov_clause}
        group by w.kode, w.nama, w.nama_provinsi
        order by w.nama
        """,
        [*params, domain.order(stage), cluster, *prov_params],
    )
    return frame


@dataclass
class Funnel:
    table: pd.DataFrame  # per region shown: n, k, share, Wilson lo/hi, limits at its n, position, verdict
    theta: float  # the target: the comparison set's pooled proportion
    disp: stats.Dispersion  # estimated over the comparison set, not over the regions shown
    curve: pd.DataFrame  # n grid with the limits


def benchmark(ctx: Ctx, cluster: str, stage: str, among: Viewer = NATIONAL) -> pd.DataFrame:
    """Every region of the comparison set with its k and n: the cluster (in the chosen province, when
    one is), under the same filters as the table, as ``among`` sees it. Aggregates every signed-in
    role may compare against; passing NATIONAL makes the comparison the same for every viewer."""
    where, params = _cohort(ctx, among)
    return data.read(
        f"""
        select s.kode_wilayah as kode, count(*) filter (where s.urutan_maks >= ?) as k, count(*) as n
        from inovasi_status s where s.tingkat = ? and {where}
        group by all order by kode
        """,
        [domain.order(stage), cluster, *params],
    )


def funnel(frame: pd.DataFrame, peers: pd.DataFrame | None = None) -> Funnel | None:
    """The target and the over-dispersion estimated over ``peers`` (the regions shown when None), and
    for each region shown its Wilson interval, its position against the limits and its verdict.

    One test gives the verdict everywhere: a region is 'lebih_tinggi' / 'lebih_rendah' when its count
    lies outside the funnel's 95% limits around the target at its n (``stats.position``), and
    ``batas_lo``–``batas_hi`` is the range of shares within them. The Wilson interval only describes
    how precise the region's own share is."""
    active = frame[frame.n > 0].copy()
    if active.empty:
        return None
    base = peers[peers.n > 0] if peers is not None and peers.n.sum() > 0 else active
    theta = float(base.k.sum() / base.n.sum())
    disp = stats.dispersion(base.k.to_numpy(), base.n.to_numpy(), theta)
    k, n = active.k.to_numpy(), active.n.to_numpy()
    active["proporsi"] = k / n
    bounds = [stats.wilson(int(a), int(b)) for a, b in zip(k, n, strict=True)]
    active["ci_lo"] = [b[0] for b in bounds]
    active["ci_hi"] = [b[1] for b in bounds]
    active["batas_lo"], active["batas_hi"] = stats.within(theta, n, disp)
    active["di_luar"] = stats.position(k, n, theta, disp)
    active["verdict"] = stats.verdict_of(active.di_luar)
    top = max(2, int(base.n.max()), int(active.n.max()))
    grid = np.unique(np.round(np.geomspace(1, top * 1.05, 200)).astype(int))
    curve = pd.DataFrame({"n": grid, **stats.funnel_limits(theta, grid, disp)})
    return Funnel(active, theta, disp, curve)


def per_year(ctx: Ctx, cluster: str, region: str, among: Viewer = NATIONAL) -> pd.DataFrame:
    """Proposals per year of one region (within the viewer's scope) beside the comparison set's
    regions (as ``among`` sees them): the median region and quartiles 1–3, zero-activity regions
    included. The band is the cluster's (in the chosen province, when one is), whoever looks."""
    band_where, band_params = _cohort(ctx, among)
    own_where, own_params = _cohort(ctx)
    prov_clause, prov_params = ("and kode_provinsi = ?", [ctx.filters.provinsi]) if ctx.filters.provinsi else ("", [])
    return data.read(
        f"""
        with f as (
            select s.kode_wilayah, s.tahun_usulan from inovasi_status s where s.tingkat = ? and {band_where}
        ),
        own as (
            select s.tahun_usulan as tahun, count(*) as n
            from inovasi_status s where s.kode_wilayah = ? and {own_where} group by all
        ),
        regions as (select kode from wilayah where tingkat = ? {prov_clause}),
        years as (select distinct tahun_usulan as tahun from f union select tahun from own),
        grid as (select r.kode, y.tahun from regions r cross join years y),
        counts as (
            select g.kode, g.tahun, count(f.kode_wilayah) as n
            from grid g left join f on f.kode_wilayah = g.kode and f.tahun_usulan = g.tahun
            group by all
        ),
        band as (
            select tahun,
                median(n) as median_klaster,
                quantile_cont(n, 0.25) as q1_klaster,
                quantile_cont(n, 0.75) as q3_klaster
            from counts group by tahun
        )
        select y.tahun, coalesce(own.n, 0) as wilayah, b.median_klaster, b.q1_klaster, b.q3_klaster
        from years y left join own using (tahun) left join band b using (tahun)
        order by y.tahun
        """,
        [cluster, *band_params, region, *own_params, cluster, *prov_params],
    )


def stage_reach(ctx: Ctx, region: str) -> pd.DataFrame:
    """How many of a region's cohort reached each stage (a skipped stage counts as passed)."""
    where, params = _cohort(ctx)
    return data.read(
        f"""
        select r.tahap, r.urutan, count(s.kode_inovasi) as jumlah
        from tahap_ref r
        left join inovasi_status s on s.urutan_maks >= r.urutan and s.kode_wilayah = ? and {where}
        where not r.keluar
        group by all order by r.urutan
        """,
        [region, *params],
    )


def agencies(ctx: Ctx, region: str) -> pd.DataFrame:
    where, params = _cohort(ctx)
    return data.read(
        f"""
        select perangkat_daerah, count(*) as usulan, count(*) filter (where urutan_maks >= ?) as diterapkan,
            count(*) filter (where tahap in ({", ".join("?" * len(domain.BEFORE_IMPLEMENTED))})) as berjalan
        from inovasi_status s where s.kode_wilayah = ? and {where}
        group by all order by usulan desc, perangkat_daerah
        """,
        [domain.order(domain.IMPLEMENTED), *domain.BEFORE_IMPLEMENTED, region, *params],
    )


def iid_years(viewer: Viewer, cluster: str, provinsi: str | None) -> pd.DataFrame:
    """IID scores of the cluster's regions by year: published by Kemendagri, so open to every
    signed-in role (``_signed_in``), none to the public."""
    open_clause, open_params = _signed_in(viewer)
    prov_clause, prov_params = ("and w.kode_provinsi = ?", [provinsi]) if provinsi else ("", [])
    return data.read(
        f"""
        select w.kode, w.nama, i.tahun, i.skor, i.predikat
        from indeks_daerah i join wilayah w on w.kode = i.kode_wilayah
        where w.tingkat = ? and {open_clause} {prov_clause}
        order by w.nama, i.tahun
        """,
        [cluster, *open_params, *prov_params],
    )


def awards(viewer: Viewer, cluster: str, provinsi: str | None) -> pd.DataFrame:
    """Awards won by the cluster's regions (published facts, open to every signed-in role). The
    awarded innovation's name comes from the viewer's own scope or from ``inovasi_publik``, never
    from another region's unpublished innovation: ``tertutup`` marks an award whose innovation the
    viewer may not name."""
    open_clause, open_params = _signed_in(viewer)
    scope, scope_params = scope_sql(viewer, "own.kode_wilayah")
    prov_clause, prov_params = ("and w.kode_provinsi = ?", [provinsi]) if provinsi else ("", [])
    return data.read(
        f"""
        with shown as (
            select p.tahun, w.nama, p.ajang, p.capaian, p.kategori,
                coalesce(own.nama_inovasi, pub.nama_inovasi) as nama_inovasi,
                p.kode_inovasi is not null and own.nama_inovasi is null and pub.nama_inovasi is null as tertutup
            from {WON} p join wilayah w on w.kode = p.kode_wilayah
            left join inovasi own on own.kode_inovasi = p.kode_inovasi and {scope}
            left join inovasi_publik pub on pub.kode_inovasi = p.kode_inovasi
            where w.tingkat = ? and {open_clause} {prov_clause}
        )
        select * from shown
        order by tahun desc, nama, ajang, kategori, capaian, nama_inovasi
        """,
        [*scope_params, cluster, *open_params, *prov_params],
    )


# How the region table can be ordered (its shares are text in the reader's language, which would
# sort as text if a reader clicked the column title).
SORTS = ("nama", "n", "proporsi", "verdict")
_VERDICT_RANK = {"lebih_tinggi": 0, "serupa": 1, "lebih_rendah": 2}


def sort_regions(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Regions by name, by proposals or share (largest first), or by verdict (higher first, then by share)."""
    if by == "n":
        return table.sort_values(["n", "nama"], ascending=[False, True], kind="stable")
    if by == "proporsi":
        return table.sort_values(["proporsi", "n", "nama"], ascending=[False, False, True], na_position="last")
    if by == "verdict":
        rank = table.verdict.map(_VERDICT_RANK).fillna(len(_VERDICT_RANK))
        return (
            table.assign(_rank=rank)
            .sort_values(["_rank", "proporsi", "nama"], ascending=[True, False, True])
            .drop(columns="_rank")
        )
    return table.sort_values("nama", kind="stable")


def population_note(table: pd.DataFrame, lang: str) -> str:
    """Which population years and sources the per-100,000 column of ``table`` divides by."""
    known = table[table.penduduk.notna()]
    if known.empty:
        return ""
    loaded = i18n.tr(lang, "dimuat")
    parts = (
        known.assign(src=known.sumber_penduduk.fillna(loaded))
        .groupby(["tahun_penduduk", "src"])
        .size()
        .reset_index(name="n")
    )
    regions_word = i18n.trc(lang, "jamak", "wilayah")
    items = [f"{int(r.tahun_penduduk)} ({r.src}, {fmt.number(r.n, lang)} {regions_word})" for r in parts.itertuples()]
    lead = i18n.tr(lang, "Penyebut per 100.000 penduduk: penduduk tahun ")
    return lead + "; ".join(items) + "."


def clear_regions(res: pd.DataFrame, per_side: int = 30) -> tuple[pd.DataFrame, int]:
    """The regions outside the limits (verdict 'lebih_tinggi' or 'lebih_rendah'), at most ``per_side``
    on each side, the furthest outside first, ordered by share; and how many there are in all."""
    outside = res[res.verdict.isin(("lebih_tinggi", "lebih_rendah"))]
    beyond = np.where(
        outside.verdict == "lebih_tinggi", outside.proporsi - outside.batas_hi, outside.batas_lo - outside.proporsi
    )
    outside = outside.assign(_beyond=beyond)
    kept = outside.sort_values("_beyond", ascending=False).groupby("verdict", group_keys=False).head(per_side)
    return kept.drop(columns="_beyond").sort_values(["proporsi", "nama"]), len(outside)
