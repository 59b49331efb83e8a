"""Chart blocks: a title that says what is shown, the definition in words, the chart, and its data
as a table with a CSV download. Colours are Okabe–Ito (safe for colour-blind readers), and charts
never carry meaning by colour alone (labels, symbols or patterns do too)."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import domain, fmt, i18n, store

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


# No Plotly toolbar: its icons cluttered every chart, above all on a phone; zoom by dragging and
# double-click to reset still work. A chart whose points are picked with a box keeps it (its tool).
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False}
SELECT_CONFIG = {**PLOTLY_CONFIG, "displayModeBar": True, "modeBarButtonsToRemove": ["lasso2d"]}


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
        separators=fmt.separators(lang),
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


def _years(values) -> bool:
    """Whole numbers that are calendar years (2014, 2026): written without a thousands separator."""
    array = np.asarray(values, dtype=float)
    return bool(array.size) and bool(np.all((array == np.round(array)) & (array >= 1900) & (array <= 2100)))


def _number_axes(fig: go.Figure) -> None:
    """Every axis that only numbers are drawn on, and its hover, in the one convention, unless the
    chart chose a format (a percent, a date); an axis of calendar years as plain years (2017, never
    2.017). Bar labels that are numbers get thousands separators."""
    numeric: dict[str, bool] = {}
    years: dict[str, bool] = {}
    for trace in fig.data:
        if trace.type not in ("bar", "scatter", "scattergl", "box", "histogram"):
            continue
        for letter in ("x", "y"):
            axis = (getattr(trace, f"{letter}axis", None) or letter).replace(letter, f"{letter}axis", 1)
            values = getattr(trace, letter)
            numeric[axis] = numeric.get(axis, True) and _numeric(values)
            years[axis] = years.get(axis, True) and numeric[axis] and _years(values)
    for name, only_numbers in numeric.items():
        axis = fig.layout[name]
        if only_numbers and not axis.tickformat and axis.type in (None, "-", "linear"):
            if years[name]:
                values = np.concatenate(
                    [
                        np.asarray(getattr(t, name[0]), dtype=float)
                        for t in fig.data
                        if getattr(t, name[0], None) is not None and t.type != "funnel"
                    ]
                )
                step = {"dtick": 1} if values.size and values.max() - values.min() <= 15 else {}  # never 2014.5
                axis.update(tickformat="d", hoverformat=axis.hoverformat or "d", **step)
            else:
                axis.update(tickformat=AXIS_NUMBER, hoverformat=axis.hoverformat or HOVER_NUMBER)
    for trace in fig.data:
        if trace.type == "bar" and trace.texttemplate is None and _numeric(trace.text):
            trace.texttemplate = "%{text:,~f}"


FORMULA_START = store.FORMULA_START


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel shows Indonesian text correctly; formula-like text cells neutralised
    (found column by column, not cell by cell: 4.5 s → 0.3 s for 690,000 rows). A query's rows go
    straight to a file through ``store.csv_bytes``, which writes the same cells."""
    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            try:
                risky = values.str.startswith(FORMULA_START).fillna(False).astype(bool)
            except AttributeError:  # an object column holding no text at all
                continue
            if risky.any():
                safe[column] = values.where(~risky, "'" + values[risky].astype(str))
    return safe.to_csv(index=False).encode("utf-8-sig")


# Rows drawn in a table; the CSV download always holds all of them, and the caption says how many
# there are. Every drawn row goes over the websocket even while its expander is closed: at 2,000 the
# cycle-time and work-in-progress tables sent 530 KB of Alur's 1.6 MB at national scale, and the
# national awards list 240 KB of Perbandingan's 1.15 MB.
TABLE_ROWS = 500
# Points drawn in a scatter; statistics are always computed on all of them. 2,000 still shows the
# shape; 20,000 overplotted into solid blobs, and at 5,000 Alur's two scatters were 800 KB of JSON
# (with names and dates per point for the hover) that the browser drew as SVG markers.
POINTS = 2_000


def table_block(
    frame: pd.DataFrame, filename: str, lang: str, key: str, expanded: bool = False, full=None, total: int | None = None
) -> None:
    """The rows behind a chart (at most TABLE_ROWS drawn); ``full`` gives every row for the CSV when
    ``frame`` is only a sample, and ``total`` says how many there are."""
    total = total if total is not None else len(frame)
    shown = min(TABLE_ROWS, len(frame))
    with st.expander(i18n.tr(lang, "Tabel data"), expanded=expanded):
        if total > shown:
            st.caption(
                i18n.tr(
                    lang,
                    "Menampilkan {number_shown} dari {number_total} baris; CSV memuat semuanya.",
                    number_shown=fmt.number(shown, lang),
                    number_total=fmt.number(total, lang),
                )
            )
        st.dataframe(frame.head(TABLE_ROWS), hide_index=True, width="stretch")
        download(frame, filename, lang, key, full=full)


def download(
    frame: pd.DataFrame, filename: str, lang: str, key: str, label: str | None = None, target=st, full=None
) -> None:
    """A CSV download built only when clicked: encoding 600,000 rows on every rerun would stall the page."""
    target.download_button(
        label or (i18n.tr(lang, "Unduh CSV")),
        lambda: csv_bytes(full() if full else frame),
        file_name=f"{filename}.csv",
        mime="text/csv",
        key=f"dl_{key}",
    )


