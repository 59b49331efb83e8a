"""Dampak: what implemented innovations did for citizens, from each innovation's latest evaluation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from dasbor import charts, data, domain, fmt, stats, store
from dasbor.access import Viewer
from dasbor.figures import define
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.i18n import options

# key → (what to group by, over inovasi_status s; the join that names a group c.k; its name): a fixed
# list. Groups are counted on codes and named afterwards, a join of a few hundred rows instead of
# one per evaluation (0.17 → 0.05 s at 1M).
DIMENSIONS = {
    "urusan": ("s.urusan", "left join urusan u on u.kode = c.k", "coalesce(u.kode || ' ' || u.nama, '–')"),
    "bentuk": ("s.bentuk", "", "c.k"),
    "jenis": ("s.jenis", "", "c.k"),
    "wilayah": ("s.kode_wilayah", "join wilayah w on w.kode = c.k", "w.nama"),
}


# How stats.bootstrap_median builds the interval, in the words of the chart definitions.
INTERVAL = (
    "interval 95% (bootstrap; di atas 5.000 inovasi: interval peringkat binomial, yang setara)",
    "a 95% interval (bootstrap; above 5,000 innovations the equivalent binomial order-statistic interval)",
)


def _ikm_bands(lang: str) -> str:
    return "; ".join(
        f"{name_id.split()[0]} {fmt.number(lo, lang, 2)}–{fmt.number(hi, lang, 2)}"
        for lo, hi, name_id, _ in domain.IKM_BANDS[::-1]
    )


RESULTS = define(
    "dampak.hasil",
    ("Hasil evaluasi terakhir", "Latest evaluation results"),
    (
        "Bagian inovasi yang evaluasi terakhirnya bermanfaat, perlu perbaikan, atau tidak bermanfaat; n = inovasi yang "
        "dievaluasi. Paling banyak 25 kelompok terbesar. Bukti: dilaporkan sendiri.",
        "Share of innovations whose latest evaluation was beneficial, needs improvement, or not beneficial; n = "
        "innovations evaluated. At most the 25 largest groups. Evidence: self-reported.",
    ),
    ("persen inovasi", "percent of innovations"),
)
BENEFICIARIES = define(
    "dampak.penerima_manfaat",
    ("Penerima manfaat (jumlah)", "Beneficiaries (total)"),
    (
        "Jumlah penerima manfaat menurut evaluasi terakhir tiap inovasi. Bukti: dilaporkan sendiri.",
        "Sum of beneficiaries in each innovation's latest evaluation. Evidence: self-reported.",
    ),
    ("orang", "people"),
)
BENEFICIARIES_MEDIAN = define(
    "dampak.penerima_manfaat_median",
    ("Median per inovasi", "Median per innovation"),
    (
        "Median penerima manfaat per inovasi, atas inovasi yang melaporkannya.",
        "Median beneficiaries per innovation, over the innovations that report them.",
    ),
    ("orang", "people"),
)
BENEFICIARIES_N = define(
    "dampak.penerima_manfaat_n",
    ("Inovasi yang melaporkan", "Innovations reporting"),
    (
        "Inovasi yang evaluasi terakhirnya memuat jumlah penerima manfaat.",
        "Innovations whose latest evaluation gives a number of beneficiaries.",
    ),
    ("inovasi", "innovations"),
)
SERVICE_TIME = define(
    "dampak.waktu_layanan",
    ("Waktu layanan sebelum → sesudah", "Service time before → after"),
    (
        "Median waktu layanan per satuan yang dilaporkan (menit, jam, hari tidak dicampur); perubahan = median selisih "
        f"sesudah − sebelum per inovasi dengan {INTERVAL[0]}. Bukti: dilaporkan sendiri; bukan estimasi sebab-akibat.",
        "Median service time per reported unit (minutes, hours, days never mixed); change = median of after − before "
        f"per innovation with {INTERVAL[1]}. Evidence: self-reported; not a causal estimate.",
    ),
    ("menit, jam atau hari", "minutes, hours or days"),
)
COST = define(
    "dampak.biaya",
    ("Biaya yang dibayar warga sebelum → sesudah", "Cost paid by citizens before → after"),
    (
        "Hanya layanan yang berbayar sebelum inovasi. Median biaya per layanan; perubahan = median selisih per inovasi "
        f"dengan {INTERVAL[0]}. Bukti: dilaporkan sendiri; bukan estimasi sebab-akibat.",
        "Only services that charged something before. Median cost per service; change = median per-innovation "
        f"difference with {INTERVAL[1]}. Evidence: self-reported; not a causal estimate.",
    ),
    ("Rupiah", "Rupiah"),
)
IKM = define(
    "dampak.ikm",
    ("Indeks kepuasan masyarakat (IKM) sebelum → sesudah", "Satisfaction index (IKM) before → after"),
    (
        "Setiap titik satu inovasi; di atas garis putus = naik. Pita = mutu pelayanan PermenPANRB 14/2017 "
        f"({_ikm_bands('id')}). Besar titik = jumlah responden. Perubahan = median selisih sesudah − sebelum dengan "
        "interval 95%. Bukti: survei; bukan estimasi sebab-akibat.",
        "Each point is one innovation; above the dashed line = improved. Bands = PermenPANRB 14/2017 service quality "
        f"({_ikm_bands('en')}). Point size = respondents. Change = median of after − before with a 95% interval. "
        "Evidence: survey; not a causal estimate.",
    ),
    ("poin IKM (0–100)", "IKM points (0–100)"),
)
SURVIVAL = define(
    "dampak.ketahanan",
    ("Berapa lama inovasi bertahan setelah diterapkan", "How long innovations keep running after implementation"),
    (
        "Kurva Kaplan–Meier atas inovasi yang pernah diterapkan: bagian yang masih berjalan menurut tahun sejak "
        "penerapan; yang tercatat dihentikan (dengan tanggal) berhenti, yang masih berjalan dihitung sampai hari ini. "
        "Bukti: dilaporkan sendiri.",
        "Kaplan–Meier curve over innovations ever implemented: the share still running by years since implementation; "
        "those recorded as stopped (with a date) stop, those still running count up to today. Evidence: self-reported.",
    ),
    ("bagian inovasi", "share of innovations"),
)


def results_table(res: pd.DataFrame, limit: int = 25) -> pd.DataFrame:
    """Per group (index), innovations per latest result, ``n`` and each result's share (``bagian_<hasil>``):
    the largest ``limit`` groups, smallest first (as a horizontal bar chart draws them)."""
    results = options("hasil")
    wide = res.pivot_table(index="kelompok", columns="hasil", values="jumlah", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=results, fill_value=0)
    wide["n"] = wide.sum(axis=1)
    wide = wide.sort_values("n", ascending=False).head(limit).sort_values("n")
    for r in results:
        wide[f"bagian_{r}"] = wide[r] / wide.n
    return wide


def _latest(where: str) -> str:
    """Latest evaluations in view (precomputed at load)."""
    return f"latest as (select l.* from evaluasi_terakhir l {Filters.status_join(where, 'l')} where {where})"


def results_by(ctx: Ctx, dimension: str) -> pd.DataFrame:
    """Counts of latest evaluation results per group of one dimension."""
    key, naming, name = DIMENSIONS[dimension]
    where, params = ctx.where()
    return data.read(
        f"""
        with {_latest(where)},
        counts as (
            select {key} as k, l.hasil, count(*) as jumlah
            from latest l join inovasi_status s on s.id_inovasi = l.id_inovasi
            group by all
        )
        select {name} as kelompok, c.hasil, c.jumlah from counts c {naming}
        """,
        params,
    )


def latest_evaluations(filters: Filters, viewer: Viewer, snapshot: Path | None = None) -> pd.DataFrame:
    """One row per evaluated innovation in view: the figures of its latest evaluation that Dampak's
    statistics use (codes and names come only with the points drawn: ``ikm_points``)."""
    where, params = filters.where(viewer)
    return store.query(
        f"""
        with {_latest(where)}
        select l.penerima_manfaat, l.waktu_layanan_sebelum, l.waktu_layanan_sesudah, l.satuan_waktu,
            l.biaya_sebelum::double as biaya_sebelum, l.biaya_sesudah::double as biaya_sesudah,
            l.ikm_sebelum, l.ikm_sesudah, l.responden
        from latest l
        """,
        params,
        snapshot,
    )


def ikm_points(filters: Filters, viewer: Viewer, snapshot: Path | None = None) -> pd.DataFrame:
    """At most ``charts.POINTS`` surveyed innovations to draw, with names: those with the smallest
    hash of their code, so the same points on every run (as Alur's samples)."""
    where, params = filters.where(viewer)
    return store.query(
        f"""
        with {_latest(where)},
        drawn as (
            select l.kode_inovasi, l.nama_inovasi, l.ikm_sebelum, l.ikm_sesudah, l.responden from latest l
            where l.ikm_sebelum is not null and l.ikm_sesudah is not null
            order by hash(l.kode_inovasi), l.kode_inovasi limit ?
        )
        select nama_inovasi, ikm_sebelum, ikm_sesudah, responden from drawn order by kode_inovasi
        """,
        [*params, charts.POINTS],
        snapshot,
    )


def survival(filters: Filters, viewer: Viewer, snapshot: Path | None = None) -> pd.DataFrame:
    """Implemented innovations counted by days from penerapan to being stopped (berhenti), or to
    today while still running: (hari, berhenti, jumlah), a few thousand rows for any number of
    innovations."""
    where, params = filters.where(viewer)
    return store.query(
        f"""
        select coalesce(k.tanggal, current_date) - s.tanggal_penerapan as hari,
            k.tanggal is not null as berhenti, count(*) as jumlah
        from inovasi_status s
        left join tahap_keluar k
            on k.id_inovasi = s.id_inovasi and k.keluar = ? and k.tanggal >= s.tanggal_penerapan
        where s.tanggal_penerapan is not null and {where}
        group by all
        order by hari, berhenti
        """,
        [domain.STOPPED, *params],
        snapshot,
    )


def _paired(ev: pd.DataFrame, before: str, after: str, unit_col: str | None, money: bool) -> pd.DataFrame:
    """Per unit: n, median before and after, and the median paired change with its 95% interval."""
    pre, post = ev[before].to_numpy(float, na_value=np.nan), ev[after].to_numpy(float, na_value=np.nan)
    keep = ~np.isnan(pre) & ~np.isnan(post)
    if money:
        keep &= pre > 0  # services that were free before cannot get cheaper
    if unit_col:  # one mask per unit, not a pandas groupby: that copies every column of every group
        codes, units = pd.factorize(ev[unit_col])
        groups = sorted(((u, codes == i) for i, u in enumerate(units)), key=lambda g: g[0])
    else:
        groups = [(None, keep)]
    out = []
    for unit, mask in groups:
        part = keep & mask
        if unit_col and not part.any():
            continue
        med, lo, hi = stats.bootstrap_median(post[part] - pre[part])
        out.append(
            {
                "unit": unit,
                "n": int(part.sum()),
                "sebelum": float(np.median(pre[part])) if part.any() else np.nan,
                "sesudah": float(np.median(post[part])) if part.any() else np.nan,
                "perubahan": med,
                "lo": lo,
                "hi": hi,
            }
        )
    return pd.DataFrame(out, columns=["unit", "n", "sebelum", "sesudah", "perubahan", "lo", "hi"])


@st.cache_data(show_spinner=False, max_entries=64)
def impact(snapshot: str, filters: Filters, viewer: Viewer) -> dict:
    """Everything Dampak draws, reduced once per snapshot, filters and viewer to small results, so a
    rerun does not copy 300,000 evaluations out of the cache (the statistics use all of them)."""
    snap = Path(snapshot)
    ev = latest_evaluations(filters, viewer, snap)
    surveyed = ev[ev.ikm_sebelum.notna() & ev.ikm_sesudah.notna()]
    ben = ev.penerima_manfaat.dropna()
    life = survival(filters, viewer, snap)
    times, surv = stats.kaplan_meier(life.hari, life.berhenti, life.jumlah) if len(life) else (None, None)
    return {
        "n_eval": len(ev),
        "n_surveyed": len(surveyed),
        "ben": (float(ben.sum()), float(ben.median()) if len(ben) else None, len(ben)),
        "time": _paired(ev, "waktu_layanan_sebelum", "waktu_layanan_sesudah", "satuan_waktu", money=False),
        "cost": _paired(ev, "biaya_sebelum", "biaya_sesudah", None, money=True),
        "ikm": stats.bootstrap_median(surveyed.ikm_sesudah - surveyed.ikm_sebelum),
        "respondents": (
            float(surveyed.responden.sum()),
            float(surveyed.responden.max() or 1) if len(surveyed) else 1.0,
        ),
        "ikm_points": ikm_points(filters, viewer, snap),
        "survival": (times, surv, int(life.jumlah.sum()), int(life.jumlah[life.berhenti].sum())),
    }
