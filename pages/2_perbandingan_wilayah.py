"""Perbandingan Wilayah: regions compared fairly within their peer cluster."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt, maps, profil, profil_views, urlstate
from dasbor.frame import page
from dasbor.i18n import label
from dasbor.queries import wilayah as q


def main() -> None:
    ctx = page("wilayah")
    t, lang = ctx.t, ctx.lang

    left, right = st.columns(2)
    cluster = urlstate.choice(
        "klaster",
        t("Klaster pembanding"),
        q.CLUSTERS,
        widget="radio",
        target=left,
        horizontal=True,
        format_func=lambda c: label("tingkat", c, lang),
    )
    stage = urlstate.choice(
        "capai",
        t("Proporsi usulan yang mencapai tahap"),
        q.TARGET_STAGES,
        default="penerapan",
        target=right,
        format_func=lambda s: label("tahap", s, lang),
    )
    stage_name = label("tahap", stage, lang).lower()
    years = ctx.filters.tahun
    cohort = t("usulan tahun {first}–{last}", first=years[0], last=years[1]) if years else t("usulan semua tahun")
    st.caption(
        t(
            "Kohort = {cohort} yang lolos filter. Kohort terbaru belum sempat mencapai tahap akhir, jadi bandingkan wilayah dalam kohort yang sama, bukan tahun yang berbeda.",
            cohort=cohort,
        )
    )
    profil.cohort_notice(ctx)

    frame = q.region_table(ctx, cluster, stage)
    # The target and the spread between regions come from the whole cluster (in the chosen province, when
    # one is) as a national user sees it: the same comparison for every role, whatever its own scope.
    result = q.funnel(frame, q.benchmark(ctx, cluster, stage))
    if result is None:
        ctx.empty(t("usulan di klaster ini"), "proposals in this cluster")
        st.stop()
    theta = result.theta
    res = result.table
    table = frame.merge(
        res[["kode", "proporsi", "ci_lo", "ci_hi", "batas_lo", "batas_hi", "verdict", "di_luar"]], on="kode", how="left"
    )
    higher, lower = label("verdict", "lebih_tinggi", lang), label("verdict", "lebih_rendah", lang)
    # One test gives the verdict of the table, the funnel plot and the interval chart alike.
    test = q.VERDICT.definition(lang) + t(
        " Di sini: tahap {stage_name}, proporsi klaster {percent_theta}.",
        stage_name=stage_name,
        percent_theta=fmt.percent(theta, lang),
    )
    same = t(
        "Putusannya sama dengan tabel: di luar batas 95% pada jumlah usulannya berarti {lower} atau {lower2}, di dalamnya serupa.",
        lower=higher.lower(),
        lower2=lower.lower(),
    )

    st.subheader(t("Wilayah dan angkanya: {lower}", lower=label("tingkat", cluster, lang).lower()))
    st.caption(
        t(
            "Setiap baris memuat jumlah usulan (penyebut), jumlah yang mencapai {stage_name} dan proporsinya. 'Dibanding klaster': {test} 'Batas wajar 95%' adalah rentang proporsi yang masih wajar karena kebetulan pada jumlah usulan wilayah itu; 'Interval 95% (Wilson)' hanya menunjukkan ketelitian proporsi wilayah itu sendiri dan tidak dipakai untuk putusan. Tanda – berarti wilayah itu tidak punya usulan dalam kohort (0 usulan), jadi tidak ada proporsinya.",
            stage_name=stage_name,
            test=test,
        )
    )
    sort = urlstate.choice(
        "urut",
        t("Urutkan menurut"),
        q.SORTS,
        format_func=lambda s: {
            "nama": t("Wilayah (A–Z)"),
            "n": t("Usulan (terbanyak dulu)"),
            "proporsi": t("Proporsi (tertinggi dulu)"),
            "verdict": t("Dibanding klaster (lebih tinggi dulu)"),
        }[s],
    )
    out, csv = profil.region_rows(ctx, table, stage_name, sort)
    st.dataframe(
        out,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(out)),
        column_config={
            c: st.column_config.NumberColumn(format="plain") for c in out.columns if out[c].dtype.kind in "iu"
        },
    )
    charts.download(csv, f"perbandingan_{cluster}_{stage}", lang, "region_table")
    if table.penduduk.isna().all():
        st.info(t("Angka per 100.000 penduduk muncul setelah tabel `penduduk` (kode_wilayah, tahun, jumlah) dimuat."))
    else:
        st.caption(q.population_note(table, lang))

    # Funnel plot (Spiegelhalter 2005): each point marked by its verdict, with symbol, legend and name.
    curve = result.curve
    log_x = curve.n.max() > 200
    fig = go.Figure()
    for key, dash, name in (
        ("95", "dash", t("Batas 95%")),
        ("998", "dot", t("Batas 99,8%")),
    ):
        for side, show in (("lo", True), ("hi", False)):
            fig.add_scatter(
                x=curve.n,
                y=curve[f"{side}{key}"],
                mode="lines",
                line={"dash": dash, "color": "#555", "width": 1},
                name=name,
                legendgroup=key,
                showlegend=show,
                hoverinfo="skip",
            )
    fig.add_scatter(
        x=[curve.n.min(), curve.n.max()],
        y=[theta, theta],
        mode="lines",
        line={"color": "#000", "width": 1.5},
        name=t("Proporsi klaster {percent_theta}", percent_theta=fmt.percent(theta, lang)),
    )
    marks = {  # verdict → symbol, colour, legend text
        "serupa": ("circle", charts.OKABE_ITO[4], t("Serupa: dalam batas 95%")),
        "lebih_tinggi": (
            "triangle-up",
            charts.OKABE_ITO[2],
            t("Lebih tinggi: di atas batas 95%"),
        ),
        "lebih_rendah": (
            "triangle-down",
            charts.OKABE_ITO[5],
            t("Lebih rendah: di bawah batas 95%"),
        ),
    }
    labels = []
    for verdict, (symbol, colour, name) in marks.items():
        part = res[res.verdict == verdict].sort_values("n")
        if part.empty:
            continue
        fig.add_scatter(
            x=part.n,
            y=part.proporsi,
            mode="markers",
            marker={"symbol": symbol, "color": colour, "size": 9, "line": {"width": 0.5, "color": "#333"}},
            cliponaxis=False,  # regions at 0% or 100% stay visible
            name=name,
            legendgroup=verdict,
            # one array, not a list of tuples: Plotly checks a list cell by cell
            customdata=np.column_stack(
                [
                    part.nama.to_numpy(dtype=object),
                    [fmt.number(k, lang) for k in part.k],
                    [fmt.percent(p, lang) for p in part.proporsi],
                    [f"{label('verdict', verdict, lang)} ({profil.position_label(d, lang)})" for d in part.di_luar],
                ]
            ),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]} / %{x} = %{customdata[2]}<br>%{customdata[3]}<extra></extra>",
        )
        if verdict == "serupa":
            continue
        # Names sit beside their markers, on a short leader line, never on them; neighbours alternate sides
        # by cohort size, and a name near the top or bottom edge points inwards.
        for i, (n, share, name_) in enumerate(zip(part.n, part.proporsi, part.nama, strict=True)):
            inwards = share > 0.85 if verdict == "lebih_tinggi" else share >= 0.15
            labels.append(
                {
                    "x": math.log10(n) if log_x else n,
                    "y": share,
                    "text": name_,
                    "showarrow": True,
                    "arrowhead": 0,
                    "arrowwidth": 1,
                    "arrowcolor": "#555",
                    "standoff": 6,
                    "ax": 44 if i % 2 == 0 else -44,
                    "ay": (30 + 14 * (i % 3 == 2)) * (1 if inwards else -1),
                    "font": {"size": 10},
                    "bgcolor": "rgba(255,255,255,0.8)",
                }
            )
    fig.update_layout(
        annotations=labels,
        xaxis={
            "title": t("Jumlah usulan dalam kohort (ukuran kohort)"),
            "type": "log" if log_x else "linear",
        },
        yaxis={
            "title": t("Proporsi yang mencapai {stage_name}", stage_name=stage_name),
            "tickformat": ".0%",
            "range": [0, 1.02],
        },
    )
    note = (
        t(
            " Sebaran antarwilayah lebih lebar dari yang wajar karena kebetulan (φ = {number_phi}), jadi batasnya diperlebar dengan efek acak aditif (Spiegelhalter 2005).",
            number_phi=fmt.number(result.disp.phi, lang, 2),
        )
        if result.disp.overdispersed
        else ""
    )
    funnel_shown, funnel_csv = profil.limit_rows(ctx, res)
    charts.block(
        t("{name_lang}: proporsi yang mencapai {stage_name}", name_lang=q.FUNNEL.name(lang), stage_name=stage_name),
        q.FUNNEL.definition(lang)
        + " "
        + t(
            "{same} Segitiga ke atas (bernama) = {lower}, segitiga ke bawah (bernama) = {lower2}, lingkaran = serupa. Wilayah yang sangat kecil dinilai dengan peluang binomial eksak, jadi bisa tampak sedikit melewati garis yang digambar (garis itu diinterpolasi) namun tetap serupa; bentuk titik dan namanya yang menentukan.",
            same=same,
            lower=higher.lower(),
            lower2=lower.lower(),
        )
        + note,
        fig,
        funnel_shown,
        f"corong_{cluster}_{stage}",
        lang,
        height=520,
        full=lambda: funnel_csv,
    )

    # The regions outside the limits, each against the range that chance allows at its own n
    clear, outside = q.clear_regions(res)
    if not clear.empty:
        clear = clear.assign(
            label=[f"{n} ({label('verdict', v, lang)})" for n, v in zip(clear.nama, clear.verdict, strict=True)]
        )
        fig = go.Figure()
        fig.add_scatter(
            x=[v for lo, hi in zip(clear.batas_lo, clear.batas_hi, strict=True) for v in (lo, hi, None)],
            y=[v for name in clear.label for v in (name, name, None)],
            mode="lines",
            line={"color": "#999", "width": 5},
            name=t("Batas wajar 95% pada jumlah usulannya"),
            hoverinfo="skip",
        )
        for verdict in ("lebih_tinggi", "lebih_rendah"):
            part = clear[clear.verdict == verdict]
            if part.empty:
                continue
            symbol, colour, name = marks[verdict]
            fig.add_scatter(
                x=part.proporsi,
                y=part.label,
                mode="markers",
                marker={"symbol": symbol, "size": 11, "color": colour, "line": {"width": 0.5, "color": "#333"}},
                name=name,
                legendgroup=verdict,
                customdata=np.column_stack(
                    [
                        part.nama.to_numpy(dtype=object),
                        [fmt.percent(p, lang) for p in part.proporsi],
                        [profil.share_range(lo, hi, lang) for lo, hi in zip(part.batas_lo, part.batas_hi, strict=True)],
                    ]
                ),
                hovertemplate="%{customdata[0]}: %{customdata[1]} (%{customdata[2]})<extra></extra>",
            )
        # a layout shape, not add_vline (which copies the figure)
        fig.update_layout(
            shapes=[
                {
                    "type": "line",
                    "xref": "x",
                    "x0": theta,
                    "x1": theta,
                    "yref": "y domain",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": "#000", "width": 1.5},
                }
            ]
        )
        fig.update_xaxes(tickformat=".0%", range=[0, 1.02], title=t("Proporsi"))
        fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=list(clear.label))
        capped = (
            t(
                " Menampilkan {number_len_clear} dari {number_outside} wilayah (yang paling jauh di luar batas di tiap sisi); semuanya ada di tabel.",
                number_len_clear=fmt.number(len(clear), lang),
                number_outside=fmt.number(outside, lang),
            )
            if outside > len(clear)
            else ""
        )
        clear_shown, clear_csv = profil.limit_rows(ctx, clear)
        charts.block(
            q.OUTSIDE.name(lang),
            q.OUTSIDE.definition(lang) + " " + same + capped,
            fig,
            clear_shown,
            f"beda_{cluster}_{stage}",
            lang,
            height=max(300, 28 * len(clear) + 100),
            full=lambda: clear_csv,
        )

    # The map of the same figures (dasbor/maps.py), at the level of the cluster chosen above
    maps.section(ctx, stage=stage, level="provinsi" if cluster == "provinsi" else "kabkota")
    profil.index_and_awards(ctx, cluster)
    # Data freshness per region: innovations in trial or implementation not updated for a year
    # (dasbor/queries/segar.py; a region's account sees its own regions' rows and the cluster's total)
    from dasbor import alur_views

    alur_views.freshness_by_region(ctx, cluster)

    # Outreach events by kind and the competition pipeline, across the country (national aggregates;
    # a region's account sees its own rows only)
    from dasbor import kegiatan_view, kompetisi_view

    kegiatan_view.national_section(ctx)
    kompetisi_view.national_section(ctx)
    profil_views.links(ctx, frame, res)


main()