def sample_note(n_all: int, n_drawn: int, lang: str) -> str:
    """Says so when a scatter draws a sample: the figures beside it are always computed on every row."""
    if n_all <= n_drawn:
        return ""
    return " " + i18n.tr(
        lang,
        "Digambar {drawn} titik acak dari {all}; angka dihitung dari semuanya.",
        drawn=fmt.number(n_drawn, lang),
        all=fmt.number(n_all, lang),
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
    draw(fig, title, lang, height, key=f"chart_{filename}")
    table_block(frame, filename, lang, key=filename, full=full, total=total)


def draw(fig: go.Figure, title: str, lang: str, height: int = 360, key: str | None = None, config=None, **kw):
    """The chart, styled, with its text alternative under it (``summary``); returns Streamlit's event."""
    about = summary(fig, title, lang)  # before style(): it escapes the labels for Plotly's HTML
    event = st.plotly_chart(style(fig, height, lang), config=config or PLOTLY_CONFIG, key=key, **kw)
    if about:
        st.caption(about)
    return event


def _value(value, lang: str, axis_format: str | None) -> str:
    if axis_format and "%" in axis_format:
        return fmt.percent(value, lang, 1)
    return fmt.number(value, lang, 0 if float(value).is_integer() or abs(value) >= 100 else 1)


def _label(value, lang: str) -> str:
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "strftime"):
        stamp = pd.Timestamp(value)
        return str(stamp.year) if (stamp.month, stamp.day) == (1, 1) else fmt.date(stamp, lang)
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() and 1900 <= value <= 2100 else fmt.number(value, lang, 1)
    return str(value)


def _pairs(trace) -> list[tuple[object, float]]:
    """(label, value) of a bar or funnel trace, whichever way it lies."""
    across = getattr(trace, "orientation", None) == "h"
    labels, values = (trace.y, trace.x) if across else (trace.x, trace.y)
    if labels is None or values is None:
        return []
    out = []
    for name, value in zip(labels, values, strict=False):
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if not np.isnan(number):
            out.append((name, number))
    return out


def summary(fig: go.Figure, title: str, lang: str, top: int = 3) -> str:
    """The chart in one sentence, for readers who cannot see it (WCAG 1.1.1): what it shows (its title)
    and its largest values: the largest bars, or each line's last and highest point, or how many points
    a scatter draws. Empty when the figure holds no trace it can read."""
    t = i18n.translator(lang)
    parts: list[str] = []
    bars = [tr for tr in fig.data if tr.type in ("bar", "funnel")]
    lines = [tr for tr in fig.data if tr.type in ("scatter", "scattergl") and "lines" in (tr.mode or "lines")]
    points = [tr for tr in fig.data if tr.type in ("scatter", "scattergl") and tr not in lines and tr.mode != "text"]
    if bars:
        across = getattr(bars[0], "orientation", None) == "h"
        axis_format = (fig.layout.xaxis if across else fig.layout.yaxis).tickformat
        stacked = fig.layout.barmode in ("stack", "relative") or len(bars) == 1
        totals: dict[str, float] = {}
        for trace in bars if stacked else ():
            for name, value in _pairs(trace):
                key = _label(name, lang)
                totals[key] = totals.get(key, 0.0) + value
        for trace in () if stacked else bars[:4]:  # bars side by side: each series' own largest
            pairs = _pairs(trace)
            if pairs:
                name, value = max(pairs, key=lambda p: p[1])
                where = _label(name, lang)
                largest = _value(value, lang, axis_format)
                series = f"{trace.name}: " if trace.name else ""
                parts.append(series + t("terbesar {value} pada {where}", value=largest, where=where))
        if totals:
            ranked = sorted(totals.items(), key=lambda kv: -kv[1])
            shown = ", ".join(f"{name} ({_value(v, lang, axis_format)})" for name, v in ranked[:top])
            n = fmt.number(len(ranked), lang)
            parts.append(t("terbesar dari {n}: {shown}", n=n, shown=shown))
    # Dashed or dotted lines are limits and references drawn around the data (a funnel's control
    # limits, a median), not the data: the summary names the data only.
    lines = [tr for tr in lines if not (tr.line and tr.line.dash and tr.line.dash != "solid")]
    for trace in lines[:4]:
        xs, ys = (() if v is None else v for v in (trace.x, trace.y))
        pairs = [(x, float(y)) for x, y in zip(xs, ys, strict=False) if _finite(y)]
        if len(pairs) <= 2:  # a reference line (no change, a forecast's mark) or a before → after pair
            continue
        axis_format = fig.layout.yaxis.tickformat
        (x_last, y_last), (x_top, y_top) = pairs[-1], max(pairs, key=lambda p: p[1])
        name = f"{trace.name}: " if trace.name else ""
        last, highest = (_value(y, lang, axis_format) for y in (y_last, y_top))
        parts.append(
            name
            + t(
                "{last} pada {last_at}, tertinggi {highest} pada {highest_at}",
                last=last,
                last_at=_label(x_last, lang),
                highest=highest,
                highest_at=_label(x_top, lang),
            )
        )
    n_points = sum(len(tr.x) for tr in points if tr.x is not None)
    if n_points:
        parts.append(t("{n} titik", n=fmt.number(n_points, lang)))
    if not parts:
        return ""
    return t("Ringkasan grafik, {title}: {parts}.", title=fmt.md(title), parts="; ".join(fmt.md(p) for p in parts))


def _finite(value) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


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
    count = i18n.tr(lang, "Jumlah")
    table = part[["label", "jumlah"]].rename(columns={"label": title, "jumlah": count})
    block(title, definition, hbar(part, "label", "jumlah"), table, filename, lang, height=height)
