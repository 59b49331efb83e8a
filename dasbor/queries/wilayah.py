"""Perbandingan Wilayah: regions of one peer cluster side by side, with counts, denominators,
intervals and control limits, never a bare league table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dasbor import data, domain, stats
from dasbor.access import NATIONAL, scope_sql
from dasbor.frame import Ctx

CLUSTERS = domain.CLUSTERS
TARGET_STAGES = domain.TARGETS


def _cohort(ctx: Ctx) -> tuple[str, list]:
    # The region filter picks the profile, and the stage filter (current stage) would bias a cohort.
    return ctx.where(filters=ctx.filters.without("wilayah", "tahap"))


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
            select kode_wilayah, jumlah, tahun from penduduk
            qualify row_number() over (partition by kode_wilayah order by tahun desc) = 1
        ),
        iid as (
            select kode_wilayah, tahun, skor, predikat from indeks_daerah
            qualify row_number() over (partition by kode_wilayah order by tahun desc) = 1
        ),
        awards as (select kode_wilayah, count(*) as penghargaan from penghargaan group by all)
        select w.kode, w.nama, w.nama_provinsi,
            count(f.kode_wilayah) as n,
            count(f.kode_wilayah) filter (where f.urutan_maks >= ?) as k,
            any_value(pop.jumlah) as penduduk, any_value(pop.tahun) as tahun_penduduk,
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
    table: pd.DataFrame  # per region: n, k, share, wilson lo/hi, verdict, outside limits
    theta: float  # the cluster's pooled proportion
    disp: stats.Dispersion
    curve: pd.DataFrame  # n grid with the limits


def benchmark(ctx: Ctx, cluster: str, stage: str) -> tuple[int, int]:
    """The cluster's national totals (k, n): an aggregate every signed-in role may compare against."""
    where, params = ctx.filters.without("wilayah", "tahap", "provinsi").where(NATIONAL)
    row = data.read(
        f"""
        select count(*) filter (where s.urutan_maks >= ?) as k, count(*) as n
        from inovasi_status s where s.tingkat = ? and {where}
        """,
        [domain.order(stage), cluster, *params],
    ).iloc[0]
    return int(row.k), int(row.n)


def funnel(frame: pd.DataFrame, totals: tuple[int, int] | None = None) -> Funnel | None:
    """Target (pooled over ``totals`` or the regions shown), Wilson intervals, verdicts and limits."""
    active = frame[frame.n > 0].copy()
    if active.empty or active.n.sum() == 0:
        return None
    k_all, n_all = totals if totals and totals[1] else (active.k.sum(), active.n.sum())
    theta = float(k_all / n_all)
    active["proporsi"] = active.k / active.n
    bounds = [stats.wilson(int(k), int(n)) for k, n in zip(active.k, active.n, strict=True)]
    active["ci_lo"] = [b[0] for b in bounds]
    active["ci_hi"] = [b[1] for b in bounds]
    active["verdict"] = [stats.verdict(lo, hi, theta) for lo, hi in bounds]
    disp = stats.dispersion(active.k.to_numpy(), active.n.to_numpy(), theta)
    active["di_luar"] = stats.position(active.k.to_numpy(), active.n.to_numpy(), theta, disp)
    grid = np.unique(np.round(np.geomspace(1, max(2, active.n.max()) * 1.05, 200)).astype(int))
    curve = pd.DataFrame({"n": grid, **stats.funnel_limits(theta, grid, disp)})
    return Funnel(active, theta, disp, curve)


def per_year(ctx: Ctx, cluster: str, region: str) -> pd.DataFrame:
    """Proposals per year for one region beside the cluster's median region."""
    where, params = _cohort(ctx)
    return data.read(
        f"""
        with f as (select s.kode_wilayah, s.tahun_usulan from inovasi_status s where {where}),
        regions as (select kode from wilayah where tingkat = ?),
        years as (select distinct tahun_usulan as tahun from f),
        grid as (select r.kode, y.tahun from regions r cross join years y),
        counts as (
            select g.kode, g.tahun, count(f.kode_wilayah) as n
            from grid g left join f on f.kode_wilayah = g.kode and f.tahun_usulan = g.tahun
            group by all
        )
        select tahun,
            sum(n) filter (where kode = ?) as wilayah,
            median(n) as median_klaster,
            quantile_cont(n, 0.25) as q1_klaster,
            quantile_cont(n, 0.75) as q3_klaster
        from counts group by tahun order by tahun
        """,
        [*params, cluster, region],
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


def iid_years(cluster: str, provinsi: str | None) -> pd.DataFrame:
    prov_clause, prov_params = ("and w.kode_provinsi = ?", [provinsi]) if provinsi else ("", [])
    return data.read(
        f"""
        select w.kode, w.nama, i.tahun, i.skor, i.predikat
        from indeks_daerah i join wilayah w on w.kode = i.kode_wilayah
        where w.tingkat = ? {prov_clause}
        order by w.nama, i.tahun
        """,
        [cluster, *prov_params],
    )


def awards(cluster: str, provinsi: str | None) -> pd.DataFrame:
    prov_clause, prov_params = ("and w.kode_provinsi = ?", [provinsi]) if provinsi else ("", [])
    return data.read(
        f"""
        select p.tahun, w.nama, p.ajang, p.capaian, p.kategori, i.nama_inovasi
        from penghargaan p join wilayah w on w.kode = p.kode_wilayah
        left join inovasi i on i.kode_inovasi = p.kode_inovasi
        where w.tingkat = ? {prov_clause}
        order by p.tahun desc, w.nama, p.ajang, p.kategori, p.capaian, i.nama_inovasi
        """,
        [cluster, *prov_params],
    )
