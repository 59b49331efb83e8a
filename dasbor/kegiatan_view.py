"""Sections on outreach events and what followed them: one region's (Ringkasan, Profil Wilayah) and
the national view by kind of event (Perbandingan Wilayah). Layout only: the numbers come from
``dasbor.queries.kegiatan`` and the statistics from ``dasbor.outreach``."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import access, charts, data, fmt, i18n, outreach
from dasbor.frame import Ctx
from dasbor.i18n import N_, label
from dasbor.profil_views import block, choice, table_block
from dasbor.queries import kegiatan as q

# The sections read internal tables (kegiatan, penghargaan entries, every proposal): not the public's.
SIGNED_IN = N_("Kegiatan pembinaan dan keikutsertaan dalam kompetisi tampil bagi pengguna yang sudah masuk.")


def region_in_view(ctx: Ctx) -> str | None:
    """The one region a page is about, if any: the region filter (when the viewer may see it), else a
    region account's only region."""
    if ctx.filters.wilayah and access.sees(ctx.viewer, ctx.filters.wilayah):
        return ctx.filters.wilayah
    if ctx.viewer.role == "daerah" and len(ctx.viewer.wilayah) == 1 and not ctx.filters.wilayah:
        return ctx.viewer.wilayah[0]
    return None


def _why_not(ctx: Ctx) -> None:
    ctx.not_applied(
        q.IGNORES,
        "perkiraan sesudah kegiatan menghitung semua usulan wilayah itu, apa pun tahun, sumber, bentuk, jenis, urusan "
        "atau tahapnya, karena kegiatan itu ditujukan bagi semuanya; pembandingnya seluruh klaster.",
        "the estimate after an event counts every proposal of the region, whatever its year, source, form, type, "
        "affair or stage, because the event was aimed at all of them; the comparison is the whole cluster.",
    )


def _num(value, lang: str, digits: int = 2) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else fmt.number(value, lang, digits)


def _interval(lo, hi, lang: str) -> str:
    return "–" if pd.isna(lo) else f"{fmt.number(lo, lang, 2)} – {fmt.number(hi, lang, 2)}"


def _note(ctx: Ctx, row) -> str:
    """Why there is no estimate, and any other event of the region in the window."""
    t = ctx.t
    parts = [] if row.status == outreach.COMPUTED else [label("status_kegiatan", row.status, ctx.lang)]
    if isinstance(row.lain, (int, float)) and row.lain > 0:
        parts.append(t("{int_lain} kegiatan lain wilayah ini di jendela yang sama", int_lain=int(row.lain)))
    return "; ".join(parts)


