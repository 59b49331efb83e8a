"""Sections of Alur Tahapan: the cumulative flow diagram, time in each stage by agency or region, the
forecast of the pipeline with its backtest, and the innovations not updated."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, domain, fmt, forecast, i18n, urlstate
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import alur as q
from dasbor.queries import segar


def cfd(ctx: Ctx) -> None:
    t, lang = ctx.t, ctx.lang
    grain = urlstate.choice(
        "cfd",
        t("Satuan waktu diagram alir kumulatif"),
        ("month", "week"),
        widget="radio",
        horizontal=True,
        format_func=lambda g: t("Bulan") if g == "month" else t("Minggu"),
    )
    frame = q.cfd(ctx, grain)
    if frame.empty:
        return
    fig = go.Figure()
    names = {code: label("tahap", code, lang) for code in domain.FLOW}
    names[q.EXITED] = t("Keluar (tidak layak / dihentikan)")
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
    fig.update_yaxes(title=t("Inovasi (ditumpuk menurut tahap)"))
    fig.update_xaxes(tickformat=i18n.tr(lang, "%m/%Y"))
    wide = frame.rename(columns=names)
    shown = fmt.table(frame, lang, {**{c: names.get(c, c) for c in frame.columns}, "periode": t("Periode")})
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
        t("Menurut"),
        ("perangkat_daerah", "wilayah"),
        widget="radio",
        target=left,
        horizontal=True,
        format_func=lambda g: t("Perangkat daerah") if g == "perangkat_daerah" else t("Wilayah"),
    )
    stage = urlstate.choice(
        "tunggu",
        t("Tahap"),
        domain.OPEN,
        default="kajian",
        target=right,
        format_func=lambda s: label("tahap", s, lang),
    )
    frame = q.waits_by(ctx, group, stage)
    enough = frame[frame.n >= 5].head(25)
    if enough.empty:
        st.info(t("Belum cukup perpindahan (minimal 5 per kelompok) untuk tahap ini."))
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
        name=t("Persentil 85"),
        marker={"symbol": "line-ns-open", "size": 16, "color": "#000", "line": {"width": 2}},
    )
    fig.update_yaxes(automargin=True)
    fig.update_xaxes(title=t("Hari"))
    charts.block(
        t("Tunggu di tahap {lower}", lower=label("tahap", stage, lang).lower()),
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
        "nama_inovasi": t("Inovasi"),
        "tahap": t("Tahap"),
        "terakhir": segar.LAST_REPORTED.name(lang),
        "hari": t("Hari tanpa laporan (sampai tanggal data terbaru)"),
        "sumber": t("Laporan terakhir berupa"),
        "perangkat_daerah": t("Perangkat daerah"),
        "wilayah": t("Wilayah"),
        "kode_inovasi": t("Kode"),
    }
    return frame[list(columns)].rename(columns=columns)


def _freshness_caption(ctx: Ctx, latest, since: bool) -> None:
    """The freshness figures' definitions and the data's latest date (and, with ``since``, the day
    before which a running record counts as not updated), under the list and the per-region table."""
    t, lang = ctx.t, ctx.lang
    when = f"{segar.LATEST.name(lang)}: {fmt.date(latest, lang)}"
    if since:
        before = fmt.date(segar.stale_before(latest), lang)
        when += t("; tanpa laporan sejak sebelum {before}", before=before)
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
        t("Tidak diperbarui: berjalan tetapi tanpa laporan {stale_months} bulan", stale_months=segar.STALE_MONTHS)
    )
    _freshness_caption(ctx, latest, since=True)
    c1, c2 = st.columns(2)
    c1.metric(segar.NOT_UPDATED.name(lang), fmt.number(n, lang), help=segar.NOT_UPDATED.definition(lang))
    c2.metric(
        t("Dari yang sedang uji coba atau penerapan"),
        fmt.percent(n / running, lang) if running else "–",
        help=t(
            "{number_n} dari {number_running} inovasi yang tahap terkininya uji coba atau penerapan.",
            number_n=fmt.number(n, lang),
            number_running=fmt.number(running, lang),
        ),
    )
    if not n:
        st.success(
            t(
                "Setiap inovasi yang sedang uji coba atau penerapan punya laporan dalam {stale_months} bulan terakhir.",
                stale_months=segar.STALE_MONTHS,
            )
        )
        return
    shown = present_not_updated(rows, ctx)
    if n > len(shown):
        st.caption(
            t(
                "Menampilkan {len_shown} yang paling lama tanpa laporan dari {number_n}; CSV memuat semuanya.",
                len_shown=len(shown),
                number_n=fmt.number(n, lang),
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
        return i18n.tr(lang, "> 10 tahun")
    return fmt.date(value, lang)


def _short(f: forecast.Forecast, ctx: Ctx) -> str:
    """Why a forecast is not drawn, in one sentence."""
    t, lang = ctx.t, ctx.lang
    if f.open == 0:
        return t("Tidak ada usulan terbuka: tidak ada yang diprakirakan.")
    h = f.history
    weeks, active = len(h.weekly), h.active
    return t(
        "Riwayat terlalu pendek untuk prakiraan: {number_active} minggu dengan penyelesaian dalam {number_weeks} minggu riwayat (perlu sekurang-kurangnya {min_active_weeks} minggu dengan penyelesaian dalam sekurang-kurangnya {min_span_weeks} minggu). Dengan penyelesaian sesedikit ini, hasil undian hanya akan mengulang kebetulan.",
        number_active=fmt.number(active, lang),
        number_weeks=fmt.number(weeks, lang),
        min_active_weeks=forecast.MIN_ACTIVE_WEEKS,
        min_span_weeks=forecast.MIN_SPAN_WEEKS,
    )


def _answers(target, f: forecast.Forecast, ctx: Ctx) -> None:
    """The three levels of both answers as cards, each row under its question."""
    t, lang = ctx.t, ctx.lang
    target.markdown(t("Sampai {date_end}, sekurang-kurangnya:", date_end=fmt.date(f.end, lang)))
    for col, p in zip(target.columns(len(forecast.LEVELS)), forecast.LEVELS, strict=True):
        col.metric(t("{p}% yakin", p=p), fmt.number(f.how_many[p], lang), help=q.HOW_MANY.definition(lang))
    # Dates are too wide for a card in half the page: one line, each level in bold.
    sure = {p: t("{p}% yakin", p=p) for p in forecast.LEVELS}
    dates = " · ".join(f"{sure[p]}: **{fmt.md(_when_text(f.when[p], lang))}**" for p in forecast.LEVELS)
    target.markdown(
        t(
            "Semua {number_open} sampai penerapan paling lambat: {dates}",
            number_open=fmt.number(f.open, lang),
            dates=dates,
        ),
        help=q.WHEN.definition(lang),
    )


def _span(f: forecast.Forecast, ctx: Ctx) -> str:
    t, lang = ctx.t, ctx.lang
    made = f.cut - pd.Timedelta(days=1)
    return t(
        "Dibuat pada {date_made} dari {number_len_weekly} minggu riwayat (rata-rata {number_mean} per minggu); {number_open} usulan terbuka; sampai {date_end}: {weeks} minggu dan {rest_days} hari.",
        date_made=fmt.date(made, lang),
        number_len_weekly=fmt.number(len(f.history.weekly), lang),
        number_mean=fmt.number(f.history.weekly.mean(), lang, 1),
        number_open=fmt.number(f.open, lang),
        date_end=fmt.date(f.end, lang),
        weeks=f.weeks,
        rest_days=f.rest_days,
    )


def forecast_table(result: dict, ctx: Ctx) -> pd.DataFrame:
    """The forecast's figures as one table (the CSV): per level, today's answers, the backtest's and
    what happened."""
    t, lang = ctx.t, ctx.lang
    now, then, actual = result["now"], result["then"], result["actual"]
    rows = []
    for p in forecast.LEVELS:
        row = {t("Tingkat keyakinan"): f"{p}%"}
        row[t("Sampai {date_end}: sekurang-kurangnya", date_end=fmt.date(now.end, lang))] = now.how_many.get(p)
        row[t("Semua usulan terbuka paling lambat")] = _when_text(now.when[p], lang) if now.ready else None
        row[t("Uji mundur: sampai {date_end} sekurang-kurangnya", date_end=fmt.date(then.end, lang))] = (
            then.how_many.get(p)
        )
        row[t("Uji mundur: yang terjadi")] = actual["by_end"] if then.ready else None
        row[t("Uji mundur: terpenuhi")] = (
            (t("ya") if actual["by_end"] >= then.how_many[p] else t("tidak")) if then.ready else None
        )
        row[t("Uji mundur: semua paling lambat")] = _when_text(then.when[p], lang) if then.ready else None
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
            "Prakiraan: berapa usulan terbuka yang sampai penerapan sampai {date_end}, dan kapan semuanya",
            date_end=fmt.date(now.end, lang),
        )
    )
    st.caption(q.HOW_MANY.definition(lang) + " " + q.WHEN.definition(lang), help=q.OPEN.definition(lang))
    left, right = st.columns(2)
    left.markdown(
        t(
            "**Hari ini: {number_open} {lower}**",
            number_open=fmt.number(now.open, lang),
            lower=q.OPEN.name(lang).lower(),
        )
    )
    if now.ready:
        left.caption(_span(now, ctx))
        _answers(left, now, ctx)
    else:
        left.info(_short(now, ctx))
    right.markdown(
        t(
            "**{name_lang}: {number_open} usulan terbuka saat itu**",
            name_lang=q.BACKTEST.name(lang),
            number_open=fmt.number(then.open, lang),
        )
    )
    right.caption(q.BACKTEST.definition(lang))
    if then.ready:
        right.caption(_span(then, ctx))
        _answers(right, then, ctx)
        held = [p for p in forecast.LEVELS if actual["by_end"] >= then.how_many[p]]
        right.metric(
            t("Yang terjadi: sampai penerapan sampai {date_end}", date_end=fmt.date(then.end, lang)),
            fmt.number(actual["by_end"], lang),
            help=q.BACKTEST.definition(lang),
        )
        levels = ", ".join(f"{p}%" for p in held)
        right.caption(
            (
                t("Prakiraan terpenuhi pada tingkat {levels}.", levels=levels)
                if held
                else t("Prakiraan tidak terpenuhi pada tingkat mana pun.")
            )
            + " "
            + (
                t(
                    "Semua {number_open} sampai penerapan pada {date_all_on}.",
                    number_open=fmt.number(actual["open"], lang),
                    date_all_on=fmt.date(actual["all_on"], lang),
                )
                if actual["all_on"]
                else t(
                    "Belum semuanya: {number_by_latest} dari {number_open} sampai penerapan hingga {date_latest}.",
                    number_by_latest=fmt.number(actual["by_latest"], lang),
                    number_open=fmt.number(actual["open"], lang),
                    date_latest=fmt.date(result["latest"], lang),
                )
            )
        )
    else:
        right.info(_short(then, ctx))
    if now.ready or then.ready:
        fig = go.Figure()
        for f, name, colour in (
            (now, t("Hari ini → {date_end}", date_end=fmt.date(now.end, lang)), 0),
            (then, t("Setahun lalu → {date_end}", date_end=fmt.date(then.end, lang)), 1),
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
                name=t("Yang terjadi setahun lalu: {number_by_end}", number_by_end=fmt.number(actual["by_end"], lang)),
            )
        fig.update_layout(
            barmode="overlay",
            yaxis2={"overlaying": "y", "range": [0, 1], "visible": False},
        )
        fig.update_xaxes(title=t("Inovasi yang sampai penerapan"))
        fig.update_yaxes(title=t("Bagian percobaan"), tickformat=".0%")
        charts.draw(fig, t("Prakiraan penerapan"), lang, 340, key="chart_prakiraan")
        st.caption(
            t(
                "Batang = bagian dari {number_trials} percobaan yang berakhir pada jumlah itu; makin lebar sebarannya, makin kurang pasti. Garis putus = yang benar-benar terjadi pada uji mundur.",
                number_trials=fmt.number(forecast.TRIALS, lang),
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
    st.subheader(t("Kesegaran data: {lower} per wilayah", lower=segar.NOT_UPDATED.name(lang).lower()))
    _freshness_caption(ctx, latest, since=False)
    level = label("tingkat", cluster, lang).lower()
    share = fmt.percent(total.tidak_diperbarui / total.berjalan, lang) if total.berjalan else "–"
    st.markdown(
        t(
            "Seluruh klaster {level}: **{number_tidak_diperba}** dari {number_berjalan} inovasi yang sedang uji coba atau penerapan tidak diperbarui ({share}), di {number_wilayah_denga} dari {number_wilayah} wilayah.",
            level=level,
            number_tidak_diperba=fmt.number(total.tidak_diperbarui, lang),
            number_berjalan=fmt.number(total.berjalan, lang),
            share=share,
            number_wilayah_denga=fmt.number(total.wilayah_dengan, lang),
            number_wilayah=fmt.number(total.wilayah, lang),
        )
    )
    if frame.empty:
        return
    columns = {
        "nama": t("Wilayah"),
        "nama_provinsi": t("Provinsi"),
        "terakhir": segar.LAST_REPORTED.name(lang),
        "berjalan": t("Uji coba atau penerapan"),
        "tidak_diperbarui": segar.NOT_UPDATED.name(lang),
        "bagian": t("Bagian tidak diperbarui"),
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
