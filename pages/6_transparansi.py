"""Transparansi: what the regions innovate, at what stage, with what benefit; open to everyone."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dasbor import charts, data, fmt
from dasbor.frame import page
from dasbor.i18n import label
from dasbor.queries import publik as q

ctx = page("transparansi")
t, lang = ctx.t, ctx.lang

st.markdown(
    t(
        "Inovasi pelayanan publik dan tata kelola yang dijalankan pemerintah daerah. Di sini hanya inovasi yang boleh "
        "dipublikasikan dan sudah ditetapkan dengan keputusan kepala daerah; usulan yang belum ditinjau atau tidak layak "
        "hanya muncul sebagai angka. Tidak ada data pribadi.",
        "Public-service and governance innovations run by regional governments. Only innovations cleared for publication "
        "and set by a head-of-region decree are listed; proposals not yet reviewed or judged not feasible appear only as "
        "counts. No personal data.",
    )
)
total = q.totals(ctx.filters)
search = st.session_state.get("cari_publik", "")
public, n_public = q.rows(ctx.filters, search)
cols = st.columns(4)
cols[0].metric(
    t("Semua usulan", "All proposals"),
    fmt.number(total.usulan, lang),
    help=t(
        "Jumlah seluruh usulan, termasuk yang belum ditetapkan atau tidak layak (hanya angka).",
        "All proposals, including those not yet set by decree or not feasible (counts only).",
    ),
)
cols[1].metric(t("Ditetapkan", "Set by decree"), fmt.number(total.ditetapkan, lang))
cols[2].metric(t("Diterapkan", "Implemented"), fmt.number(total.diterapkan, lang))
n_listed = int(q.by_group(ctx.filters, "kelompok").jumlah.sum())
cols[3].metric(t("Inovasi publik di daftar", "Public innovations listed"), fmt.number(n_listed, lang))
if n_listed == 0:
    ctx.empty(t("inovasi publik", "public innovations"), "public innovations")
    st.stop()

left, right = st.columns(2)
for col, column, title, definition in (
    (
        left,
        "kelompok",
        t("Tahap inovasi publik", "Stage of public innovations"),
        t(
            "Pengelompokan Kemendagri: Inisiatif, Uji Coba, Penerapan; Dihentikan = tidak berjalan lagi.",
            "Kemendagri's grouping: Initiative, Trial, Implementation; Stopped = no longer running.",
        ),
    ),
    (
        right,
        "bentuk",
        t("Bentuk inovasi publik", "Form of public innovations"),
        t(
            "Tata kelola pemerintahan, pelayanan publik, atau lainnya sesuai urusan.",
            "Governance, public service, or other.",
        ),
    ),
):
    with col:
        charts.counts_block(q.by_group(ctx.filters, column), column, title, definition, f"publik_{column}", lang, 280)

st.subheader(t("Daftar inovasi publik", "Public innovations"))
st.text_input(
    t("Cari nama inovasi, perangkat daerah atau wilayah", "Search by name, agency or region"), key="cari_publik"
)
found = public
if found.empty:
    st.info(t(f"Tidak ada inovasi publik yang cocok dengan '{search}'.", f"No public innovation matches '{search}'."))
if n_public > len(found):
    st.caption(
        t(
            f"Menampilkan {fmt.number(len(found), lang)} terbaru dari {fmt.number(n_public, lang)}; CSV di bawah "
            "memuat semuanya.",
            f"Showing the newest {len(found):,} of {n_public:,}; the CSV below holds them all.",
        )
    )
shown = pd.DataFrame(
    {
        t("Inovasi", "Innovation"): found.nama_inovasi,
        t("Wilayah", "Region"): found.wilayah,
        t("Perangkat daerah", "Agency"): found.perangkat_daerah,
        t("Tahap", "Stage"): [label("tahap", s, lang) for s in found.tahap],
        t("Ditetapkan", "Decree"): [fmt.date(d, lang) for d in found.tanggal_penetapan],
        t("Diterapkan", "Implemented"): [fmt.date(d, lang) for d in found.tanggal_penerapan],
        t("Evaluasi terakhir", "Latest evaluation"): [
            label("hasil", h, lang) if isinstance(h, str) else "–" for h in found.hasil_evaluasi_terakhir
        ],
    }
)
picked = st.dataframe(
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

st.subheader(t("Data terbuka", "Open data"))
loaded = data.read("select dimuat_pada from info_data").dimuat_pada[0]
st.markdown(
    t(
        f"Unduh daftar di atas (sesuai filter) sebagai CSV, dengan kamus datanya. Lisensi: **{q.LICENCE}**: boleh dipakai "
        f"dan disebarkan dengan menyebut sumbernya (Dasbor Inovasi Daerah). Data per {fmt.date(loaded, lang)}.",
        f"Download the list above (as filtered) as CSV, with its data dictionary. Licence: **{q.LICENCE}**: free to use "
        f"and share with attribution (Dasbor Inovasi Daerah). Data as of {fmt.date(loaded, lang)}.",
    )
)
dictionary = pd.DataFrame(q.DICTIONARY, columns=["kolom", "arti", "meaning"])
dictionary.loc[len(dictionary)] = ["(lisensi / licence)", q.LICENCE, f"data per {loaded:%Y-%m-%d}"]
c1, c2 = st.columns(2)
snapshot = data.snapshot()
c1.download_button(
    t("Unduh CSV", "Download CSV"),
    lambda: charts.csv_bytes(q.all_rows(ctx.filters, search, snapshot)),  # built on click: may be 700,000 rows
    "inovasi_daerah_publik.csv",
    "text/csv",
    key="dl_publik",
)
c2.download_button(
    t("Unduh kamus data (CSV)", "Download data dictionary (CSV)"),
    charts.csv_bytes(dictionary),
    "kamus_data.csv",
    "text/csv",
    key="dl_kamus",
)
