"""Sections of Perbandingan Wilayah: IID and awards of the cluster, and one region's profile."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import wilayah as q


def index_and_awards(ctx: Ctx, cluster: str) -> None:
    t, lang = ctx.t, ctx.lang
    iid = q.iid_years(cluster, ctx.filters.provinsi)
    st.subheader(t("Indeks Inovasi Daerah (IID) per tahun", "Regional Innovation Index (IID) by year"))
    if iid.empty:
        st.info(
            t(
                "Belum ada data IID. Muat tabel `indeks_daerah` (kode_wilayah, tahun, skor dan/atau predikat).",
                "No IID data yet. Load the `indeks_daerah` table (kode_wilayah, tahun, skor and/or predikat).",
            )
        )
    else:
        st.caption(
            t(
                "Skor 0–100 dari Kemendagri (Permendagri 104/2018) dengan predikatnya: Sangat Inovatif 60,01–100; "
                "Inovatif 35,00–60,00; Kurang Inovatif 0,01–34,99; Tidak Dapat Dinilai 0. Sel berisi skor (predikat).",
                "Kemendagri's 0–100 score (Permendagri 104/2018) with its rating: Very innovative 60.01–100; Innovative "
                "35.00–60.00; Less innovative 0.01–34.99; Cannot be assessed 0. Cells hold score (rating).",
            )
        )
        iid["nilai"] = [
            f"{fmt.number(s, lang, 2) if s == s else '–'} ({label('predikat', p, lang)})"
            for s, p in zip(iid.skor, iid.predikat, strict=True)
        ]
        wide = iid.pivot_table(index="nama", columns="tahun", values="nilai", aggfunc="first").reset_index()
        wide.columns = [t("Wilayah", "Region") if c == "nama" else str(c) for c in wide.columns]
        charts.table_block(wide, f"iid_{cluster}", lang, key=f"iid_{cluster}", expanded=True)
    awards = q.awards(cluster, ctx.filters.provinsi)
    st.subheader(t("Penghargaan", "Awards"))
    if awards.empty:
        st.info(
            t(
                "Belum ada penghargaan untuk klaster ini. Muat tabel `penghargaan`.",
                "No awards for this cluster yet. Load the `penghargaan` table.",
            )
        )
    else:
        st.caption(
            t(
                "IGA (Kemendagri), KIPP (KemenPANRB), Inagara (LAN) dan lainnya, terbaru di atas.",
                "IGA (Kemendagri), KIPP (KemenPANRB), Inagara (LAN) and others, newest first.",
            )
        )
        charts.table_block(
            awards.rename(
                columns={
                    "tahun": t("Tahun", "Year"),
                    "nama": t("Wilayah", "Region"),
                    "ajang": t("Ajang", "Competition"),
                    "capaian": t("Capaian", "Achievement"),
                    "kategori": t("Kategori", "Category"),
                    "nama_inovasi": t("Inovasi", "Innovation"),
                }
            ),
            f"penghargaan_{cluster}",
            lang,
            key=f"aw_{cluster}",
            expanded=len(awards) <= 15,
        )


def region_profile(ctx: Ctx, cluster: str, frame: pd.DataFrame) -> None:
    t, lang = ctx.t, ctx.lang
    st.header(t("Profil wilayah", "Region profile"))
    names = dict(zip(frame.kode, frame.nama, strict=True))
    default = ctx.filters.wilayah if ctx.filters.wilayah in names else frame.sort_values("n").kode.iloc[-1]
    region = st.selectbox(
        t("Pilih wilayah", "Choose a region"),
        list(names),
        index=list(names).index(default),
        format_func=names.get,
        key=f"profil_{cluster}",
    )
    row = frame[frame.kode == region].iloc[0]
    st.markdown(
        t(
            f"**{row.nama}**, {row.nama_provinsi}: {fmt.number(row.n, lang)} usulan dalam kohort.",
            f"**{row.nama}**, {row.nama_provinsi}: {fmt.number(row.n, lang)} proposals in the cohort.",
        )
    )
    if row.n == 0:
        ctx.empty(t("usulan dari wilayah ini", "proposals from this region"), "proposals from this region")
        return
    left, right = st.columns(2)
    with left:
        reach = q.stage_reach(ctx, region)
        reach["label"] = [label("tahap", s, lang) for s in reach.tahap]
        first = max(1, int(reach.jumlah.iloc[0]))
        reach["teks"] = [f"{fmt.number(j, lang)} ({fmt.percent(j / first, lang, 0)})" for j in reach.jumlah]
        fig = go.Figure(
            go.Funnel(
                y=reach.label, x=reach.jumlah, text=reach.teks, textinfo="text", marker={"color": charts.OKABE_ITO[0]}
            )
        )
        charts.block(
            t("Corong tahapan wilayah ini", "This region's stage funnel"),
            t(
                "Berapa usulan kohort yang pernah mencapai tiap tahap (tahap yang dilewati dihitung terlewati); "
                "persen terhadap semua usulan.",
                "How many of the cohort's proposals ever reached each stage (a skipped stage counts as "
                "passed); percent of all proposals.",
            ),
            fig,
            reach[["label", "jumlah"]],
            f"corong_{region}",
            lang,
        )
    with right:
        trend = q.per_year(ctx, cluster, region)
        fig = go.Figure()
        fig.add_scatter(
            x=list(trend.tahun) + list(trend.tahun[::-1]),
            y=list(trend.q3_klaster) + list(trend.q1_klaster[::-1]),
            fill="toself",
            line={"width": 0},
            fillcolor="rgba(86,180,233,0.25)",
            name=t("Separuh tengah klaster", "Middle half of cluster"),
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=trend.tahun,
            y=trend.median_klaster,
            mode="lines",
            line={"dash": "dash", "color": "#555"},
            name=t("Median klaster", "Cluster median"),
        )
        fig.add_scatter(
            x=trend.tahun,
            y=trend.wilayah,
            mode="lines+markers",
            line={"color": charts.OKABE_ITO[5], "width": 3},
            name=row.nama,
        )
        fig.update_xaxes(dtick=1)
        charts.block(
            t("Usulan per tahun dibanding klaster", "Proposals per year against the cluster"),
            t(
                "Garis tebal = wilayah ini; garis putus = median wilayah di klaster; pita = kuartil 1–3.",
                "Thick line = this region; dashed = the cluster's median region; band = quartiles 1–3.",
            ),
            fig,
            trend,
            f"tren_{region}",
            lang,
        )
    agencies = q.agencies(ctx, region)
    st.subheader(t("Perangkat daerah di wilayah ini", "Agencies in this region"))
    st.caption(
        t(
            "Usulan, yang pernah diterapkan, dan yang masih berjalan sebelum penerapan.",
            "Proposals, ever implemented, and still under way before implementation.",
        )
    )
    charts.table_block(
        agencies.rename(
            columns={
                "perangkat_daerah": t("Perangkat daerah", "Agency"),
                "usulan": t("Usulan", "Proposals"),
                "diterapkan": t("Diterapkan", "Implemented"),
                "berjalan": t("Masih berjalan", "Under way"),
            }
        ),
        f"perangkat_{region}",
        lang,
        key=f"ag_{region}",
        expanded=True,
    )
