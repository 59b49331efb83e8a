"""Ringkasan: where the innovations stand, this year against last year."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt
from dasbor.frame import page
from dasbor.i18n import label, options
from dasbor.queries import ringkasan as q

ctx = page("ringkasan")
t, lang = ctx.t, ctx.lang

start, end = q.period(ctx)
heads = q.headline(ctx).iloc[0]
if int(heads["usulan"]) + int(heads["usulan_lalu"]) + int(heads["diterapkan"]) == 0 and not q.mix(ctx, "tahap").size:
    ctx.empty()
    st.stop()
span = f"{fmt.date(start, lang)} – {fmt.date(end, lang)}"
st.markdown(
    t(
        f"**Angka utama, {span}**, dibanding periode yang sama setahun sebelumnya.",
        f"**Headline figures, {span}**, against the same period a year earlier.",
    )
)
cards = (
    (
        "usulan",
        t("Usulan baru", "New proposals"),
        t("Inovasi yang diusulkan dalam periode ini.", "Innovations proposed in this period."),
    ),
    (
        "ditetapkan",
        t("Ditetapkan", "Set by decree"),
        t(
            "Inovasi yang ditetapkan dengan keputusan kepala daerah (tahap penetapan) dalam periode ini.",
            "Innovations set by a head-of-region decree (penetapan) in this period.",
        ),
    ),
    (
        "diterapkan",
        t("Mulai diterapkan", "Implemented"),
        t(
            "Inovasi yang masuk tahap penerapan dalam periode ini.",
            "Innovations that entered implementation in this period.",
        ),
    ),
    (
        "bermanfaat",
        t("Dinilai bermanfaat", "Judged beneficial"),
        t(
            "Inovasi yang dievaluasi dalam periode ini dengan hasil 'bermanfaat'.",
            "Innovations evaluated in this period with the result 'beneficial'.",
        ),
    ),
)
for col, (key, title, help_text) in zip(st.columns(4), cards, strict=True):
    now, before = int(heads[key]), int(heads[f"{key}_lalu"])
    col.metric(
        title,
        fmt.number(now, lang),
        delta=fmt.number(now - before, lang) if before or now else None,
        help=help_text
        + " "
        + t(f"Periode sebelumnya: {fmt.number(before, lang)}.", f"Previous period: {fmt.number(before, lang)}."),
    )

cont = q.continuation(ctx)
if not cont.empty:
    parts = [
        f"{label('status_lanjut', r.status, lang) if r.status != 'belum_dilaporkan' else t('belum dilaporkan', 'not reported')}: "
        f"{fmt.number(r.jumlah, lang)}"
        for r in cont.itertuples()
    ]
    st.markdown(
        t(
            "**Setelah penerapan** (inovasi yang pernah diterapkan, menurut evaluasi terakhir): ",
            "**After implementation** (innovations ever implemented, by their latest evaluation): ",
        )
        + " · ".join(parts)
    )

years = q.per_year(ctx)
if not years.empty:
    names = {
        "usulan": t("Usulan", "Proposed"),
        "ditetapkan": t("Ditetapkan", "Set by decree"),
        "diterapkan": t("Diterapkan", "Implemented"),
    }
    fig = go.Figure()
    for i, (event, name) in enumerate(names.items()):
        part = years[years.peristiwa == event]
        fig.add_bar(
            x=part.tahun,
            y=part.jumlah,
            name=name,
            marker_color=charts.OKABE_ITO[i],
            marker_pattern_shape=("", "/", ".")[i],
            text=part.jumlah,
            textposition="outside",
        )
    fig.update_layout(
        barmode="group",
        xaxis={"dtick": 1, "title": t("Tahun", "Year")},
        yaxis={"title": t("Jumlah inovasi", "Innovations")},
    )
    table = years.assign(peristiwa=years.peristiwa.map(names)).rename(
        columns={"tahun": t("Tahun", "Year"), "peristiwa": t("Peristiwa", "Event"), "jumlah": t("Jumlah", "Count")}
    )
    charts.block(
        t("Usulan, penetapan dan penerapan per tahun", "Proposals, decrees and implementations per year"),
        t(
            "Untuk inovasi yang lolos filter: berapa yang diusulkan, ditetapkan dan mulai diterapkan pada tiap "
            "tahun kalender. Tahun berjalan belum lengkap.",
            "For innovations matching the filters: how many were proposed, set by decree and implemented in "
            "each calendar year. The current year is not complete.",
        ),
        fig,
        table,
        "per_tahun",
        lang,
    )

left, right = st.columns(2)
with left:
    stages = q.mix(ctx, "tahap")
    order = options("tahap")
    stages = stages.set_index("nilai").reindex(order).fillna(0).reset_index()
    stages["label"] = [label("tahap", v, lang) for v in stages.nilai]
    stages["jumlah"] = stages.jumlah.astype(int)
    fig = go.Figure(
        go.Bar(
            x=stages.jumlah,
            y=stages.label,
            orientation="h",
            text=stages.jumlah,
            textposition="auto",
            marker_color=charts.OKABE_ITO[0],
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    charts.block(
        t("Posisi inovasi saat ini, per tahap", "Where innovations stand now, by stage"),
        t(
            "Tahap terkini = tahap terakhir yang dimasuki. Tidak layak dan Dihentikan adalah jalan keluar.",
            "Current stage = the last stage entered. Not feasible and Stopped are exits.",
        ),
        fig,
        stages[["label", "jumlah"]].rename(columns={"label": t("Tahap", "Stage"), "jumlah": t("Jumlah", "Count")}),
        "tahap_terkini",
        lang,
    )
with right:
    charts.counts_block(
        q.mix(ctx, "kelompok"),
        "kelompok",
        t("Pengelompokan Kemendagri", "Kemendagri's grouping"),
        t(
            "Seperti aplikasi pelaporan Kemendagri: Inisiatif (usulan sampai penetapan), Uji Coba, Penerapan "
            "(penerapan dan sesudahnya); jalan keluar ditampilkan terpisah.",
            "As Kemendagri's reporting app groups them: Initiative (proposal to decree), Trial, Implementation "
            "(implemented and later); exits shown separately.",
        ),
        "kelompok_kemendagri",
        lang,
        height=360,
    )

cols = st.columns(3)
for col, (column, title, definition) in zip(
    cols,
    (
        (
            "inisiator",
            t("Menurut sumber", "By source"),
            t("Sumber inovasi menurut PP 38/2017 Ps 3.", "Source under PP 38/2017 art. 3."),
        ),
        (
            "bentuk",
            t("Menurut bentuk", "By form"),
            t("Tata kelola, pelayanan publik, atau lainnya sesuai urusan.", "Governance, public service, or other."),
        ),
        (
            "jenis",
            t("Menurut jenis", "By type"),
            t("Digital (daring) atau non-digital (luring).", "Digital (online) or non-digital."),
        ),
    ),
    strict=True,
):
    with col:
        charts.counts_block(q.mix(ctx, column), column, title, definition, f"menurut_{column}", lang)

top = q.agencies(ctx)
if not top.empty:
    top["teks"] = [
        f"{fmt.number(u, lang)} ({fmt.number(d, lang)} {t('diterapkan', 'implemented')})"
        for u, d in zip(top.usulan, top.diterapkan, strict=True)
    ]
    charts.block(
        t("Perangkat daerah paling aktif", "Most active agencies"),
        t(
            "Jumlah usulan per perangkat daerah (nama digabung lintas wilayah bila lebih dari satu wilayah "
            "dipilih), dengan jumlah yang pernah diterapkan.",
            "Proposals per agency (names pooled across regions when several regions are in view), with how "
            "many were ever implemented.",
        ),
        charts.hbar(top, "perangkat_daerah", "usulan", "teks"),
        top.rename(
            columns={
                "perangkat_daerah": t("Perangkat daerah", "Agency"),
                "usulan": t("Usulan", "Proposals"),
                "diterapkan": t("Diterapkan", "Implemented"),
                "wilayah": t("Wilayah", "Regions"),
            }
        ).drop(columns="teks"),
        "perangkat_daerah",
        lang,
        height=420,
    )