def _estimate_rows(ctx: Ctx, events: pd.DataFrame, with_region: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The events' estimates as shown (formatted for the reader) and as downloaded (plain numbers)."""
    t, lang = ctx.t, ctx.lang
    names = {
        "nama": t("Wilayah"),
        "tanggal": t("Tanggal"),
        "jenis": t.tc("kegiatan", "Jenis"),
        "penyelenggara": t("Penyelenggara"),
        "jendela": t("Jendela"),
        "n": t("Usulan 12 bln sebelum → sesudah"),
        "wilayah": t("Per bulan: wilayah ini"),
        "pembanding": t("Per bulan: pembanding (rata-rata per wilayah)"),
        "n_pembanding": t("Wilayah pembanding"),
        "did": t("Selisih dari selisih (usulan per bulan)"),
        "ci": t("Interval 95%"),
        "catatan": t("Catatan"),
    }
    kinds = [label("jenis_kegiatan", j, lang) for j in events.jenis]
    shown = {
        **({names["nama"]: events.nama} if with_region else {}),
        names["tanggal"]: [fmt.date(d, lang) for d in events.tanggal],
        names["jenis"]: kinds,
        names["did"]: [_num(v, lang) for v in events.did],
        names["ci"]: [_interval(lo, hi, lang) for lo, hi in zip(events.lo, events.hi, strict=True)],
        names["catatan"]: [_note(ctx, r) for r in events.itertuples()],
        names["n"]: [f"{int(a)} → {int(b)}" for a, b in zip(events.n_before, events.n_after, strict=True)],
        names["wilayah"]: [
            f"{_num(a, lang)} → {_num(b, lang)}" for a, b in zip(events.region_before, events.region_after, strict=True)
        ],
        names["pembanding"]: [
            f"{_num(a, lang, 3)} → {_num(b, lang, 3)}"
            for a, b in zip(events.comparison_before, events.comparison_after, strict=True)
        ],
        names["n_pembanding"]: [fmt.number(n, lang) if n and n > 0 else "–" for n in events.n_comparison],
        names["jendela"]: [
            f"{fmt.date(a, lang)} – {fmt.date(b, lang)}" if not pd.isna(a) else "–"
            for a, b in zip(events.dari, events.sampai, strict=True)
        ],
        names["penyelenggara"]: events.penyelenggara.fillna("–"),
    }
    csv = {
        **({names["nama"]: events.nama, t("Kode wilayah"): events.kode_wilayah} if with_region else {}),
        names["tanggal"]: events.tanggal,
        names["jenis"]: kinds,
        names["penyelenggara"]: events.penyelenggara,
        t("Jendela dari"): events.dari,
        t("Jendela sampai"): events.sampai,
        t("Usulan 12 bulan sebelum"): events.n_before,
        t("Usulan 12 bulan sesudah"): events.n_after,
        t("Wilayah per bulan sebelum"): events.region_before,
        t("Wilayah per bulan sesudah"): events.region_after,
        t("Pembanding per bulan sebelum"): events.comparison_before,
        t("Pembanding per bulan sesudah"): events.comparison_after,
        names["n_pembanding"]: events.n_comparison,
        names["did"]: events.did,
        t("Interval 95% bawah"): events.lo,
        t("Interval 95% atas"): events.hi,
        t("Status"): [label("status_kegiatan", s, lang) for s in events.status],
        t("Kegiatan lain di jendela"): events.lain,
        t("Tren sendiri diteruskan, per bulan sesudah"): events.tren_sesudah,
    }
    return pd.DataFrame(shown), pd.DataFrame(csv)


def _sentence(ctx: Ctx, row, region_name: str) -> str:
    """One event's estimate in words, with its count, window and comparison group."""
    t, lang = ctx.t, ctx.lang
    level = label("tingkat", row.tingkat, lang).lower()
    window = f"{fmt.date(row.dari, lang)} – {fmt.date(row.sampai, lang)}"
    if row.status != outreach.COMPUTED:
        return t(
            "**{label_status_kegiata}.** {region_name}: {int_n_before} usulan dalam 12 bulan sebelum bulan kegiatan dan {int_n_after} dalam 12 bulan sesudahnya (jendela {window}). Perkiraan dibuat bila ada sedikitnya {min_proposals} usulan dalam 24 bulan itu, sedikitnya {min_comparison} wilayah pembanding, dan data mencakup seluruh jendela.",
            label_status_kegiata=label("status_kegiatan", row.status, lang),
            region_name=region_name,
            int_n_before=int(row.n_before),
            int_n_after=int(row.n_after),
            window=window,
            min_proposals=outreach.MIN_PROPOSALS,
            min_comparison=outreach.MIN_COMPARISON,
        )
    more = row.did >= 0
    return t(
        "Sesudah kegiatan ini, {region_name} mengirim {number_region_after} usulan per bulan (sebelumnya {number_region_before}; {int_n_before} → {int_n_after} usulan, jendela {window}). Di {number_n_comparison} {level} pembanding yang tidak mengadakan kegiatan, rata-rata per wilayah berubah dari {number_comparison_be} menjadi {number_comparison_af}. Selisih dari selisihnya: **{number_abs_did} usulan per bulan {direction}** (interval 95%: {interval_lo}). Tren wilayah itu sendiri pada 12 bulan sebelumnya, bila diteruskan, meramalkan {number_max_v_0_0} usulan per bulan sesudahnya. Ini asosiasi, bukan bukti bahwa kegiatan itu penyebabnya: hal lain yang terjadi di wilayah itu pada waktu yang sama (anggaran, pergantian pimpinan, tenggat IGA atau KIPP) juga bisa menjelaskannya.",
        region_name=region_name,
        number_region_after=fmt.number(row.region_after, lang, 2),
        number_region_before=fmt.number(row.region_before, lang, 2),
        int_n_before=int(row.n_before),
        int_n_after=int(row.n_after),
        window=window,
        number_n_comparison=fmt.number(row.n_comparison, lang),
        level=level,
        number_comparison_be=fmt.number(row.comparison_before, lang, 3),
        number_comparison_af=fmt.number(row.comparison_after, lang, 3),
        number_abs_did=fmt.number(abs(row.did), lang, 2),
        direction=t("lebih banyak") if more else t("lebih sedikit"),
        interval_lo=_interval(row.lo, row.hi, lang),
        number_max_v_0_0=fmt.number(max(0.0, row.tren_sesudah), lang, 2),
    )


def _monthly_chart(ctx: Ctx, code: str, row, region_name: str, paper: bool = False) -> None:
    t, lang = ctx.t, ctx.lang
    months = q.series(str(data.snapshot()), code, row.tanggal)
    before, after = months[months.fase == "sebelum"], months[months.fase == "sesudah"]
    fig = go.Figure()
    fig.add_bar(
        x=months.bulan,
        y=months.wilayah,
        name=region_name,
        marker_color=[charts.OKABE_ITO[4] if f == "sebelum" else charts.OKABE_ITO[0] for f in months.fase],
        marker_pattern_shape=["" if f == "sebelum" else "/" for f in months.fase],
    )
    for part, name in ((before, t("Rata-rata sebelum")), (after, t("Rata-rata sesudah"))):
        mean = float(part.wilayah.mean())
        fig.add_scatter(
            x=[part.bulan.iloc[0], part.bulan.iloc[-1]],
            y=[mean, mean],
            mode="lines",
            line={"color": "#000", "width": 3},
            name=f"{name}: {fmt.number(mean, lang, 2)}",
        )
    fig.add_scatter(
        x=months.bulan,
        y=months.pembanding,
        mode="lines",
        line={"color": charts.OKABE_ITO[5], "dash": "dash", "width": 2},
        name=t("Pembanding: rata-rata per wilayah"),
    )
    fig.add_scatter(
        x=months.bulan,
        y=months.tren,
        mode="lines",
        line={"color": "#555", "dash": "dot", "width": 1.5},
        name=t("Tren sebelum kegiatan, diteruskan"),
    )
    event_month = months.bulan[months.fase == "kegiatan"].iloc[0]
    fig.update_layout(
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "x0": event_month,
                "x1": event_month,
                "yref": "y domain",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#000", "width": 1, "dash": "dot"},
            }
        ],
        annotations=[
            {
                "x": event_month,
                "y": 1,
                "yref": "y domain",
                "text": t("kegiatan"),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        ],
        xaxis={"title": t("Bulan"), "tickformat": "%m/%Y"},
        yaxis={
            "title": t("Usulan per bulan"),
            "rangemode": "tozero",
            **({"dtick": 1} if months.wilayah.max() <= 10 else {}),
        },
        bargap=0.15,
    )
    fase = {
        "sebelum": t("sebelum"),
        "kegiatan": t("bulan kegiatan (tidak dihitung)"),
        "sesudah": t("sesudah"),
    }
    columns = {
        "bulan": t("Bulan"),
        "fase": t("Fase"),
        "wilayah": region_name,
        "pembanding": t("Pembanding (rata-rata per wilayah)"),
        "tren": t("Tren sebelum kegiatan"),
    }
    shown = months.assign(
        bulan=[f"{b:%m/%Y}" for b in months.bulan],
        fase=months.fase.map(fase),
        wilayah=months.wilayah.astype(int),
        pembanding=[fmt.number(v, lang, 3) for v in months.pembanding],
        tren=[fmt.number(v, lang, 2) for v in months.tren],
    ).rename(columns=columns)
    block(
        ctx,
        f"{q.MONTHLY.name(lang)}: {label('jenis_kegiatan', row.jenis, lang).lower()} {fmt.date(row.tanggal, lang)}",
        q.MONTHLY.definition(lang),
        fig,
        shown,
        f"kegiatan_bulanan_{code}_{q.event_key(row.tanggal, row.jenis)}",
        paper=paper,
        height=380,
        full=lambda: months.assign(fase=months.fase.map(fase)).rename(columns=columns),
    )


