"""The map: shipped boundaries (no network), values equal to the figures' own definitions, regions
without data shown as such, a region account's map holding no other region's values, the public map
holding public figures only, and its choices kept in the URL."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from conftest import ROOT, app_at, plotly_array
from dasbor import domain, fmt, geo, maps, store
from dasbor.access import NATIONAL, Viewer
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import peta, publik

WILAYAH = "pages/2_perbandingan_wilayah.py"
TRANSPARANSI = "pages/6_transparansi.py"


def ctx_of(viewer: Viewer = NATIONAL, filters: Filters | None = None, lang: str = "id") -> Ctx:
    return Ctx("wilayah", lang, filters or Filters(), viewer)


def map_specs(at) -> list[dict]:
    """The plotly figures of an AppTest run that are maps, as the browser receives them."""
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    return [s for s in specs if any(d.get("type") == "choropleth" for d in s["data"])]


def coloured(spec: dict) -> dict[str, float]:
    """Region code → z of the trace that colours by value (the one with a colour bar)."""
    out = {}
    for trace in spec["data"]:
        if trace.get("type") == "choropleth" and trace.get("showscale") is not False:
            out.update(zip(trace["locations"], plotly_array(trace["z"]), strict=True))
    return out


def by_name(spec: dict) -> dict[str, list[str]]:
    return {t.get("name"): list(t["locations"]) for t in spec["data"] if t.get("type") == "choropleth"}


# ---------------------------------------------------------------- the shipped boundaries


def test_the_boundaries_are_shipped_with_their_licence_and_cover_every_region():
    from dasbor.reference import regions

    master = {r.kode for r in regions()}
    for level, count in (("provinsi", 38), ("kabkota", 514)):
        source = json.loads(geo.source_path(level).read_text(encoding="utf-8"))
        assert len(source["features"]) == count
        codes = {f["properties"]["kode"] for f in source["features"]}
        assert codes <= master and len(codes) == count
        for detail in geo.DETAILS:
            simplified = json.loads(geo.path(level, detail).read_text(encoding="utf-8"))
            assert [f["properties"]["kode"] for f in simplified["features"]] == sorted(codes)
            for f in simplified["features"]:
                g = f["geometry"]
                polygons = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
                assert polygons, f["properties"]["kode"]
                for polygon in polygons:
                    for i, ring in enumerate(polygon):
                        a = np.asarray(ring)
                        assert len(a) >= 4 and (a[0] == a[-1]).all()
                        area = 0.5 * np.sum(a[:-1, 0] * a[1:, 1] - a[1:, 0] * a[:-1, 1])
                        # d3-geo's winding: exterior clockwise (negative), holes anticlockwise
                        assert (area < 0) if i == 0 else (area > 0), (f["properties"]["kode"], i)
    sources = (geo.GEO_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert "MIT License" in sources and "Copyright (c) 2024 Cahya DSN" in sources
    assert "/work/" not in sources and "../" not in sources  # stands alone, points nowhere outside


def test_the_simplified_files_are_what_the_script_makes():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "simplify_geo.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_neighbours_are_the_regions_across_a_land_border():
    # by hand, from the map of Indonesia
    assert set(geo.neighbours("71.07")) == {"71.02", "71.05", "71.10"}  # Minahasa Tenggara
    assert "73.72" in geo.neighbours("73.15")  # Pinrang and Parepare, 180 m apart in the source
    assert set(geo.neighbours("32")) == {"31", "33", "36"}  # Jawa Barat: Jakarta, Jawa Tengah, Banten
    assert geo.neighbours("51") == () and geo.neighbours("31.01") == ()  # Bali, Kepulauan Seribu
    every = json.loads((geo.GEO_DIR / geo.NEIGHBOURS_FILE).read_text(encoding="utf-8"))
    for level in geo.LEVELS:
        for code, near in every[level].items():
            assert code not in near
            assert all(code in every[level][n] for n in near), code  # symmetric


def test_the_national_map_is_small_and_a_province_is_drawn_finer(sample_data):
    ctx = ctx_of()
    national = peta.values(ctx, "usulan", "kabkota")
    province = peta.values(ctx_of(filters=Filters(provinsi="73")), "usulan", "kabkota")
    assert national.detail == "nasional" and province.detail == "rinci"
    assert set(national.frame.kode) == set(geo.codes("kabkota"))
    assert set(province.frame.kode) == {c for c in geo.codes("kabkota") if c.startswith("73.")}


# ---------------------------------------------------------------- values against the figures' definitions


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(tahun=(2019, 2024), jenis=("digital",)), Filters(tahap=("penerapan",), provinsi="73")],
)
def test_the_map_colours_each_region_by_the_figure_as_defined(sample_data, filters):
    ctx = ctx_of(filters=filters)
    stage = domain.IMPLEMENTED
    every = store.query(
        "select s.kode_wilayah as kode, s.tahun_usulan, s.jenis, s.tahap, s.kode_provinsi, s.urutan_maks "
        "from inovasi_status s where s.tingkat in ('kabupaten', 'kota')"
    )
    reported = set(every.kode)
    keep = np.ones(len(every), dtype=bool)
    if filters.tahun:
        keep &= every.tahun_usulan.between(*filters.tahun).to_numpy()
    if filters.jenis:
        keep &= every.jenis.isin(filters.jenis).to_numpy()
    if filters.provinsi:
        keep &= (every.kode_provinsi == filters.provinsi).to_numpy()
    cohort = every[keep]  # per_100rb and proporsi: the current-stage filter does not apply
    counted = cohort[cohort.tahap.isin(filters.tahap)] if filters.tahap else cohort  # usulan applies it
    population = (
        store.query(
            "select kode_wilayah as kode, jumlah from penduduk qualify row_number() over "
            "(partition by kode_wilayah order by tahun desc) = 1"
        )
        .set_index("kode")
        .jumlah
    )
    n = cohort.groupby("kode").size()
    k = cohort[cohort.urutan_maks >= domain.order(stage)].groupby("kode").size()
    c = counted.groupby("kode").size()

    counts = peta.values(ctx, "usulan", "kabkota").frame.set_index("kode")
    rates = peta.values(ctx, "per_100rb", "kabkota").frame.set_index("kode")
    shares = peta.values(ctx, "proporsi", "kabkota", stage=stage).frame.set_index("kode")
    assert counts.index.equals(rates.index) and counts.index.equals(shares.index)
    for code in counts.index:
        if code not in reported:  # never reported: no data, not zero
            assert counts.status[code] == rates.status[code] == shares.status[code] == "tidak_ada"
            continue
        assert counts.status[code] == "nilai" and counts.nilai[code] == c.get(code, 0)
        assert rates.nilai[code] == pytest.approx(n.get(code, 0) / population[code] * 100_000)
        if n.get(code, 0):
            assert shares.nilai[code] == pytest.approx(k.get(code, 0) / n[code])
        else:
            assert shares.status[code] == "tidak_ada" and np.isnan(shares.nilai[code])
    # the same figure as the Transparansi card for one region (publik.usulan, all proposals as filtered)
    code = max(reported & set(counts.index), key=lambda x: counts.nilai[x])
    card = publik.totals(replace(filters, wilayah=code))
    assert counts.nilai[code] == card.usulan
    # the national aggregate over every region, whatever the province filter
    national = peta.values(ctx, "usulan", "kabkota").national
    assert national == publik.totals(filters.without("provinsi")).usulan - _provincial(filters.without("provinsi"))


def _provincial(filters: Filters) -> int:
    where, params = filters.where(NATIONAL, "s")
    return int(
        store.query(f"select count(*) n from inovasi_status s where s.tingkat = 'provinsi' and {where}", params).n[0]
    )


def test_the_map_shows_the_numbers_of_the_comparison_table(sample_data):
    """The share the map colours is the table's share for the same filters (one definition)."""
    at = app_at(WILAYAH, {"peta": "proporsi", "capai": "pelembagaan"})
    table = at.dataframe[0].value
    shares = dict(zip(table["Wilayah"], table["Proporsi"], strict=True))
    spec = map_specs(at)[0]
    names = geo.names("kabkota")
    z = coloured(spec)
    compared = 0
    for code, value in z.items():
        if names[code] in shares and shares[names[code]] != "–":
            assert fmt.percent(value, "id") == shares[names[code]], code
            compared += 1
    assert compared >= 50
    assert "pelembagaan" in spec["data"][0]["colorbar"]["title"]["text"]  # the page's stage, named


