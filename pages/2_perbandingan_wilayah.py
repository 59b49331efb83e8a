"""Perbandingan Wilayah: regions compared fairly within their peer cluster."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt, profil
from dasbor.frame import page
from dasbor.i18n import label
from dasbor.queries import wilayah as q

ctx = page("wilayah")
t, lang = ctx.t, ctx.lang

left, right = st.columns(2)
cluster = left.radio(
    t("Klaster pembanding", "Peer cluster"),
    q.CLUSTERS,
    horizontal=True,
    format_func=lambda c: label("tingkat", c, lang),
)
stage = right.selectbox(
    t("Proporsi usulan yang mencapai tahap", "Share of proposals that reached"),
    q.TARGET_STAGES,
    index=q.TARGET_STAGES.index("penerapan"),
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

frame = q.region_table(ctx, cluster, stage)
# The benchmark is the whole cluster nationally (when no province is chosen), for every role alike.
totals = q.benchmark(ctx, cluster, stage) if not ctx.filters.provinsi else None
result = q.funnel(frame, totals)
if result is None:
    ctx.empty(t("usulan di klaster ini", "proposals in this cluster"), "proposals in this cluster")
    st.stop()
theta = result.theta
table = frame.merge(result.table[["kode", "proporsi", "ci_lo", "ci_hi", "verdict", "di_luar"]], on="kode", how="left")
has_pop = table.penduduk.notna().any()

st.subheader(
    t(
        f"Wilayah dan angkanya: {label('tingkat', cluster, lang).lower()}",
        f"Regions and their figures: {label('tingkat', cluster, 'en').lower()}",
    )
)
st.caption(
    t(
        f"Setiap baris memuat jumlah usulan (penyebut), jumlah yang mencapai {stage_name}, proporsinya dengan interval "
        f"95% (Wilson), dan perbandingan dengan proporsi gabungan klaster {fmt.percent(theta, lang)}: 'Lebih tinggi' atau "
        "'Lebih rendah' bila seluruh interval berada di atas atau di bawahnya. Klik judul kolom untuk mengurutkan.",
        f"Each row gives the number of proposals (denominator), how many reached {stage_name}, the share with its 95% "
        f"(Wilson) interval, and the comparison with the cluster's pooled share {fmt.percent(theta, lang)}: 'Higher' or "
        "'Lower' when the whole interval lies above or below it. Click a column title to sort.",
    )
)
shown = table.assign(
    interval=[
        f"{fmt.percent(lo, lang)} – {fmt.percent(hi, lang)}" if lo == lo else "–"
        for lo, hi in zip(table.ci_lo, table.ci_hi, strict=True)
    ],
    banding=[label("verdict", v if isinstance(v, str) else "tidak_ada", lang) for v in table.verdict],
    iid=[
        f"{fmt.number(s, lang, 2)} ({label('predikat', p, lang)}, {int(y)})" if p == p and p else "–"
        for s, p, y in zip(table.iid_skor, table.iid_predikat, table.iid_tahun, strict=True)
    ],
)
columns = {
    "nama": t("Wilayah", "Region"),
    "nama_provinsi": t("Provinsi", "Province"),
    "n": t("Usulan", "Proposals"),
    "k": t(f"Mencapai {stage_name}", f"Reached {stage_name}"),
    "proporsi": t("Proporsi", "Share"),
    "interval": t("Interval 95%", "95% interval"),
    "banding": t("Dibanding klaster", "Against cluster"),
}
if has_pop:
    shown["per_100rb"] = shown.n / shown.penduduk * 100_000
    columns["per_100rb"] = t("Usulan per 100.000 penduduk", "Proposals per 100,000 people")
columns |= {"iid": t("IID terakhir", "Latest IID"), "penghargaan": t("Penghargaan", "Awards")}
out = shown[list(columns)].rename(columns=columns)
st.dataframe(
    out,
    hide_index=True,
    width="stretch",
    height=min(420, 38 + 35 * len(out)),
    column_config={
        columns["proporsi"]: st.column_config.NumberColumn(format="percent"),
        **({columns["per_100rb"]: st.column_config.NumberColumn(format="%.2f")} if has_pop else {}),
    },
)
charts.download(out, f"perbandingan_{cluster}_{stage}", lang, "region_table")
if not has_pop:
    st.info(
        t(
            "Angka per 100.000 penduduk muncul setelah tabel `penduduk` (kode_wilayah, tahun, jumlah) dimuat.",
            "Figures per 100,000 people appear once the `penduduk` table (kode_wilayah, tahun, jumlah) is loaded.",
        )
    )

# Funnel plot (Spiegelhalter 2005)
res, curve = result.table, result.curve
fig = go.Figure()
for key, dash, name in (("95", "dash", t("Batas 95%", "95% limits")), ("998", "dot", t("Batas 99,8%", "99.8% limits"))):
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
symbols = {
    "dalam": ("circle", charts.OKABE_ITO[4], t("Dalam batas", "Within limits")),
    "atas_95": ("triangle-up", charts.OKABE_ITO[2], t("Di atas batas", "Above limits")),
    "atas_998": ("triangle-up", charts.OKABE_ITO[2], t("Di atas batas", "Above limits")),
    "bawah_95": ("triangle-down", charts.OKABE_ITO[5], t("Di bawah batas", "Below limits")),
    "bawah_998": ("triangle-down", charts.OKABE_ITO[5], t("Di bawah batas", "Below limits")),
}
for group in ("dalam", "atas", "bawah"):
    part = res[res.di_luar.str.startswith(group)]
    if part.empty:
        continue
    symbol, colour, name = symbols[part.di_luar.iloc[0]]
    # Neighbouring outliers would print their names over each other: alternate the side by cohort size.
    part = part.sort_values("n")
    sides = ("middle right", "top left", "bottom right", "middle left", "top right", "bottom left")
    fig.add_scatter(
        x=part.n,
        y=part.proporsi,
        mode="markers+text" if group != "dalam" else "markers",
        marker={"symbol": symbol, "color": colour, "size": 9, "line": {"width": 0.5, "color": "#333"}},
        text=part.nama if group != "dalam" else None,
        textposition=[sides[i % len(sides)] for i in range(len(part))],
        textfont={"size": 10},
        cliponaxis=False,  # names of regions at 0% or 100% stay visible
        name=name,
        customdata=part[["nama", "k"]],
        hovertemplate="%{customdata[0]}<br>%{customdata[1]} / %{x} = %{y:.1%}<extra></extra>",
    )
fig.update_layout(
    xaxis={
        "title": t("Jumlah usulan dalam kohort (ukuran kohort)", "Proposals in the cohort (cohort size)"),
        "type": "log" if curve.n.max() > 200 else "linear",
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
funnel_table = res[["nama", "n", "k", "proporsi", "di_luar"]].rename(
    columns={
        "nama": t("Wilayah", "Region"),
        "n": t("Usulan", "Proposals"),
        "k": t("Mencapai", "Reached"),
        "proporsi": t("Proporsi", "Share"),
        "di_luar": t("Posisi terhadap batas", "Position against limits"),
    }
)
charts.block(
    t(f"Diagram corong: proporsi yang mencapai {stage_name}", f"Funnel plot: share that reached {stage_name}"),
    t(
        "Cara membaca: setiap titik satu wilayah, makin ke kanan makin banyak usulannya. Garis hitam adalah proporsi "
        "gabungan klaster; garis putus-putus batas 95%, titik-titik batas 99,8%. Wilayah kecil wajar berada jauh dari "
        "garis tengah; wilayah di luar batas 95% (segitiga, diberi nama) berbeda lebih dari yang wajar karena kebetulan, "
        "dan di luar 99,8% hampir pasti bukan kebetulan. Sekitar 1 dari 20 wilayah keluar batas 95% karena kebetulan saja."
        + note,
        "How to read it: each point is one region; further right means more proposals. The black line is the cluster's "
        "pooled share; dashed lines are 95% limits, dotted lines 99.8%. Small regions naturally lie far from the centre; "
        "regions outside the 95% limits (triangles, named) differ more than chance allows, and outside 99.8% almost "
        "surely not by chance. About 1 region in 20 falls outside 95% by chance alone." + note,
    ),
    fig,
    funnel_table,
    f"corong_{cluster}_{stage}",
    lang,
    height=520,
)

# Benchmark: the regions whose interval lies clearly above or below the cluster share
clear = res[res.verdict != "serupa"].sort_values("proporsi")
if not clear.empty:
    clear = clear.tail(20) if len(clear) > 40 else clear
    clear = clear.assign(
        label=[f"{n} ({label('verdict', v, lang)})" for n, v in zip(clear.nama, clear.verdict, strict=True)]
    )
    fig = go.Figure(
        go.Scatter(
            x=clear.proporsi,
            y=clear.label,
            mode="markers",
            marker={
                "symbol": ["triangle-up" if v == "lebih_tinggi" else "triangle-down" for v in clear.verdict],
                "size": 10,
                "color": [charts.OKABE_ITO[2] if v == "lebih_tinggi" else charts.OKABE_ITO[5] for v in clear.verdict],
            },
            error_x={
                "type": "data",
                "symmetric": False,
                "array": clear.ci_hi - clear.proporsi,
                "arrayminus": clear.proporsi - clear.ci_lo,
                "color": "#555",
            },
            showlegend=False,
        )
    )
    fig.add_vline(x=theta, line={"color": "#000", "width": 1.5})
    fig.update_xaxes(tickformat=".0%", title=t("Proporsi dengan interval 95%", "Share with 95% interval"))
    fig.update_yaxes(automargin=True)
    charts.block(
        t("Wilayah yang jelas berbeda dari klaster", "Regions clearly different from their cluster"),
        t(
            "Titik = proporsi, garis mendatar = interval 95% (Wilson), garis tegak = proporsi klaster. Hanya wilayah yang "
            "intervalnya seluruhnya di atas atau di bawah klaster; selebihnya 'serupa' (lihat tabel di atas).",
            "Point = share, horizontal line = 95% (Wilson) interval, vertical line = cluster share. Only regions whose "
            "whole interval lies above or below the cluster; the rest are 'similar' (see the table above).",
        ),
        fig,
        clear[["nama", "n", "k", "proporsi", "ci_lo", "ci_hi", "verdict"]],
        f"beda_{cluster}_{stage}",
        lang,
        height=max(300, 24 * len(clear) + 80),
    )

profil.index_and_awards(ctx, cluster)
profil.region_profile(ctx, cluster, frame)
