"""The sections of Profil Wilayah under its spine: the trend beside the cluster, the stage mix, what is
stuck, impact, IID and awards, replications and agencies; and the public version's own sections. Each
reads a figure already defined (and computed) for another page, narrowed to the region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, data, fmt
from dasbor.frame import Ctx
from dasbor.i18n import label, options
from dasbor.profil_views import block, pair, region_name, table
from dasbor.queries import alur, dampak, publik, ringkasan, wilayah
from dasbor.queries import profil as q


def _trend_figure(ctx: Ctx, trend: pd.DataFrame, name: str) -> go.Figure:
    t = ctx.t
    fig = go.Figure()
    fig.add_scatter(
        x=list(trend.tahun) + list(trend.tahun[::-1]),
        y=list(trend.q3_klaster) + list(trend.q1_klaster[::-1]),
        fill="toself",
        line={"width": 0},
        fillcolor="rgba(86,180,233,0.25)",
        name=t("Separuh tengah klaster (kuartil 1–3)"),
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=trend.tahun,
        y=trend.median_klaster,
        mode="lines+markers",
        marker={"symbol": "diamond-open"},
        line={"dash": "dash", "color": "#555"},
        name=t("Median wilayah klaster"),
    )
    fig.add_scatter(
        x=trend.tahun,
        y=trend.wilayah,
        mode="lines+markers",
        line={"color": charts.OKABE_ITO[5], "width": 3},
        name=name,
    )
    fig.update_xaxes(dtick=1, tickformat="d", title=t("Tahun usulan"))
    return fig


def _trend_table(ctx: Ctx, trend: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    t, lang = ctx.t, ctx.lang
    columns = {
        "tahun": t("Tahun"),
        "wilayah": name,
        "median_klaster": t("Median klaster"),
        "q1_klaster": t("Kuartil 1 klaster"),
        "q3_klaster": t("Kuartil 3 klaster"),
    }
    shown = trend.assign(
        tahun=trend.tahun.astype(str),
        wilayah=trend.wilayah.fillna(0).astype(int),
        **{c: [fmt.number(v, lang, 1) for v in trend[c]] for c in ("median_klaster", "q1_klaster", "q3_klaster")},
    )
    return shown[list(columns)].rename(columns=columns), trend.rename(columns=columns)


def trend(ctx: Ctx, where: pd.Series) -> None:
    """Proposals per year beside the cluster's median region and its quartiles (``wilayah.per_year``)."""
    t, lang = ctx.t, ctx.lang
    if ctx.viewer.role == "publik":
        frame = q.public_per_year(q.cohort(ctx).filters, where.tingkat, where.kode)
        title = t("Inovasi publik per tahun usulan dibanding klaster")
    else:
        frame = wilayah.per_year(q.cohort(ctx), where.tingkat, where.kode)
        title = t("Usulan per tahun dibanding klaster")
    if frame.empty:
        return
    name = region_name(where, lang)
    shown, full = _trend_table(ctx, frame, name)
    block(
        ctx,
        title,
        t(
            "Garis tebal = wilayah ini; garis putus = median wilayah klaster (wilayah setingkat se-Indonesia, termasuk yang tanpa usulan pada tahun itu), bukan rata-rata; pita = kuartil 1–3 wilayah klaster. Tahun berjalan belum lengkap."
        ),
        _trend_figure(ctx, frame, name),
        shown,
        f"profil_tren_{where.kode}",
        full=lambda: full,
    )


def stages(ctx: Ctx, where: pd.Series) -> None:
    """Where the region's innovations stand now (Ringkasan's stage mix) and how far its cohort got
    (the stage funnel of Perbandingan's region profile)."""
    t, lang = ctx.t, ctx.lang
    focus = q.focus(ctx, where.kode)
    left, right = pair()
    with left:
        mix = ringkasan.stage_mix(focus)
        mix["label"] = [label("tahap", v, lang) for v in mix.nilai]
        fig = go.Figure(
            go.Bar(
                x=mix.jumlah,
                y=mix.label,
                orientation="h",
                text=mix.jumlah,
                textposition="auto",
                marker_color=[charts.stage_colour(c) for c in mix.nilai],
                marker_line={"width": 0.5, "color": "#333"},
            )
        )
        fig.update_yaxes(autorange="reversed", automargin=True)
        table_ = mix[["label", "jumlah"]].rename(columns={"label": t("Tahap"), "jumlah": t("Jumlah")})
        block(
            ctx,
            ringkasan.STAGE_MIX.name(lang),
            ringkasan.STAGE_MIX.definition(lang),
            fig,
            table_,
            f"profil_tahap_{where.kode}",
        )
    with right:
        reach = wilayah.stage_reach(q.cohort(ctx), where.kode)
        reach["label"] = [label("tahap", s, lang) for s in reach.tahap]
        first = max(1, int(reach.jumlah.iloc[0]))
        reach["teks"] = [f"{fmt.number(j, lang)} ({fmt.percent(j / first, lang, 0)})" for j in reach.jumlah]
        fig = go.Figure(
            go.Funnel(
                y=reach.label, x=reach.jumlah, text=reach.teks, textinfo="text", marker={"color": charts.OKABE_ITO[0]}
            )
        )
        block(
            ctx,
            t("Corong tahapan wilayah ini"),
            t(
                "Berapa usulan yang pernah mencapai tiap tahap (tahap yang dilewati dihitung terlewati); persen terhadap semua usulan."
            ),
            fig,
            reach[["label", "jumlah"]].rename(columns={"label": t("Tahap"), "jumlah": t("Jumlah")}),
            f"profil_corong_{where.kode}",
        )


