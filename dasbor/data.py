"""Cached reads for the pages: results keyed by SQL, parameters and snapshot name.

A new load publishes a new snapshot name, so a cached result can never outlive its data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dasbor import store


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(sql: str, params: tuple, snapshot: str) -> pd.DataFrame:
    return store.query(sql, list(params), Path(snapshot))


def snapshot() -> Path | None:
    """The snapshot this run of a page reads. It is resolved once per script run, so every figure of
    one view comes from the same snapshot even when a load publishes meanwhile (and a view resolves
    ``CURRENT`` once instead of once per query); the next run reads the new one."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return store.current_snapshot()
    pinned = getattr(ctx, "_dasbor_snapshot", None)
    if pinned is not None and pinned[0] is ctx.cursors:  # ``cursors`` is a new dict at every run
        return pinned[1]
    snap = store.current_snapshot()
    ctx._dasbor_snapshot = (ctx.cursors, snap)
    return snap


def read(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Rows of ``sql`` with bound ``params`` from the current snapshot (cached)."""
    snap = snapshot()
    if snap is None:
        raise store.StoreError("no data has been loaded yet")
    return _cached(sql, tuple(params), str(snap))
