"""Sections of Profil Wilayah: the region picker and refusal, the header, the spine, and the links to
profiles that Perbandingan Wilayah shows. Each section draws the same in print mode
(``dasbor.printing``), but with no widget: charts at A4 width and every table whole. ``block``,
``table_block`` and ``choice`` do that for the sections the profile shares with other pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt, i18n, printing, spine, urlstate
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import common
from dasbor.queries import profil as q

SCRIPT = "pages/8_profil_wilayah.py"
PATH = "profil_wilayah"  # the page's address, from its file name


def _lang_query(ctx) -> str:
    """The address's language part: none for Indonesian, the default."""
    return "" if ctx.lang == "id" else "?" + urlencode({"lang": ctx.lang})


def href(ctx: Ctx, code: str) -> str:
    """A relative link to a region's profile, in the reader's language."""
    return f"{PATH}?" + urlencode({"wil": code, **({"lang": ctx.lang} if ctx.lang != "id" else {})})


def block(
    ctx: Ctx,
    title: str,
    definition: str,
    fig: go.Figure,
    shown: pd.DataFrame,
    filename: str,
    paper: bool | None = None,
    **kw,
) -> None:
    """A chart with its definition and its data: ``charts.block`` on screen; on paper (by default in
    print mode) the chart at A4 width with its whole table under it. Sections shared with pages that
    have no print document (Ringkasan) say ``paper`` themselves."""
    if printing.active() if paper is None else paper:
        st.subheader(title)
        st.caption(definition)
        printing.chart(fig, kw.get("height", 360), ctx.lang, filename)
        printing.table(shown)
    else:
        charts.block(title, definition, fig, shown, filename, ctx.lang, **kw)


def table(ctx: Ctx, shown: pd.DataFrame, filename: str, full=None) -> None:
    """A table with its CSV on screen; every row as static HTML in print mode."""
    if printing.active():
        printing.table(shown)
    else:
        st.dataframe(shown, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(shown)))
        charts.download(shown, filename, ctx.lang, filename, full=full)


def table_block(ctx: Ctx, frame: pd.DataFrame, filename: str, paper: bool | None = None, full=None) -> None:
    """A shared section's table: open under its chart, with its CSV, on screen (``charts.table_block``);
    every row as static HTML on paper (by default in print mode)."""
    if printing.active() if paper is None else paper:
        printing.table(frame)
    else:
        charts.table_block(frame, filename, ctx.lang, key=filename, expanded=True, full=full)


def choice(
    param: str,
    label_: str,
    options: list[str],
    default: str,
    format_func: Callable[[str], str],
    paper: bool | None = None,
    **kwargs,
) -> str:
    """A page choice kept in the URL: ``urlstate.choice`` on screen; on paper (by default in print mode)
    no widget but the same value as text, the address's when it is one of the options, else the default."""
    if not (printing.active() if paper is None else paper):
        return urlstate.choice(param, label_, options, default=default, format_func=format_func, **kwargs)
    value = urlstate.current(param, options, default if default in options else options[0])
    st.markdown(f"**{fmt.md(label_)}:** {fmt.md(format_func(value))}")
    return value


def pair():
    """Two columns on screen; one after the other on paper."""
    return (st.container(), st.container()) if printing.active() else st.columns(2)


def region_name(where: pd.Series, lang: str) -> str:
    """A province's profile is its provincial government's: say so."""
    if where.tingkat == "provinsi":
        return i18n.tr(lang, "Pemerintah Provinsi {nama}", nama=where.nama)
    return where.nama


def opened(ctx: Ctx) -> pd.Series | None:
    """The region whose profile this run shows, or None after drawing the picker (and, for an address
    naming a region the viewer may not open, the refusal)."""
    t, code = ctx.t, ctx.filters.wilayah
    if code:
        where = q.place(ctx.viewer, code)
        if where is not None:
            return where
        if ctx.viewer.role == "daerah":
            st.error(t("Wilayah ini di luar akses akun Anda."))
        elif ctx.viewer.role == "publik" and q.exists(code):
            st.info(t("Wilayah ini belum punya inovasi publik, jadi belum ada profil publiknya."))
        else:
            st.error(t("Kode wilayah {code} tidak dikenal.", code=code))
    picker(ctx)
    return None