def stuck(ctx: Ctx, where: pd.Series) -> None:
    """What is stuck in the region, by Alur's definition (``alur.STUCK``), its 85% lines from the
    region's own stage history, as Alur Tahapan computes them for a region filter."""
    t, lang = ctx.t, ctx.lang
    focus = q.focus(ctx, where.kode)
    st.subheader(alur.STUCK.name(lang))
    st.caption(alur.STUCK.definition(lang))
    waits = alur.stage_waits(focus)
    if waits.empty:
        st.info(t("Belum ada riwayat tahapan wilayah ini."))
        return
    rows, per_stage = alur.stuck(focus, waits)
    if rows.empty:
        st.success(t("Tidak ada inovasi yang menunggu keputusan melewati batas 85% tahapnya."))
        return
    st.markdown(
        t("**{number_len_rows} inovasi macet**: ", number_len_rows=fmt.number(len(rows), lang))
        + "; ".join(f"{label('tahap', r.tahap, lang)} {fmt.number(r.n, lang)}" for r in per_stage.itertuples())
    )
    shown = pd.DataFrame(
        {
            t("Inovasi"): rows.nama_inovasi,
            t("Tahap"): [label("tahap", s, lang) for s in rows.tahap],
            t("Hari menunggu"): rows.hari_menunggu.astype(int),
            t("Batas 85% (hari)"): rows.p85.astype(int),
            t("Perangkat daerah"): rows.perangkat_daerah,
            t.tc("singkat", "Masuk tahap"): [fmt.date(d, lang) for d in rows.tanggal_tahap],
        }
    )
    table(ctx, shown, f"profil_macet_{where.kode}")


def _survival_at(times, surv, years: int) -> float:
    if times is None:
        return float("nan")
    i = np.searchsorted(np.asarray(times), years * 365.25, side="right") - 1
    return float(np.asarray(surv)[max(0, i)])


def impact(ctx: Ctx, where: pd.Series) -> None:
    """Dampak's figures for the region (``dampak.impact``, the same computation narrowed to it)."""
    t, lang = ctx.t, ctx.lang
    focus = q.focus(ctx, where.kode)
    st.subheader(t("Dampak"))
    imp = dampak.impact(str(data.snapshot()), focus.filters, ctx.viewer)
    if not imp["n_eval"]:
        st.info(t("Belum ada inovasi wilayah ini yang dievaluasi."))
        return
    st.caption(
        t(
            "Dari evaluasi terakhir tiap inovasi; dilaporkan sendiri oleh daerah (IKM: survei). Perubahan sebelum–sesudah bukan estimasi sebab-akibat. Definisi tiap angka seperti di halaman Dampak."
        )
    )
    out = []
    results = dampak.results_by(focus, "wilayah")
    n_res = int(results.jumlah.sum())
    if n_res:
        shares = results.groupby("hasil").jumlah.sum()
        text = " · ".join(
            f"{label('hasil', h, lang)} {fmt.percent(shares.get(h, 0) / n_res, lang, 0)}" for h in options("hasil")
        )
        out.append((dampak.RESULTS.name(lang), text, n_res))
    ben_sum, ben_median, ben_n = imp["ben"]
    if ben_n:
        out.append((dampak.BENEFICIARIES.name(lang), fmt.number(ben_sum, lang), ben_n))
        out.append((dampak.BENEFICIARIES_MEDIAN.name(lang), fmt.number(ben_median, lang), ben_n))
    for key, figure, money in (("time", dampak.SERVICE_TIME, False), ("cost", dampak.COST, True)):
        show = (lambda v: fmt.rupiah(v, lang)) if money else (lambda v: fmt.number(v, lang, 1))
        for r in imp[key].itertuples():
            unit = "" if money else f" {label('satuan_waktu', r.unit, lang)}"
            text = (
                f"{show(r.sebelum)} → {show(r.sesudah)}{unit}; "
                + t("perubahan median ")
                + f"{show(r.perubahan)} ({show(r.lo)} – {show(r.hi)})"
            )
            out.append((figure.name(lang), text, r.n))
    med, lo, hi = imp["ikm"]
    if imp["n_surveyed"]:
        text = t("perubahan median ") + (
            f"{fmt.number(med, lang, 1)} ({fmt.number(lo, lang, 1)} – {fmt.number(hi, lang, 1)})"
        )
        out.append((dampak.IKM.name(lang), text, imp["n_surveyed"]))
    times, surv, n_life, stopped = imp["survival"]
    if n_life:
        text = "; ".join(
            t(
                "{y} tahun: {percent_survival_at}",
                y=y,
                percent_survival_at=fmt.percent(_survival_at(times, surv, y), lang, 0),
            )
            for y in (1, 2, 3)
        ) + t(" ({number_stopped} berhenti)", number_stopped=fmt.number(stopped, lang))
        out.append((dampak.SURVIVAL.name(lang), text, n_life))
    shown = pd.DataFrame(out, columns=[t("Angka"), t("Nilai"), t("Inovasi (n)")])
    table(ctx, shown, f"profil_dampak_{where.kode}")


