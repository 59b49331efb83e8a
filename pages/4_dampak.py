"""Dampak: what implemented innovations did for citizens, with the strength of each figure's evidence."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dasbor import charts, data, domain, fmt, i18n, urlstate
from dasbor.frame import page
from dasbor.i18n import label, options
from dasbor.queries import dampak as q


def main() -> None:
    ctx = page("dampak")
    t, lang = ctx.t, ctx.lang

    imp = q.impact(str(data.snapshot()), ctx.filters, ctx.viewer)
    if not imp["n_eval"]:
        ctx.empty(t("inovasi yang sudah dievaluasi"), "evaluated innovations")
        st.stop()
    n_eval, n_surveyed = imp["n_eval"], imp["n_surveyed"]
    st.info(
        t(
            "Dihitung dari evaluasi terakhir {number_n_eval} inovasi. **Kekuatan bukti**: hasil, penerima manfaat, waktu dan biaya layanan dilaporkan sendiri oleh daerah; IKM berasal dari survei kepuasan (PermenPANRB 14/2017) dengan responden ({number_n_surveyed} inovasi). Perubahan sebelum–sesudah **bukan estimasi sebab-akibat**: hal lain juga berubah dalam rentang waktu itu.",
            number_n_eval=fmt.number(n_eval, lang),
            number_n_surveyed=fmt.number(n_surveyed, lang),
        )
    )

    # Results by dimension
    dimension = urlstate.choice(
        "menurut",
        t("Hasil evaluasi menurut"),
        list(q.DIMENSIONS),
        widget="radio",
        horizontal=True,
        format_func=lambda d: {
            "urusan": i18n.tr(lang, "Urusan"),
            "bentuk": t("Bentuk"),
            "jenis": t("Jenis"),
            "wilayah": t("Wilayah"),
        }[d],
    )
    wide = q.results_table(q.results_by(ctx, dimension))
    if dimension in ("bentuk", "jenis"):
        wide.index = [label(dimension, v, lang) for v in wide.index]
    fig = go.Figure()
    for i, result in enumerate(options("hasil")):
        share = wide[f"bagian_{result}"]
        fig.add_bar(
            y=[f"{k} (n={fmt.number(n, lang)})" for k, n in zip(wide.index, wide.n, strict=True)],
            x=share,
            orientation="h",
            name=label("hasil", result, lang),
            marker_color=(charts.OKABE_ITO[2], charts.OKABE_ITO[1], charts.OKABE_ITO[5])[i],
            marker_pattern_shape=("", "/", "x")[i],
            text=[fmt.percent(v, lang, 0) if v >= 0.06 else "" for v in share],
            textposition="inside",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    fig.update_yaxes(automargin=True)
    table = (
        wide.drop(columns=[f"bagian_{r}" for r in options("hasil")])
        .reset_index()
        .rename(
            columns={
                "index": t("Kelompok"),
                "kelompok": t("Kelompok"),
                "n": "n",
                **{r: label("hasil", r, lang) for r in options("hasil")},
            }
        )
    )
    charts.block(
        q.RESULTS.name(lang),
        q.RESULTS.definition(lang),
        fig,
        table,
        f"hasil_{dimension}",
        lang,
        height=max(300, 30 * len(wide) + 100),
    )

    # Beneficiaries
    ben_sum, ben_median, ben_n = imp["ben"]
    c1, c2, c3 = st.columns(3)
    for col, figure, value in (
        (c1, q.BENEFICIARIES, ben_sum),
        (c2, q.BENEFICIARIES_MEDIAN, ben_median),
        (c3, q.BENEFICIARIES_N, ben_n),
    ):
        col.metric(figure.name(lang), fmt.number(value, lang), help=figure.definition(lang))

    def paired(summary: pd.DataFrame, money: bool):
        """(figure, table) of median before → after per unit, from the cached summary; None when empty."""
        if summary.empty:
            st.caption(t("Belum ada pasangan sebelum–sesudah."))
            return None
        show = (lambda v: fmt.rupiah(v, lang)) if money else (lambda v: fmt.number(v, lang, 1))
        names = [(label("satuan_waktu", u, lang) if u else "Rupiah") for u in summary.unit]
        # One panel per unit: minutes and days never share an axis.
        fig = make_subplots(
            rows=len(summary),
            cols=1,
            subplot_titles=[f"{n} (n={fmt.number(k, lang)})" for n, k in zip(names, summary.n, strict=True)],
        )
        for i, r in enumerate(summary.itertuples(), start=1):
            fig.add_scatter(
                x=[r.sebelum, r.sesudah],
                y=[0, 0],
                mode="lines+markers+text",
                showlegend=False,
                row=i,
                col=1,
                marker={"symbol": ["circle-open", "circle"], "size": 14, "color": charts.OKABE_ITO[0]},
                line={"color": charts.OKABE_ITO[0], "width": 3},
                text=[t("sebelum ") + show(r.sebelum), t("sesudah ") + show(r.sesudah)],
                # labels grow inwards from both ends, so a value at the axis edge (e.g. Rp0) stays readable
                textposition=[
                    "top right" if r.sebelum <= r.sesudah else "top left",
                    "bottom left" if r.sebelum <= r.sesudah else "bottom right",
                ],
            )
            fig.update_yaxes(visible=False, row=i, col=1)
            fig.update_xaxes(rangemode="tozero", row=i, col=1)
        table = summary.assign(
            **{k: [show(v) for v in summary[k]] for k in ("sebelum", "sesudah", "perubahan", "lo", "hi")}
        )
        table["unit"] = names
        return fig, table.rename(
            columns={
                "unit": t("Satuan"),
                "sebelum": t("Median sebelum"),
                "sesudah": t("Median sesudah"),
                "perubahan": t("Median perubahan"),
                "lo": t("IK 95% bawah"),
                "hi": t("IK 95% atas"),
            }
        )

    for key, filename, money, figure in (
        ("time", "waktu_layanan", False, q.SERVICE_TIME),
        ("cost", "biaya", True, q.COST),
    ):
        result = paired(imp[key], money)
        if result is not None:
            charts.block(
                figure.name(lang),
                figure.definition(lang),
                result[0],
                result[1],
                filename,
                lang,
                height=150 + 110 * len(result[1]),
            )

    # IKM with the PermenPANRB 14/2017 bands
    if n_surveyed:
        points = imp["ikm_points"]
        resp_sum, resp_max = imp["respondents"]
        bands = domain.IKM_BANDS
        fig = go.Figure(
            layout={
                "shapes": [
                    charts.across(lo, hi, fillcolor=("#eeeeee", "#f7f7f7")[i % 2], line={"width": 0}, layer="below")
                    for i, (lo, hi, _, _) in enumerate(bands)
                ],
                "annotations": [
                    charts.edge_label(i18n.pick(lang, name_id, name_en), (lo + hi) / 2, right=True, yanchor="middle")
                    for lo, hi, name_id, name_en in bands
                ],
            }
        )
        dots = points
        thinned = charts.sample_note(n_surveyed, len(points), lang)
        fig.add_scatter(
            x=dots.ikm_sebelum,
            y=dots.ikm_sesudah,
            mode="markers",
            showlegend=False,
            marker={
                "size": 6 + 10 * (dots.responden.fillna(0) / max(1, resp_max)),
                "color": charts.OKABE_ITO[0],
                "opacity": 0.6,
            },
            customdata=dots[["nama_inovasi", "responden"]],
            hovertemplate="%{customdata[0]}<br>%{x:.1f} → %{y:.1f}<br>%{customdata[1]} responden<extra></extra>",
        )
        fig.add_scatter(
            x=[25, 100],
            y=[25, 100],
            mode="lines",
            line={"dash": "dash", "color": "#555"},
            name=t("Tidak berubah"),
        )
        fig.update_xaxes(title=t("IKM sebelum"), range=[25, 100])
        fig.update_yaxes(title=t("IKM sesudah"), range=[25, 100])
        med, lo, hi = imp["ikm"]
        charts.block(
            q.IKM.name(lang),
            q.IKM.definition(lang)
            + t(
                " Median perubahan {number_med} poin (IK 95% {number_lo} sampai {number_hi}), {number_n_surveyed} inovasi, {number_resp_sum} responden.",
                number_med=fmt.number(med, lang, 1),
                number_lo=fmt.number(lo, lang, 1),
                number_hi=fmt.number(hi, lang, 1),
                number_n_surveyed=fmt.number(n_surveyed, lang),
                number_resp_sum=fmt.number(resp_sum, lang),
            )
            + thinned,
            fig,
            fmt.table(
                points,
                lang,
                {
                    "nama_inovasi": t("Inovasi"),
                    "ikm_sebelum": t("IKM sebelum"),
                    "ikm_sesudah": t("IKM sesudah"),
                    "responden": t("Responden"),
                },
            ),
            "ikm",
            lang,
            full=lambda: points,
            height=460,
        )

    # Continuing or stopped, and how long implemented innovations keep running
    times, surv, n_life, stopped = imp["survival"]
    if n_life:
        fig = go.Figure(
            go.Scatter(
                x=times / 365.25,
                y=surv,
                mode="lines",
                line={"shape": "hv", "width": 3, "color": charts.OKABE_ITO[0]},
                showlegend=False,
            )
        )
        survival = pd.DataFrame({"tahun": times / 365.25, "masih_berjalan": surv})
        fig.update_xaxes(title=t("Tahun sejak penerapan"))
        fig.update_yaxes(title=t("Bagian yang masih berjalan"), tickformat=".0%", range=[0, 1.02])
        charts.block(
            q.SURVIVAL.name(lang),
            q.SURVIVAL.definition(lang)
            + t(
                " {number_n_life} inovasi, {number_stopped} di antaranya tercatat dihentikan.",
                number_n_life=fmt.number(n_life, lang),
                number_stopped=fmt.number(stopped, lang),
            ),
            fig,
            fmt.table(
                survival,
                lang,
                {
                    "tahun": t("Tahun sejak penerapan"),
                    "masih_berjalan": t("Bagian yang masih berjalan"),
                },
                digits=2,
                shares=("masih_berjalan",),
            ),
            "ketahanan",
            lang,
            full=lambda: survival,
        )


main()
