"""The spine chart, in the manner of England's Fingertips profiles: one row per headline figure,
each on its own scale centred on the cluster's value, with the cluster's range and middle half, the
nation's value, and the region's value with its 95% interval, marked by a shape and a word for its
verdict (never by colour alone). The rows come from ``dasbor.queries.profil.spine``; the table and
the CSV beside the chart are made here from the same rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dasbor import charts, fmt, i18n
from dasbor.i18n import label
from dasbor.queries import profil as q

MARKS = {  # verdict → marker symbol and colour (the symbol alone tells them apart)
    "lebih_tinggi": ("triangle-up", charts.OKABE_ITO[2]),
    "serupa": ("circle", charts.OKABE_ITO[4]),
    "lebih_rendah": ("triangle-down", charts.OKABE_ITO[5]),
    "tidak_ada": ("x-thin-open", "#555555"),
}
TESTS = {
    "corong": (
        "batas 95% diagram corong di sekitar proporsi klaster (seperti Perbandingan Wilayah)",
        "the funnel plot's 95% limits around the cluster's share (as on Perbandingan Wilayah)",
    ),
    "interval": ("interval 95% wilayah dibanding nilai klaster", "the region's 95% interval against the cluster"),
    "kuartil": (
        "skor resmi tanpa galat sampel: di atas kuartil 3 klaster lebih tinggi, di bawah kuartil 1 lebih rendah",
        "an official score with no sampling error: above the cluster's quartile 3 higher, below quartile 1 lower",
    ),
}


def value_text(kind: str, value, lang: str, mean: bool = False) -> str:
    """A value of one row as the reader reads it; ``mean`` for a cluster's or nation's average count."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "share":
        return fmt.percent(value, lang)
    if kind == "rate":
        return fmt.number(value, lang, 1)
    if kind == "score":
        return fmt.number(value, lang, 2)
    if kind == "count" and mean:
        return fmt.number(value, lang, 2)
    return fmt.number(value, lang)


def _kind(key: str) -> str:
    return q.ROWS[key][2]


def _range(kind: str, lo, hi, lang: str, mean: bool = False) -> str:
    if pd.isna(lo) or pd.isna(hi):
        return "–"
    return f"{value_text(kind, lo, lang, mean)} – {value_text(kind, hi, lang, mean)}"


def _basis(row, lang: str) -> str:
    """What the region's value is computed from: its numerator and denominator."""
    t = i18n.translator(lang)
    n = lambda v: fmt.number(v, lang)  # noqa: E731
    if row.key == "per_100rb":
        if pd.isna(row.n):
            return t("penduduk tidak diketahui")
        return t("{n_k} usulan; penduduk {n_n}", n_k=n(row.k), n_n=n(row.n))
    if row.key == "proporsi":
        return t("{n_k} dari {n_n} usulan", n_k=n(row.k), n_n=n(row.n))
    if row.key == "siklus":
        return t("{n_n} usulan yang diterapkan", n_n=n(row.n))
    if row.key in ("berjalan", "publik_berjalan"):
        return t("{n_k} dari {n_n} inovasi", n_k=n(row.k), n_n=n(row.n))
    if row.key == "publik_diterapkan":
        return t("{n_k} dari {n_n} inovasi publik", n_k=n(row.k), n_n=n(row.n))
    if row.key == "iid":
        if pd.isna(row.get("tahun")):
            return "–"
        rating = label("predikat", row.predikat, lang) if isinstance(row.get("predikat"), str) else None
        return f"{int(row.tahun)}" + (f", {rating}" if rating else "")
    if row.key == "penghargaan":
        return t("{n_nilai} penghargaan", n_nilai=n(row.nilai)) if not pd.isna(row.nilai) else "–"
    return "–"


def names(lang: str) -> dict[str, str]:
    t = i18n.translator(lang)
    return {
        "angka": t("Angka"),
        "satuan": t("Satuan"),
        "nilai": t("Wilayah ini"),
        "interval": t("Interval 95%"),
        "dasar": t("Dasar"),
        "klaster": t("Klaster"),
        "nasional": t("Nasional"),
        "rentang": t("Rentang klaster (terendah–tertinggi)"),
        "kuartil": t("Kuartil 1–3 klaster"),
        "verdict": t("Dibanding klaster"),
        "uji": t("Uji"),
    }


