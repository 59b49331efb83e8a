"""Chart blocks: a title that says what is shown, the definition in words, the chart, and its data
as a table with a CSV download. Colours are Okabe–Ito (safe for colour-blind readers), and charts
never carry meaning by colour alone (labels, symbols or patterns do too)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _inert(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, (list, tuple)):
        return [_inert(v) for v in value]
    return value


def _escape_traces(fig: go.Figure) -> None:
    """Plotly renders a subset of HTML in labels and hover text: report text must stay text."""
    for trace in fig.data:
        for attr in ("x", "y", "text", "customdata", "hovertext"):
            values = getattr(trace, attr, None)
            if values is None or isinstance(values, str):
                continue
            array = np.asarray(values, dtype=object)
            if any(isinstance(v, str) for v in array.ravel()):
                setattr(trace, attr, np.vectorize(_inert, otypes=[object])(array))


def style(fig: go.Figure, height: int = 360, lang: str = "id") -> go.Figure:
    _escape_traces(fig)
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        colorway=list(OKABE_ITO),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        separators=",." if lang == "id" else ".,",
        font={"size": 13},
    )
    return fig


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel shows Indonesian text correctly; formula-like text cells neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe.to_csv(index=False).encode("utf-8-sig")


TABLE_ROWS = 2000  # rows drawn in a table; the CSV download always holds all of them
POINTS = 20_000  # points drawn in a scatter; statistics are always computed on all of them


def table_block(frame: pd.DataFrame, filename: str, lang: str, key: str, expanded: bool = False) -> None:
    with st.expander("Tabel data" if lang == "id" else "Data table", expanded=expanded):
        if len(frame) > TABLE_ROWS:
            st.caption(
                f"Menampilkan {TABLE_ROWS:,} dari {len(frame):,} baris; CSV memuat semuanya.".replace(",", ".")
                if lang == "id"
                else f"Showing {TABLE_ROWS:,} of {len(frame):,} rows; the CSV holds them all."
            )
        st.dataframe(frame.head(TABLE_ROWS), hide_index=True, width="stretch")
        download(frame, filename, lang, key)


def download(frame: pd.DataFrame, filename: str, lang: str, key: str, label: str | None = None, target=st) -> None:
    """A CSV download built only when clicked: encoding 600,000 rows on every rerun would stall the page."""
    target.download_button(
        label or ("Unduh CSV" if lang == "id" else "Download CSV"),
        lambda: csv_bytes(frame),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=f"dl_{key}",
    )


def thin(frame: pd.DataFrame, lang: str, seed: int = 2017) -> tuple[pd.DataFrame, str]:
    """At most POINTS rows for drawing a scatter (a fixed random sample), and a note when thinned."""
    if len(frame) <= POINTS:
        return frame, ""
    if lang == "id":
        note = f" Digambar {POINTS:,} titik acak dari {len(frame):,}; angka dihitung dari semuanya.".replace(",", ".")
    else:
        note = f" {POINTS:,} random points of {len(frame):,} are drawn; figures use all of them."
    return frame.sample(POINTS, random_state=seed).sort_index(), note


def block(
    title: str, definition: str, fig: go.Figure, frame: pd.DataFrame, filename: str, lang: str, height: int = 360
) -> None:
    st.subheader(title)
    st.caption(definition)
    st.plotly_chart(style(fig, height, lang), config=PLOTLY_CONFIG, key=f"chart_{filename}")
    table_block(frame, filename, lang, key=filename)


def hbar(frame: pd.DataFrame, label: str, value: str, text: str | None = None) -> go.Figure:
    """Horizontal bars with their values written on them, largest on top."""
    ordered = frame.sort_values(value)
    fig = go.Figure(
        go.Bar(
            x=ordered[value],
            y=ordered[label],
            orientation="h",
            marker_color=OKABE_ITO[0],
            text=ordered[text] if text else ordered[value],
            textposition="auto",
        )
    )
    fig.update_yaxes(automargin=True)
    return fig


def counts_block(
    frame: pd.DataFrame, domain: str, title: str, definition: str, filename: str, lang: str, height: int = 260
) -> None:
    """Horizontal bars of counts per coded value (``nilai``, ``jumlah``), labelled in the reader's language."""
    from dasbor.i18n import label

    part = frame.assign(label=[label(domain, v, lang) for v in frame.nilai])
    count = "Jumlah" if lang == "id" else "Count"
    table = part[["label", "jumlah"]].rename(columns={"label": title, "jumlah": count})
    block(title, definition, hbar(part, "label", "jumlah"), table, filename, lang, height=height)
