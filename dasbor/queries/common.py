"""What every page's frame reads: the data's freshness and the filter lists."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dasbor import data, store


def data_info() -> pd.Series:
    """Is any of the data sample data, and when was it last loaded (``info_data``, built at load)."""
    return data.read("select sampel, dimuat_pada from info_data").iloc[0]


@st.cache_data(show_spinner=False)
def choices(snapshot: str) -> dict:
    """Every option of the shared filters in ``snapshot``: proposal years, provinces, regions, urusan.
    The lists are not narrowed here: ``frame`` narrows them to what a region's account may open."""

    def q(sql: str) -> pd.DataFrame:
        return store.query(sql, snapshot=Path(snapshot))

    years = q("select min(tahun_usulan) lo, max(tahun_usulan) hi from inovasi_status").iloc[0]
    return {
        "years": (int(years.lo), int(years.hi)) if years.lo == years.lo and years.lo is not None else None,
        "provinces": q("select kode, nama from wilayah where tingkat = 'provinsi' order by nama"),
        "regions": q("select kode, nama, kode_provinsi from wilayah where tingkat <> 'provinsi' order by nama"),
        "urusan": q("select kode, nama from urusan order by kode"),
    }