def table(rows: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spine's rows as shown (text in the reader's language) and as downloaded (plain numbers)."""
    c = names(lang)
    shown, csv = [], []
    for row in rows.itertuples():
        kind, figure = _kind(row.key), q.ROWS[row.key][0]
        mean = row.key == "penghargaan"
        verdict = label("verdict", row.verdict, lang)
        test = TESTS[row.uji][0 if lang == "id" else 1]
        shown.append(
            {
                c["angka"]: q.row_name(row.key, lang),
                c["satuan"]: figure.unit(lang),
                c["nilai"]: value_text(kind, row.nilai, lang),
                c["interval"]: _range(kind, row.lo, row.hi, lang, mean),
                c["dasar"]: _basis(pd.Series(row._asdict()), lang),
                c["klaster"]: value_text(kind, row.klaster, lang, mean),
                c["nasional"]: value_text(kind, row.nasional, lang, mean),
                c["rentang"]: _range(kind, row.min, row.max, lang),
                c["kuartil"]: _range(kind, row.q1, row.q3, lang, mean),
                c["verdict"]: verdict,
                c["uji"]: test,
            }
        )
        low, high = ("bawah", "atas") if lang == "id" else ("low", "high")
        csv.append(
            {
                "kode_angka": figure.key,
                c["angka"]: q.row_name(row.key, lang),
                c["satuan"]: figure.unit(lang),
                c["nilai"]: row.nilai,
                f"{c['interval']} {low}": row.lo,
                f"{c['interval']} {high}": row.hi,
                "k": row.k,
                "n": row.n,
                c["klaster"]: row.klaster,
                c["nasional"]: row.nasional,
                f"{c['klaster']} min": row.min,
                f"{c['klaster']} q1": row.q1,
                f"{c['klaster']} q3": row.q3,
                f"{c['klaster']} max": row.max,
                i18n.tr(lang, "wilayah_klaster"): row.wilayah,
                c["verdict"]: verdict,
                c["uji"]: test,
            }
        )
    return pd.DataFrame(shown), pd.DataFrame(csv)


def _scaled(row) -> tuple[float, float]:
    """Centre (the cluster's value) and half-width of a row's own scale."""
    centre = row.klaster
    if pd.isna(centre):
        finite = [v for v in (row.min, row.max, row.nilai) if not pd.isna(v)]
        centre = float(np.mean(finite)) if finite else 0.0
    spread = [abs(v - centre) for v in (row.min, row.max, row.nilai, row.lo, row.hi, row.nasional) if not pd.isna(v)]
    half = max(spread, default=0.0)
    return float(centre), float(half) if half > 0 else 1.0


def figure(rows: pd.DataFrame, lang: str) -> go.Figure:
    """The spine: per row its own scale (the cluster's value in the middle), the cluster's range and
    middle half as bars, the nation as a diamond, the region as a marker shaped by its verdict with its
    95% interval; the value and the verdict written at the right. ``customdata`` of the region's
    markers holds each row's key and its numbers as computed (value, lo, hi, cluster, nation, min, q1,
    q3, max), so the chart can be checked against the figure functions."""
    t = i18n.translator(lang)
    cluster_word, nation_word, this_region = t("Klaster"), t("Nasional"), t("Wilayah ini")
    ys = [q.row_name(k, lang) for k in rows.key]
    scales = [_scaled(r) for r in rows.itertuples()]

    def pos(values) -> list:
        return [None if pd.isna(v) else (v - c) / h for v, (c, h) in zip(values, scales, strict=True)]

    fig = go.Figure()
    for lo, hi, colour, name in (
        ("min", "max", "#dddddd", t("Rentang klaster (terendah–tertinggi)")),
        ("q1", "q3", "#9a9a9a", t("Separuh tengah klaster (kuartil 1–3)")),
    ):
        start, end = pos(rows[lo]), pos(rows[hi])
        fig.add_bar(
            y=ys,
            base=[s if s is not None else 0 for s in start],
            x=[(e - s) if s is not None and e is not None else 0 for s, e in zip(start, end, strict=True)],
            orientation="h",
            width=0.5,
            marker={"color": colour, "line": {"width": 0}},
            name=name,
            hoverinfo="skip",
        )
    has_cluster = rows.klaster.notna().to_numpy()
    fig.add_scatter(
        x=[0] * int(has_cluster.sum()),
        y=[y for y, keep in zip(ys, has_cluster, strict=True) if keep],
        mode="markers",
        marker={"symbol": "line-ns-open", "size": 28, "color": "#000", "line": {"width": 3, "color": "#000"}},
        name=t("Klaster"),
        hovertext=[
            f"{cluster_word}: {value_text(_kind(k), v, lang, k == 'penghargaan')}"
            for k, v, keep in zip(rows.key, rows.klaster, has_cluster, strict=True)
            if keep
        ],
        hoverinfo="text",
    )
    nation = pos(rows.nasional)
    fig.add_scatter(
        x=[x for x in nation if x is not None],
        y=[y for y, x in zip(ys, nation, strict=True) if x is not None],
        mode="markers",
        marker={"symbol": "diamond", "size": 11, "color": "#fff", "line": {"width": 2, "color": "#000"}},
        name=t("Nasional"),
        hovertext=[
            f"{nation_word}: {value_text(_kind(k), v, lang, k == 'penghargaan')}"
            for k, v, x in zip(rows.key, rows.nasional, nation, strict=True)
            if x is not None
        ],
        hoverinfo="text",
    )
    value, lo, hi = pos(rows.nilai), pos(rows.lo), pos(rows.hi)
    notes = []
    for verdict, (symbol, colour) in MARKS.items():
        idx = [i for i, v in enumerate(rows.verdict) if v == verdict and value[i] is not None]
        if idx:
            part = rows.iloc[idx]
            numbers = ["nilai", "lo", "hi", "klaster", "nasional", "min", "q1", "q3", "max"]
            fig.add_scatter(
                x=[value[i] for i in idx],
                y=[ys[i] for i in idx],
                mode="markers",
                marker={"symbol": symbol, "size": 15, "color": colour, "line": {"width": 1, "color": "#222"}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [0 if hi[i] is None else hi[i] - value[i] for i in idx],
                    "arrayminus": [0 if lo[i] is None else value[i] - lo[i] for i in idx],
                    "color": "#222",
                    "thickness": 1.5,
                    "width": 6,
                },
                name=f"{this_region}: {label('verdict', verdict, lang).lower()}",
                legendgroup=f"wilayah:{verdict}",
                customdata=np.column_stack(
                    [part.key.to_numpy(dtype=object), *(part[c].to_numpy(dtype=float) for c in numbers)]
                ),
                hovertext=[
                    f"{ys[i]}: {value_text(_kind(rows.key.iloc[i]), rows.nilai.iloc[i], lang)}"
                    f" ({_range(_kind(rows.key.iloc[i]), rows.lo.iloc[i], rows.hi.iloc[i], lang)})"
                    for i in idx
                ],
                hoverinfo="text",
            )
    for row, y in zip(rows.itertuples(), ys, strict=True):
        words = label("verdict", row.verdict, lang)
        shown = value_text(_kind(row.key), row.nilai, lang)
        notes.append(
            {
                "x": 1.14,
                "y": y,
                "xref": "x",
                "yref": "y",
                "xanchor": "left",
                "showarrow": False,
                "text": f"{shown} · <b>{words}</b>" if shown != "–" else words,
                "font": {"size": 12},
            }
        )
    fig.update_layout(barmode="overlay", annotations=notes, bargap=0.4)
    fig.update_xaxes(range=[-1.12, 2.3], visible=False, fixedrange=True)
    fig.update_yaxes(categoryorder="array", categoryarray=ys[::-1], automargin=True, fixedrange=True, showgrid=False)
    return fig


def height(rows: pd.DataFrame, paper: bool = False) -> int:
    """On paper the rows sit closer, so the spine with its table fits under the header of the first sheet."""
    return 96 + 44 * len(rows) if paper else 120 + 62 * len(rows)
