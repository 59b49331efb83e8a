"""Sections on outreach events and what followed them: one region's (Ringkasan, Profil Wilayah) and
the national view by kind of event (Perbandingan Wilayah). Layout only: the numbers come from
``dasbor.queries.kegiatan`` and the statistics from ``dasbor.outreach``."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import access, charts, data, fmt, outreach, urlstate
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import kegiatan as q

# The sections read internal tables (kegiatan, penghargaan entries, every proposal): not the public's.
SIGNED_IN = (
    "Kegiatan pembinaan dan keikutsertaan dalam kompetisi tampil bagi pengguna yang sudah masuk.",
    "Outreach events and competition entries are shown to signed-in users.",
)


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
        parts.append(
            t(
                f"{int(row.lain)} kegiatan lain wilayah ini di jendela yang sama",
                f"{int(row.lain)} other event(s) of this region in the same window",
            )
        )
    return "; ".join(parts)


def _estimate_rows(ctx: Ctx, events: pd.DataFrame, with_region: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The events' estimates as shown (formatted for the reader) and as downloaded (plain numbers)."""
    t, lang = ctx.t, ctx.lang
    names = {
        "nama": t("Wilayah", "Region"),
        "tanggal": t("Tanggal", "Date"),
        "jenis": t("Jenis", "Kind"),
        "penyelenggara": t("Penyelenggara", "Organiser"),
        "jendela": t("Jendela", "Window"),
        "n": t("Usulan 12 bln sebelum → sesudah", "Proposals 12 mo before → after"),
        "wilayah": t("Per bulan: wilayah ini", "Per month: this region"),
        "pembanding": t("Per bulan: pembanding (rata-rata per wilayah)", "Per month: comparison (mean per region)"),
        "n_pembanding": t("Wilayah pembanding", "Comparison regions"),
        "did": t("Selisih dari selisih (usulan per bulan)", "Difference in differences (proposals per month)"),
        "ci": t("Interval 95%", "95% interval"),
        "catatan": t("Catatan", "Note"),
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
        **({names["nama"]: events.nama, t("Kode wilayah", "Region code"): events.kode_wilayah} if with_region else {}),
        names["tanggal"]: events.tanggal,
        names["jenis"]: kinds,
        names["penyelenggara"]: events.penyelenggara,
        t("Jendela dari", "Window from"): events.dari,
        t("Jendela sampai", "Window to"): events.sampai,
        t("Usulan 12 bulan sebelum", "Proposals 12 months before"): events.n_before,
        t("Usulan 12 bulan sesudah", "Proposals 12 months after"): events.n_after,
        t("Wilayah per bulan sebelum", "Region per month before"): events.region_before,
        t("Wilayah per bulan sesudah", "Region per month after"): events.region_after,
        t("Pembanding per bulan sebelum", "Comparison per month before"): events.comparison_before,
        t("Pembanding per bulan sesudah", "Comparison per month after"): events.comparison_after,
        names["n_pembanding"]: events.n_comparison,
        names["did"]: events.did,
        t("Interval 95% bawah", "95% interval low"): events.lo,
        t("Interval 95% atas", "95% interval high"): events.hi,
        t("Status", "Status"): [label("status_kegiatan", s, lang) for s in events.status],
        t("Kegiatan lain di jendela", "Other events in the window"): events.lain,
        t("Tren sendiri diteruskan, per bulan sesudah", "Own trend drawn on, per month after"): events.tren_sesudah,
    }
    return pd.DataFrame(shown), pd.DataFrame(csv)


