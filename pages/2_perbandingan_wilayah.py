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
        t("Klaster pembanding", "Peer cluster"),
        q.CLUSTERS,
        widget="radio",
        target=left,
        horizontal=True,
        format_func=lambda c: label("tingkat", c, lang),
    )
    stage = urlstate.choice(
        "capai",
        t("Proporsi usulan yang mencapai tahap", "Share of proposals that reached"),
        q.TARGET_STAGES,
        default="penerapan",
        target=right,
        format_func=lambda s: label("tahap", s, lang),
    )
    stage_name = label("tahap", stage, lang).lower()
    years = ctx.filters.tahun
    cohort = t(
        f"usulan tahun {years[0]}–{years[1]}" if years else "usulan semua tahun",
        f"proposals of {years[0]}–{years[1]}" if years else "proposals of all years",
    )
    st.caption(
        t(
            f"Kohort = {cohort} yang lolos filter. Kohort terbaru belum sempat mencapai tahap akhir, jadi bandingkan "
            "wilayah dalam kohort yang sama, bukan tahun yang berbeda.",
            f"Cohort = {cohort} matching the filters. Recent cohorts have not had time to reach late stages, so compare "
            "regions within one cohort, not across years.",
        )
    )
    profil.cohort_notice(ctx)

    frame = q.region_table(ctx, cluster, stage)
    # The target and the spread between regions come from the whole cluster (in the chosen province, when
    # one is) as a national user sees it: the same comparison for every role, whatever its own scope.
    result = q.funnel(frame, q.benchmark(ctx, cluster, stage))
    if result is None:
        ctx.empty(t("usulan di klaster ini", "proposals in this cluster"), "proposals in this cluster")
        st.stop()
    theta = result.theta
    res = result.table
    table = frame.merge(
        res[["kode", "proporsi", "ci_lo", "ci_hi", "batas_lo", "batas_hi", "verdict", "di_luar"]], on="kode", how="left"
    )
    higher, lower = label("verdict", "lebih_tinggi", lang), label("verdict", "lebih_rendah", lang)
    # One test gives the verdict of the table, the funnel plot and the interval chart alike.
    test = q.VERDICT.definition(lang) + t(
        f" Di sini: tahap {stage_name}, proporsi klaster {fmt.percent(theta, lang)}.",
        f" Here: stage {stage_name}, cluster share {fmt.percent(theta, lang)}.",
    )
    same = t(
        f"Putusannya sama dengan tabel: di luar batas 95% pada jumlah usulannya berarti {higher.lower()} atau "
        f"{lower.lower()}, di dalamnya serupa.",
        f"The verdicts are the table's: outside the 95% limits at its number of proposals means {higher.lower()} or "
        f"{lower.lower()}, inside means similar.",
    )

    st.subheader(
        t(
            f"Wilayah dan angkanya: {label('tingkat', cluster, lang).lower()}",
            f"Regions and their figures: {label('tingkat', cluster, 'en').lower()}",
        )
    )
    st.caption(
        t(
            f"Setiap baris memuat jumlah usulan (penyebut), jumlah yang mencapai {stage_name} dan proporsinya. "
            f"'Dibanding klaster': {test} 'Batas wajar 95%' adalah rentang proporsi yang masih wajar karena kebetulan "
            "pada jumlah usulan wilayah itu; 'Interval 95% (Wilson)' hanya menunjukkan ketelitian proporsi wilayah itu "
            "sendiri dan tidak dipakai untuk putusan. Tanda – berarti wilayah itu tidak punya usulan dalam kohort "
            "(0 usulan), jadi tidak ada proporsinya.",
            f"Each row gives the number of proposals (denominator), how many reached {stage_name} and the share. "
            f"'Against cluster': {test} The '95% control range' is the range of shares chance alone gives at the "
            "region's number of proposals; the '95% interval (Wilson)' only shows how precise the region's own share "
            "is and does not decide the verdict. A – means the region has no proposals in the cohort (0 proposals), "
            "so no share.",
        )
    )
    sort = urlstate.choice(
        "urut",
        t("Urutkan menurut", "Sort by"),
        q.SORTS,
        format_func=lambda s: {
            "nama": t("Wilayah (A–Z)", "Region (A–Z)"),
            "n": t("Usulan (terbanyak dulu)", "Proposals (most first)"),
            "proporsi": t("Proporsi (tertinggi dulu)", "Share (highest first)"),
            "verdict": t("Dibanding klaster (lebih tinggi dulu)", "Against cluster (higher first)"),
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
        st.info(
            t(
                "Angka per 100.000 penduduk muncul setelah tabel `penduduk` (kode_wilayah, tahun, jumlah) dimuat.",
                "Figures per 100,000 people appear once the `penduduk` table (kode_wilayah, tahun, jumlah) is loaded.",
            )
        )
    else:
        st.caption(q.population_note(table, lang))

    # Funnel plot (Spiegelhalter 2005): each point marked by its verdict, with symbol, legend and name.
    curve = result.curve
    log_x = curve.n.max() > 200
    fig = go.Figure()
    for key, dash, name in (
        ("95", "dash", t("Batas 95%", "95% limits")),
        ("998", "dot", t("Batas 99,8%", "99.8% limits")),
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
        name=t(f"Proporsi klaster {fmt.percent(theta, lang)}", f"Cluster share {fmt.percent(theta, lang)}"),
    )
    marks = {  # verdict → symbol, colour, legend text
        "serupa": ("circle", charts.OKABE_ITO[4], t("Serupa: dalam batas 95%", "Similar: within the 95% limits")),
        "lebih_tinggi": (
            "triangle-up",
            charts.OKABE_ITO[2],
            t("Lebih tinggi: di atas batas 95%", "Higher: above the 95% limit"),
        ),
        "lebih_rendah": (
            "triangle-down",
            charts.OKABE_ITO[5],
            t("Lebih rendah: di bawah batas 95%", "Lower: below the 95% limit"),
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
            "title": t("Jumlah usulan dalam kohort (ukuran kohort)", "Proposals in the cohort (cohort size)"),
            "type": "log" if log_x else "linear",
        },
        yaxis={
            "title": t(f"Proporsi yang mencapai {stage_name}", f"Share that reached {stage_name}"),
            "tickformat": ".0%",
            "range": [0, 1.02],
        },
    )
    note = (
        t(
            f" Sebaran antarwilayah lebih lebar dari yang wajar karena kebetulan (φ = {fmt.number(result.disp.phi, lang, 2)}), "
            "jadi batasnya diperlebar dengan efek acak aditif (Spiegelhalter 2005).",
            f" The spread between regions is wider than chance allows (φ = {fmt.number(result.disp.phi, 'en', 2)}), so the "
            "limits are widened with additive random effects (Spiegelhalter 2005).",
        )
        if result.disp.overdispersed
        else ""
    )
    funnel_shown, funnel_csv = profil.limit_rows(ctx, res)
    charts.block(
        t(
            f"{q.FUNNEL.name(lang)}: proporsi yang mencapai {stage_name}",
            f"{q.FUNNEL.name(lang)}: share that reached {stage_name}",
        ),
        q.FUNNEL.definition(lang)
        + " "
        + t(
            f"{same} Segitiga ke atas (bernama) = {higher.lower()}, segitiga ke bawah (bernama) = {lower.lower()}, "
            "lingkaran = serupa. Wilayah yang sangat kecil dinilai dengan peluang binomial eksak, jadi bisa tampak "
            "sedikit melewati garis yang digambar (garis itu diinterpolasi) namun tetap serupa; bentuk titik dan namanya "
            "yang menentukan.",
            f"{same} Upward triangles (named) = {higher.lower()}, downward triangles (named) = {lower.lower()}, circles = "
            "similar. Very small regions are judged by the exact binomial probability, so one may seem to lie just past "
            "the drawn (interpolated) line and still be similar; the point's shape and name decide.",
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
            name=t("Batas wajar 95% pada jumlah usulannya", "95% control range at its number of proposals"),
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
        fig.update_xaxes(tickformat=".0%", range=[0, 1.02], title=t("Proporsi", "Share"))
        fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=list(clear.label))
        capped = (
            t(
                f" Menampilkan {fmt.number(len(clear), lang)} dari {fmt.number(outside, lang)} wilayah (yang paling jauh "
                "di luar batas di tiap sisi); semuanya ada di tabel.",
                f" Showing {fmt.number(len(clear), 'en')} of {fmt.number(outside, 'en')} regions (those furthest outside "
                "on each side); the table has them all.",
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
