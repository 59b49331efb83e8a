"""Ringkasan: where the innovations stand, this year against last year."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt, kegiatan_view, kompetisi_view
from dasbor.frame import page
from dasbor.i18n import label
from dasbor.queries import ringkasan as q


def main() -> None:
    ctx = page("ringkasan")
    t, lang = ctx.t, ctx.lang

    start, end = q.period(ctx)
    heads = q.headline(ctx).iloc[0]
    if (
        int(heads["usulan"]) + int(heads["usulan_lalu"]) + int(heads["diterapkan"]) == 0
        and not q.mix(ctx, "tahap").size
    ):
        ctx.empty()
        st.stop()
    span = f"{fmt.date(start, lang)} – {fmt.date(end, lang)}"
    st.markdown(t("**Angka utama, {span}**, dibanding periode yang sama setahun sebelumnya.", span=span))
    ctx.not_applied(
        ("tahun",),
        "angka utama dihitung untuk periode di atas (tahun terakhir yang dipilih) dan periode yang sama setahun "
        "sebelumnya, atas semua tahun usulan.",
        "the headline figures count the period above (the last year chosen) and the same period a year earlier, "
        "over every proposal year.",
    )
    for col, (key, figure) in zip(st.columns(4), q.HEADLINES.items(), strict=True):
        now, before = int(heads[key]), int(heads[f"{key}_lalu"])
        col.metric(
            figure.name(lang),
            fmt.number(now, lang),
            delta=fmt.number(now - before, lang) if before or now else None,
            help=figure.definition(lang)
            + " "
            + t("Periode sebelumnya: {number_before}.", number_before=fmt.number(before, lang)),
        )

    cont = q.continuation(ctx)
    if not cont.empty:
        unreported = t("belum dilaporkan")
        parts = [
            f"{label('status_lanjut', r.status, lang) if r.status != 'belum_dilaporkan' else unreported}: "
            f"{fmt.number(r.jumlah, lang)}"
            for r in cont.itertuples()
        ]
        st.markdown(f"**{q.CONTINUATION.name(lang)}**: " + " · ".join(parts), help=q.CONTINUATION.definition(lang))

    years = q.per_year(ctx)
    if not years.empty:
        names = {
            "usulan": t.tc("tahap", "Usulan"),
            "ditetapkan": t("Ditetapkan"),
            "diterapkan": t("Diterapkan"),
        }
        fig = go.Figure()
        for i, (event, name) in enumerate(names.items()):
            part = years[years.peristiwa == event]
            fig.add_bar(
                x=part.tahun,
                y=part.jumlah,
                name=name,
                marker_color=charts.OKABE_ITO[i],
                marker_pattern_shape=("", "/", ".")[i],
                text=part.jumlah,
                textposition="outside",
            )
        fig.update_layout(
            barmode="group",
            xaxis={"dtick": 1, "title": t("Tahun")},
            yaxis={"title": t("Jumlah inovasi")},
        )
        table = years.assign(peristiwa=years.peristiwa.map(names)).rename(
            columns={"tahun": t("Tahun"), "peristiwa": t("Peristiwa"), "jumlah": t("Jumlah")}
        )
        charts.block(
            q.PER_YEAR.name(lang),
            q.PER_YEAR.definition(lang),
            fig,
            table,
            "per_tahun",
            lang,
        )

    left, right = st.columns(2)
    with left:
        stages = q.stage_mix(ctx)
        stages["label"] = [label("tahap", v, lang) for v in stages.nilai]
        fig = go.Figure(
            go.Bar(
                x=stages.jumlah,
                y=stages.label,
                orientation="h",
                text=stages.jumlah,
                textposition="auto",
                marker_color=charts.OKABE_ITO[0],
            )
        )
        fig.update_yaxes(autorange="reversed", automargin=True)
        charts.block(
            q.STAGE_MIX.name(lang),
            q.STAGE_MIX.definition(lang),
            fig,
            stages[["label", "jumlah"]].rename(columns={"label": t("Tahap"), "jumlah": t("Jumlah")}),
            "tahap_terkini",
            lang,
        )
    with right:
        charts.counts_block(
            q.mix(ctx, "kelompok"),
            "kelompok",
            q.GROUP_MIX.name(lang),
            q.GROUP_MIX.definition(lang),
            "kelompok_kemendagri",
            lang,
            height=360,
        )

    for col, (column, figure) in zip(st.columns(3), q.MIXES.items(), strict=True):
        with col:
            charts.counts_block(
                q.mix(ctx, column), column, figure.name(lang), figure.definition(lang), f"menurut_{column}", lang
            )

    top = q.agencies(ctx)
    if not top.empty:
        implemented = t("diterapkan")
        top["teks"] = [
            f"{fmt.number(u, lang)} ({fmt.number(d, lang)} {implemented})"
            for u, d in zip(top.usulan, top.diterapkan, strict=True)
        ]
        charts.block(
            q.AGENCIES.name(lang),
            q.AGENCIES.definition(lang),
            charts.hbar(top, "perangkat_daerah", "usulan", "teks"),
            top.rename(
                columns={
                    "perangkat_daerah": t("Perangkat daerah"),
                    "usulan": t("Usulan"),
                    "diterapkan": t("Diterapkan"),
                    "wilayah": t.tc("jamak", "Wilayah"),
                }
            ).drop(columns="teks"),
            "perangkat_daerah",
            lang,
            height=420,
        )

    # One region in view (the region filter, or a region account's only region): its outreach events
    # and what followed them, and its part in the competitions.
    region = kegiatan_view.region_in_view(ctx)
    if region:
        kegiatan_view.region_section(ctx, region)
        kompetisi_view.region_section(ctx, region)


main()