def test_iid_is_coloured_by_its_predikat(sample_data):
    result = peta.values(ctx_of(), "iid", "provinsi")
    iid = store.query(
        "select kode_wilayah as kode, skor, predikat from indeks_daerah qualify row_number() over "
        "(partition by kode_wilayah order by tahun desc) = 1"
    ).set_index("kode")
    frame = result.frame.set_index("kode")
    assert (frame.status == "nilai").sum() == len(iid.index.intersection(frame.index)) > 0
    for code, row in iid.iterrows():
        if code in frame.index:
            assert frame.kategori[code] == (
                row.predikat if isinstance(row.predikat, str) else domain.predikat_of(row.skor)
            )
    fig = maps.figure(result, "id")
    legend = [t.name for t in fig.data if t.showlegend]
    assert set(legend) >= {label("predikat", p, "id") for p in set(frame.kategori.dropna())}
    colours = {t.name: t.colorscale[0][1] for t in fig.data if t.showlegend}
    assert len(set(colours.values())) == len(colours)  # one colour per category, none the no-data grey


def test_regions_without_data_are_grey_not_zero(sample_data):
    at = app_at(WILAYAH)
    spec = map_specs(at)[0]
    traces = by_name(spec)
    drawn = [c for codes in traces.values() for c in codes]
    assert sorted(drawn) == sorted(geo.codes("kabkota"))  # every region once, none twice
    reported = set(store.query("select distinct kode_wilayah k from inovasi_status").k)
    none = traces["Tidak ada data"]
    assert none and not set(none) & reported
    assert set(coloured(spec)) == set(geo.codes("kabkota")) & reported
    grey = next(t for t in spec["data"] if t.get("name") == "Tidak ada data")
    assert "tidak ada data" in grey["hovertemplate"]
    # every map is drawn on the shipped geometry with plotly's topojson answered inside the page
    chart = next(c for c in at.get("plotly_chart") if "choropleth" in c.proto.spec)
    assert json.loads(chart.proto.config)["topojsonURL"].startswith("data:application/json,")
    assert spec["layout"]["geo"]["visible"] is False
    assert len(chart.proto.spec.encode()) < 600_000  # what the browser receives at national scale


