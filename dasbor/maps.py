"""The map section: Indonesia coloured by the figure in view, drawn on the shipped boundaries.

Nothing is fetched from the internet. The figure carries its own GeoJSON (``dasbor.geo``: simplified
for the whole country, finer for a zoomed map) and no base map (``geo.visible = False``). plotly.js
still asks for its world topojson whenever a trace has a ``locationmode``, which a GeoJSON choropleth
always has ('geojson-id'), and draws nothing when that request fails; so ``CONFIG`` points plotly's
``topojsonURL`` at an empty topology inside the page itself (a ``data:`` URL), and no request leaves
the browser (``tests/e2e/test_map_journey.py`` blocks every request to another host and counts the
regions drawn).

Values come from ``dasbor.queries.peta`` under the viewer's scope; texts from the figure definitions
(``dasbor.figures``). A region without data is drawn grey in a trace of its own (never as zero); a
region outside a region account's access lighter still, with its name only.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, domain, fmt, geo, i18n, urlstate
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.profil import iid_cell
from dasbor.queries import peta

ROOT = Path(__file__).resolve().parent.parent
PROFILE_PAGE = "pages/8_profil_wilayah.py"
# plotly.js fetches '<topojsonURL>/<scope>_<resolution>m.json' before drawing any geo trace; a data: URL
# answers in the page (the '#' makes the appended file name a fragment, which a data: URL ignores).
EMPTY_TOPOLOGY = 'data:application/json,{"type":"Topology","objects":{},"arcs":[]}#'
CONFIG = {**charts.PLOTLY_CONFIG, "topojsonURL": EMPTY_TOPOLOGY}
NO_DATA = "#BDBDBD"
OUTSIDE = "#EFEFEF"
# Viridis from light (few) to dark (many): safe for colour-blind readers and in greyscale.
SEQUENTIAL = "Viridis"
PREDIKAT_COLOURS = {  # Okabe–Ito, a qualitative palette safe for colour-blind readers
    "sangat_inovatif": charts.OKABE_ITO[2],
    "inovatif": charts.OKABE_ITO[4],
    "kurang_inovatif": charts.OKABE_ITO[1],
    "tidak_dapat_dinilai": charts.OKABE_ITO[3],
}
LEVEL_NAMES = {
    "kabkota": ("Kabupaten/kota", "Regencies/cities"),
    "provinsi": ("Pemerintah provinsi", "Provincial governments"),
}


def level_name(level: str, lang: str) -> str:
    return LEVEL_NAMES[level][0 if lang == "id" else 1]


def figure_name(option: peta.Option, lang: str, stage: str = domain.IMPLEMENTED) -> str:
    name = option.figure.name(lang)
    if option.key == "proporsi":
        name += f": {label('tahap', stage, lang).lower()}"
    elif option.key == "iid":
        name += ": " + (i18n.tr(lang, "tahun terakhir"))
    return name


def value_text(option: peta.Option, row, lang: str) -> str:
    """The region's value as the reader reads it (with its count behind a share or a rate)."""
    if option.key == "proporsi":
        return f"{fmt.percent(row.nilai, lang)} ({fmt.number(row.k, lang)} / {fmt.number(row.n, lang)})"
    if option.key == "per_100rb":
        return fmt.number(row.nilai, lang, 2)
    if option.key == "iid":
        return iid_cell(row.iid_skor, row.kategori, row.iid_tahun, lang)
    return fmt.number(row.nilai, lang)


def _status_text(status: str, lang: str) -> str:
    return {
        "tidak_ada": ("tidak ada data", "no data"),
        "di_luar_akses": ("di luar akses akun Anda", "outside your account's access"),
    }[status][0 if lang == "id" else 1]


def _short(name: str) -> str:
    """A label on the map: 'Kab. Minahasa Tenggara' for 'Kabupaten Minahasa Tenggara'."""
    for long, short in (
        ("Kabupaten Administrasi ", "Kab. Adm. "),
        ("Kabupaten ", "Kab. "),
        ("Daerah Khusus Ibukota ", "DKI "),
    ):
        if name.startswith(long):
            return short + name[len(long) :]
    return name


