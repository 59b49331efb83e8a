"""Chart blocks: a title that says what is shown, the definition in words, the chart, and its data
as a table with a CSV download. Colours are Okabe–Ito (safe for colour-blind readers), and charts
never carry meaning by colour alone (labels, symbols or patterns do too)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import domain, fmt

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# One colour per stage wherever stages are drawn: the stages are ordered, so a sequential scale
# (viridis, safe for colour-blind readers and in greyscale) from the first stage (light) to the last
# (dark); grey for what left the flow.
_VIRIDIS = ("#fde725", "#a0da39", "#4ac16d", "#1fa187", "#277f8e", "#365c8d", "#46327e", "#440154")
STAGE_COLOURS = {
    code: _VIRIDIS[round(i * (len(_VIRIDIS) - 1) / max(1, len(domain.FLOW) - 1))] for i, code in enumerate(domain.FLOW)
}
EXIT_COLOUR = "#999999"


def stage_colour(code: str) -> str:
    return STAGE_COLOURS.get(code, EXIT_COLOUR)


PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _inert(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, (list, tuple)):
        return [_inert(v) for v in value]
    return value


_MARKUP = ("<", ">", "&")


def _escape_traces(fig: go.Figure) -> None:
    """Plotly renders a subset of HTML in labels and hover text: report text must stay text.

    Only traces that hold markup characters are rewritten (a scatter of 5,000 named points has
    few or none), so a clean trace is left as it was."""
    for trace in fig.data:
        for attr in ("x", "y", "text", "customdata", "hovertext"):
            values = getattr(trace, attr, None)
            if values is None or isinstance(values, str):
                continue
            try:
                array = np.asarray(values)
            except ValueError:  # cells of different lengths
                array = np.asarray(values, dtype=object)
            if array.dtype.kind in "biufcmM":  # numbers and dates hold no text
                continue
            array = array.astype(object)
            joined = "\x00".join(map(str, array.ravel()))  # one pass in C; most traces hold no markup at all
            if any(c in joined for c in _MARKUP):
                setattr(trace, attr, np.vectorize(_inert, otypes=[object])(array))


def across(y0: float, y1: float | None = None, **props) -> dict:
    """A line (``y1`` unset) or band across the whole plot at y, as a layout shape. Set them all at
    once with ``update_layout(shapes=...)``: Plotly's add_hline/add_hrect copy the figure on every
    call, ~0.1 s for a few lines over a scatter of thousands of points."""
    kind = "line" if y1 is None else "rect"
    y1 = y0 if y1 is None else y1
    return {"type": kind, "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": y0, "y1": y1, **props}


def edge_label(text: str, y: float, right: bool, **props) -> dict:
    """Text at height y on the plot's left or right edge, as a layout annotation (see ``across``)."""
    return {
        "text": text,
        "xref": "x domain",
        "x": 1 if right else 0,
        "xanchor": "right" if right else "left",
        "yref": "y",
        "y": y,
        "showarrow": False,
        **props,
    }


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
    _number_axes(fig)
    return fig


# d3 formats written with the locale-neutral ',' and '.', which ``layout.separators`` turns into the
# reader's convention: 21.574 and 0,5 in Indonesian, 21,574 and 0.5 in English. Without them Plotly
# writes 1200 beside 21574 and abbreviates with SI letters (10k), which neither language uses.
AXIS_NUMBER = ",~f"
HOVER_NUMBER = ",.2~f"


def _numeric(values) -> bool:
    if values is None:
        return False
    array = np.asarray(values)
    if array.dtype == object:
        return bool(array.size) and all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in array.ravel()
        )
    return array.dtype.kind in "iuf"


def _number_axes(fig: go.Figure) -> None:
    """Every axis that only numbers are drawn on, and its hover, in the one convention, unless the
    chart chose a format (a percent, a date). Bar labels that are numbers get thousands separators."""
    numeric: dict[str, bool] = {}
    for trace in fig.data:
        if trace.type not in ("bar", "scatter", "scattergl", "box", "histogram"):
            continue
        for letter in ("x", "y"):
            axis = (getattr(trace, f"{letter}axis", None) or letter).replace(letter, f"{letter}axis", 1)
            numeric[axis] = numeric.get(axis, True) and _numeric(getattr(trace, letter))
    for name, only_numbers in numeric.items():
        axis = fig.layout[name]
        if only_numbers and not axis.tickformat and axis.type in (None, "-", "linear"):
            axis.update(tickformat=AXIS_NUMBER, hoverformat=axis.hoverformat or HOVER_NUMBER)
    for trace in fig.data:
        if trace.type == "bar" and trace.texttemplate is None and _numeric(trace.text):
            trace.texttemplate = "%{text:,~f}"


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
# Points drawn in a scatter; statistics are always computed on all of them. 5,000 still shows the
# shape, while 20,000 overplotted into solid blobs, made the browser draw 20,000 SVG markers per
# chart and cost Alur ~0.6 s of Plotly copying and serialising per run at national scale.
POINTS = 5_000


def table_block(
    frame: pd.DataFrame, filename: str, lang: str, key: str, expanded: bool = False, full=None, total: int | None = None
) -> None:
    """The rows behind a chart (at most TABLE_ROWS drawn); ``full`` gives every row for the CSV when
    ``frame`` is only a sample, and ``total`` says how many there are."""
    total = total if total is not None else len(frame)
    shown = min(TABLE_ROWS, len(frame))
    with st.expander("Tabel data" if lang == "id" else "Data table", expanded=expanded):
        if total > shown:
            st.caption(
                f"Menampilkan {fmt.number(shown, lang)} dari {fmt.number(total, lang)} baris; CSV memuat semuanya."
                if lang == "id"
                else f"Showing {fmt.number(shown, lang)} of {fmt.number(total, lang)} rows; the CSV holds them all."
            )
        st.dataframe(frame.head(TABLE_ROWS), hide_index=True, width="stretch")
        download(frame, filename, lang, key, full=full)


def download(
    frame: pd.DataFrame, filename: str, lang: str, key: str, label: str | None = None, target=st, full=None
) -> None:
    """A CSV download built only when clicked: encoding 600,000 rows on every rerun would stall the page."""
    target.download_button(
        label or ("Unduh CSV" if lang == "id" else "Download CSV"),
        lambda: csv_bytes(full() if full else frame),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=f"dl_{key}",
    )


def sample_note(n_all: int, n_drawn: int, lang: str) -> str:
    """Says so when a scatter draws a sample: the figures beside it are always computed on every row."""
    if n_all <= n_drawn:
        return ""
    if lang == "id":
        return f" Digambar {fmt.number(n_drawn, lang)} titik acak dari {fmt.number(n_all, lang)}; angka dihitung dari semuanya."
    return (
        f" {fmt.number(n_drawn, lang)} random points of {fmt.number(n_all, lang)} are drawn; figures use all of them."
    )


def block(
    title: str,
    definition: str,
    fig: go.Figure,
    frame: pd.DataFrame,
    filename: str,
    lang: str,
    height: int = 360,
    full=None,
    total: int | None = None,
) -> None:
    st.subheader(title)
    st.caption(definition)
    st.plotly_chart(style(fig, height, lang), config=PLOTLY_CONFIG, key=f"chart_{filename}")
    table_block(frame, filename, lang, key=filename, full=full, total=total)


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
