"""Transparansi: what the regions innovate, at what stage, with what benefit; open to everyone.

The page lays out only: every figure, its definition and its SQL live in ``dasbor/queries/publik.py``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dasbor import charts, data, fmt, maps, publik_view, urlstate
from dasbor.frame import page
from dasbor.i18n import label
from dasbor.queries import common
from dasbor.queries import publik as q


def main() -> None:
    ctx = page("transparansi")
    publik_view.style()  # compact figures and cards on a phone
    st.markdown(q.intro(ctx.lang))
    proposals_section(ctx)
    st.subheader(ctx.t("Inovasi publik"))
    search = urlstate.text(
        "cari",
        ctx.t("Cari inovasi publik: nama, perangkat daerah atau wilayah"),
    )
    found = q.counts(ctx.filters, search)
    public_cards(ctx, found, search)
    if int(found.publik) == 0:
        if search.strip():
            st.info(ctx.t("Tidak ada inovasi publik yang cocok dengan '{md_search}'.", md_search=fmt.md(search)))
        else:
            ctx.empty("inovasi publik", "public innovations")
        return
    charts_section(ctx, search)
    maps.section(ctx, public=True, search=search)  # public figures only (dasbor/maps.py)
    list_section(ctx, search)
    open_data_section(ctx, search)


def card(ctx, column, key: str, value: int, note: str | None = None) -> None:
    figure = q.FIGURES[key]
    column.metric(figure.name(ctx.lang), fmt.number(value, ctx.lang), help=figure.definition(ctx.lang))
    if note:
        column.caption(note)


def proposals_section(ctx) -> None:
    """All proposals, counts only, as the sum of their disjoint parts."""
    st.subheader(ctx.t("Usulan dari daerah (hanya angka)"))
    total = q.totals(ctx.filters)
    cols = st.container(key=publik_view.FIGURES[0]).columns(5)
    for col, key in zip(cols, ("usulan", "belum_ditetapkan", "tidak_layak", "dihentikan", "ditetapkan"), strict=True):
        card(ctx, col, key, int(total[key]))
    st.caption(q.breakdown(total, int(q.counts(ctx.filters).publik), ctx.lang))


def public_cards(ctx, found: pd.Series, search: str) -> None:
    """The public innovations: as many as the list and the CSV below hold."""
    cols = st.container(key=publik_view.FIGURES[1]).columns(5)
    for col, key in zip(cols[:2], ("publik", "diterapkan"), strict=True):
        card(ctx, col, key, int(found[key]), q.undated(found, key, ctx.lang))
    if search.strip():
        n_all = fmt.number(int(q.counts(ctx.filters).publik), ctx.lang)
        n = fmt.number(int(found.publik), ctx.lang)
        cols[2].caption(
            ctx.t(
                "Pencarian '{md_search}' mempersempit inovasi publik, grafik, daftar dan CSV: {n} dari {n_all}.",
                md_search=fmt.md(search),
                n=n,
                n_all=n_all,
            )
        )


def charts_section(ctx, search: str) -> None:
    for col, (column, figure) in zip(st.columns(2), q.MIXES.items(), strict=True):
        with col:
            charts.counts_block(
                q.by_group(ctx.filters, column, search),
                column,
                figure.name(ctx.lang),
                figure.definition(ctx.lang),
                f"publik_{column}",
                ctx.lang,
                280,
            )


def list_section(ctx, search: str) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("Daftar inovasi publik"))
    found, n_public = q.rows(ctx.filters, search)
    if n_public > len(found):
        st.caption(
            t(
                "Menampilkan {number_len_found} terbaru dari {number_n_public}; CSV di bawah memuat semuanya.",
                number_len_found=fmt.number(len(found), lang),
                number_n_public=fmt.number(n_public, lang),
            )
        )
    no_date = t("tidak tercatat")
    shown = pd.DataFrame(
        {
            t("Inovasi"): found.nama_inovasi,
            t("Wilayah"): found.wilayah,
            t("Perangkat daerah"): found.perangkat_daerah,
            t("Tahap"): [label("tahap", s, lang) for s in found.tahap],
            t("Tahap terjauh"): [label("tahap", s, lang) for s in found.tahap_terjauh],
            t.tc("kolom", "Ditetapkan"): [
                fmt.date(d, lang) if pd.notna(d) else no_date for d in found.tanggal_penetapan
            ],
            t("Diterapkan"): [fmt.date(d, lang) for d in found.tanggal_penerapan],
            t("Evaluasi terakhir"): [
                label("hasil", h, lang) if isinstance(h, str) else "–" for h in found.hasil_evaluasi_terakhir
            ],
        }
    )
    with st.container(key=publik_view.CARDS):  # on a phone, instead of the wide table
        st.html(publik_view.cards(found, lang))
        st.caption(publik_view.cards_note(len(found), n_public, lang))
    picked = st.container(key=publik_view.TABLE).dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=360,
        on_select="rerun",
        selection_mode="single-row",
        key="publik_tabel",
    )
    rows_picked = picked.selection.rows if picked and picked.selection else []
    if rows_picked:
        one = found.iloc[rows_picked[0]]
        st.subheader(fmt.md(one.nama_inovasi))  # headings render Markdown: report text is escaped
        st.text(f"{one.wilayah}, {one.nama_provinsi} · {one.perangkat_daerah}")
        if isinstance(one.deskripsi, str) and one.deskripsi:
            st.text(one.deskripsi)  # report text is shown as text, never as Markdown or HTML


def open_data_section(ctx, search: str) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(t("Data terbuka"))
    loaded = common.data_info().dimuat_pada  # the same line every page's banner reads
    st.markdown(
        t(
            "Unduh daftar di atas (sesuai filter dan pencarian) sebagai CSV, dengan kamus datanya. Lisensi: **{licence}**: boleh dipakai dan disebarkan dengan menyebut sumbernya (Dasbor Inovasi Daerah). Data per {date_loaded}.",
            licence=q.LICENCE,
            date_loaded=fmt.date(loaded, lang),
        )
    )
    package = q.package_note(lang)  # the same files, served as a static data package (etl/datapackage.py)
    if package:  # only where a web server serves it (INOVASI_PACKAGE_URL): never a dead link
        st.markdown(package)
    dictionary = pd.DataFrame(q.DICTIONARY, columns=["kolom", "arti", "meaning"])
    dictionary.loc[len(dictionary)] = ["(lisensi / licence)", q.LICENCE, f"data per {loaded:%Y-%m-%d}"]
    c1, c2 = st.columns(2)
    snapshot, filters = data.snapshot(), ctx.filters
    c1.download_button(
        t("Unduh CSV"),
        lambda: q.csv(filters, search, snapshot),  # built on click: may be 700,000 rows
        "inovasi_daerah_publik.csv",
        "text/csv",
        key="dl_publik",
    )
    c2.download_button(
        t("Unduh kamus data (CSV)"),
        charts.csv_bytes(dictionary),
        "kamus_data.csv",
        "text/csv",
        key="dl_kamus",
    )


main()