def picker(ctx: Ctx) -> None:
    """Choose a region: a selectbox that writes ``wil`` into the address, and the list as links."""
    t, lang = ctx.t, ctx.lang
    found = q.choices(ctx.viewer)
    if found.empty:
        st.info(t("Belum ada wilayah yang profilnya dapat Anda buka."))
        return
    names = {
        r.kode: f"{region_name(r, lang)} ({label('tingkat', r.tingkat, lang)}, {r.nama_provinsi})"
        for r in found.itertuples()
    }
    st.subheader(t("Pilih wilayah"))
    if ctx.viewer.role == "publik":
        st.caption(t("Wilayah yang punya inovasi publik."))
    chosen = st.selectbox(
        t("Wilayah"),
        list(names),
        index=None,
        format_func=names.get,
        placeholder=t("Ketik nama wilayah"),
        key="profil_pilih",
    )
    if chosen:
        st.query_params["wil"] = chosen
        st.rerun()
    listing = pd.DataFrame(
        {
            t("Wilayah"): [region_name(r, lang) for r in found.itertuples()],
            t("Tingkat"): [label("tingkat", v, lang) for v in found.tingkat],
            t("Provinsi"): found.nama_provinsi,
            t("Profil"): [href(ctx, k) for k in found.kode],
        }
    )
    st.dataframe(
        listing,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(listing)),
        column_config={t("Profil"): st.column_config.LinkColumn(display_text=t("Buka"))},
    )
    charts.download(listing.iloc[:, :3], "daftar_wilayah_profil", lang, "profil_daftar")


def source_line(ctx: Ctx) -> str:
    info = common.data_info()
    loaded = info["dimuat_pada"]
    stamp = f"{fmt.date(loaded, ctx.lang)} {loaded:%H:%M} UTC"
    sample = ctx.t(" (DATA CONTOH)") if bool(info["sampel"]) else ""
    return ctx.t("Sumber: Dasbor Inovasi Daerah, data dimuat {stamp}{sample}", stamp=stamp, sample=sample)


def header(ctx: Ctx, where: pd.Series) -> None:
    """Name, level, province, peer cluster, latest data date, population with its year and source;
    the print stylesheet and, on screen, the 'Cetak / PDF' link."""
    t, lang = ctx.t, ctx.lang
    name = region_name(where, lang)
    printing.setup(t("Profil Wilayah: {name}", name=name), source_line(ctx), lang)
    top, side = st.columns([4, 1]) if not printing.active() else (st.container(), None)
    top.header(name)
    if side is not None:
        with side:
            keep = {k: v for k, v in st.query_params.to_dict().items() if k != printing.PARAM}
            printing.link(t("Cetak / PDF"), keep)
    else:
        printing.print_button(t("Cetak / simpan sebagai PDF"))
    row = q.own_row(ctx, where.kode, where.tingkat)
    peers = len(q.tables(ctx)[where.tingkat])
    level = label("tingkat", where.tingkat, lang)
    latest = q.latest_date(ctx, where.kode)
    facts = [
        t("**Tingkat:** {level}", level=level),
        t("**Provinsi:** {md_nama_provinsi}", md_nama_provinsi=fmt.md(where.nama_provinsi)),
        t(
            "**Klaster pembanding:** {lower}, {number_peers} wilayah se-Indonesia",
            lower=level.lower(),
            number_peers=fmt.number(peers, lang),
        ),
        t("**Data terbaru wilayah ini:** ") + fmt.md(fmt.date(latest, lang)),
    ]
    if len(row) and not pd.isna(row.penduduk.iloc[0]):
        r = row.iloc[0]
        source = r.sumber_penduduk if isinstance(r.sumber_penduduk, str) else t("tabel penduduk yang dimuat")
        facts.append(
            t(
                "**Penduduk:** {number_penduduk} (tahun {int_tahun_penduduk}; {md_source})",
                number_penduduk=fmt.number(r.penduduk, lang),
                int_tahun_penduduk=int(r.tahun_penduduk),
                md_source=fmt.md(source),
            )
        )
    else:
        facts.append(t("**Penduduk:** belum ada data"))
    st.markdown("  \n".join(facts))
    if ctx.viewer.role == "publik":
        st.info(
            t(
                "Versi publik: hanya angka publik. Inovasi dan angka per inovasi berasal dari inovasi publik wilayah ini (seperti di Transparansi); usulan lain hanya terhitung dalam jumlah usulan."
            )
        )
    ctx.not_applied(
        ("provinsi", "tahap"),
        "profil membandingkan wilayah ini dengan seluruh klasternya di Indonesia dan memuat semua usulannya, apa pun "
        "tahapnya sekarang (seperti kohort Perbandingan Wilayah).",
        "the profile compares this region with its whole cluster across Indonesia and holds all its proposals, "
        "whatever their stage now (as the cohort of Regions compared does).",
        what=("profil ini", "this profile"),
    )