# ---------------------------------------------------------------- role scope


@pytest.mark.parametrize(
    "own, figure, level",
    [
        (("71.07",), "usulan", "kabkota"),
        (("71.07",), "per_100rb", "provinsi"),
        (("73",), "proporsi", "kabkota"),
        (("73",), "iid", "provinsi"),
        (("73",), "per_100rb", "kabkota"),
    ],
)
def test_a_region_account_map_holds_no_other_region_value(sample_data, downloads, own, figure, level):
    viewer = Viewer("daerah", own)
    mine = {c for c in geo.codes("kabkota") + geo.codes("provinsi") if c in own or c.split(".")[0] in own}
    if True:  # the page as the account opens it
        at = app_at(WILAYAH, {"peta": figure, "peta_tingkat": level}, role="daerah", wilayah=own)
        spec = map_specs(at)[0]
        for trace in spec["data"]:
            if trace.get("type") != "choropleth":
                continue
            foreign = set(trace["locations"]) - mine
            if not foreign:
                continue
            # only the trace of regions outside the account's access holds other regions: names, no values
            assert trace["name"] == "Di luar akses akun Anda", trace["name"]
            assert set(plotly_array(trace["z"])) == {0}
            assert all(len(row) == 1 for row in trace["customdata"])
            assert "%{customdata[1]}" not in trace["hovertemplate"]
        files = downloads(at)
        name = f"peta_{figure}_{level}.csv"
        rows = list(csv.DictReader(io.StringIO(files[name].decode("utf-8-sig"))))
        assert {r["kode_wilayah"] for r in rows} <= mine
        shown = next(d.value for d in at.dataframe if any(c == "Keterangan" for c in d.value.columns))
        assert set(shown.iloc[:, 0]) <= {geo.names(level).get(c) for c in mine}
    # the queries themselves, whatever the widget and the level: nothing of another region but its name
    for key in peta.INTERNAL:
        for lv in peta.LEVELS:
            result = peta.values(ctx_of(viewer, Filters(provinsi="32")), key, lv)  # a province not its own
            outside = result.frame[~result.frame.kode.isin(mine)]
            assert len(outside) and (outside.status == "di_luar_akses").all()
            assert outside.drop(columns=["kode", "nama", "nama_provinsi", "status"]).isna().all().all()


def test_a_region_account_map_zooms_to_its_province_with_the_national_figure_in_words(sample_data):
    at = app_at(WILAYAH, {"peta": "proporsi"}, role="daerah", wilayah=("71.07",))
    spec = map_specs(at)[0]
    assert {c for codes in by_name(spec).values() for c in codes} == {c for c in geo.codes("kabkota") if c[:2] == "71"}
    assert set(coloured(spec)) == {"71.07"}
    national = peta.values(ctx_of(), "proporsi", "kabkota").national
    captions = " ".join(c.value for c in at.caption)
    assert "Nasional (kabupaten/kota, " in captions and fmt.percent(national, "id") in captions