def _sentence(ctx: Ctx, row, region_name: str) -> str:
    """One event's estimate in words, with its count, window and comparison group."""
    t, lang = ctx.t, ctx.lang
    level = label("tingkat", row.tingkat, lang).lower()
    window = f"{fmt.date(row.dari, lang)} – {fmt.date(row.sampai, lang)}"
    if row.status != outreach.COMPUTED:
        return t(
            f"**{label('status_kegiatan', row.status, lang)}.** {region_name}: {int(row.n_before)} usulan dalam 12 "
            f"bulan sebelum bulan kegiatan dan {int(row.n_after)} dalam 12 bulan sesudahnya (jendela {window}). "
            f"Perkiraan dibuat bila ada sedikitnya {outreach.MIN_PROPOSALS} usulan dalam 24 bulan itu, sedikitnya "
            f"{outreach.MIN_COMPARISON} wilayah pembanding, dan data mencakup seluruh jendela.",
            f"**{label('status_kegiatan', row.status, lang)}.** {region_name}: {int(row.n_before)} proposals in the "
            f"12 months before the event's month and {int(row.n_after)} in the 12 months after (window {window}). An "
            f"estimate is made with at least {outreach.MIN_PROPOSALS} proposals over those 24 months, at least "
            f"{outreach.MIN_COMPARISON} comparison regions, and data covering the whole window.",
        )
    more = row.did >= 0
    return t(
        f"Sesudah kegiatan ini, {region_name} mengirim {fmt.number(row.region_after, lang, 2)} usulan per bulan "
        f"(sebelumnya {fmt.number(row.region_before, lang, 2)}; {int(row.n_before)} → {int(row.n_after)} usulan, "
        f"jendela {window}). Di {fmt.number(row.n_comparison, lang)} {level} pembanding yang tidak mengadakan kegiatan, "
        f"rata-rata per wilayah berubah dari {fmt.number(row.comparison_before, lang, 3)} menjadi "
        f"{fmt.number(row.comparison_after, lang, 3)}. Selisih dari selisihnya: "
        f"**{fmt.number(abs(row.did), lang, 2)} usulan per bulan {'lebih banyak' if more else 'lebih sedikit'}** "
        f"(interval 95%: {_interval(row.lo, row.hi, lang)}). Tren wilayah itu sendiri pada 12 bulan sebelumnya, bila "
        f"diteruskan, meramalkan {fmt.number(max(0.0, row.tren_sesudah), lang, 2)} usulan per bulan sesudahnya. "
        "Ini asosiasi, bukan bukti bahwa kegiatan itu penyebabnya: "
        "hal lain yang terjadi di wilayah itu pada waktu yang sama (anggaran, pergantian pimpinan, tenggat IGA atau KIPP) "
        "juga bisa menjelaskannya.",
        f"After this event, {region_name} sent {fmt.number(row.region_after, lang, 2)} proposals per month (before: "
        f"{fmt.number(row.region_before, lang, 2)}; {int(row.n_before)} → {int(row.n_after)} proposals, window "
        f"{window}). In the comparison group, the {fmt.number(row.n_comparison, lang)} other regions of its cluster "
        f"({level}) that held no event, the mean per region went from {fmt.number(row.comparison_before, lang, 3)} to "
        f"{fmt.number(row.comparison_after, lang, 3)}. The difference in differences: "
        f"**{fmt.number(abs(row.did), lang, 2)} proposals per month {'more' if more else 'fewer'}** (95% interval: "
        f"{_interval(row.lo, row.hi, lang)}). The region's own trend over the 12 months before, drawn on, predicted "
        f"{fmt.number(max(0.0, row.tren_sesudah), lang, 2)} proposals per month after. "
        "This is an association, not proof that the event caused it: anything "
        "else that happened in the region at the time (budgets, a new head of region, an IGA or KIPP deadline) could "
        "explain it too.",
    )