def spine_section(ctx: Ctx, where: pd.Series) -> pd.DataFrame:
    t, lang = ctx.t, ctx.lang
    rows = q.spine(ctx, where)
    fig = spine.figure(rows, lang)
    shown, csv = spine.table(rows, lang)
    level = label("tingkat", where.tingkat, lang).lower()
    st.subheader(q.SPINE.name(lang))
    about = (
        q.SPINE.definition(lang)
        + " "
        + t(
            "Klaster = semua {level} di Indonesia, dihitung sama bagi setiap pengguna; putusan dibanding klaster, dengan uji yang ditulis di tabel per angka.",
            level=level,
        )
    )
    if printing.active():  # the chart first (on the first sheet), the table in two parts that fit a sheet
        printing.chart(fig, spine.height(rows, paper=True), lang, "spine")
        st.caption(about)
        c = spine.names(lang)
        printing.table(shown[[c["angka"], c["nilai"], c["interval"], c["dasar"], c["verdict"]]])
        printing.table(shown[[c["angka"], c["klaster"], c["nasional"], c["rentang"], c["kuartil"], c["satuan"]]])
        st.caption(
            "; ".join(
                f"{q.row_name(k, lang)}: {spine.TESTS[u][0 if lang == 'id' else 1]}"
                for k, u in zip(rows.key, rows.uji, strict=True)
            )
        )
    else:
        st.caption(about)
        charts.draw(fig, q.SPINE.name(lang), lang, spine.height(rows), key="chart_spine")
        st.dataframe(shown, hide_index=True, width="stretch")
        charts.download(csv, f"profil_{where.kode}_angka", lang, "profil_spine")
    definitions = "  \n".join(
        f"**{fmt.md(q.row_name(k, lang))}**: {fmt.md(q.ROWS[k][0].definition(lang))}" for k in rows.key
    )
    if printing.active():
        st.caption(definitions)
    else:
        with st.expander(t("Definisi angka")):
            st.markdown(definitions)
    return rows


def links(ctx: Ctx, frame: pd.DataFrame, res: pd.DataFrame, most: int = 12) -> None:
    """Perbandingan Wilayah's line of links to the profiles of the regions in view: the region chosen,
    else a region account's own regions, else the regions outside the limits (at most ``most``)."""
    t = ctx.t
    if ctx.filters.wilayah in set(frame.kode):
        picked = frame[frame.kode == ctx.filters.wilayah]
    elif ctx.viewer.role == "daerah":
        picked = frame
    else:
        outside = res[res.verdict.isin(("lebih_tinggi", "lebih_rendah"))].kode
        picked = frame[frame.kode.isin(outside)]
    picked = picked.sort_values("nama")
    shown = [f"[{fmt.md(r.nama)}]({href(ctx, r.kode)})" for r in picked.head(most).itertuples()]
    rest = len(picked) - len(shown)
    every_word = t("semua wilayah")
    every = f"[{every_word}]({PATH}{_lang_query(ctx)})"
    more = t(" dan {rest} lainnya", rest=rest) if rest > 0 else ""
    lead = t("**Profil wilayah:** ")
    if shown:
        st.markdown(lead + " · ".join(shown) + more + t("; atau pilih dari {every}.", every=every))
    else:
        st.markdown(lead + t("pilih dari {every}.", every=every))