def facts(ctx: Ctx, where: pd.Series) -> None:
    """IID by year beside the cluster's median, and the region's awards (Perbandingan's published
    facts, ``wilayah.iid_years`` and ``wilayah.awards``, narrowed to the region)."""
    t, lang = ctx.t, ctx.lang
    iid = wilayah.iid_years(ctx.viewer, where.tingkat, None)
    own = iid[iid.kode == where.kode]
    if own.empty:
        st.subheader(wilayah.IID.name(lang))
        st.info(t("Belum ada skor IID wilayah ini."))
    else:
        band = iid.groupby("tahun").skor.median().rename("median_klaster")
        frame = own.set_index("tahun")[["skor", "predikat"]].join(band, how="left").reset_index()
        fig = go.Figure()
        fig.add_scatter(
            x=frame.tahun,
            y=frame.median_klaster,
            mode="lines+markers",
            marker={"symbol": "diamond-open"},
            line={"dash": "dash", "color": "#555"},
            name=t("Median klaster"),
        )
        fig.add_scatter(
            x=frame.tahun,
            y=frame.skor,
            mode="lines+markers+text",
            line={"color": charts.OKABE_ITO[5], "width": 3},
            text=[fmt.number(v, lang, 2) for v in frame.skor],
            textposition="top center",
            name=region_name(where, lang),
        )
        fig.update_xaxes(dtick=1, tickformat="d")
        fig.update_yaxes(range=[0, 100], title=t("Skor IID"))
        shown = pd.DataFrame(
            {
                t("Tahun"): frame.tahun.astype(str),
                t("Skor"): [fmt.number(v, lang, 2) for v in frame.skor],
                t("Predikat"): [label("predikat", p, lang) if isinstance(p, str) else "–" for p in frame.predikat],
                t("Median klaster"): [fmt.number(v, lang, 2) for v in frame.median_klaster],
            }
        )
        block(
            ctx,
            wilayah.IID.name(lang),
            wilayah.IID.definition(lang),
            fig,
            shown,
            f"profil_iid_{where.kode}",
            height=300,
        )
    st.subheader(wilayah.AWARDS.name(lang))
    awards = wilayah.awards(ctx.viewer, where.tingkat, where.kode_provinsi)
    awards = awards[awards.nama == where.nama]
    if awards.empty:
        st.info(t("Belum ada penghargaan tercatat untuk wilayah ini."))
        return
    closed = t("(tidak dipublikasikan)")
    shown = pd.DataFrame(
        {
            t("Tahun"): awards.tahun.astype(str),
            t("Ajang"): [label("ajang", a, lang) for a in awards.ajang],
            t("Capaian"): [label("capaian", c, lang) if isinstance(c, str) else "–" for c in awards.capaian],
            t("Kategori"): awards.kategori.fillna("–"),
            t("Inovasi"): [
                closed if shut else (n if isinstance(n, str) else "–")
                for n, shut in zip(awards.nama_inovasi, awards.tertutup, strict=True)
            ],
        }
    )
    table(ctx, shown, f"profil_penghargaan_{where.kode}")


