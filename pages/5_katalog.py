"""Katalog: find any innovation and read its whole record. Every value comes ready to read from
dasbor/queries/katalog.py; this page only lays it out. Report text never goes into Markdown
unescaped (fmt.md), and codes are shown as plain text (st.code, table cells)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt, i18n, urlstate
from dasbor.frame import Ctx, page
from dasbor.i18n import N_
from dasbor.queries import katalog as q


def main() -> None:
    ctx = page("katalog")
    kode = catalogue(ctx)
    if kode:
        detail(ctx, kode)


def catalogue(ctx: Ctx) -> str | None:
    """The searchable list; the code of the innovation picked in it (or in the URL), if any."""
    t, lang = ctx.t, ctx.lang
    search = urlstate.text(
        "cari",
        t("Cari nama inovasi, perangkat daerah atau kode"),
        placeholder=t("mis. posyandu"),
    )
    rows, total = q.catalogue(ctx, search)
    if rows.empty:
        if search:
            st.info(t("Tidak ada inovasi yang cocok dengan '{md_search}' pada filter ini.", md_search=fmt.md(search)))
        else:
            ctx.empty()
        return None
    st.caption(q.list_caption(total, len(rows), lang))
    shown, download = q.list_tables(rows, lang)
    picked = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=380,
        on_select="rerun",
        selection_mode="single-row",
        key="katalog_tabel",
    )
    charts.download(download, "katalog", lang, "katalog")
    selected = picked.selection.rows if picked and picked.selection else []
    kode = rows.kode_inovasi.iloc[selected[0]] if selected else st.query_params.get("kode")
    if kode and st.query_params.get("kode") != kode:
        st.query_params["kode"] = kode
    return kode or None


def detail(ctx: Ctx, kode: str) -> None:
    t, lang = ctx.t, ctx.lang
    rec = q.record(ctx, kode)
    if rec is None:
        st.warning(t("Inovasi {md_kode} tidak ditemukan atau tidak boleh Anda lihat.", md_kode=fmt.md(kode)))
        return
    i = rec["inovasi"].iloc[0]
    st.header(fmt.md(q.text(i.nama_inovasi)))
    code, where = st.columns([1, 3], vertical_alignment="center")
    code.code(i.kode_inovasi, language=None)  # a code as plain text, ready to copy
    where.markdown(q.identity(i, lang))
    cols = st.columns(4)
    for n, (name, value) in enumerate(q.facts(i, lang).items()):
        cols[n % 4].markdown(f"**{fmt.md(name)}**  \n{fmt.md(value)}")
    description = q.description(i)
    if description:
        st.text(description)  # report text is shown as text, never rendered as Markdown or HTML
    timeline(ctx, kode, rec["tahapan"])

    for key, table, title, empty in (
        ("evaluasi", q.evaluation_table, N_("Evaluasi"), N_("Belum dievaluasi.")),
        ("penghargaan", q.award_table, N_("Penghargaan"), N_("Belum ada penghargaan.")),
    ):
        st.subheader(t(title))
        if rec[key].empty:
            st.caption(t(empty))
        else:
            st.dataframe(table(rec[key], lang), hide_index=True, width="stretch")

    st.subheader(t("Replikasi"))
    if rec["replikasi"].empty:
        st.caption(t("Tidak meniru dan belum ditiru inovasi lain dalam data."))
    else:
        st.dataframe(q.replication_table(rec["replikasi"], lang), hide_index=True, width="stretch")


def timeline(ctx: Ctx, kode: str, stages) -> None:
    t, lang = ctx.t, ctx.lang
    if stages.empty:
        st.info(t("Belum ada riwayat tahapan bertanggal."))
        return
    points = q.timeline_points(stages, lang)
    fig = go.Figure(
        go.Scatter(
            x=points.tanggal,
            y=points.label,
            mode="lines+markers+text",
            line={"color": "#999", "width": 1},
            marker={"size": 12, "color": list(points.warna), "symbol": list(points.simbol)},
            text=points.teks,
            textposition="top center",
            hovertemplate="%{y}: %{text}<extra></extra>",  # the date as written everywhere on the page
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=q.stage_order(lang), automargin=True)
    fig.update_xaxes(tickformat=i18n.tr(lang, "%m/%Y"))  # plotly has no Indonesian month names offline
    charts.block(
        t("Lini masa tahapan"),
        t(
            "Setiap titik adalah tanggal masuk satu tahap; tanda silang = jalan keluar (tidak layak, dihentikan); lingkaran kosong = tahap yang diturunkan dari kolom tahap terkini laporan, bukan riwayat yang dilaporkan."
        ),
        fig,
        q.stage_table(stages, lang),
        f"lini_masa_{kode}",
        lang,
        height=340,
    )


main()