def _monthly_chart(ctx: Ctx, code: str, row, region_name: str) -> None:
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
    for part, name in ((before, t("Rata-rata sebelum", "Mean before")), (after, t("Rata-rata sesudah", "Mean after"))):
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
        name=t("Pembanding: rata-rata per wilayah", "Comparison: mean per region"),
    )
    fig.add_scatter(
        x=months.bulan,
        y=months.tren,
        mode="lines",
        line={"color": "#555", "dash": "dot", "width": 1.5},
        name=t("Tren sebelum kegiatan, diteruskan", "Trend before the event, drawn on"),
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
                "text": t("kegiatan", "event"),
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.8)",
            }
        ],
        xaxis={"title": t("Bulan", "Month"), "tickformat": "%m/%Y"},
        yaxis={
            "title": t("Usulan per bulan", "Proposals per month"),
            "rangemode": "tozero",
            **({"dtick": 1} if months.wilayah.max() <= 10 else {}),
        },
        bargap=0.15,
    )
    fase = {
        "sebelum": t("sebelum", "before"),
        "kegiatan": t("bulan kegiatan (tidak dihitung)", "event's month (not counted)"),
        "sesudah": t("sesudah", "after"),
    }
    columns = {
        "bulan": t("Bulan", "Month"),
        "fase": t("Fase", "Phase"),
        "wilayah": region_name,
        "pembanding": t("Pembanding (rata-rata per wilayah)", "Comparison (mean per region)"),
        "tren": t("Tren sebelum kegiatan", "Trend before the event"),
    }
    shown = months.assign(
        bulan=[f"{b:%m/%Y}" for b in months.bulan],
        fase=months.fase.map(fase),
        wilayah=months.wilayah.astype(int),
        pembanding=[fmt.number(v, lang, 3) for v in months.pembanding],
        tren=[fmt.number(v, lang, 2) for v in months.tren],
    ).rename(columns=columns)
    charts.block(
        f"{q.MONTHLY.name(lang)}: {label('jenis_kegiatan', row.jenis, lang).lower()} {fmt.date(row.tanggal, lang)}",
        q.MONTHLY.definition(lang),
        fig,
        shown,
        f"kegiatan_bulanan_{code}_{q.event_key(row.tanggal, row.jenis)}",
        lang,
        height=380,
        full=lambda: months.assign(fase=months.fase.map(fase)).rename(columns=columns),
    )


def region_section(ctx: Ctx, code: str) -> None:
    """One region's outreach events, each with what followed it: the estimate against before and
    against the comparison group, and for the chosen event its months drawn (or, with too few
    proposals, the sentence saying so instead). A region's account sees only its own region here."""
    t, lang = ctx.t, ctx.lang
    st.header(t("Kegiatan pembinaan dan sesudahnya", "Outreach events and what followed"))
    if ctx.viewer.role == "publik":
        st.info(SIGNED_IN[0] if lang == "id" else SIGNED_IN[1])
        return
    if not access.sees(ctx.viewer, code):
        st.info(t("Wilayah ini di luar akses akun Anda.", "This region is outside your account's access."))
        return
    events = q.region_events(ctx, code)
    if events.empty:
        st.info(
            t(
                "Belum ada kegiatan pembinaan tercatat untuk wilayah ini. Muat tabel `kegiatan` (kode_wilayah, "
                "tanggal, jenis, penyelenggara, peserta, sasaran, keterangan).",
                "No outreach events are recorded for this region yet. Load the `kegiatan` table (kode_wilayah, "
                "tanggal, jenis, penyelenggara, peserta, sasaran, keterangan).",
            )
        )
        return
    region_name = str(events.nama.iloc[0])
    _why_not(ctx)
    st.subheader(q.EVENTS.name(lang))
    st.caption(q.EVENTS.definition(lang))
    listed = pd.DataFrame(
        {
            t("Tanggal", "Date"): [fmt.date(d, lang) for d in events.tanggal],
            t("Jenis", "Kind"): [label("jenis_kegiatan", j, lang) for j in events.jenis],
            t("Penyelenggara", "Organiser"): events.penyelenggara.fillna("–"),
            t("Peserta", "Participants"): [fmt.number(p, lang) for p in events.peserta],
            t("Sasaran", "Audience"): events.sasaran.fillna("–"),
            t("Keterangan", "Description"): events.keterangan.fillna("–"),
        }
    )
    charts.table_block(
        listed,
        f"kegiatan_{code}",
        lang,
        key=f"kegiatan_{code}",
        expanded=True,
        full=lambda: events[
            ["kode_wilayah", "nama", "tanggal", "jenis", "penyelenggara", "peserta", "sasaran", "keterangan"]
        ],
    )
    st.subheader(q.AFTER.name(lang))
    st.caption(q.AFTER.definition(lang))
    shown, csv = _estimate_rows(ctx, events, with_region=False)
    charts.table_block(
        shown, f"kegiatan_dampak_{code}", lang, key=f"kegiatan_dampak_{code}", expanded=True, full=lambda: csv
    )
    keys = [q.event_key(d, j) for d, j in zip(events.tanggal, events.jenis, strict=True)]
    by_key = dict(zip(keys, events.itertuples(), strict=True))
    computed = [k for k in keys if by_key[k].status == outreach.COMPUTED]
    chosen = urlstate.choice(
        "kegiatan",
        t("Kegiatan yang ditampilkan", "Event shown"),
        keys,
        default=(computed or keys)[0],  # the newest event with an estimate, else the newest
        format_func=lambda k: (
            f"{fmt.date(by_key[k].tanggal, lang)} · {label('jenis_kegiatan', by_key[k].jenis, lang)}"
            f" · {by_key[k].penyelenggara}"
        ),
    )
    row = by_key[chosen]
    if row.status == outreach.COMPUTED:
        st.markdown(_sentence(ctx, row, fmt.md(region_name)))
        _monthly_chart(ctx, code, row, region_name)
    else:
        st.info(_sentence(ctx, row, region_name))


