"""Sections of Alur Tahapan: the cumulative flow diagram and time in each stage by agency or region."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, domain, fmt
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import alur as q


def cfd(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    grain = st.radio(
        t("Satuan waktu diagram alir kumulatif", "Cumulative flow diagram by"),
        ("month", "week"),
        horizontal=True,
        format_func=lambda g: t("Bulan", "Month") if g == "month" else t("Minggu", "Week"),
    )
    frame = q.cfd(ctx, grain)
    if frame.empty:
        return
    fig = go.Figure()
    names = {code: label("tahap", code, lang) for code in domain.FLOW}
    names[q.EXITED] = t("Keluar (tidak layak / dihentikan)", "Left (not feasible / stopped)")
    # Stacked from the bottom: those that left, then the last stage up to the first, so each band
    # sits in its stage's own colour and the stack's top is every proposal that had arrived.
    for band in (q.EXITED, *reversed(domain.FLOW)):
        fig.add_scatter(
            x=frame.periode,
            y=frame[band],
            mode="lines",
            name=names[band],
            line={"width": 0.5, "color": charts.stage_colour(band)},
            fillcolor=charts.stage_colour(band),
            stackgroup="cfd",
        )
    fig.update_layout(legend={"traceorder": "reversed"})
    fig.update_yaxes(title=t("Inovasi (ditumpuk menurut tahap)", "Innovations (stacked by stage)"))
    fig.update_xaxes(tickformat="%b %Y" if lang == "en" else "%m/%Y")
    wide = frame.rename(columns=names)
    charts.block(
        q.CFD.name(lang),
        q.CFD.definition(lang),
        fig,
        wide,
        f"cfd_{grain}",
        lang,
        height=440,
    )
    ctx.not_applied(q.COHORT_IGNORES, *q.COHORT_WHY)


def waits(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(q.WAITS.name(lang))
    left, right = st.columns(2)
    group = left.radio(
        t("Menurut", "By"),
        ("perangkat_daerah", "wilayah"),
        horizontal=True,
        format_func=lambda g: t("Perangkat daerah", "Agency") if g == "perangkat_daerah" else t("Wilayah", "Region"),
    )
    stage = right.selectbox(
        t("Tahap", "Stage"),
        domain.OPEN,
        index=domain.OPEN.index("kajian"),
        format_func=lambda s: label("tahap", s, lang),
    )
    frame = q.waits_by(ctx, group, stage)
    enough = frame[frame.n >= 5].head(25)
    if enough.empty:
        st.info(
            t(
                "Belum cukup perpindahan (minimal 5 per kelompok) untuk tahap ini.",
                "Not enough moves yet (at least 5 per group) for this stage.",
            )
        )
        return
    ordered = enough.sort_values("median")
    fig = go.Figure()
    fig.add_bar(
        x=ordered["median"],
        y=ordered.kelompok,
        orientation="h",
        name="Median",
        marker_color=charts.OKABE_ITO[0],
        text=[
            f"{fmt.number(m, lang)} (n={fmt.number(n, lang)})"
            for m, n in zip(ordered["median"], ordered.n, strict=True)
        ],
        textposition="auto",
    )
    fig.add_scatter(
        x=ordered.p85,
        y=ordered.kelompok,
        mode="markers",
        name=t("Persentil 85", "85th percentile"),
        marker={"symbol": "line-ns-open", "size": 16, "color": "#000", "line": {"width": 2}},
    )
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(title=t("Hari", "Days"))
    charts.block(
        t(
            f"Tunggu di tahap {label('tahap', stage, lang).lower()}",
            f"Waiting in {label('tahap', stage, lang).lower()}",
        ),
        q.WAITS.definition(lang),
        fig,
        frame,
        f"tunggu_{stage}_{group}",
        lang,
        height=max(320, 26 * len(ordered) + 90),
    )
    ctx.not_applied(q.COHORT_IGNORES, *q.COHORT_WHY)
