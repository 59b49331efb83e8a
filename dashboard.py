"""Dasbor Inovasi Daerah: the front door. Pages live in pages/; shared code in dasbor/."""

from __future__ import annotations

import streamlit as st

from dasbor import data, store

st.set_page_config(page_title="Dasbor Inovasi Daerah", layout="wide")
st.title("Dasbor Inovasi Daerah")

try:
    snap = data.snapshot()
except store.StoreError as exc:
    st.error(f"Data tidak dapat dibuka: {exc}")
    st.stop()
if snap is None:
    st.info(
        "Belum ada data. Muat laporan daerah dengan `python -m etl load BERKAS` "
        "atau jalankan `bash scripts/start.sh` untuk data contoh."
    )
    st.stop()

info = data.read("select sampel, jumlah_inovasi, dimuat_pada from info_data").iloc[0]
if bool(info["sampel"]):
    st.warning(
        "**Data contoh.** Wilayahnya nyata, tetapi inovasi, tanggal dan evaluasinya dikarang "
        "untuk peragaan. Jangan dikutip sebagai data sebenarnya.",
        icon="⚠️",
    )
st.caption(f"Data terakhir dimuat: {info['dimuat_pada']:%d-%m-%Y %H:%M} UTC")

heads = data.read(
    """
    select
        count(*) as usulan,
        count(tanggal_penetapan) as ditetapkan,
        count(tanggal_penerapan) as diterapkan,
        count(*) filter (where hasil_evaluasi_terakhir = 'bermanfaat') as bermanfaat
    from inovasi_status
    """
).iloc[0]
cols = st.columns(4)
cols[0].metric(
    "Usulan inovasi", f"{int(heads['usulan']):,}".replace(",", "."), help="Semua inovasi yang diusulkan dan dimuat."
)
cols[1].metric(
    "Ditetapkan",
    f"{int(heads['ditetapkan']):,}".replace(",", "."),
    help="Inovasi yang pernah ditetapkan dengan keputusan kepala daerah (tahap penetapan).",
)
cols[2].metric(
    "Diterapkan",
    f"{int(heads['diterapkan']):,}".replace(",", "."),
    help="Inovasi yang pernah mencapai tahap penerapan.",
)
cols[3].metric(
    "Dinilai bermanfaat",
    f"{int(heads['bermanfaat']):,}".replace(",", "."),
    help="Inovasi yang evaluasi terakhirnya berhasil 'bermanfaat'.",
)

st.subheader("Posisi inovasi saat ini, per tahap")
st.caption(
    "Tahap terkini = tahap terakhir yang dimasuki menurut riwayat tahapan. Kelompok mengikuti aplikasi "
    "pelaporan Kemendagri: Inisiatif (usulan sampai penetapan), Uji Coba, Penerapan (penerapan dan sesudahnya); "
    "Tidak layak dan Dihentikan adalah jalan keluar."
)
stages = data.read(
    """
    select r.label_id as "Tahap", r.kelompok as "Kelompok Kemendagri", count(s.kode_inovasi) as "Jumlah inovasi"
    from tahap_ref r left join inovasi_status s using (tahap)
    group by r.label_id, r.kelompok, r.urutan, r.tahap
    order by r.urutan, r.tahap
    """
)
st.dataframe(stages, hide_index=True, width="content")
st.download_button("Unduh CSV", stages.to_csv(index=False).encode("utf-8-sig"), "tahap_terkini.csv", "text/csv")