def replications(ctx: Ctx, where: pd.Series) -> None:
    """The region's innovations other regions replicated, and those it replicated (``inovasi.replikasi_dari``)."""
    t = ctx.t
    copied, copies = q.replications(ctx, where.kode)
    st.subheader(t("Replikasi"))
    st.caption(
        t(
            "Dari kolom replikasi_dari laporan inovasi. Inovasi daerah lain hanya dinamai bila boleh Anda lihat atau terbuka untuk publik."
        )
    )
    closed = t("(tidak dipublikasikan)")
    left, right = pair()
    with left:
        st.markdown(t("**Inovasi wilayah ini yang ditiru daerah lain**"))
        if copied.empty:
            st.caption(t("Belum ada."))
        else:
            shown = pd.DataFrame(
                {
                    t("Inovasi wilayah ini"): copied.nama_inovasi,
                    t("Ditiru oleh"): copied.wilayah_lain.fillna(closed),
                    t("Sebagai"): copied.nama_lain.fillna(closed),
                }
            )
            table(ctx, shown, f"profil_ditiru_{where.kode}")
    with right:
        st.markdown(t("**Inovasi wilayah ini yang meniru daerah lain**"))
        if copies.empty:
            st.caption(t("Belum ada."))
        else:
            missing = t("(tidak ada dalam data)")
            shown = pd.DataFrame(
                {
                    t("Inovasi wilayah ini"): copies.nama_inovasi,
                    t("Meniru"): [
                        missing if gone else (n if isinstance(n, str) else closed)
                        for n, gone in zip(copies.nama_lain, copies.tidak_ada, strict=True)
                    ],
                    t("Dari wilayah"): [
                        "–" if gone else (w if isinstance(w, str) else closed)
                        for w, gone in zip(copies.wilayah_lain, copies.tidak_ada, strict=True)
                    ],
                }
            )
            table(ctx, shown, f"profil_meniru_{where.kode}")


def agencies(ctx: Ctx, where: pd.Series) -> None:
    t = ctx.t
    frame = wilayah.agencies(q.cohort(ctx), where.kode)
    if frame.empty:
        return
    st.subheader(t("Perangkat daerah di wilayah ini"))
    st.caption(t("Usulan, yang pernah diterapkan, dan yang masih berjalan sebelum penerapan."))
    shown = frame.rename(
        columns={
            "perangkat_daerah": t("Perangkat daerah"),
            "usulan": t("Usulan"),
            "diterapkan": t("Diterapkan"),
            "berjalan": t("Masih berjalan"),
        }
    )
    table(ctx, shown, f"profil_perangkat_{where.kode}")


def public_stages(ctx: Ctx, where: pd.Series) -> None:
    t, lang = ctx.t, ctx.lang
    figure = publik.MIXES["kelompok"]
    mix = publik.by_group(q.focus(ctx, where.kode).filters, "kelompok")
    mix["label"] = [label("kelompok", v, lang) for v in mix.nilai]
    count = t("Jumlah")
    block(
        ctx,
        figure.name(lang),
        figure.definition(lang),
        charts.hbar(mix, "label", "jumlah"),
        mix[["label", "jumlah"]].rename(columns={"label": figure.name(lang), "jumlah": count}),
        f"profil_publik_tahap_{where.kode}",
        height=260,
    )


def public_list(ctx: Ctx, where: pd.Series) -> None:
    """The region's public innovations (Transparansi's list, narrowed to the region)."""
    t, lang = ctx.t, ctx.lang
    rows, total = publik.rows(q.focus(ctx, where.kode).filters)
    st.subheader(t("Inovasi publik wilayah ini"))
    st.caption(publik.PUBLIC.definition(lang))
    if rows.empty:
        st.info(t("Belum ada inovasi publik."))
        return
    shown = pd.DataFrame(
        {
            t("Inovasi"): rows.nama_inovasi,
            t("Perangkat daerah"): rows.perangkat_daerah,
            t("Bentuk"): [label("bentuk", v, lang) for v in rows.bentuk],
            t("Jenis"): [label("jenis", v, lang) for v in rows.jenis],
            t("Tahun usulan"): rows.tahun_usulan.astype(str),
            t("Tahap"): [label("tahap", v, lang) for v in rows.tahap],
            t("Diterapkan"): [fmt.date(d, lang) for d in rows.tanggal_penerapan],
            t("Setelah penerapan"): [
                label("status_lanjut", v, lang) if isinstance(v, str) else "–" for v in rows.status_lanjut
            ],
        }
    )
    if total > len(shown):
        st.caption(
            t(
                "Menampilkan {number_len_shown} terbaru dari {number_total}.",
                number_len_shown=fmt.number(len(shown), lang),
                number_total=fmt.number(total, lang),
            )
        )
    table(ctx, shown, f"profil_publik_{where.kode}")
