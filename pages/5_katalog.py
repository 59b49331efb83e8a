"""Katalog: find any innovation and read its whole record."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt
from dasbor.frame import page
from dasbor.i18n import label, options
from dasbor.queries import katalog as q

ctx = page("katalog")
t, lang = ctx.t, ctx.lang

search = st.text_input(
    t("Cari nama inovasi, perangkat daerah atau kode", "Search by innovation name, agency or code"),
    value=st.query_params.get("cari", ""),
    placeholder=t("mis. posyandu", "e.g. posyandu"),
)
if search != st.query_params.get("cari", ""):
    if search:
        st.query_params["cari"] = search
    else:
        del st.query_params["cari"]
rows, total = q.catalogue(ctx, search)
if rows.empty:
    if search:
        st.info(
            t(
                f"Tidak ada inovasi yang cocok dengan '{search}' pada filter ini.",
                f"No innovation matches '{search}' with these filters.",
            )
        )
    else:
        ctx.empty()
    st.stop()
st.caption(
    t(
        f"{fmt.number(total, lang)} inovasi cocok"
        + (f"; {fmt.number(len(rows), lang)} terbaru ditampilkan" if total > len(rows) else "")
        + ". Hari di tahap = hari sejak masuk tahap terkini (untuk tahap yang belum selesai). Pilih satu baris untuk melihat rinciannya.",
        f"{fmt.number(total, 'en')} innovations match"
        + (f"; the newest {len(rows)} are shown" if total > len(rows) else "")
        + ". Days in stage = days since entering the current stage (for stages not yet finished). Select a row for its details.",
    )
)
shown = rows.assign(tahap=[label("tahap", s, lang) for s in rows.tahap]).rename(
    columns={
        "kode_inovasi": t("Kode", "Code"),
        "nama_inovasi": t("Inovasi", "Innovation"),
        "wilayah": t("Wilayah", "Region"),
        "perangkat_daerah": t("Perangkat daerah", "Agency"),
        "tahap": t("Tahap terkini", "Current stage"),
        "tanggal_usulan": t("Diusulkan", "Proposed"),
        "tanggal_tahap": t("Masuk tahap", "Entered stage"),
        "hari_di_tahap": t("Hari di tahap", "Days in stage"),
    }
)
picked = st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    height=380,
    on_select="rerun",
    selection_mode="single-row",
    key="katalog_tabel",
    column_config={
        t("Diusulkan", "Proposed"): st.column_config.DateColumn(format="DD-MM-YYYY"),
        t("Masuk tahap", "Entered stage"): st.column_config.DateColumn(format="DD-MM-YYYY"),
    },
)
charts.download(shown, "katalog", lang, "katalog")

selected = picked.selection.rows if picked and picked.selection else []
kode = rows.kode_inovasi.iloc[selected[0]] if selected else st.query_params.get("kode")
if not kode:
    st.stop()
if st.query_params.get("kode") != kode:
    st.query_params["kode"] = kode
rec = q.record(ctx, kode)
if rec is None:
    st.warning(
        t(
            f"Inovasi {kode} tidak ditemukan atau tidak boleh Anda lihat.",
            f"Innovation {kode} was not found or is not yours to see.",
        )
    )
    st.stop()
i = rec["inovasi"].iloc[0]
st.header(fmt.md(i.nama_inovasi))
st.markdown(f"`{fmt.md(i.kode_inovasi)}` · {i.wilayah}, {i.nama_provinsi} · {fmt.md(i.perangkat_daerah)}")
facts = {
    t("Tahap terkini", "Current stage"): label("tahap", i.tahap, lang)
    + (
        f" {t('sejak', 'since')} {fmt.date(i.tanggal_tahap, lang)}"
        if i.tanggal_tahap == i.tanggal_tahap and i.tanggal_tahap is not None
        else ""
    ),
    t("Sumber", "Source"): label("inisiator", i.inisiator, lang),
    t("Bentuk", "Form"): label("bentuk", i.bentuk, lang),
    t("Jenis", "Type"): label("jenis", i.jenis, lang),
    "Urusan" if lang == "id" else "Affair": f"{i.urusan} {i.nama_urusan}" if i.urusan else "–",
    t("Diusulkan", "Proposed"): fmt.date(i.tanggal_usulan, lang),
    t("Anggaran", "Budget"): fmt.rupiah(i.anggaran, lang),
    t("Setelah penerapan", "After implementation"): label("status_lanjut", i.status_lanjut, lang)
    if i.status_lanjut
    else "–",
}
cols = st.columns(4)
for n, (name, value) in enumerate(facts.items()):
    cols[n % 4].markdown(f"**{name}**  \n{value}")
if isinstance(i.deskripsi, str) and i.deskripsi:
    st.text(i.deskripsi)  # report text is shown as text, never rendered as Markdown or HTML

stages = rec["tahapan"]
if stages.empty:
    st.info(t("Belum ada riwayat tahapan bertanggal.", "No dated stage history yet."))
else:
    order = [label("tahap", s, lang) for s in options("tahap")]
    stages = stages.assign(label=[label("tahap", s, lang) for s in stages.tahap])
    fig = go.Figure(
        go.Scatter(
            x=stages.tanggal,
            y=stages.label,
            mode="lines+markers+text",
            line={"color": "#999", "width": 1},
            marker={
                "size": 12,
                "color": [
                    charts.OKABE_ITO[5] if s in ("tidak_layak", "dihentikan") else charts.OKABE_ITO[0]
                    for s in stages.tahap
                ],
                "symbol": [
                    "x" if s in ("tidak_layak", "dihentikan") else ("circle-open" if d else "circle")
                    for s, d in zip(stages.tahap, stages.turunan, strict=True)
                ],
            },
            text=[fmt.date(d, lang) for d in stages.tanggal],
            textposition="top center",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(tickformat="%b %Y" if lang == "en" else "%m/%Y")  # plotly has no Indonesian month names offline
    table = (
        stages.assign(tanggal=[fmt.date(d, lang) for d in stages.tanggal])
        .rename(
            columns={
                "label": t("Tahap", "Stage"),
                "tanggal": t("Tanggal", "Date"),
                "nomor_dokumen": t("Nomor dokumen", "Document no."),
                "turunan": t("Diturunkan dari tahap terkini", "Derived from current stage"),
            }
        )
        .drop(columns="tahap")
    )
    charts.block(
        t("Lini masa tahapan", "Stage timeline"),
        t(
            "Setiap titik adalah tanggal masuk satu tahap; tanda silang = jalan keluar (tidak layak, dihentikan); "
            "lingkaran kosong = tahap yang diturunkan dari kolom tahap terkini laporan, bukan riwayat yang dilaporkan.",
            "Each point is the date a stage was entered; a cross = an exit (not feasible, stopped); an open circle = "
            "a stage derived from the report's current-stage columns, not a reported history.",
        ),
        fig,
        table,
        f"lini_masa_{kode}",
        lang,
        height=340,
    )

for key, title_id, title_en, empty_id, empty_en in (
    ("evaluasi", "Evaluasi", "Evaluations", "Belum dievaluasi.", "Not evaluated yet."),
    ("penghargaan", "Penghargaan", "Awards", "Belum ada penghargaan.", "No awards."),
):
    st.subheader(t(title_id, title_en))
    frame = rec[key]
    if frame.empty:
        st.caption(t(empty_id, empty_en))
    else:
        if key == "evaluasi":
            unit = [label("satuan_waktu", u, lang) for u in frame.satuan_waktu]
            frame = pd.DataFrame(
                {
                    t("Tanggal", "Date"): [fmt.date(d, lang) for d in frame.tanggal_evaluasi],
                    t("Penilai", "Evaluator"): frame.penilai,
                    t("Hasil", "Result"): [label("hasil", h, lang) for h in frame.hasil],
                    t("Penerima manfaat", "Beneficiaries"): [fmt.number(v, lang) for v in frame.penerima_manfaat],
                    t("Waktu layanan sebelum → sesudah", "Service time before → after"): [
                        f"{fmt.number(b, lang, 1)} → {fmt.number(a, lang, 1)} {u}" if b == b or a == a else "–"
                        for b, a, u in zip(frame.waktu_layanan_sebelum, frame.waktu_layanan_sesudah, unit, strict=True)
                    ],
                    t("Biaya sebelum → sesudah", "Cost before → after"): [
                        f"{fmt.rupiah(b, lang)} → {fmt.rupiah(a, lang)}"
                        for b, a in zip(frame.biaya_sebelum, frame.biaya_sesudah, strict=True)
                    ],
                    t("IKM sebelum → sesudah", "IKM before → after"): [
                        f"{fmt.number(b, lang, 1)} → {fmt.number(a, lang, 1)}" if b == b else "–"
                        for b, a in zip(frame.ikm_sebelum, frame.ikm_sesudah, strict=True)
                    ],
                    t("Responden", "Respondents"): [fmt.number(v, lang) for v in frame.responden],
                    t("Status", "Status"): [label("status_lanjut", v, lang) for v in frame.status_lanjut],
                }
            )
        st.dataframe(frame, hide_index=True, width="stretch")

st.subheader(t("Replikasi", "Replications"))
reps = rec["replikasi"]
if reps.empty:
    st.caption(
        t(
            "Tidak meniru dan belum ditiru inovasi lain dalam data.",
            "Neither copies nor is copied by another innovation in the data.",
        )
    )
else:
    reps = reps.assign(
        arah=[t("Meniru", "Copies") if a == "meniru" else t("Ditiru oleh", "Copied by") for a in reps.arah]
    )
    st.dataframe(
        reps.rename(
            columns={
                "arah": t("Hubungan", "Relation"),
                "kode_inovasi": t("Kode", "Code"),
                "nama_inovasi": t("Inovasi", "Innovation"),
                "wilayah": t("Wilayah", "Region"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