def _flat(colour: str) -> list:
    return [[0, colour], [1, colour]]


def _trace(result: peta.MapValues, rows: pd.DataFrame, line: dict | None = None, **props) -> go.Choropleth:
    codes = list(rows.kode)
    line = line or {"color": "#FFFFFF", "width": 0.6 if result.detail == "rinci" else 0.3}
    return go.Choropleth(
        geojson=geo.collection(codes, result.level, result.detail),
        locations=codes,
        featureidkey="properties.kode",
        marker={"line": line},
        **props,
    )


def capped_top(values: np.ndarray) -> float:
    """The top of the colour scale: the largest value, or the 95th percentile when a few regions lie far
    above the rest (then they share the darkest colour and the caption says so), so one outlier does
    not wash every other region out to the palest colour."""
    if len(values) == 0:
        return 1.0
    top, p95 = float(values.max()), float(np.percentile(values, 95))
    return p95 if len(values) >= 20 and p95 > 0 and top > 1.5 * p95 else top


def _view(box: tuple[float, float, float, float], margin: float = 0.02) -> tuple[dict, float]:
    """Longitude and latitude ranges around ``box`` with a margin (a share of its size), and the map's
    height over its width on a Mercator projection (to size the figure so the map fills it)."""
    west, south, east, north = box
    pad_x, pad_y = max(0.05, (east - west) * margin), max(0.05, (north - south) * margin * 1.5)
    west, east, south, north = west - pad_x, east + pad_x, max(-80.0, south - pad_y), min(80.0, north + pad_y)

    def y(lat: float) -> float:
        return float(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))

    aspect = (y(north) - y(south)) / np.radians(east - west)
    return {"lonaxis_range": [west, east], "lataxis_range": [south, north]}, float(aspect)


def figure(
    result: peta.MapValues,
    lang: str,
    stage: str = domain.IMPLEMENTED,
    highlight: str | None = None,
    names: bool = False,
    height: int | None = None,
) -> go.Figure:
    """The choropleth: coloured regions, then grey traces for no data and outside access, each a
    subset of the geometry (no region is sent twice); ``highlight`` outlines one region and ``names``
    writes the regions' names on them (for a small map of a region and its neighbours)."""
    option, frame = result.option, result.frame
    t = i18n.translator(lang)
    title = figure_name(option, lang, stage)
    fig = go.Figure()
    shown = frame[frame.status == "nilai"]
    if not shown.empty and option.categorical:
        for rank, category in enumerate(peta.PREDIKAT_ORDER):
            part = shown[shown.kategori == category]
            if part.empty:
                continue
            fig.add_trace(
                _trace(
                    result,
                    part,
                    z=np.zeros(len(part)),
                    colorscale=_flat(PREDIKAT_COLOURS[category]),
                    showscale=False,
                    showlegend=True,
                    name=label("predikat", category, lang),
                    legendrank=rank,
                    customdata=np.column_stack(
                        [part.nama.to_numpy(dtype=object), [value_text(option, r, lang) for r in part.itertuples()]]
                    ),
                    hovertemplate="<b>%{customdata[0]}</b><br>" + title + ": %{customdata[1]}<extra></extra>",
                )
            )
    elif not shown.empty:
        values = shown.nilai.astype(float).to_numpy()
        top = capped_top(values)
        unit = option.figure.unit(lang)
        heading = title if unit.lower() in title.lower() else f"{title}<br>({unit})"
        colorbar = {
            "title": {"text": heading, "side": "top", "font": {"size": 12}},
            "thickness": 14,
            "len": 0.9,
        }
        if option.key == "proporsi":
            colorbar["tickformat"] = ".0%"
        fig.add_trace(
            _trace(
                result,
                shown,
                z=values,
                zmin=0,
                zmax=1 if option.key == "proporsi" or top <= 0 else top,  # shares always 0–100%
                colorscale=SEQUENTIAL,
                reversescale=True,
                colorbar=colorbar,
                name=title,
                showlegend=False,
                customdata=np.column_stack(
                    [shown.nama.to_numpy(dtype=object), [value_text(option, r, lang) for r in shown.itertuples()]]
                ),
                hovertemplate="<b>%{customdata[0]}</b><br>" + title + ": %{customdata[1]}<extra></extra>",
            )
        )
    for status, colour in (("tidak_ada", NO_DATA), ("di_luar_akses", OUTSIDE)):
        part = frame[frame.status == status]
        if part.empty:
            continue
        words = _status_text(status, lang)
        fig.add_trace(
            _trace(
                result,
                part,
                z=np.zeros(len(part)),
                colorscale=_flat(colour),
                showscale=False,
                showlegend=True,
                name=words[0].upper() + words[1:],
                legendrank=100 + (status == "di_luar_akses"),
                customdata=part[["nama"]].to_numpy(dtype=object),
                hovertemplate="<b>%{customdata[0]}</b><br>" + words + "<extra></extra>",
            )
        )
    if highlight is not None and highlight in set(frame.kode):
        fig.add_trace(
            _trace(
                result,
                frame[frame.kode == highlight],
                z=[0],
                colorscale=_flat("rgba(0,0,0,0)"),
                showscale=False,
                line={"color": "#000000", "width": 2.5},
                hoverinfo="skip",
                showlegend=True,
                name=t("Wilayah yang dipilih"),
                legendrank=200,
            )
        )
    if names:
        centres = [(geo.centre(c), n) for c, n in zip(frame.kode, frame.nama, strict=True)]
        centres = [(c, n) for c, n in centres if c is not None]
        fig.add_trace(
            go.Scattergeo(
                lon=[c[0] for c, _ in centres],
                lat=[c[1] for c, _ in centres],
                text=[_short(n) for _, n in centres],
                mode="text",
                # dark text with a white halo reads on the palest and the darkest colour alike
                textfont={"size": 11, "color": "#111111", "shadow": "0px 0px 2px #FFFFFF, 0px 0px 4px #FFFFFF"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    box = geo.bounds(frame.kode) or (95.0, -11.0, 141.0, 6.1)
    ranges, aspect = _view(box, 0.12 if names else 0.02)  # room for the names at the edges
    charts.style(fig, height or int(min(560, max(300, 560 * aspect + 70))), lang)
    # Ranges rather than fitbounds: with fitbounds a Mercator map keeps the world's frame and draws
    # Indonesia in a third of it. No base layer at all (visible=False): only the shipped geometry.
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)", **ranges)
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "title": {"text": ""}},
        clickmode="event+select",
    )
    return fig


