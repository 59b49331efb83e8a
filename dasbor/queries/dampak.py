"""Dampak: what implemented innovations did for citizens, from each innovation's latest evaluation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dasbor import charts, data, stats, store
from dasbor.access import Viewer
from dasbor.filters import Filters
from dasbor.frame import Ctx

DIMENSIONS = {  # key → SQL expression over inovasi_status s, urusan u and wilayah w (a fixed list)
    "urusan": "coalesce(u.kode || ' ' || u.nama, '–')",
    "bentuk": "s.bentuk",
    "jenis": "s.jenis",
    "wilayah": "w.nama",
}


def _latest(where: str) -> str:
    """Latest evaluations in view (precomputed at load)."""
    return f"latest as (select l.* from evaluasi_terakhir l {Filters.status_join(where, 'l')} where {where})"


def results_by(ctx: Ctx, dimension: str) -> pd.DataFrame:
    """Counts of latest evaluation results per group of one dimension."""
    expr = DIMENSIONS[dimension]
    where, params = ctx.where()
    return data.read(
        f"""
        with {_latest(where)}
        select {expr} as kelompok, l.hasil, count(*) as jumlah
        from latest l
        join inovasi_status s using (kode_inovasi)
        left join urusan u on u.kode = s.urusan
        join wilayah w on w.kode = s.kode_wilayah
        group by all
        """,
        params,
    )


def latest_evaluations(filters: Filters, viewer: Viewer, snapshot: Path | None = None) -> pd.DataFrame:
    """One row per evaluated innovation in view: its latest evaluation's figures (names are fetched
    only for the points drawn: ``names``)."""
    where, params = filters.where(viewer)
    return store.query(
        f"""
        with {_latest(where)}
        select l.kode_inovasi, l.hasil, l.penerima_manfaat, l.waktu_layanan_sebelum,
            l.waktu_layanan_sesudah, l.satuan_waktu, l.biaya_sebelum::double as biaya_sebelum,
            l.biaya_sesudah::double as biaya_sesudah, l.ikm_sebelum, l.ikm_sesudah, l.responden
        from latest l
        """,
        params,
        snapshot,
    )


def names(codes: list[str], snapshot: Path | None = None) -> pd.DataFrame:
    """The names of these innovations (kode_inovasi, nama_inovasi)."""
    return store.query(
        "select kode_inovasi, nama_inovasi from inovasi where kode_inovasi in (select unnest(?::varchar[]))",
        [codes],
        snapshot,
    )


def survival(filters: Filters, viewer: Viewer, snapshot: Path | None = None) -> pd.DataFrame:
    """Implemented innovations: days from penerapan to being stopped, or to today if still running."""
    where, params = filters.where(viewer)
    return store.query(
        f"""
        select s.kode_inovasi, s.tanggal_penerapan,
            k.tanggal is not null as berhenti,
            coalesce(k.tanggal, current_date) - s.tanggal_penerapan as hari
        from inovasi_status s
        left join tahap_keluar k
            on k.kode_inovasi = s.kode_inovasi and k.keluar = 'dihentikan' and k.tanggal >= s.tanggal_penerapan
        where s.tanggal_penerapan is not null and {where}
        """,
        params,
        snapshot,
    )


def _paired(ev: pd.DataFrame, before: str, after: str, unit_col: str | None, money: bool) -> pd.DataFrame:
    """Per unit: n, median before and after, and the median paired change with its 95% interval."""
    rows = ev[ev[before].notna() & ev[after].notna()]
    if money:
        rows = rows[rows[before] > 0]  # services that were free before cannot get cheaper
    groups = rows.groupby(unit_col) if unit_col else [(None, rows)]
    out = []
    for unit, part in groups:
        med, lo, hi = stats.bootstrap_median(part[after] - part[before])
        out.append(
            {
                "unit": unit,
                "n": len(part),
                "sebelum": part[before].median(),
                "sesudah": part[after].median(),
                "perubahan": med,
                "lo": lo,
                "hi": hi,
            }
        )
    return pd.DataFrame(out)


@st.cache_data(show_spinner=False, max_entries=64)
def impact(snapshot: str, filters: Filters, viewer: Viewer) -> dict:
    """Everything Dampak draws, reduced once per snapshot, filters and viewer to small results, so a
    rerun does not copy 300,000 evaluations out of the cache (the statistics use all of them)."""
    snap = Path(snapshot)
    ev = latest_evaluations(filters, viewer, snap)
    surveyed = ev[ev.ikm_sebelum.notna() & ev.ikm_sesudah.notna()]
    ben = ev.penerima_manfaat.dropna()
    life = survival(filters, viewer, snap)
    times, surv = stats.kaplan_meier(life.hari, life.berhenti) if len(life) else (None, None)
    points = surveyed if len(surveyed) <= charts.POINTS else surveyed.sample(charts.POINTS, random_state=2017)
    points = points.merge(names(points.kode_inovasi.tolist(), snap), on="kode_inovasi", how="left")
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
        "ikm_points": points[["nama_inovasi", "ikm_sebelum", "ikm_sesudah", "responden"]],
        "survival": (times, surv, len(life), int(life.berhenti.sum()) if len(life) else 0),
    }