def region_section(ctx: Ctx, code: str, paper: bool = False) -> None:
    """One region's outreach events, each with what followed it: the estimate against before and
    against the comparison group, and for the chosen event its months drawn (or, with too few
    proposals, the sentence saying so instead). A region's account sees only its own region here.
    ``paper``: for a print document, no widget (the chosen event as text, every table whole)."""
    t, lang = ctx.t, ctx.lang
    st.header(t("Kegiatan pembinaan dan sesudahnya"))
    if ctx.viewer.role == "publik":
        st.info(i18n.tr(lang, SIGNED_IN))
        return
    if not access.sees(ctx.viewer, code):
        st.info(t("Wilayah ini di luar akses akun Anda."))
        return
    events = q.region_events(ctx, code)
    if events.empty:
        st.info(
            t(
                "Belum ada kegiatan pembinaan tercatat untuk wilayah ini. Muat tabel `kegiatan` (kode_wilayah, tanggal, jenis, penyelenggara, peserta, sasaran, keterangan)."
            )
        )
        return
    region_name = str(events.nama.iloc[0])
    _why_not(ctx)
    st.subheader(q.EVENTS.name(lang))
    st.caption(q.EVENTS.definition(lang))
    listed = pd.DataFrame(
        {
            t("Tanggal"): [fmt.date(d, lang) for d in events.tanggal],
            t.tc("kegiatan", "Jenis"): [label("jenis_kegiatan", j, lang) for j in events.jenis],
            t("Penyelenggara"): events.penyelenggara.fillna("–"),
            t("Peserta"): [fmt.number(p, lang) for p in events.peserta],
            t("Sasaran"): events.sasaran.fillna("–"),
            t.tc("kegiatan", "Keterangan"): events.keterangan.fillna("–"),
        }
    )
    table_block(
        ctx,
        listed,
        f"kegiatan_{code}",
        paper,
        full=lambda: events[
            ["kode_wilayah", "nama", "tanggal", "jenis", "penyelenggara", "peserta", "sasaran", "keterangan"]
        ],
    )
    st.subheader(q.AFTER.name(lang))
    st.caption(q.AFTER.definition(lang))
    shown, csv = _estimate_rows(ctx, events, with_region=False)
    if paper:  # eleven columns do not fit a sheet: the estimates first, then their counts and window
        columns = list(shown.columns)
        table_block(ctx, shown[columns[:6]], f"kegiatan_dampak_{code}", paper)
        table_block(ctx, shown[columns[:2] + columns[6:]], f"kegiatan_dampak_{code}", paper)
    else:
        table_block(ctx, shown, f"kegiatan_dampak_{code}", paper, full=lambda: csv)
    keys = [q.event_key(d, j) for d, j in zip(events.tanggal, events.jenis, strict=True)]
    by_key = dict(zip(keys, events.itertuples(), strict=True))
    computed = [k for k in keys if by_key[k].status == outreach.COMPUTED]
    default = (computed or keys)[0]  # the newest event with an estimate, else the newest

    def named(k: str) -> str:
        e = by_key[k]
        return f"{fmt.date(e.tanggal, lang)} · {label('jenis_kegiatan', e.jenis, lang)} · {e.penyelenggara}"

    chosen = choice("kegiatan", t("Kegiatan yang ditampilkan"), keys, default, named, paper)
    row = by_key[chosen]
    if row.status == outreach.COMPUTED:
        st.markdown(_sentence(ctx, row, fmt.md(region_name)))
        _monthly_chart(ctx, code, row, region_name, paper)
    else:
        st.info(_sentence(ctx, row, region_name))