def table(result: peta.MapValues, lang: str, stage: str = domain.IMPLEMENTED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The regions beside the map (none outside the viewer's access), as shown and as downloaded."""
    option = result.option
    t = i18n.translator(lang)
    rows = result.frame[result.frame.status != "di_luar_akses"]
    rows = rows.sort_values(["nilai", "nama"], ascending=[False, True], na_position="last", kind="stable")
    name = figure_name(option, lang, stage)
    status = [_status_text(s, lang) if s != "nilai" else "" for s in rows.status]
    shown = {
        t("Wilayah"): rows.nama,
        name: [value_text(option, r, lang) if r.status == "nilai" else "–" for r in rows.itertuples()],
    }
    csv = {"kode_wilayah": rows.kode, t("Wilayah"): rows.nama}
    if result.level == "kabkota":
        shown[t("Provinsi")] = rows.nama_provinsi
        csv[t("Provinsi")] = rows.nama_provinsi
    csv[name] = rows.nilai
    if option.key == "per_100rb":
        csv[t("Usulan")] = rows.n
        csv[t("Penduduk")] = rows.penduduk
        csv[t("Tahun penduduk")] = rows.tahun_penduduk
        csv[t("Sumber penduduk")] = rows.sumber_penduduk
    elif option.key == "proporsi":
        csv[t("Mencapai {lower}", lower=label("tahap", stage, lang).lower())] = rows.k
        csv[t("Usulan")] = rows.n
    elif option.key == "iid":
        csv[t("Predikat IID")] = [label("predikat", c, lang) if isinstance(c, str) else None for c in rows.kategori]
        csv[t("Tahun IID")] = rows.iid_tahun
    shown[t("Keterangan")] = status
    csv[t("Keterangan")] = status
    return pd.DataFrame(shown), pd.DataFrame(csv)


def national_text(result: peta.MapValues, lang: str, stage: str = domain.IMPLEMENTED) -> str:
    """The figure over the whole country at this level: the aggregate every role may compare against."""
    if result.national is None:
        return ""
    option, n = result.option, result.national_n
    where = level_name(result.level, lang).lower()
    t = i18n.translator(lang)
    if option.key == "proporsi":
        value = fmt.percent(result.national, lang)
        return t(
            "Nasional ({where}, {number_n} wilayah berusulan): {value}.",
            where=where,
            number_n=fmt.number(n, lang),
            value=value,
        )
    if option.key == "per_100rb":
        value = fmt.number(result.national, lang, 2)
        return t(
            "Nasional ({where}, {number_n} wilayah yang melapor dan punya data penduduk): {value} usulan per 100.000 penduduk.",
            where=where,
            number_n=fmt.number(n, lang),
            value=value,
        )
    if option.key == "iid":
        value = fmt.number(result.national, lang, 2)
        return t(
            "Rata-rata nasional skor IID terakhir ({where}, {number_n} wilayah): {value}.",
            where=where,
            number_n=fmt.number(n, lang),
            value=value,
        )
    value = fmt.number(result.national, lang)
    return t("Nasional ({where}): {value} {unit_id}.", where=where, value=value, unit_id=option.figure.unit(lang))


def selected_code(event, allowed) -> str | None:
    """The region clicked on the map (Streamlit's selection state), when it is one the viewer may open."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or ():
        code = point.get("location") if isinstance(point, dict) else None
        if isinstance(code, str) and code in allowed:
            return code
    return None


def _profile_link(ctx: Ctx, code: str, name: str, target=st) -> None:
    if not (ROOT / PROFILE_PAGE).exists():  # the Profil Wilayah page ships separately
        target.caption(ctx.t("Dipilih: {name}.", name=name))
        return
    params = {k: v for k, v in ctx.filters.to_params().items() if k not in ("prov", "wil")}
    params["wil"] = code
    if ctx.lang != "id":
        params["lang"] = ctx.lang
    target.page_link(PROFILE_PAGE, label=ctx.t("Buka profil {name}", name=name), icon="➡️", query_params=params)


def bytes_sent(fig: go.Figure) -> int:
    """What Streamlit sends the browser for this figure: its Plotly JSON (``st.plotly_chart``'s spec)."""
    import plotly.io

    return len(plotly.io.to_json(fig, validate=False).encode("utf-8"))


def section(
    ctx: Ctx,
    *,
    public: bool = False,
    stage: str = domain.IMPLEMENTED,
    search: str = "",
    level: str = "kabkota",
    key: str = "peta",
) -> peta.MapValues:
    """The map with its figure and level choosers (kept in the URL: ``peta``, ``peta_tingkat``), a legend
    naming the figure, the figure's definition, the table and its CSV beside it, and a link to the
    profile of the region clicked. ``public`` shows only public figures (Transparansi); ``stage`` is the
    stage of the share (the page's own choice), ``level`` the level shown when the URL names none."""
    t, lang = ctx.t, ctx.lang
    options = peta.options_for(ctx.viewer, public)
    st.subheader(t("Peta"))
    left, right = st.columns([3, 2])
    chosen = urlstate.choice(
        "peta",
        t("Angka di peta"),
        list(options),
        target=left,
        format_func=lambda k: figure_name(options[k], lang, stage),
    )
    level = urlstate.choice(
        "peta_tingkat",
        t("Tingkat"),
        peta.LEVELS,
        default=level,
        widget="radio",
        target=right,
        horizontal=True,
        format_func=lambda v: level_name(v, lang),
    )
    result = peta.values(ctx, chosen, level, stage=stage, search=search, public=public)
    option = result.option
    ctx.not_applied(option.ignores, *option.why)
    fig = figure(result, lang, stage, highlight=ctx.filters.wilayah)
    drawn = result.frame
    if not (drawn.status == "nilai").any():
        if (drawn.status == "di_luar_akses").all():
            st.info(
                t("Akun Anda tidak mencakup wilayah di tingkat ini ({lower}).", lower=level_name(level, lang).lower())
            )
        else:
            ctx.empty()
    map_col, table_col = st.columns([3, 2])
    with map_col:
        event = st.plotly_chart(
            fig, config=CONFIG, on_select="rerun", selection_mode="points", key=f"{key}_{chosen}_{level}"
        )
    shown, csv = table(result, lang, stage)
    with table_col:
        st.dataframe(
            shown, hide_index=True, width="stretch", height=min(int(fig.layout.height or 420), 38 + 35 * len(shown))
        )
        charts.download(csv, f"peta_{chosen}_{level}", lang, f"{key}_{chosen}_{level}", target=st)
    allowed = set(drawn.kode[drawn.status != "di_luar_akses"])
    picked = selected_code(event, allowed)
    names = dict(zip(drawn.kode, drawn.nama, strict=True))
    if picked:
        _profile_link(ctx, picked, names[picked])
    else:
        st.caption(t("Klik wilayah di peta untuk membuka profilnya."))
    parts = [option.figure.definition(lang)]
    if level == "provinsi":
        parts.append(
            t(
                "Tingkat provinsi: tiap provinsi diwarnai menurut angka pemerintah provinsinya sendiri, bukan jumlah kabupaten/kotanya."
            )
        )
    values = drawn.nilai[drawn.status == "nilai"].astype(float).to_numpy()
    if not option.categorical and option.key != "proporsi" and len(values) and capped_top(values) < values.max():
        cap = fmt.number(capped_top(values), lang, option.digits)
        parts.append(
            t(
                "Warna terpekat = {cap} atau lebih (5% wilayah teratas), agar beberapa angka yang sangat tinggi tidak memudarkan wilayah lain; angka tiap wilayah ada di tabel.",
                cap=cap,
            )
        )
    parts.append(national_text(result, lang, stage))
    if result.population_note:
        parts.append(result.population_note)
    if search.strip():
        parts.append(t("Pencarian di atas juga mempersempit peta."))
    parts.append(t("Abu-abu = tidak ada data (bukan nol). Batas wilayah: Cahya DSN (MIT), disederhanakan untuk peta."))
    st.caption(" ".join(p for p in parts if p))
    return result


def region_map(
    ctx: Ctx,
    code: str,
    figure_key: str | None = None,
    stage: str = domain.IMPLEMENTED,
    height: int = 380,
) -> go.Figure | None:
    """One region and its neighbours (same level), the region outlined and every region named, coloured
    by ``figure_key`` (proposals, or public innovations for the public) as the viewer may see it: a
    region account sees its own value and its neighbours as outside its access. None when the region
    has no boundary."""
    if geo.feature(code) is None:
        return None
    level = geo.level_of(code)
    public = ctx.viewer.role == "publik"
    key = figure_key or ("publik" if public else "usulan")
    result = peta.values(ctx, key, level, stage=stage, only=(code, *geo.neighbours(code)), public=public)
    return figure(result, ctx.lang, stage, highlight=code, names=True, height=height)


neighbourhood_figure = region_map


def neighbourhood_section(ctx: Ctx, code: str, figure_key: str | None = None, key: str = "peta_tetangga") -> None:
    """``region_map`` with a title and a caption, for the Profil Wilayah page."""
    fig = region_map(ctx, code, figure_key)
    if fig is None:
        return
    public = ctx.viewer.role == "publik"
    option = peta.options_for(ctx.viewer, public)[figure_key or ("publik" if public else "usulan")]
    st.subheader(ctx.t("Wilayah ini dan tetangganya"))
    st.plotly_chart(fig, config=CONFIG, key=key)
    n = len(geo.neighbours(code))
    st.caption(
        ctx.t(
            "{name_id}: {definition_id} Tetangga = {n} wilayah setingkat yang berbatasan darat. Batas wilayah: Cahya DSN (MIT).",
            name_id=option.figure.name(ctx.lang),
            definition_id=option.figure.definition(ctx.lang),
            n=n,
        )
    )


def figure_json(fig: go.Figure) -> dict:
    """The figure as the browser receives it (for tests and measurements)."""
    import plotly.io

    return json.loads(plotly.io.to_json(fig, validate=False))