def test_the_map_of_a_region_and_its_neighbours(sample_data):
    own = ctx_of(Viewer("daerah", ("71.07",)))
    fig = maps.region_map(own, "71.07")
    codes = {c for t in fig.data if t.type == "choropleth" for c in t.locations}
    assert codes == {"71.07", *geo.neighbours("71.07")}
    values = [t for t in fig.data if t.type == "choropleth" and t.showscale is not False]
    assert [list(t.locations) for t in values] == [["71.07"]]
    outline = next(t for t in fig.data if t.name == "Wilayah yang dipilih")
    assert list(outline.locations) == ["71.07"]
    names = next(t for t in fig.data if t.type == "scattergeo")
    assert "Kab. Minahasa" in names.text and "Kab. Minahasa Tenggara" in names.text
    national = maps.region_map(ctx_of(), "71.07")
    assert {c for t in national.data if t.type == "choropleth" and t.showscale is not False for c in t.locations} >= {
        "71.07"
    }


# ---------------------------------------------------------------- the public map


def test_the_public_map_shows_public_counts_only(sample_data):
    at = app_at(TRANSPARANSI, role=None)
    picker = next(s for s in at.selectbox if s.label == "Angka di peta")
    assert picker.options == [peta.PUBLIC[k].figure.name("id") for k in peta.PUBLIC]
    spec = map_specs(at)[0]
    z = coloured(spec)
    public = store.query("select kode_wilayah k, count(*) n from inovasi_publik group by 1").set_index("k").n
    assert z and set(z) <= set(public.index)
    for code in list(z)[:25]:
        assert z[code] == public[code] == publik.counts(Filters(wilayah=code)).publik
    # an internal figure named in the URL is not offered to the public
    at = app_at(TRANSPARANSI, {"peta": "proporsi"}, role=None)
    assert coloured(map_specs(at)[0]) == z
    # nor is one computed for it, whatever is asked
    result = peta.values(ctx_of(Viewer()), "per_100rb", "kabkota")
    assert result.option.public and result.option.key == "publik"


def test_the_public_map_follows_the_search(sample_data):
    name = store.query("select nama_inovasi from inovasi_publik order by kode_inovasi limit 1").nama_inovasi[0]
    word = name.split()[-1]
    total = 0
    for level in peta.LEVELS:  # kabupaten/kota and provincial governments add up to the card
        at = app_at(TRANSPARANSI, {"cari": word, "peta": "diterapkan", "peta_tingkat": level}, role=None)
        total += sum(coloured(map_specs(at)[0]).values())
    assert total == publik.counts(Filters(), word).diterapkan < publik.counts(Filters()).diterapkan


# ---------------------------------------------------------------- URL


def test_the_map_choices_live_in_the_url(sample_data):
    at = app_at(WILAYAH, {"peta": "iid", "peta_tingkat": "provinsi"})
    picker = next(s for s in at.selectbox if s.label == "Angka di peta")
    level = next(r for r in at.radio if r.label == "Tingkat")
    assert picker.value == "iid" and level.value == "provinsi"
    assert {c for codes in by_name(map_specs(at)[0]).values() for c in codes} == set(geo.codes("provinsi"))
    picker.set_value("per_100rb").run()
    assert at.query_params["peta"] in ("per_100rb", ["per_100rb"])
    next(r for r in at.radio if r.label == "Tingkat").set_value("kabkota").run()
    assert "peta_tingkat" not in at.query_params  # the default leaves the address short
    assert not at.exception
    # a value that is not an option is ignored
    at = app_at(WILAYAH, {"peta": "bogus", "peta_tingkat": "planet"})
    assert next(s for s in at.selectbox if s.label == "Angka di peta").value == "usulan"


def test_a_click_on_the_map_names_the_region_to_open():
    event = {"selection": {"points": [{"location": "71.07", "z": 3}], "point_indices": [0], "box": [], "lasso": []}}
    assert maps.selected_code(event, {"71.07"}) == "71.07"
    assert maps.selected_code(event, {"73.15"}) is None  # outside what the viewer may open
    assert maps.selected_code({"selection": {"points": []}}, {"71.07"}) is None
    assert maps.selected_code(None, {"71.07"}) is None