def national_section(ctx: Ctx) -> None:
    """Across every event in the country: which kinds of outreach are followed by more proposals, with
    intervals (a national aggregate every signed-in role may see), and the events the viewer may see
    one by one (a region's account: its own)."""
    t, lang = ctx.t, ctx.lang
    st.header(t("Kegiatan pembinaan di seluruh Indonesia"))
    if ctx.viewer.role == "publik":
        st.info(i18n.tr(lang, SIGNED_IN))
        return
    kinds = q.by_kind()
    if kinds.kegiatan.sum() == 0:
        st.info(t("Belum ada kegiatan pembinaan dalam data. Muat tabel `kegiatan`."))
        return
    ctx.not_applied(
        (*q.IGNORES, "provinsi", "wilayah"),
        "perbandingan jenis kegiatan memuat semua kegiatan di seluruh Indonesia, dan tiap perkiraan menghitung semua "
        "usulan wilayahnya.",
        "the comparison of kinds of event holds every event in Indonesia, and each estimate counts every proposal of "
        "its region.",
    )
    kinds["label"] = [label("jenis_kegiatan", j, lang) for j in kinds.jenis]
    drawn = kinds[kinds.rata.notna()]
    fig = go.Figure()
    fig.add_scatter(
        x=drawn.rata,
        y=drawn.label,
        mode="markers+text",
        text=[f"n = {fmt.number(d, lang)}" for d in drawn.dihitung],
        textposition="top center",
        marker={"symbol": "diamond", "size": 12, "color": charts.OKABE_ITO[0]},
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (drawn.hi - drawn.rata).tolist(),
            "arrayminus": (drawn.rata - drawn.lo).tolist(),
            "color": "#555",
            "thickness": 2,
        },
        name=t("Rata-rata dengan interval 95%"),
        customdata=[
            f"n = {fmt.number(d, lang)} / {fmt.number(k, lang)}"
            for d, k in zip(drawn.dihitung, drawn.kegiatan, strict=True)
        ],
        hovertemplate="%{y}: %{x:.2f} (%{customdata})<extra></extra>",
    )
    fig.update_layout(
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "x0": 0,
                "x1": 0,
                "yref": "y domain",
                "y0": 0,
                "y1": 1,
                "line": {"color": "#000", "width": 1},
            }
        ],
        xaxis={"title": t("Usulan per bulan, selisih dari selisih")},
    )
    fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=list(kinds.label[::-1]))
    few = kinds[kinds.rata.isna()]
    note = (
        t(
            " Tanpa titik (kurang dari {n} kegiatan yang dapat dihitung): {kinds}.",
            n=outreach.MIN_EVENTS,
            kinds=", ".join(few.label),
        )
        if len(few)
        else ""
    )
    names = {
        "label": t("Jenis kegiatan"),
        "kegiatan": t("Kegiatan"),
        "dihitung": t("Dapat dihitung"),
        "rata": t("Rata-rata (usulan per bulan)"),
        "ci": t("Interval 95%"),
    }
    shown = pd.DataFrame(
        {
            names["label"]: kinds.label,
            names["kegiatan"]: kinds.kegiatan.astype(int),
            names["dihitung"]: kinds.dihitung.astype(int),
            names["rata"]: [_num(v, lang) for v in kinds.rata],
            names["ci"]: [_interval(lo, hi, lang) for lo, hi in zip(kinds.lo, kinds.hi, strict=True)],
        }
    )
    csv = pd.DataFrame(
        {
            names["label"]: kinds.label,
            names["kegiatan"]: kinds.kegiatan,
            names["dihitung"]: kinds.dihitung,
            names["rata"]: kinds.rata,
            t("Interval 95% bawah"): kinds.lo,
            t("Interval 95% atas"): kinds.hi,
        }
    )
    charts.block(
        q.BY_KIND.name(lang),
        q.BY_KIND.definition(lang) + " " + t("Tiap kegiatan: ") + q.AFTER.definition(lang) + note,
        fig,
        shown,
        "kegiatan_menurut_jenis",
        lang,
        height=320,
        full=lambda: csv,
    )
    events = q.visible_events(ctx)
    st.subheader(t("Kegiatan satu per satu"))
    if ctx.viewer.role == "daerah":
        st.caption(
            t(
                "Akun daerah melihat kegiatan wilayahnya sendiri; kegiatan wilayah lain hanya masuk angka nasional di atas."
            )
        )
    if events.empty:
        st.info(t("Tidak ada kegiatan yang dapat Anda lihat."))
        return
    shown, csv = _estimate_rows(ctx, events, with_region=True)
    charts.table_block(shown, "kegiatan_semua", lang, key="kegiatan_semua", full=lambda: csv)
