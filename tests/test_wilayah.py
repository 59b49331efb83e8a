"""Perbandingan Wilayah: one verdict per region, the national comparison whoever looks, filters that are
applied or said not to be, values formatted for the reader, and no other region's unpublished names."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from conftest import INOVASI_HEADER, app_at, inovasi_row, plotly_array, write_csv
from dasbor import domain, stats, store
from dasbor.access import NATIONAL, Viewer
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import wilayah as q
from etl.load import run

WILAYAH = "pages/2_perbandingan_wilayah.py"
VERDICTS = {"Lebih tinggi": "lebih_tinggi", "Serupa": "serupa", "Lebih rendah": "lebih_rendah"}


def figures(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def funnel_of(at) -> dict:
    return next(f for f in figures(at) if any(d.get("name") == "Batas 95%" for d in f["data"]))


def interval_chart_of(at) -> dict | None:
    name = "Batas wajar 95% pada jumlah usulannya"
    return next((f for f in figures(at) if any(d.get("name") == name for d in f["data"])), None)


def by_verdict(fig: dict | None) -> dict[str, set[str]]:
    """Region names per verdict, read off the traces (each point trace holds one verdict)."""
    out = {v: set() for v in VERDICTS.values()}
    for trace in (fig or {"data": []})["data"]:
        if trace.get("legendgroup") in out:
            out[trace["legendgroup"]] |= {row[0] for row in trace["customdata"]}
    return out


@pytest.mark.parametrize("stage", ["penerapan", "pelembagaan"])
def test_the_table_the_funnel_and_the_interval_chart_give_each_region_one_verdict(sample_data, stage):
    at = app_at(WILAYAH)
    if stage != "penerapan":
        next(s for s in at.selectbox if s.label == "Proporsi usulan yang mencapai tahap").set_value(stage).run()
        assert not at.exception
    table = at.dataframe[0].value
    shown = {code: set(table.loc[table["Dibanding klaster"] == word, "Wilayah"]) for word, code in VERDICTS.items()}
    funnel, interval = by_verdict(funnel_of(at)), by_verdict(interval_chart_of(at))
    assert shown == funnel
    assert shown["lebih_tinggi"] == interval["lebih_tinggi"] and shown["lebih_rendah"] == interval["lebih_rendah"]
    assert not interval["serupa"]
    assert shown["lebih_tinggi"] | shown["lebih_rendah"], "the sample should have regions outside the limits"
    # Each verdict has its own symbol on the funnel, never colour alone.
    symbols = {d["legendgroup"]: d["marker"]["symbol"] for d in funnel_of(at)["data"] if d.get("legendgroup") in funnel}
    assert {"lebih_tinggi": "triangle-up", "lebih_rendah": "triangle-down", "serupa": "circle"}.items() >= (
        symbols.items()
    )
    # The page says which test it is.
    captions = " ".join(c.value for c in at.caption)
    assert (
        "batas kendali 95%" in captions
        and "Uji yang sama dipakai tabel, diagram corong dan grafik interval" in captions
    )
    # The Wilson interval against the pooled share (the old test) would have called other regions different.
    cohort = store.query(
        "select w.nama, count(*) n, count(*) filter (where s.urutan_maks >= ?) k from inovasi_status s "
        "join wilayah w on w.kode = s.kode_wilayah where s.tingkat = 'kabupaten' group by all",
        [domain.order(stage)],
    )
    theta = cohort.k.sum() / cohort.n.sum()
    wilson = {
        nama
        for nama, k, n in zip(cohort.nama, cohort.k, cohort.n, strict=True)
        if stats.verdict(*stats.wilson(k, n), theta) == "lebih_tinggi"
    }
    assert wilson != shown["lebih_tinggi"]


def test_the_verdicts_follow_the_funnel_limits_in_english_too(sample_data):
    at = app_at(WILAYAH, {"lang": "en"})
    captions = " ".join(c.value for c in at.caption)
    assert "95% control limits" in captions and "use this same test" in captions
    table = at.dataframe[0].value
    assert set(table["Against cluster"]) <= {"Higher", "Similar", "Lower", "No data"}


def test_within_is_the_range_position_keeps_inside():
    for theta in (0.0, 0.1, 0.35, 0.519, 0.9, 1.0):
        for n in (1, 3, 5, 12, 40, 333):
            k = np.arange(n + 1)
            for disp in (stats.Dispersion(1, 0, False), stats.Dispersion(3, 0.01, True)):
                if disp.overdispersed and theta in (0.0, 1.0):
                    continue
                pos = stats.position(k, np.full(k.size, n), theta, disp)
                lo, hi = stats.within(theta, np.array([n]), disp)
                assert np.array_equal((k / n >= lo[0]) & (k / n <= hi[0]), pos == "dalam"), (theta, n)
    assert stats.verdict_of(["atas_998", "atas_95", "dalam", "bawah_95", "bawah_998", None]) == [
        "lebih_tinggi",
        "lebih_tinggi",
        "serupa",
        "lebih_rendah",
        "lebih_rendah",
        "tidak_ada",
    ]


def test_outlier_names_sit_beside_their_markers_not_on_them(sample_data):
    at = app_at(WILAYAH)
    next(s for s in at.selectbox if s.label == "Proporsi usulan yang mencapai tahap").set_value("pelembagaan").run()
    fig = funnel_of(at)
    log = fig["layout"]["xaxis"].get("type") == "log"
    notes = {a["text"]: a for a in fig["layout"].get("annotations", [])}
    outliers = [d for d in fig["data"] if d.get("legendgroup") in ("lebih_tinggi", "lebih_rendah")]
    assert outliers
    for trace in outliers:
        assert trace["mode"] == "markers" and "text" not in trace  # no name printed on the marker itself
        xs, ys = plotly_array(trace["x"]), plotly_array(trace["y"])
        for (name, *_), x, y in zip(trace["customdata"], xs, ys, strict=True):
            note = notes[name]
            assert note["showarrow"] and math.hypot(note["ax"], note["ay"]) >= 30 and note.get("standoff", 0) > 0
            assert note["x"] == pytest.approx(math.log10(x) if log else x) and note["y"] == pytest.approx(y)


def test_a_region_account_sees_the_same_cluster_band_and_verdict_as_a_national_user(sample_data):
    busiest = store.query(
        "select kode_wilayah k from inovasi_status where tingkat = 'kabupaten' group by 1 order by count(*) desc limit 1"
    ).k[0]
    for region in ("71.07", busiest):
        mine = Ctx("wilayah", "id", Filters(), Viewer("daerah", (region,)))
        deputy = Ctx("wilayah", "id", Filters(), NATIONAL)
        band = ["tahun", "median_klaster", "q1_klaster", "q3_klaster"]
        own, national = q.per_year(mine, "kabupaten", region), q.per_year(deputy, "kabupaten", region)
        pd.testing.assert_frame_equal(own[band], national[band])
        pd.testing.assert_series_equal(own.wilayah, national.wilayah)
        assert (own.q3_klaster > 0).any()  # not the band of the one region the account sees
    # The band is the cluster's median region, zero-activity regions included.
    counts = store.query(
        "select w.kode, y.tahun, count(s.kode_inovasi) n from wilayah w "
        "cross join (select distinct tahun_usulan tahun from inovasi_status where tingkat = 'kabupaten') y "
        "left join inovasi_status s on s.kode_wilayah = w.kode and s.tahun_usulan = y.tahun "
        "where w.tingkat = 'kabupaten' group by all"
    )
    expected = counts.groupby("tahun").n.median()
    got = q.per_year(mine, "kabupaten", busiest).set_index("tahun").median_klaster
    assert np.allclose(got.loc[expected.index], expected)
    # The verdict of the account's region is the national one: same target, same over-dispersion.
    theirs = q.funnel(q.region_table(mine, "kabupaten", "penerapan"), q.benchmark(mine, "kabupaten", "penerapan"))
    ours = q.funnel(q.region_table(deputy, "kabupaten", "penerapan"), q.benchmark(deputy, "kabupaten", "penerapan"))
    assert (theirs.theta, theirs.disp) == (ours.theta, ours.disp)
    row = theirs.table.set_index("kode").loc[busiest]
    assert row.verdict == ours.table.set_index("kode").loc[busiest].verdict
    assert len(theirs.table) == 1  # the account still lists only its own region


def test_a_province_filter_bands_over_the_provinces_regions(sample_data):
    province = store.query(
        "select kode_provinsi k from inovasi_status where tingkat = 'kabupaten' group by 1 order by count(*) desc limit 1"
    ).k[0]
    region = store.query(
        "select kode_wilayah k from inovasi_status where kode_provinsi = ? and tingkat = 'kabupaten' "
        "group by 1 order by count(*) desc limit 1",
        [province],
    ).k[0]
    ctx = Ctx("wilayah", "id", Filters(provinsi=province), NATIONAL)
    counts = store.query(
        "select w.kode, y.tahun, count(s.kode_inovasi) n from wilayah w "
        "cross join (select distinct tahun_usulan tahun from inovasi_status "
        "            where tingkat = 'kabupaten' and kode_provinsi = ?) y "
        "left join inovasi_status s on s.kode_wilayah = w.kode and s.tahun_usulan = y.tahun "
        "where w.tingkat = 'kabupaten' and w.kode_provinsi = ? group by all",
        [province, province],
    )
    got = q.per_year(ctx, "kabupaten", region).set_index("tahun")
    expected = counts.groupby("tahun").n.quantile(0.75)
    assert np.allclose(got.q3_klaster.loc[expected.index], expected)


def test_filters_the_figures_do_not_apply_are_named_on_the_page(sample_data):
    plain = app_at(WILAYAH)
    assert not any("tidak diterapkan" in i.value for i in plain.info)
    at = app_at(WILAYAH, {"tahap": "usulan"})
    notes = [i.value for i in at.info if "Filter yang tidak diterapkan" in i.value]
    assert any("tabel, diagram corong" in n and ": tahap." in n and "tahap terkini" in n for n in notes)
    assert any("IID dan penghargaan" in n for n in notes)
    # The cohort deliberately keeps every stage: the table is the unfiltered one, and the page says why.
    pd.testing.assert_frame_equal(at.dataframe[0].value, plain.dataframe[0].value)
    region = store.query("select kode_wilayah k from inovasi_status where tingkat = 'kabupaten' limit 1").k[0]
    at = app_at(WILAYAH, {"tahap": "usulan", "wil": region, "lang": "en"})
    notes = [i.value for i in at.info if "Filters not applied" in i.value]
    assert any("stage, region" in n or "region, stage" in n for n in notes)
    assert any("picks the region of the profile" in n for n in notes)
    # A filter the cohort applies brings no notice about the table (only about the IID and awards).
    at = app_at(WILAYAH, {"jenis": "digital"})
    notes = [i.value for i in at.info if "tidak diterapkan" in i.value]
    assert notes and all("IID dan penghargaan" in n for n in notes)


def test_the_table_shows_no_raw_values_and_one_number_convention_per_language(sample_data):
    # a kabupaten whose latest IID (the one the table shows) has a predikat and no score
    predikat_only = store.query(
        "select * from (select w.nama, i.predikat, i.tahun, i.skor from indeks_daerah i "
        "join wilayah w on w.kode = i.kode_wilayah where w.tingkat = 'kabupaten' "
        "qualify i.tahun = max(i.tahun) over (partition by i.kode_wilayah)) where skor is null order by nama limit 1"
    ).iloc[0]
    for lang, dec, none in (("id", ",", "Tidak ada data"), ("en", r"\.", "No data")):
        at = app_at(WILAYAH, {"lang": lang})
        table = at.dataframe[0].value
        share, interval = ("Proporsi", "Interval 95% (Wilson)") if lang == "id" else ("Share", "95% interval (Wilson)")
        proposals, verdict = ("Usulan", "Dibanding klaster") if lang == "id" else ("Proposals", "Against cluster")
        iid = "IID terakhir" if lang == "id" else "Latest IID"
        assert not table.isna().any().any()  # no grey None anywhere
        empty = table[table[proposals] == 0]
        assert len(empty) and set(empty[share]) == {"–"} and set(empty[verdict]) == {none}
        percent = rf"\d{{1,3}}{dec}\d%"
        busy = table[table[proposals] > 0]
        assert busy[share].str.fullmatch(percent).all()
        assert busy[interval].str.fullmatch(rf"{percent} – {percent}").all()
        assert not table[iid].str.startswith("– (").any()
        name = domain.PREDIKAT[predikat_only.predikat][0 if lang == "id" else 1]
        cell = table.loc[table[table.columns[0]] == predikat_only.nama, iid].iloc[0]
        assert cell == f"{name} ({predikat_only.tahun})"
    # The IID table by year holds score (predikat) or the predikat alone, never '– (predikat)'.
    iid_table = next(d.value for d in at.dataframe if "Region" in d.value.columns and "2025" in d.value.columns)
    assert not iid_table.drop(columns="Region").apply(lambda c: c.str.startswith("– (")).any().any()


AWARD_HEADER = ["kode_wilayah", "kode_inovasi", "ajang", "tahun", "kategori", "capaian"]


@pytest.fixture
def awards_load(tmp_path):
    header = [*INOVASI_HEADER, "publikasi", "tahap_terkini", "tanggal_uji_coba", "tanggal_penerapan"]
    later = ["penerapan", "01/06/2021", "01/09/2021"]
    rows = [
        [*inovasi_row("MILIK-1", "71.07", tanggal="01/02/2021"), "tidak", *later],
        [*inovasi_row("RAHASIA-1", "32.04", tanggal="01/02/2021"), "tidak", *later],
        [*inovasi_row("TERBUKA-1", "32.04", tanggal="01/02/2021"), "ya", *later],
    ]
    write_csv(tmp_path, "inovasi.csv", header, rows)
    awards = [
        ["71.07", "MILIK-1", "KIPP", "2023", "Kabupaten", "Top 99"],
        ["32.04", "RAHASIA-1", "KIPP", "2023", "Kabupaten", "Top 45"],
        ["32.04", "TERBUKA-1", "IGA", "2024", "Kabupaten", "Terinovatif"],
    ]
    write_csv(tmp_path, "penghargaan.csv", AWARD_HEADER, awards)
    write_csv(tmp_path, "indeks_daerah.csv", ["kode_wilayah", "tahun", "skor"], [["32.04", "2024", "61,5"]])
    report = run([tmp_path], write=True)
    assert report.exit_code == 0, report.rejected


def test_awards_never_name_another_regions_unpublished_innovation(awards_load):
    mitra = Viewer("daerah", ("71.07",))
    # The page of 71.07's account draws the award, unnamed, and nowhere the name.
    at = app_at(WILAYAH, role="daerah", wilayah=("71.07",))
    frames = " ".join(d.value.to_string() for d in at.dataframe)
    assert "RAHASIA" not in frames and "(tidak dipublikasikan)" in frames and "Inovasi TERBUKA-1" in frames
    assert not any("RAHASIA" in json.dumps(f) for f in figures(at))
    got = q.awards(mitra, "kabupaten", None).set_index("capaian")
    assert len(got) == 3  # other regions' awards are published facts
    assert got.loc["Top 99"].nama_inovasi == "Inovasi MILIK-1"  # its own, unpublished
    assert got.loc["Terinovatif"].nama_inovasi == "Inovasi TERBUKA-1"  # another region's, public
    assert pd.isna(got.loc["Top 45"].nama_inovasi) and got.loc["Top 45"].tertutup
    assert "RAHASIA" not in got.to_string()
    national = q.awards(NATIONAL, "kabupaten", None).set_index("capaian")
    assert national.loc["Top 45"].nama_inovasi == "Inovasi RAHASIA-1" and not national.tertutup.any()
    assert q.awards(Viewer(), "kabupaten", None).empty and q.iid_years(Viewer(), "kabupaten", None).empty
    assert len(q.iid_years(mitra, "kabupaten", None)) == 1 and len(q.iid_years(NATIONAL, "kabupaten", None)) == 1


def test_an_entry_that_passed_no_round_is_not_an_award(sample_data):
    """penghargaan holds the competition pipeline's plain entries too: they are not awards, in the
    region table's count or in the awards list (and so never show another region's entries)."""
    from dasbor.frame import Ctx

    entry_texts = set(
        store.query(
            "select distinct p.capaian from penghargaan p join capaian_baca b on b.ajang = p.ajang and b.teks = p.capaian "
            "where b.capaian = ?",
            [domain.ENTERED],
        ).capaian
    )
    assert entry_texts  # the sample has entries that passed no round
    listed = q.awards(NATIONAL, "kabupaten", None)
    assert not listed.empty and not set(listed.capaian) & entry_texts
    won = (
        store.query(
            "select p.kode_wilayah, count(*) as n from penghargaan p join wilayah w on w.kode = p.kode_wilayah "
            "left join capaian_baca b on b.ajang = p.ajang and b.teks = p.capaian "
            "where w.tingkat = 'kabupaten' and b.capaian is distinct from ? group by all",
            [domain.ENTERED],
        )
        .set_index("kode_wilayah")
        .n
    )
    table = q.region_table(Ctx("wilayah", "id", Filters(), NATIONAL), "kabupaten", "penerapan").set_index("kode")
    assert table.penghargaan.sum() == won.sum() and len(listed) == won.sum()
