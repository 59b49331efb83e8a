"""Alur Tahapan: what is stuck, where proposals wait, and how work flows through the stages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import alur_views, charts, data, domain, fmt, i18n, urlstate
from dasbor.frame import page
from dasbor.i18n import label
from dasbor.queries import alur as q

STUCK_SHOWN = 200


def main() -> None:
    ctx = page("alur")
    waits = q.stage_waits(ctx)
    if waits.empty:
        ctx.empty("riwayat tahapan", "stage histories")
        st.stop()
    stuck_section(ctx, waits)
    alur_views.not_updated(ctx)
    implemented_section(ctx)
    funnel_section(ctx)
    start, end, snapshot = cycle_controls(ctx)
    view = q.cycle_view(str(snapshot), ctx.filters, ctx.viewer, start, end)
    cycle_section(ctx, view, start, end, snapshot)
    wip_section(ctx, view, start, end, snapshot)
    throughput_section(ctx, start, end)
    alur_views.forecast_section(ctx)
    alur_views.cfd(ctx)
    alur_views.waits(ctx)


def present_stuck(frame: pd.DataFrame, ctx) -> pd.DataFrame:
    """What a Bupati reads first: which innovation, where it waits, for how long; identifiers last."""
    t, lang = ctx.t, ctx.lang
    frame = frame.assign(
        tahap=frame.tahap.map(lambda s: label("tahap", s, lang)),
        tanggal_tahap=[fmt.date(d, lang) for d in frame.tanggal_tahap],
    )
    columns = {
        "nama_inovasi": t("Inovasi"),
        "tahap": t("Tahap"),
        "hari_menunggu": t("Hari menunggu"),
        "p85": t("Batas 85% (hari)"),
        "perangkat_daerah": t("Perangkat daerah"),
        "wilayah": t("Wilayah"),
        "tanggal_tahap": t.tc("singkat", "Masuk tahap"),
        "n_riwayat": t("Perpindahan dalam riwayat"),
        "kode_inovasi": t("Kode"),
    }
    return frame[list(columns)].rename(columns=columns)


def stuck_section(ctx, waits: pd.DataFrame) -> None:
    t, lang = ctx.t, ctx.lang
    lbl = lambda s: label("tahap", s, lang)  # noqa: E731
    stuck, per_stage = q.stuck(ctx, waits, STUCK_SHOWN)
    n_stuck = int(per_stage.n.sum())
    c1, c2 = st.columns(2)
    c1.metric(q.STUCK.name(lang), fmt.number(n_stuck, lang), help=q.STUCK.definition(lang))
    if n_stuck:
        # The stage that holds the most stuck innovations: the same rows as the list below.
        top = per_stage.sort_values(["n", "terlama"], ascending=False).iloc[0]
        c2.metric(q.MOST_STUCK.name(lang), lbl(top.tahap), help=q.MOST_STUCK.definition(lang))
        c2.caption(
            t(
                "{number_n} dari {number_n_stuck} yang macet; batas 85% tahap ini {number_p85} hari; terlama {number_terlama} hari",
                number_n=fmt.number(top.n, lang),
                number_n_stuck=fmt.number(n_stuck, lang),
                number_p85=fmt.number(top.p85, lang),
                number_terlama=fmt.number(top.terlama, lang),
            )
        )
        c1.caption("; ".join(f"{lbl(r.tahap)} {fmt.number(r.n, lang)}" for r in per_stage.itertuples()))
    st.subheader(t("Yang macet: menunggu keputusan lebih lama dari 85% riwayat tahapnya"))
    st.caption(
        q.STUCK.definition(lang)
        + " "
        + t(
            "Terlama di atas. Batas 85% dihitung dari semua perpindahan pada data yang sedang dilihat, tanpa filter tahap (yang masih di suatu tahap belum punya perpindahan dari tahap itu)."
        )
    )
    if stuck.empty:
        st.success(t("Tidak ada inovasi yang menunggu keputusan melewati batas 85% tahapnya."))
        return
    shown = present_stuck(stuck, ctx)
    if n_stuck > len(shown):
        st.caption(
            t(
                "Menampilkan {len_shown} yang terlama dari {number_n_stuck}; CSV memuat semuanya.",
                len_shown=len(shown),
                number_n_stuck=fmt.number(n_stuck, lang),
            )
        )
    st.dataframe(shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
    charts.download(shown, "inovasi_macet", lang, "macet", full=lambda: present_stuck(q.stuck(ctx, waits)[0], ctx))


def implemented_section(ctx) -> None:
    t, lang = ctx.t, ctx.lang
    rows, summary = q.implemented_only(ctx, STUCK_SHOWN)
    n = int(summary.n)
    st.subheader(q.IMPLEMENTED_ONLY.name(lang))
    st.caption(q.IMPLEMENTED_ONLY.definition(lang))
    c1, c2 = st.columns(2)
    c1.metric(t.tc("jamak", "Inovasi"), fmt.number(n, lang), help=q.IMPLEMENTED_ONLY.definition(lang))
    if not n:
        return
    c2.metric(
        q.IMPLEMENTED_DAYS.name(lang),
        fmt.number(summary.median_hari, lang) if summary.median_hari == summary.median_hari else "–",
    )

    def present(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.assign(tanggal_penerapan=[fmt.date(d, lang) for d in frame.tanggal_penerapan])
        columns = {
            "nama_inovasi": t("Inovasi"),
            "hari_sejak_penerapan": t("Hari sejak penerapan"),
            "tanggal_penerapan": t("Tanggal penerapan"),
            "perangkat_daerah": t("Perangkat daerah"),
            "wilayah": t("Wilayah"),
            "kode_inovasi": t("Kode"),
        }
        return frame[list(columns)].rename(columns=columns)

    shown = present(rows)
    if n > len(shown):
        st.caption(
            t(
                "Menampilkan {len_shown} yang terlama dari {number_n}; CSV memuat semuanya.",
                len_shown=len(shown),
                number_n=fmt.number(n, lang),
            )
        )
    with st.expander(t("Daftar inovasinya"), expanded=False):
        st.dataframe(shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
    charts.download(
        shown, "diterapkan_belum_dilembagakan", lang, "diterapkan", full=lambda: present(q.implemented_only(ctx)[0])
    )


def funnel_section(ctx) -> None:
    t, lang = ctx.t, ctx.lang
    lbl = lambda s: label("tahap", s, lang)  # noqa: E731
    reach, exits = q.funnel(ctx)
    reach = q.funnel_table(reach)
    cohort = int(reach.jumlah.iloc[0]) if not reach.empty else 0

    def pct(v) -> str:
        return fmt.percent(v, lang, 0) if v == v else "–"

    fig = go.Figure(
        go.Funnel(
            y=[lbl(s) for s in reach.tahap],
            x=reach.jumlah,
            marker={"color": charts.OKABE_ITO[0]},
            text=[f"{fmt.number(j, lang)} ({pct(b)})" for j, b in zip(reach.jumlah, reach.bagian, strict=True)],
            textinfo="text",
        )
    )
    exit_rows = [
        {
            t("Jalan keluar"): lbl(r.keluar),
            t("Dari tahap"): lbl(q.FLOW_STAGES[int(r.dari_urutan) - 1]) if r.dari_urutan == r.dari_urutan else "–",
            t("Jumlah"): fmt.number(r.jumlah, lang),
            t("Bagian kohort"): pct(r.jumlah / cohort) if cohort else "–",
        }
        for r in exits.itertuples()
    ]
    table = pd.DataFrame(
        {
            t("Tahap"): [lbl(s) for s in reach.tahap],
            t("Mencapai"): [fmt.number(j, lang) for j in reach.jumlah],
            t("Bagian kohort"): [pct(b) for b in reach.bagian],
            t("Konversi dari tahap sebelumnya"): [pct(k) for k in reach.konversi],
        }
    )
    charts.block(
        q.FUNNEL.name(lang),
        q.FUNNEL.definition(lang),
        fig,
        table,
        "corong_tahapan",
        lang,
    )
    if exit_rows:
        st.caption(t("Jalan keluar dari kohort, menurut tahap yang ditinggalkan"))
        st.dataframe(pd.DataFrame(exit_rows), hide_index=True, width="content")
    ctx.not_applied(q.COHORT_IGNORES, *q.COHORT_WHY)


def cycle_controls(ctx):
    t, lang = ctx.t, ctx.lang
    lbl = lambda s: label("tahap", s, lang)  # noqa: E731
    left, right = st.columns(2)
    start = urlstate.choice("mulai", t("Tahap mulai"), q.FLOW_STAGES[:-1], target=left, format_func=lbl)
    ends = domain.flow_after(start)
    end = urlstate.choice(
        "selesai",
        t("Tahap selesai"),
        ends,
        default=domain.IMPLEMENTED,  # the first of the ends when implementation is not among them
        target=right,
        format_func=lbl,
    )
    ctx.not_applied(q.COHORT_IGNORES, *q.COHORT_WHY)
    return start, end, data.snapshot()


def cycle_section(ctx, view, start, end, snapshot) -> None:
    t, lang = ctx.t, ctx.lang
    lbl = lambda s: label("tahap", s, lang)  # noqa: E731
    span = f"{lbl(start)} → {lbl(end)}"
    cycles, marks, n_cycles = view["cycles"], view["marks"], view["n_cycles"]
    if not n_cycles:
        st.info(t("Belum ada inovasi yang menyelesaikan {span}.", span=span))
    else:
        drawn, thinned = cycles, charts.sample_note(n_cycles, len(cycles), lang)
        fig = go.Figure(
            go.Scatter(
                x=drawn.selesai,
                y=drawn.hari,
                mode="markers",
                marker={"size": 6, "color": charts.OKABE_ITO[0], "opacity": 0.6},
                customdata=drawn[["nama_inovasi"]],
                hovertemplate="%{customdata[0]}<br>%{y} hari<extra></extra>",
                showlegend=False,
            )
        )
        dashes = ("dot", "dash", "solid", "longdash")
        days_word = t("hari")
        fig.update_layout(
            shapes=[
                charts.across(value, line={"dash": dashes[i], "color": "#444", "width": 1})
                for i, value in enumerate(marks.values())
            ],
            # alternate sides, so labels of lines close together do not overlap, on white to stay
            # readable over the points
            annotations=[
                charts.edge_label(
                    f"{p}%: {fmt.number(value, lang)} {days_word}",
                    value,
                    right=i % 2 == 1,
                    yanchor="bottom",
                    bgcolor="rgba(255, 255, 255, 0.85)",
                )
                for i, (p, value) in enumerate(marks.items())
            ],
        )
        fig.update_yaxes(title=t("Lama siklus (hari)"))
        fig.update_xaxes(title=t("Tanggal selesai"), tickformat=i18n.tr(lang, "%m/%Y"))
        few = (
            t(" Hanya {n_cycles} titik: persentil belum bisa diandalkan (kurang dari 20).", n_cycles=n_cycles)
            if n_cycles < 20
            else thinned
        )
        charts.block(
            f"{q.CYCLE.name(lang)} {span}",
            q.CYCLE.definition(lang) + few,
            fig,
            fmt.table(
                cycles,
                lang,
                {
                    "nama_inovasi": t("Inovasi"),
                    "perangkat_daerah": t("Perangkat daerah"),
                    "selesai": t("Selesai ({lbl_end})", lbl_end=lbl(end)),
                    "hari": t("Lama siklus (hari)"),
                },
            ),
            f"siklus_{start}_{end}",
            lang,
            height=420,
            full=lambda: q.cycle_times(ctx.filters, ctx.viewer, start, end, snapshot).drop(columns="kode_inovasi"),
            total=n_cycles,
        )


def wip_section(ctx, view, start, end, snapshot) -> None:
    t, lang = ctx.t, ctx.lang
    lbl = lambda s: label("tahap", s, lang)  # noqa: E731
    span = f"{lbl(start)} → {lbl(end)}"
    wip, n_wip = view["wip"], view["n_wip"]
    if n_wip:
        names = [t("≤ 50%"), "50–70%", "70–85%", "85–95%", t("> 95% (terlama)")]
        present = set(wip.tahap.unique())  # not set(wip.tahap): that walks 5,000 Arrow strings one by one
        wip = wip.assign(
            pita=wip.pita_no.map(dict(enumerate(names))), tahap_label=wip.tahap.map({s: lbl(s) for s in present})
        )
        colours = (
            charts.OKABE_ITO[2],
            charts.OKABE_ITO[4],
            charts.OKABE_ITO[6],
            charts.OKABE_ITO[1],
            charts.OKABE_ITO[5],
        )
        symbols = ("circle", "circle", "diamond", "square", "x")
        order = [lbl(s) for s in q.FLOW_STAGES if s in present]
        fig = go.Figure()
        drawn, thinned = wip, charts.sample_note(n_wip, len(wip), lang)
        position = {label: i for i, label in enumerate(order)}
        for b, name in enumerate(names):
            part = drawn[drawn.pita_no == b]
            if part.empty:
                continue
            jitter = np.random.default_rng(b).uniform(-0.25, 0.25, len(part))
            fig.add_scatter(
                x=part.tahap_label.map(position).to_numpy() + jitter,
                y=part.umur,
                mode="markers",
                name=name,
                marker={"color": colours[b], "symbol": symbols[b], "size": 8, "line": {"width": 0.5, "color": "#333"}},
                showlegend=True,  # the band's name, also when only one band has points
                customdata=part[["nama_inovasi", "wilayah", "kode_inovasi"]],
                hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>%{y} hari<extra></extra>",
            )
        fig.update_xaxes(tickvals=list(range(len(order))), ticktext=order, title=t("Tahap terkini"))
        fig.update_yaxes(title=t("Umur sejak mulai (hari)"))
        st.subheader(f"{q.WIP.name(lang)} ({span})")
        st.caption(q.WIP.definition(lang) + t(" Pilih titik untuk melihat inovasinya.") + thinned)
        event = charts.draw(
            fig,
            q.WIP.name(lang),
            lang,
            440,
            config=charts.SELECT_CONFIG,  # the box tool picks points
            key="aging",
            on_select="rerun",
            selection_mode=("points", "box"),
        )
        picked = [
            p["customdata"][2]
            for p in (event.selection.points if event and event.selection else [])
            if p.get("customdata")
        ]
        wip_names = {
            "kode_inovasi": t("Kode"),
            "nama_inovasi": t("Inovasi"),
            "perangkat_daerah": t("Perangkat daerah"),
            "wilayah": t("Wilayah"),
            "tahap_label": t("Tahap terkini"),
            "umur": t("Umur sejak mulai (hari)"),
            "pita": t("Pita umur"),
        }
        if picked:
            st.dataframe(
                fmt.table(
                    wip[wip.kode_inovasi.isin(picked)], lang, {k: v for k, v in wip_names.items() if k != "pita"}
                ),
                hide_index=True,
                width="stretch",
            )
        charts.table_block(
            fmt.table(wip, lang, wip_names),
            f"umur_wip_{start}_{end}",
            lang,
            key="wip",
            total=n_wip,
            full=lambda: q.aging(ctx.filters, ctx.viewer, start, end, snapshot),
        )


def flow_names(t, flow, start: str, end: str) -> dict[str, str]:
    """Headers of the throughput table, yearly (``tahun``) or monthly (``bulan``, with its moving average)."""
    names = {
        "tahun": t("Tahun"),
        "bulan": t("Bulan"),
        "masuk": t("Masuk ({lbl_start})", lbl_start=start),
        "selesai": t("Selesai ({lbl_end})", lbl_end=end),
        "rata3": t("Rata-rata bergerak 3 bulan"),
    }
    return {k: v for k, v in names.items() if k in flow.columns}


def throughput_section(ctx, start, end) -> None:
    t, lang = ctx.t, ctx.lang
    lbl = lambda s: label("tahap", s, lang)  # noqa: E731
    flow, yearly = q.throughput_view(q.throughput(ctx, start, end))
    if yearly:
        x = flow.tahun.astype(str)
        fig = go.Figure()
        fig.add_bar(
            x=x,
            y=flow.selesai,
            name=t("Selesai ({lbl_end})", lbl_end=lbl(end)),
            marker_color=charts.OKABE_ITO[0],
        )
        fig.add_scatter(
            x=x,
            y=flow.masuk,
            name=t("Masuk ({lbl_start})", lbl_start=lbl(start)),
            line={"color": charts.OKABE_ITO[1], "dash": "dot", "width": 2},
        )
        fig.update_xaxes(type="category")
        if max(flow.selesai.max(), flow.masuk.max()) <= 10:  # whole innovations: no 0.5 ticks
            fig.update_yaxes(tick0=0, dtick=1)
        charts.block(
            q.THROUGHPUT_YEARLY.name(lang),
            t(
                "Inovasi dalam tampilan ini sedikit ({number_int_sum} selesai). ",
                number_int_sum=fmt.number(int(flow.selesai.sum()), lang),
            )
            + q.THROUGHPUT_YEARLY.definition(lang),
            fig,
            fmt.table(flow, lang, flow_names(t, flow, lbl(start), lbl(end))),
            f"throughput_tahunan_{start}_{end}",
            lang,
            full=lambda: flow,
        )
    elif not flow.empty:
        fig = go.Figure()
        fig.add_bar(
            x=flow.bulan,
            y=flow.selesai,
            name=t("Selesai ({lbl_end})", lbl_end=lbl(end)),
            marker_color=charts.OKABE_ITO[0],
        )
        fig.add_scatter(
            x=flow.bulan,
            y=flow.rata3,
            name=t("Rata-rata bergerak 3 bulan"),
            line={"color": "#000", "width": 2},
        )
        fig.add_scatter(
            x=flow.bulan,
            y=flow.masuk,
            name=t("Masuk ({lbl_start})", lbl_start=lbl(start)),
            line={"color": charts.OKABE_ITO[1], "dash": "dot", "width": 2},
        )
        charts.block(
            q.THROUGHPUT.name(lang),
            q.THROUGHPUT.definition(lang),
            fig,
            fmt.table(flow, lang, flow_names(t, flow, lbl(start), lbl(end))),
            f"throughput_{start}_{end}",
            lang,
            full=lambda: flow,
        )


main()