def national_section(ctx: Ctx) -> None:
    """Across every event in the country: which kinds of outreach are followed by more proposals, with
    intervals (a national aggregate every signed-in role may see), and the events the viewer may see
    one by one (a region's account: its own)."""
    t, lang = ctx.t, ctx.lang
    st.header(t("Kegiatan pembinaan di seluruh Indonesia", "Outreach events across Indonesia"))
    if ctx.viewer.role == "publik":
        st.info(SIGNED_IN[0] if lang == "id" else SIGNED_IN[1])
        return
    kinds = q.by_kind()
    if kinds.kegiatan.sum() == 0:
        st.info(
            t(
                "Belum ada kegiatan pembinaan dalam data. Muat tabel `kegiatan`.",
                "There are no outreach events in the data yet. Load the `kegiatan` table.",
            )
        )
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
        name=t("Rata-rata dengan interval 95%", "Mean with 95% interval"),
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
        xaxis={"title": t("Usulan per bulan, selisih dari selisih", "Proposals per month, difference in differences")},
    )
    fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=list(kinds.label[::-1]))
    few = kinds[kinds.rata.isna()]
    note = (
        t(
            f" Tanpa titik (kurang dari {outreach.MIN_EVENTS} kegiatan yang dapat dihitung): "
            + ", ".join(few.label)
            + ".",
            f" No point (fewer than {outreach.MIN_EVENTS} computable events): " + ", ".join(few.label) + ".",
        )
        if len(few)
        else ""
    )
    names = {
        "label": t("Jenis kegiatan", "Kind of event"),
        "kegiatan": t("Kegiatan", "Events"),
        "dihitung": t("Dapat dihitung", "Computable"),
        "rata": t("Rata-rata (usulan per bulan)", "Mean (proposals per month)"),
        "ci": t("Interval 95%", "95% interval"),
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
            t("Interval 95% bawah", "95% interval low"): kinds.lo,
            t("Interval 95% atas", "95% interval high"): kinds.hi,
        }
    )
    charts.block(
        q.BY_KIND.name(lang),
        q.BY_KIND.definition(lang) + " " + t("Tiap kegiatan: ", "Each event: ") + q.AFTER.definition(lang) + note,
        fig,
        shown,
        "kegiatan_menurut_jenis",
        lang,
        height=320,
        full=lambda: csv,
    )
    events = q.visible_events(ctx)
    st.subheader(t("Kegiatan satu per satu", "Events one by one"))
    if ctx.viewer.role == "daerah":
        st.caption(
            t(
                "Akun daerah melihat kegiatan wilayahnya sendiri; kegiatan wilayah lain hanya masuk angka nasional di "
                "atas.",
                "A region's account sees its own region's events; other regions' events enter only the national "
                "figures above.",
            )
        )
    if events.empty:
        st.info(t("Tidak ada kegiatan yang dapat Anda lihat.", "There are no events you may see."))
        return
    shown, csv = _estimate_rows(ctx, events, with_region=True)
    charts.table_block(shown, "kegiatan_semua", lang, key="kegiatan_semua", full=lambda: csv)
