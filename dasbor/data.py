"""Cached reads for the pages: results keyed by SQL, parameters and snapshot name.

A new load publishes a new snapshot name, so a cached result can never outlive its data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dasbor import store


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(sql: str, params: tuple, snapshot: str) -> pd.DataFrame:
    return store.query(sql, list(params), Path(snapshot))


def snapshot() -> Path | None:
    return store.current_snapshot()


def read(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Rows of ``sql`` with bound ``params`` from the current snapshot (cached)."""
    snap = store.current_snapshot()
    if snap is None:
        raise store.StoreError("no data has been loaded yet")
    return _cached(sql, tuple(params), str(snap))
