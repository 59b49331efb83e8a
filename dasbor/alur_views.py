"""Sections of Alur Tahapan: the cumulative flow diagram and time in each stage by agency or region."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt
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
    present = set(frame.tahap.unique())  # unique() first: iterating Arrow strings one by one is slow
    stages = [s for s in q.FLOW_STAGES if s in present]
    # Drawn from the last stage to the first, each filled down to the one before, so bands show what sits in a stage.
    for i, stage in enumerate(stages):
        part = frame[frame.tahap == stage]
        fig.add_scatter(
            x=part.periode,
            y=part.kumulatif,
            mode="lines",
            name=label("tahap", stage, lang),
            line={"width": 1, "color": charts.OKABE_ITO[i % len(charts.OKABE_ITO)]},
            fill="tonexty" if i else "none",
            stackgroup=None,
        )
    fig.update_yaxes(
        title=t("Inovasi yang sudah mencapai tahap ini atau sesudahnya", "Innovations that reached this stage or later")
    )
    fig.update_xaxes(tickformat="%b %Y" if lang == "en" else "%m/%Y")
    wide = frame.pivot_table(index="periode", columns="tahap", values="kumulatif").reset_index()
    wide = wide[["periode", *stages]].rename(columns={s: label("tahap", s, lang) for s in stages})
    charts.block(
        t("Diagram alir kumulatif", "Cumulative flow diagram"),
        t(
            "Untuk tiap tahap: berapa inovasi yang sampai akhir periode sudah mencapai tahap itu atau sesudahnya. Garis tidak "
            "pernah turun; jarak tegak antara dua garis = inovasi yang sedang berada di tahap itu; jarak mendatar = lama tinggal.",
            "For each stage: how many innovations had reached it or a later stage by the end of each period. Lines never "
            "go down; the vertical gap between two lines = innovations sitting in that stage; the horizontal gap = time spent.",
        ),
        fig,
        wide,
        f"cfd_{grain}",
        lang,
        height=440,
    )


def waits(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("Lama tinggal di tiap tahap", "Time in each stage"))
    left, right = st.columns(2)
    group = left.radio(
        t("Menurut", "By"),
        ("perangkat_daerah", "wilayah"),
        horizontal=True,
        format_func=lambda g: t("Perangkat daerah", "Agency") if g == "perangkat_daerah" else t("Wilayah", "Region"),
    )
    stage = right.selectbox(
        t("Tahap", "Stage"),
        q.OPEN_STAGES,
        index=q.OPEN_STAGES.index("kajian"),
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
        t(
            "Batang = median hari tinggal di tahap sebelum pindah atau keluar; garis tegak = persentil 85; n = jumlah "
            "perpindahan. Hanya kelompok dengan minimal 5 perpindahan, 25 terlama.",
            "Bar = median days in the stage before moving on or exiting; tick = 85th percentile; n = moves. Only groups "
            "with at least 5 moves, the 25 longest.",
        ),
        fig,
        frame,
        f"tunggu_{stage}_{group}",
        lang,
        height=max(320, 26 * len(ordered) + 90),
    )
