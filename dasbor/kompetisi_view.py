"""Sections on the competition pipeline: one region's entries (Ringkasan, Profil Wilayah) and the
national view (Perbandingan Wilayah). Layout only: the numbers come from ``dasbor.queries.kompetisi``.
A region's account sees its own entries, and other regions only in national aggregates."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import access, charts, domain, fmt, i18n, printing
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.kegiatan_view import SIGNED_IN
from dasbor.profil_views import block, choice, table_block
from dasbor.queries import kompetisi as q

# Furthest round by rank: colour and pattern (never colour alone), grey for an unknown round.
_PATTERNS = ("", "/", ".", "x", "\\", "+")


def _why_not(ctx: Ctx) -> None:
    ctx.not_applied(
        q.IGNORES,
        "keikutsertaan dicatat per wilayah dan tahun ajang, bukan per usulan, jadi hanya wilayah dan provinsi yang "
        "berlaku (grafik ketahanan di bawah menerapkan semua filter, seperti halaman Dampak).",
        "entries are recorded per region and competition year, not per proposal, so only the region and province "
        "apply (the survival table below applies every filter, as the Impact page does).",
    )


def _choose(ctx: Ctx, paper: bool = False) -> str | None:
    comps = q.competitions()
    if not comps:
        st.info(
            ctx.t("Belum ada keikutsertaan kompetisi dalam data. Muat tabel `penghargaan` (ajang, tahun, capaian).")
        )
        return None
    return choice(
        "ajang",
        ctx.t("Ajang"),
        comps,
        "KIPP",
        lambda a: label("ajang", a, ctx.lang),
        paper,
        widget="radio",
        horizontal=True,
    )


def _round_name(ajang: str, rank: int, lang: str) -> str:
    if rank == q.UNKNOWN:
        return i18n.tr(lang, "babak tidak diketahui")
    return domain.rank_names(ajang, lang).get(rank, str(rank))


def _entries_chart(ctx: Ctx, frame: pd.DataFrame, ajang: str, key: str, whose: str, paper: bool = False) -> None:
    t, lang = ctx.t, ctx.lang
    years = q.per_year(frame)
    if years.empty:
        st.info(t("Belum ada keikutsertaan {whose} dalam ajang ini.", whose=whose))
        return
    fig = go.Figure()
    for rank in sorted(years.peringkat.unique()):
        part = years[years.peringkat == rank]
        colour = "#999999" if rank == q.UNKNOWN else charts.OKABE_ITO[(rank - 1) % len(charts.OKABE_ITO)]
        fig.add_bar(
            x=part.tahun,
            y=part.jumlah,
            name=_round_name(ajang, int(rank), lang),
            marker_color=colour,
            marker_pattern_shape=_PATTERNS[int(rank) % len(_PATTERNS)],
        )
    top = int(years.groupby("tahun").jumlah.sum().max())
    fig.update_layout(
        barmode="stack",
        legend={"traceorder": "normal"},
        xaxis={"dtick": 1, "tickformat": "d", "title": t("Tahun ajang")},
        yaxis={"title": t("Keikutsertaan"), "tickformat": ",d", **({"dtick": 1} if top <= 10 else {})},
    )
    table = years.assign(
        tahun=years.tahun.astype(str), peringkat=[_round_name(ajang, int(r), lang) for r in years.peringkat]
    ).rename(
        columns={
            "tahun": t("Tahun"),
            "peringkat": t("Babak terjauh"),
            "jumlah": t("Keikutsertaan"),
        }
    )
    block(
        ctx,
        f"{q.ENTRIES.name(lang)}: {label('ajang', ajang, lang)}, {whose}",
        q.ENTRIES.definition(lang),
        fig,
        table,
        f"kompetisi_tahun_{key}_{ajang}",
        paper=paper,
        height=340,
    )


def _passing_block(
    ctx: Ctx,
    mine: pd.DataFrame | None,
    nation: pd.DataFrame,
    ajang: str,
    key: str,
    whose: str,
    paper: bool = False,
) -> None:
    t, lang = ctx.t, ctx.lang
    series = [(t.tc("sifat", "Nasional"), nation, "diamond", charts.OKABE_ITO[0])]
    if mine is not None:
        series.insert(0, (whose[:1].upper() + whose[1:], mine, "circle", charts.OKABE_ITO[5]))
    fig = go.Figure()
    rows = []
    for name, frame, symbol, colour in series:
        frame = frame.assign(babak=[_round_name(ajang, int(r), lang) for r in frame.peringkat])
        drawn = frame[frame.bagian.notna()]
        fig.add_scatter(
            x=drawn.babak,
            y=drawn.bagian,
            mode="markers",
            name=name,
            marker={"symbol": symbol, "size": 11, "color": colour},
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (drawn.hi - drawn.bagian).tolist(),
                "arrayminus": (drawn.bagian - drawn.lo).tolist(),
                "color": colour,
            },
            customdata=[f"{k} / {n}" for k, n in zip(drawn.k, drawn.n, strict=True)],
            hovertemplate="%{x}: %{y:.1%} (%{customdata})<extra>" + name + "</extra>",
        )
        for r in frame.itertuples():
            rows.append(
                {
                    t("Untuk"): name,
                    t("Babak"): r.babak,
                    t("Dari babak sebelumnya"): int(r.n),
                    t("Lolos"): int(r.k),
                    t("Bagian"): fmt.percent(r.bagian, lang)
                    if not math.isnan(r.bagian)
                    else t("hanya yang lolos tercatat"),
                    t("Interval 95% (Wilson)"): "–"
                    if math.isnan(r.lo)
                    else f"{fmt.percent(r.lo, lang)} – {fmt.percent(r.hi, lang)}",
                    "_bagian": r.bagian,
                    "_lo": r.lo,
                    "_hi": r.hi,
                }
            )
    order = [_round_name(ajang, r, lang) for r in sorted(domain.rank_names(ajang))[1:]]
    fig.update_layout(
        yaxis={"title": t("Bagian yang lolos"), "tickformat": ".0%", "range": [0, 1.02]},
        xaxis={"title": t("Babak"), "type": "category", "categoryorder": "array", "categoryarray": order},
    )
    table = pd.DataFrame(rows)
    shown = table.drop(columns=["_bagian", "_lo", "_hi"]) if len(table) else table
    csv = (
        table.drop(columns=[t("Bagian"), t("Interval 95% (Wilson)")]).rename(
            columns={
                "_bagian": t("Bagian"),
                "_lo": t("Interval 95% bawah"),
                "_hi": t("Interval 95% atas"),
            }
        )
        if len(table)
        else table
    )
    block(
        ctx,
        f"{q.PASSING.name(lang)}: {label('ajang', ajang, lang)}",
        q.PASSING.definition(lang),
        fig,
        shown,
        f"kompetisi_lolos_{key}_{ajang}",
        paper=paper,
        height=340,
        full=lambda: csv,
    )


def _sizes_block(ctx: Ctx, ajang: str, key: str, paper: bool = False) -> None:
    t, lang = ctx.t, ctx.lang
    sizes = q.known_sizes(ajang)
    st.subheader(f"{q.SIZES.name(lang)}: {label('ajang', ajang, lang)}")
    st.caption(q.SIZES.definition(lang))
    if sizes.empty:
        st.caption(t("Tidak ada ukuran babak yang diketahui untuk ajang ini."))
        return
    shown = pd.DataFrame(
        {
            t("Tahun"): sizes.tahun.astype(str),
            t("Babak"): [label("capaian", c, lang) for c in sizes.capaian],
            t("Keikutsertaan"): [fmt.number(v, lang) for v in sizes.jumlah],
            t("Bagian dari babak sebelumnya"): [fmt.percent(v, lang) for v in sizes.bagian],
            t("Sumber"): sizes.sumber,
        }
    )
    table_block(ctx, shown, f"kompetisi_ukuran_{key}_{ajang}", paper, full=lambda: sizes)


def _never_block(ctx: Ctx, ajang: str, region: str | None, key: str) -> None:
    t, lang = ctx.t, ctx.lang
    never = q.never_passed(ajang)
    st.subheader(f"{q.NEVER.name(lang)}: {label('ajang', ajang, lang)}")
    st.caption(q.NEVER.definition(lang))
    count = t("Secara nasional: {number_len_never} wilayah.", number_len_never=fmt.number(len(never), lang))
    own = [c for c in ([region] if region else ctx.viewer.wilayah) if c and access.sees(ctx.viewer, c)]
    mine = never[never.kode_wilayah.isin(own)]
    if region or ctx.viewer.role == "daerah":
        if len(mine):
            names = ", ".join(mine.nama)
            st.markdown(
                count
                + " "
                + t(
                    "Termasuk di dalamnya: **{md_names}** ({number_int_sum} keikutsertaan, tak satu pun lolos babak pertama).",
                    md_names=fmt.md(names),
                    number_int_sum=fmt.number(int(mine.keikutsertaan.sum()), lang),
                )
            )
        else:
            st.markdown(count + " " + t("Wilayah ini tidak termasuk."))
    if not ctx.viewer.national or region:
        return
    st.markdown(count)
    if len(never):
        charts.table_block(
            never.rename(
                columns={
                    "kode_wilayah": t("Kode"),
                    "nama": t("Wilayah"),
                    "nama_provinsi": t("Provinsi"),
                    "keikutsertaan": t("Keikutsertaan"),
                    "dari": t("Dari tahun"),
                    "sampai": t("Sampai tahun"),
                }
            ),
            f"kompetisi_tanpa_lolos_{ajang}",
            lang,
            key=f"kompetisi_tanpa_lolos_{ajang}",
            expanded=True,
        )


def _running_block(ctx: Ctx, region: str | None, key: str, whose: str, paper: bool = False) -> None:
    t, lang = ctx.t, ctx.lang
    frame = q.running(ctx, region)
    groups = {
        "lolos": t("Pernah lolos sedikitnya satu babak"),
        "tidak_lolos": t("Ikut, tidak pernah lolos"),
        "semua": t("Semua yang diterapkan"),
    }
    st.subheader(q.RUNNING.name(lang))
    st.caption(q.RUNNING.definition(lang))
    rows, raw = [], []
    for r in frame.itertuples():
        for who, prefix in ((whose, ""), (t.tc("sifat", "Nasional"), "nasional_")):
            n, stopped = getattr(r, f"{prefix}n"), getattr(r, f"{prefix}berhenti")
            shares = [getattr(r, f"{prefix}th{y}") for y in q.HORIZONS]
            rows.append(
                {
                    t("Kelompok"): groups[r.kelompok],
                    t("Untuk"): who,
                    t("Inovasi diterapkan"): fmt.number(n, lang),
                    t("Tercatat berhenti"): fmt.number(stopped, lang),
                    **{
                        t("Masih berjalan {y} th", y=y): fmt.percent(v, lang)
                        for y, v in zip(q.HORIZONS, shares, strict=True)
                    },
                }
            )
            raw.append(
                {
                    "kelompok": r.kelompok,
                    "untuk": who,
                    "inovasi": n,
                    "berhenti": stopped,
                    **{f"masih_berjalan_{y}_tahun": v for y, v in zip(q.HORIZONS, shares, strict=True)},
                }
            )
    if paper:
        printing.table(pd.DataFrame(rows))
    else:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        charts.download(pd.DataFrame(raw), f"kompetisi_bertahan_{key}", lang, f"kompetisi_bertahan_{key}")
    stopped, updated = domain.JIPPNAS_STOPPED
    st.caption(
        q.jippnas(lang)
        + " "
        + t(
            "Itu {percent_stopped_upda} berhenti, {percent_v_1_stopped} masih berjalan saat diperbarui (tanpa batas waktu sejak penerapan, jadi tidak sama persis dengan kolom di atas).",
            percent_stopped_upda=fmt.percent(stopped / updated, lang),
            percent_v_1_stopped=fmt.percent(1 - stopped / updated, lang),
        )
    )


def region_section(ctx: Ctx, code: str, paper: bool = False) -> None:
    """One region's part in the competitions: its entries per year by furthest round, the share that
    passes each round against the national share, the known national round sizes, whether it enters
    often and never passes, and whether its awarded innovations keep running. ``paper``: for a print
    document, no widget (the chosen competition as text, every table whole)."""
    t = ctx.t
    st.header(t("Kompetisi inovasi"))
    if ctx.viewer.role == "publik":
        st.info(t(SIGNED_IN))
        return
    if not access.sees(ctx.viewer, code):
        st.info(t("Wilayah ini di luar akses akun Anda."))
        return
    _why_not(ctx)
    ajang = _choose(ctx, paper)
    if ajang is None:
        return
    mine = q.entries(ctx, ajang, code)
    name = str(mine.nama.iloc[0]) if len(mine) else t("wilayah ini")
    _entries_chart(ctx, mine, ajang, code, name, paper)
    nation = q.national_entries(ajang)
    stops = q.recorded_stops(nation)
    _passing_block(ctx, q.passing(mine, ajang, stops), q.passing(nation, ajang), ajang, code, name, paper)
    _sizes_block(ctx, ajang, code, paper)
    _never_block(ctx, ajang, code, code)  # for one region: sentences only, no table
    _running_block(ctx, code, code, name, paper)


def national_section(ctx: Ctx) -> None:
    """The competitions across the regions the viewer may see (a region's account: its own) against
    the national aggregates: entries per region and year, the share passing each round, the known
    national round sizes, the regions that enter often and never pass (named for national viewers
    only) and whether awarded innovations keep running."""
    t, lang = ctx.t, ctx.lang
    st.header(t("Kompetisi inovasi: keikutsertaan dan babak yang dilewati"))
    if ctx.viewer.role == "publik":
        st.info(t(SIGNED_IN))
        return
    _why_not(ctx)
    ajang = _choose(ctx)
    if ajang is None:
        return
    national = ctx.viewer.national
    whose = t("wilayah dalam tampilan") if national else t("wilayah Anda")
    mine = q.entries(ctx, ajang)
    _entries_chart(ctx, mine, ajang, "nasional", whose)
    wide = q.region_years(mine)
    if len(wide):
        st.subheader(t("Keikutsertaan per wilayah dan tahun"))
        st.caption(
            q.ENTRIES.definition(lang)
            + " "
            + ("" if national else t("Akun daerah melihat wilayahnya sendiri; baris terakhir adalah jumlah nasional."))
        )
        if not national:
            total = q.region_years(q.national_entries(ajang)).drop(columns=["kode_wilayah", "nama"]).sum()
            wide = pd.concat(
                [
                    wide,
                    pd.DataFrame([{"kode_wilayah": "", "nama": t("Seluruh Indonesia"), **total}]),
                ],
                ignore_index=True,
            ).fillna(0)
        shown = wide.rename(
            columns={"kode_wilayah": t("Kode"), "nama": t("Wilayah"), "jumlah": t.tc("total", "Jumlah")}
        )
        shown.columns = [str(c) for c in shown.columns]
        charts.table_block(shown, f"kompetisi_wilayah_{ajang}", lang, key=f"kompetisi_wilayah_{ajang}")
    nation = q.national_entries(ajang)
    own = None if national and not ctx.filters.provinsi else q.passing(mine, ajang, q.recorded_stops(nation))
    _passing_block(ctx, own, q.passing(nation, ajang), ajang, "nasional", whose)
    _sizes_block(ctx, ajang, "nasional")
    _never_block(ctx, ajang, None, "nasional")
    _running_block(ctx, None, "nasional", whose)
