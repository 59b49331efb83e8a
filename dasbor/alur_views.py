"""Sections of Alur Tahapan: the cumulative flow diagram, time in each stage by agency or region, the
forecast of the pipeline with its backtest, and the innovations not updated."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, domain, fmt, forecast, urlstate
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import alur as q
from dasbor.queries import segar


def cfd(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    grain = urlstate.choice(
        "cfd",
        t("Satuan waktu diagram alir kumulatif", "Cumulative flow diagram by"),
        ("month", "week"),
        widget="radio",
        horizontal=True,
        format_func=lambda g: t("Bulan", "Month") if g == "month" else t("Minggu", "Week"),
    )
    frame = q.cfd(ctx, grain)
    if frame.empty:
        return
    fig = go.Figure()
    names = {code: label("tahap", code, lang) for code in domain.FLOW}
    names[q.EXITED] = t("Keluar (tidak layak / dihentikan)", "Left (not feasible / stopped)")
    # Stacked from the bottom: those that left, then the last stage up to the first, so each band
    # sits in its stage's own colour and the stack's top is every proposal that had arrived.
    for band in (q.EXITED, *reversed(domain.FLOW)):
        fig.add_scatter(
            x=frame.periode,
            y=frame[band],
            mode="lines",
            name=names[band],
            line={"width": 0.5, "color": charts.stage_colour(band)},
            fillcolor=charts.stage_colour(band),
            stackgroup="cfd",
        )
    fig.update_layout(legend={"traceorder": "reversed"})
    fig.update_yaxes(title=t("Inovasi (ditumpuk menurut tahap)", "Innovations (stacked by stage)"))
    fig.update_xaxes(tickformat="%b %Y" if lang == "en" else "%m/%Y")
    wide = frame.rename(columns=names)
    headers = {c: (names.get(c, c),) * 2 for c in frame.columns}  # already in the reader's language
    shown = fmt.table(frame, lang, {**headers, "periode": ("Periode", "Period")})
    charts.block(
        q.CFD.name(lang), q.CFD.definition(lang), fig, shown, f"cfd_{grain}", lang, height=440, full=lambda: wide
    )
    ctx.not_applied(q.COHORT_IGNORES, *q.COHORT_WHY)


def waits(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    st.subheader(q.WAITS.name(lang))
    left, right = st.columns(2)
    group = urlstate.choice(
        "menurut",
        t("Menurut", "By"),
        ("perangkat_daerah", "wilayah"),
        widget="radio",
        target=left,
        horizontal=True,
        format_func=lambda g: t("Perangkat daerah", "Agency") if g == "perangkat_daerah" else t("Wilayah", "Region"),
    )
    stage = urlstate.choice(
        "tunggu",
        t("Tahap", "Stage"),
        domain.OPEN,
        default="kajian",
        target=right,
        format_func=lambda s: label("tahap", s, lang),
    )
    frame = q.waits_by(ctx, group, stage)
    enough = frame[frame.n >= 5].head(25)
    if enough.empty:
        st.info(
            t(
                "Belum cukup perpindahan (minimal 5 per kelompok) untuk tahap ini.",
                "Not enough moves yet (at least 5 per group) for this stage.",
            )
        )
        return
    ordered = enough.sort_values("median")
    fig = go.Figure()
    fig.add_bar(
        x=ordered["median"],
        y=ordered.kelompok,
        orientation="h",
        name="Median",
        marker_color=charts.OKABE_ITO[0],
        text=[
            f"{fmt.number(m, lang)} (n={fmt.number(n, lang)})"
            for m, n in zip(ordered["median"], ordered.n, strict=True)
        ],
        textposition="auto",
    )
    fig.add_scatter(
        x=ordered.p85,
        y=ordered.kelompok,
        mode="markers",
        name=t("Persentil 85", "85th percentile"),
        marker={"symbol": "line-ns-open", "size": 16, "color": "#000", "line": {"width": 2}},
    )
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(title=t("Hari", "Days"))
    charts.block(
        t(
            f"Tunggu di tahap {label('tahap', stage, lang).lower()}",
            f"Waiting in {label('tahap', stage, lang).lower()}",
        ),
        q.WAITS.definition(lang),
        fig,
        frame,
        f"tunggu_{stage}_{group}",
        lang,
        height=max(320, 26 * len(ordered) + 90),
    )
    ctx.not_applied(q.COHORT_IGNORES, *q.COHORT_WHY)


SOURCES = {  # the kind of row an innovation was last reported in
    "inovasi": ("Usulan", "Proposal"),
    "tahapan": ("Tahapan", "Stage"),
    "evaluasi": ("Evaluasi", "Evaluation"),
    "penghargaan": ("Penghargaan", "Award"),
}
NOT_UPDATED_SHOWN = 200


def present_not_updated(frame: pd.DataFrame, ctx: Ctx) -> pd.DataFrame:
    t, lang = ctx.t, ctx.lang
    frame = frame.assign(
        tahap=frame.tahap.map(lambda s: label("tahap", s, lang)),
        terakhir=[fmt.date(d, lang) for d in pd.to_datetime(frame.terakhir)],
        sumber=frame.sumber.map(lambda s: SOURCES[s][0 if lang == "id" else 1]),
    )
    columns = {
        "nama_inovasi": t("Inovasi", "Innovation"),
        "tahap": t("Tahap", "Stage"),
        "terakhir": segar.LAST_REPORTED.name(lang),
        "hari": t(
            "Hari tanpa laporan (sampai tanggal data terbaru)", "Days without a report (to the data's latest date)"
        ),
        "sumber": t("Laporan terakhir berupa", "Last report was a"),
        "perangkat_daerah": t("Perangkat daerah", "Agency"),
        "wilayah": t("Wilayah", "Region"),
        "kode_inovasi": t("Kode", "Code"),
    }
    return frame[list(columns)].rename(columns=columns)


def _freshness_caption(ctx: Ctx, latest, since: bool) -> None:
    """The freshness figures' definitions and the data's latest date (and, with ``since``, the day
    before which a running record counts as not updated), under the list and the per-region table."""
    t, lang = ctx.t, ctx.lang
    when = f"{segar.LATEST.name(lang)}: {fmt.date(latest, lang)}"
    if since:
        before = fmt.date(segar.stale_before(latest), lang)
        when += t(f"; tanpa laporan sejak sebelum {before}", f"; no report since before {before}")
    st.caption(
        f"{segar.NOT_UPDATED.definition(lang)} {segar.LAST_REPORTED.definition(lang)} {when}.",
        help=segar.LATEST.definition(lang),
    )


def not_updated(ctx: Ctx) -> None:
    """The innovations in trial or implementation with no report for a year, in the viewer's own scope."""
    t, lang = ctx.t, ctx.lang
    latest = segar.latest_date()
    if latest is None:
        return
    rows, n, running = segar.not_updated(ctx.filters, ctx.viewer, latest, NOT_UPDATED_SHOWN)
    st.subheader(
        t(
            f"Tidak diperbarui: berjalan tetapi tanpa laporan {segar.STALE_MONTHS} bulan",
            f"Not updated: running but unreported for {segar.STALE_MONTHS} months",
        )
    )
    _freshness_caption(ctx, latest, since=True)
    c1, c2 = st.columns(2)
    c1.metric(segar.NOT_UPDATED.name(lang), fmt.number(n, lang), help=segar.NOT_UPDATED.definition(lang))
    c2.metric(
        t("Dari yang sedang uji coba atau penerapan", "Of those in trial or implementation"),
        fmt.percent(n / running, lang) if running else "–",
        help=t(
            f"{fmt.number(n, lang)} dari {fmt.number(running, lang)} inovasi yang tahap terkininya uji coba atau "
            "penerapan.",
            f"{fmt.number(n, lang)} of {fmt.number(running, lang)} innovations whose current stage is trial or "
            "implementation.",
        ),
    )
    if not n:
        st.success(
            t(
                f"Setiap inovasi yang sedang uji coba atau penerapan punya laporan dalam {segar.STALE_MONTHS} bulan "
                "terakhir.",
                f"Every innovation in trial or implementation has a report in the last {segar.STALE_MONTHS} months.",
            )
        )
        return
    shown = present_not_updated(rows, ctx)
    if n > len(shown):
        st.caption(
            t(
                f"Menampilkan {len(shown)} yang paling lama tanpa laporan dari {fmt.number(n, lang)}; CSV memuat "
                "semuanya.",
                f"Showing the {len(shown)} longest without a report of {fmt.number(n, lang)}; the CSV holds them all.",
            )
        )
    st.dataframe(shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
    charts.download(
        shown,
        "tidak_diperbarui",
        lang,
        "tidak_diperbarui",
        full=lambda: present_not_updated(segar.not_updated(ctx.filters, ctx.viewer, latest)[0], ctx),
    )


def _when_text(value, lang: str) -> str:
    if value is None:
        return "> 10 tahun" if lang == "id" else "> 10 years"
    return fmt.date(value, lang)


def _short(f: forecast.Forecast, ctx: Ctx) -> str:
    """Why a forecast is not drawn, in one sentence."""
    t, lang = ctx.t, ctx.lang
    if f.open == 0:
        return t("Tidak ada usulan terbuka: tidak ada yang diprakirakan.", "No open proposals: nothing to forecast.")
    h = f.history
    weeks, active = len(h.weekly), h.active
    return t(
        f"Riwayat terlalu pendek untuk prakiraan: {fmt.number(active, lang)} minggu dengan penyelesaian dalam "
        f"{fmt.number(weeks, lang)} minggu riwayat (perlu sekurang-kurangnya {forecast.MIN_ACTIVE_WEEKS} minggu "
        f"dengan penyelesaian dalam sekurang-kurangnya {forecast.MIN_SPAN_WEEKS} minggu). Dengan penyelesaian "
        "sesedikit ini, hasil undian hanya akan mengulang kebetulan.",
        f"The history is too short to forecast from: {fmt.number(active, lang)} {'week' if active == 1 else 'weeks'} "
        "with a finish in "
        f"{fmt.number(weeks, lang)} weeks of history (at least {forecast.MIN_ACTIVE_WEEKS} weeks with a finish in at "
        f"least {forecast.MIN_SPAN_WEEKS} weeks are needed). With so few finishes the draws would only repeat chance.",
    )


def _answers(target, f: forecast.Forecast, ctx: Ctx) -> None:
    """The three levels of both answers as cards, each row under its question."""
    t, lang = ctx.t, ctx.lang
    target.markdown(t(f"Sampai {fmt.date(f.end, lang)}, sekurang-kurangnya:", f"By {fmt.date(f.end, lang)}, at least:"))
    for col, p in zip(target.columns(len(forecast.LEVELS)), forecast.LEVELS, strict=True):
        col.metric(t(f"{p}% yakin", f"{p}% sure"), fmt.number(f.how_many[p], lang), help=q.HOW_MANY.definition(lang))
    # Dates are too wide for a card in half the page: one line, each level in bold.
    dates = " · ".join(
        f"{t(f'{p}% yakin', f'{p}% sure')}: **{fmt.md(_when_text(f.when[p], lang))}**" for p in forecast.LEVELS
    )
    target.markdown(
        t(
            f"Semua {fmt.number(f.open, lang)} sampai penerapan paling lambat: {dates}",
            f"All {fmt.number(f.open, lang)} reach implementation by: {dates}",
        ),
        help=q.WHEN.definition(lang),
    )


def _span(f: forecast.Forecast, ctx: Ctx) -> str:
    t, lang = ctx.t, ctx.lang
    made = f.cut - pd.Timedelta(days=1)
    return t(
        f"Dibuat pada {fmt.date(made, lang)} dari {fmt.number(len(f.history.weekly), lang)} minggu riwayat "
        f"(rata-rata {fmt.number(f.history.weekly.mean(), lang, 1)} per minggu); {fmt.number(f.open, lang)} usulan "
        f"terbuka; sampai {fmt.date(f.end, lang)}: {f.weeks} minggu dan {f.rest_days} hari.",
        f"Made on {fmt.date(made, lang)} from {fmt.number(len(f.history.weekly), lang)} weeks of history (mean "
        f"{fmt.number(f.history.weekly.mean(), lang, 1)} a week); {fmt.number(f.open, lang)} open proposals; to "
        f"{fmt.date(f.end, lang)}: {f.weeks} weeks and {f.rest_days} days.",
    )


def forecast_table(result: dict, ctx: Ctx) -> pd.DataFrame:
    """The forecast's figures as one table (the CSV): per level, today's answers, the backtest's and
    what happened."""
    t, lang = ctx.t, ctx.lang
    now, then, actual = result["now"], result["then"], result["actual"]
    rows = []
    for p in forecast.LEVELS:
        row = {t("Tingkat keyakinan", "Confidence"): f"{p}%"}
        row[t(f"Sampai {fmt.date(now.end, lang)}: sekurang-kurangnya", f"By {fmt.date(now.end, lang)}: at least")] = (
            now.how_many.get(p)
        )
        row[t("Semua usulan terbuka paling lambat", "All open proposals by")] = (
            _when_text(now.when[p], lang) if now.ready else None
        )
        row[
            t(
                f"Uji mundur: sampai {fmt.date(then.end, lang)} sekurang-kurangnya",
                f"Backtest: by {fmt.date(then.end, lang)} at least",
            )
        ] = then.how_many.get(p)
        row[t("Uji mundur: yang terjadi", "Backtest: what happened")] = actual["by_end"] if then.ready else None
        row[t("Uji mundur: terpenuhi", "Backtest: held")] = (
            (t("ya", "yes") if actual["by_end"] >= then.how_many[p] else t("tidak", "no")) if then.ready else None
        )
        row[t("Uji mundur: semua paling lambat", "Backtest: all by")] = (
            _when_text(then.when[p], lang) if then.ready else None
        )
        rows.append(row)
    return pd.DataFrame(rows)


def forecast_section(ctx: Ctx) -> None:
    """How many of today's open proposals reach penerapan by 31 December, and by when all of them do,
    beside the same forecast made a year earlier and what happened after it."""
    t, lang = ctx.t, ctx.lang
    result = q.forecasts(ctx)
    if result is None:
        return
    now, then, actual = result["now"], result["then"], result["actual"]
    st.subheader(
        t(
            f"Prakiraan: berapa usulan terbuka yang sampai penerapan sampai {fmt.date(now.end, lang)}, dan kapan semuanya",
            f"Forecast: how many open proposals reach implementation by {fmt.date(now.end, lang)}, and when all do",
        )
    )
    st.caption(q.HOW_MANY.definition(lang) + " " + q.WHEN.definition(lang), help=q.OPEN.definition(lang))
    left, right = st.columns(2)
    left.markdown(
        t(
            f"**Hari ini: {fmt.number(now.open, lang)} {q.OPEN.name(lang).lower()}**",
            f"**Today: {fmt.number(now.open, lang)} {q.OPEN.name(lang).lower()}**",
        )
    )
    if now.ready:
        left.caption(_span(now, ctx))
        _answers(left, now, ctx)
    else:
        left.info(_short(now, ctx))
    right.markdown(
        t(
            f"**{q.BACKTEST.name(lang)}: {fmt.number(then.open, lang)} usulan terbuka saat itu**",
            f"**{q.BACKTEST.name(lang)}: {fmt.number(then.open, lang)} proposals open then**",
        )
    )
    right.caption(q.BACKTEST.definition(lang))
    if then.ready:
        right.caption(_span(then, ctx))
        _answers(right, then, ctx)
        held = [p for p in forecast.LEVELS if actual["by_end"] >= then.how_many[p]]
        right.metric(
            t(
                f"Yang terjadi: sampai penerapan sampai {fmt.date(then.end, lang)}",
                f"What happened: by {fmt.date(then.end, lang)}",
            ),
            fmt.number(actual["by_end"], lang),
            help=q.BACKTEST.definition(lang),
        )
        levels = ", ".join(f"{p}%" for p in held)
        right.caption(
            (
                t(f"Prakiraan terpenuhi pada tingkat {levels}.", f"The forecast held at {levels}.")
                if held
                else t("Prakiraan tidak terpenuhi pada tingkat mana pun.", "The forecast held at no level.")
            )
            + " "
            + (
                t(
                    f"Semua {fmt.number(actual['open'], lang)} sampai penerapan pada {fmt.date(actual['all_on'], lang)}.",
                    f"All {fmt.number(actual['open'], lang)} reached implementation on "
                    f"{fmt.date(actual['all_on'], lang)}.",
                )
                if actual["all_on"]
                else t(
                    f"Belum semuanya: {fmt.number(actual['by_latest'], lang)} dari {fmt.number(actual['open'], lang)} "
                    f"sampai penerapan hingga {fmt.date(result['latest'], lang)}.",
                    f"Not all yet: {fmt.number(actual['by_latest'], lang)} of {fmt.number(actual['open'], lang)} "
                    f"reached implementation by {fmt.date(result['latest'], lang)}.",
                )
            )
        )
    else:
        right.info(_short(then, ctx))
    if now.ready or then.ready:
        fig = go.Figure()
        for f, name, colour in (
            (now, t(f"Hari ini → {fmt.date(now.end, lang)}", f"Today → {fmt.date(now.end, lang)}"), 0),
            (then, t(f"Setahun lalu → {fmt.date(then.end, lang)}", f"A year ago → {fmt.date(then.end, lang)}"), 1),
        ):
            if not f.ready:
                continue
            values, shares = forecast.distribution(f.totals)
            fig.add_bar(x=values, y=shares, name=name, marker_color=charts.OKABE_ITO[colour], opacity=0.75)
        if then.ready:
            fig.add_scatter(
                x=[actual["by_end"], actual["by_end"]],
                y=[0, 1],
                yaxis="y2",
                mode="lines",
                line={"color": "#000", "dash": "dash", "width": 2},
                name=t(
                    f"Yang terjadi setahun lalu: {fmt.number(actual['by_end'], lang)}",
                    f"What happened a year ago: {fmt.number(actual['by_end'], lang)}",
                ),
            )
        fig.update_layout(
            barmode="overlay",
            yaxis2={"overlaying": "y", "range": [0, 1], "visible": False},
        )
        fig.update_xaxes(title=t("Inovasi yang sampai penerapan", "Innovations reaching implementation"))
        fig.update_yaxes(title=t("Bagian percobaan", "Share of trials"), tickformat=".0%")
        charts.draw(fig, t("Prakiraan penerapan", "Implementation forecast"), lang, 340, key="chart_prakiraan")
        st.caption(
            t(
                f"Batang = bagian dari {fmt.number(forecast.TRIALS, lang)} percobaan yang berakhir pada jumlah itu; "
                "makin lebar sebarannya, makin kurang pasti. Garis putus = yang benar-benar terjadi pada uji mundur.",
                f"Bars = the share of the {fmt.number(forecast.TRIALS, lang)} trials ending at that number; the wider "
                "the spread, the less certain. Dashed line = what actually happened in the backtest.",
            )
        )
        charts.table_block(forecast_table(result, ctx), "prakiraan_penerapan", lang, key="prakiraan")
    ctx.not_applied(q.COHORT_IGNORES, *q.COHORT_WHY)


def freshness_by_region(ctx: Ctx, cluster: str) -> None:
    """Perbandingan Wilayah's freshness section: per region of the cluster the viewer may see, its last
    report and how many of its innovations in trial or implementation are not updated, beside the
    whole cluster's count (an aggregate). Shown here, beside the Alur list, so both read one query module."""
    t, lang = ctx.t, ctx.lang
    latest = segar.latest_date()
    if latest is None:
        return
    filters = ctx.filters.without(*segar.COMPARISON_IGNORES)
    frame = segar.per_region(filters, ctx.viewer, cluster, latest)
    total = segar.cluster_total(filters, cluster, latest)
    st.subheader(
        t(
            f"Kesegaran data: {segar.NOT_UPDATED.name(lang).lower()} per wilayah",
            f"Data freshness: {segar.NOT_UPDATED.name(lang).lower()} by region",
        )
    )
    _freshness_caption(ctx, latest, since=False)
    level = label("tingkat", cluster, lang).lower()
    share = fmt.percent(total.tidak_diperbarui / total.berjalan, lang) if total.berjalan else "–"
    st.markdown(
        t(
            f"Seluruh klaster {level}: **{fmt.number(total.tidak_diperbarui, lang)}** dari "
            f"{fmt.number(total.berjalan, lang)} inovasi yang sedang uji coba atau penerapan tidak diperbarui "
            f"({share}), di {fmt.number(total.wilayah_dengan, lang)} dari {fmt.number(total.wilayah, lang)} wilayah.",
            f"The whole {level} cluster: **{fmt.number(total.tidak_diperbarui, lang)}** of "
            f"{fmt.number(total.berjalan, lang)} innovations in trial or implementation not updated ({share}), in "
            f"{fmt.number(total.wilayah_dengan, lang)} of {fmt.number(total.wilayah, lang)} regions.",
        )
    )
    if frame.empty:
        return
    columns = {
        "nama": t("Wilayah", "Region"),
        "nama_provinsi": t("Provinsi", "Province"),
        "terakhir": segar.LAST_REPORTED.name(lang),
        "berjalan": t("Uji coba atau penerapan", "In trial or implementation"),
        "tidak_diperbarui": segar.NOT_UPDATED.name(lang),
        "bagian": t("Bagian tidak diperbarui", "Share not updated"),
    }
    out = frame.assign(
        terakhir=[fmt.date(d, lang) for d in pd.to_datetime(frame.terakhir)],
        bagian=[
            fmt.percent(k / n, lang) if n else "–" for k, n in zip(frame.tidak_diperbarui, frame.berjalan, strict=True)
        ],
    )[list(columns)].rename(columns=columns)
    st.dataframe(out, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(out)))
    charts.download(out, f"tidak_diperbarui_{cluster}", lang, "tidak_diperbarui_wilayah")
    ctx.not_applied(segar.COMPARISON_IGNORES, *segar.COMPARISON_WHY)
