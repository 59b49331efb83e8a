"""Alur Tahapan and Dampak definitions, pinned on tiny hand-made histories."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import INOVASI_HEADER, app_at, inovasi_row, plotly_array, write_csv
from dasbor import charts, domain, fmt, store
from dasbor.access import NATIONAL
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.i18n import label
from dasbor.queries import alur, dampak
from etl.load import run

HISTORIES = {
    # finished: usulan → penerapan in 182 days
    "A": [
        ("usulan", "01/01/2020"),
        ("kajian", "11/01/2020"),
        ("layak", "10/02/2020"),
        ("penetapan", "01/03/2020"),
        ("uji_coba", "01/04/2020"),
        ("penerapan", "01/07/2020"),
    ],
    # skipped kajian and layak: they take the decree's date
    "B": [("usulan", "01/01/2020"), ("penetapan", "01/03/2020")],
    # backwards move: trial, back to decree, trial again (the later trial date replaces the earlier)
    "C": [
        ("usulan", "01/01/2020"),
        ("uji_coba", "01/03/2020"),
        ("penetapan", "01/05/2020"),
        ("uji_coba", "01/06/2020"),
    ],
    # exit: judged not feasible after review
    "D": [("usulan", "01/01/2020"), ("kajian", "15/01/2020"), ("tidak_layak", "01/03/2020")],
    # unfinished, waiting in review
    "E": [("usulan", "01/01/2020"), ("kajian", "01/02/2020")],
}


@pytest.fixture
def flow(tmp_path):
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row(k, tanggal="01/01/2020") for k in HISTORIES])
    rows = [[k, stage, day] for k, steps in HISTORIES.items() for stage, day in steps]
    write_csv(tmp_path, "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], rows)
    report = run([tmp_path], write=True)
    assert report.exit_code == 0, report.rejected
    return Ctx("alur", "id", Filters(), NATIONAL)


def reached(kode: str) -> dict[str, tuple[str, bool]]:
    """Stage -> (date reached, skipped) for each stage up to the furthest reached, from tahap_capai_lebar."""
    row = store.query("select * from tahap_capai_lebar where kode_inovasi = ?", [kode]).iloc[0]
    return {
        stage: (f"{row[f'capai_{k}']:%Y-%m-%d}", not (int(row.tercatat) >> k) & 1)
        for k, stage in enumerate(alur.FLOW_STAGES, start=1)
        if k <= row.urutan_maks
    }


def test_skipped_stages_take_the_next_stage_date(flow):
    got = reached("B")
    assert got["kajian"] == ("2020-03-01", True) and got["layak"] == ("2020-03-01", True)
    assert got["penetapan"] == ("2020-03-01", False) and "uji_coba" not in got


def test_the_last_stages_and_a_skipped_one_near_the_top(tmp_path):
    steps = [("usulan", "01/01/2021"), ("penerapan", "01/06/2021"), ("evaluasi", "01/12/2021")]
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("F", tanggal="01/01/2021")])
    write_csv(tmp_path, "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], [["F", t, d] for t, d in steps])
    assert run([tmp_path], write=True).exit_code == 0
    got = reached("F")
    assert list(got) == ["usulan", "kajian", "layak", "penetapan", "uji_coba", "penerapan", "pelembagaan", "evaluasi"]
    assert got["usulan"] == ("2021-01-01", False) and got["uji_coba"] == ("2021-06-01", True)
    assert got["pelembagaan"] == ("2021-12-01", True) and got["evaluasi"] == ("2021-12-01", False)


def test_backwards_move_keeps_the_last_entry_and_the_current_stage(flow):
    got = reached("C")
    assert got["uji_coba"] == ("2020-06-01", False) and got["penetapan"] == ("2020-05-01", False)
    assert store.query("select tahap from inovasi_status where kode_inovasi = 'C'").tahap[0] == "uji_coba"


def test_exits_are_kept_apart_with_the_stage_they_left(flow):
    exits = store.query("select kode_inovasi, keluar, dari_urutan from tahap_keluar")
    assert exits.values.tolist() == [["D", "tidak_layak", 2]]
    reach, out = alur.funnel(flow)
    assert dict(zip(reach.tahap, reach.jumlah, strict=True))["kajian"] == 5  # A, B (skipped), C (skipped), D, E
    assert out.values.tolist() == [["tidak_layak", 2, 1]]


def test_cycle_time_is_end_minus_start_plus_one_for_finished_items_only(flow):
    cycles = alur.cycle_times(flow.filters, flow.viewer, "usulan", "penerapan")
    assert cycles[["kode_inovasi", "hari"]].values.tolist() == [["A", 183]]
    decree = alur.cycle_times(flow.filters, flow.viewer, "usulan", "penetapan").set_index("kode_inovasi").hari.to_dict()
    assert decree == {"A": 61, "B": 61, "C": 122}


def test_aging_lists_unfinished_work_without_exits(flow):
    wip = alur.aging(flow.filters, flow.viewer, "usulan", "penerapan")
    assert set(wip.kode_inovasi) == {"B", "C", "E"}
    expected = (dt.date.today() - dt.date(2020, 1, 1)).days + 1
    assert set(wip.umur) == {expected}


def test_cycle_view_computes_on_all_rows_and_returns_a_stable_sample(flow, monkeypatch):
    from dasbor import charts, stats

    snap = str(store.current_snapshot())
    full = alur.cycle_times(flow.filters, flow.viewer, "usulan", "penetapan")
    wip = alur.aging(flow.filters, flow.viewer, "usulan", "penetapan")
    monkeypatch.setattr(charts, "POINTS", 2)
    alur.cycle_view.clear()
    view = alur.cycle_view(snap, flow.filters, flow.viewer, "usulan", "penetapan")
    # Percentiles and counts over every row, not over the sample.
    assert view["n_cycles"] == len(full) == 3 and view["n_wip"] == len(wip) == 1
    assert view["marks"] == {p: stats.nearest_rank(full.hari.to_numpy(), p) for p in (50, 70, 85, 95)}
    assert view["marks"][95] == 122
    # The sample: POINTS rows of the full list, the same ones every time, in finish-date order.
    assert len(view["cycles"]) == 2
    assert set(view["cycles"].kode_inovasi) <= set(full.kode_inovasi)
    merged = view["cycles"].merge(full, on="kode_inovasi", suffixes=("", "_full"))
    assert (merged.hari == merged.hari_full).all() and view["cycles"].selesai.is_monotonic_increasing
    alur.cycle_view.clear()
    again = alur.cycle_view(snap, flow.filters, flow.viewer, "usulan", "penetapan")
    assert again["cycles"].kode_inovasi.tolist() == view["cycles"].kode_inovasi.tolist()
    # E has waited since 2020-01-01, longer than every finished cycle: above all four marks.
    assert view["wip"].set_index("kode_inovasi").pita_no.to_dict() == {"E": 4}


def test_throughput_keeps_empty_months(flow):
    flow_rows = alur.throughput(flow, "usulan", "penerapan")
    months = [d.strftime("%Y-%m") for d in flow_rows.bulan]
    assert months == [f"2020-{m:02d}" for m in range(1, 8)]
    assert flow_rows.masuk.tolist() == [5, 0, 0, 0, 0, 0, 0]
    assert flow_rows.selesai.tolist() == [0, 0, 0, 0, 0, 0, 1]


def test_cumulative_flow_bands_never_go_below_zero_and_add_up_to_every_arrival(flow):
    wide = alur.cfd(flow, "month").set_index("periode")
    assert (wide.to_numpy() >= 0).all()
    assert (np.diff(wide.sum(axis=1).to_numpy()) >= 0).all()  # arrivals never go down
    last = wide.iloc[-1]
    assert last.sum() == 5
    # at the end: A implemented, B decreed, C in trial, D left from review, E in review
    assert {k: int(v) for k, v in last.items() if v} == {
        "penerapan": 1,
        "penetapan": 1,
        "uji_coba": 1,
        alur.EXITED: 1,
        "kajian": 1,
    }


def test_cumulative_flow_paints_each_stage_in_its_own_band(tmp_path):
    """One innovation: usulan, then a trial, then implementation. Its usulan period is the usulan
    band, its trial the trial band, and from implementation on the implementation band; it never
    shows in institutionalisation, which it never reached (the bands were once one stage off)."""
    from dasbor import charts

    steps = [("usulan", "15/01/2021"), ("uji_coba", "15/04/2021"), ("penerapan", "15/08/2021")]
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("G", tanggal="15/01/2021")])
    write_csv(tmp_path, "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], [["G", t, d] for t, d in steps])
    assert run([tmp_path], write=True).exit_code == 0
    ctx = Ctx("alur", "id", Filters(), NATIONAL)
    wide = alur.cfd(ctx, "month").set_index("periode")
    where = {f"{p:%Y-%m}": row[row > 0].to_dict() for p, row in wide.iterrows()}
    assert where["2021-01"] == where["2021-03"] == {"usulan": 1}
    assert where["2021-04"] == where["2021-07"] == {"uji_coba": 1}
    assert where["2021-08"] == {"penerapan": 1}
    assert (wide["pelembagaan"] == 0).all() and (wide["evaluasi"] == 0).all()
    # the chart: each trace is named after its stage, drawn in that stage's colour, with those counts
    at = app_at("pages/3_alur_tahapan.py")
    (chart,) = [c for c in at.get("plotly_chart") if "Inovasi (ditumpuk menurut tahap)" in c.proto.spec]
    traces = {tr["name"]: tr for tr in json.loads(chart.proto.spec)["data"]}
    for code in ("usulan", "uji_coba", "penerapan", "pelembagaan"):
        trace = traces[label("tahap", code)]
        assert trace["fillcolor"] == charts.stage_colour(code) and trace["stackgroup"] == "cfd"
        assert plotly_array(trace["y"]) == wide[code].tolist()
    assert sum(plotly_array(traces[label("tahap", "usulan")]["y"])) == 3  # January to March
    assert sum(plotly_array(traces[label("tahap", "pelembagaan")]["y"])) == 0


def test_stuck_means_waiting_on_a_decision_past_the_85th_percentile_of_its_stage(flow):
    waits = alur.stage_waits(flow).set_index("tahap")
    # finished moves out of kajian: A after 30 days, D after 46; B and C skipped it, E is still there
    assert waits.loc["kajian", "n"] == 2 and waits.loc["kajian", "p85"] == 46
    stuck, per_stage = alur.stuck(flow, alur.stage_waits(flow))
    # E waits in review (a decision); B waits for its trial since its decree (a decision); A is
    # implemented and C is in its trial: neither waits on anyone's decision, however long.
    assert set(stuck.kode_inovasi) == {"B", "E"}
    assert per_stage.set_index("tahap").n.to_dict() == {"kajian": 1, "penetapan": 1}
    first, per_stage_limited = alur.stuck(flow, alur.stage_waits(flow), limit=1)
    assert per_stage_limited.n.sum() == len(stuck) and first.kode_inovasi.tolist() == stuck.kode_inovasi[:1].tolist()
    e = stuck.set_index("kode_inovasi").loc["E"]
    assert (e.tahap, e.p85, e.n_riwayat) == ("kajian", 46, 2)
    assert set(stuck.tahap) <= set(domain.DECISION) and stuck.hari_menunggu.is_monotonic_decreasing


def test_implemented_but_never_institutionalised_has_its_own_figure(flow):
    rows, summary = alur.implemented_only(flow)
    assert rows.kode_inovasi.tolist() == ["A"] and int(summary.n) == 1
    assert int(summary.median_hari) == (dt.date.today() - dt.date(2020, 7, 1)).days
    assert rows.hari_sejak_penerapan.tolist() == [int(summary.median_hari)]


def test_dampak_units_are_never_mixed_and_survival_counts_stops(flow, tmp_path):
    write_csv(
        tmp_path / "e",
        "evaluasi.csv",
        ["kode_inovasi", "tanggal_evaluasi", "hasil", "waktu_layanan_sebelum", "waktu_layanan_sesudah", "satuan_waktu"],
        [["A", "01/09/2020", "bermanfaat", "10", "2", "hari"]],
    )
    write_csv(tmp_path / "t", "tahapan.csv", ["kode_inovasi", "tahap", "tanggal"], [["A", "dihentikan", "01/07/2021"]])
    run([tmp_path / "e", tmp_path / "t"], write=True)
    ctx = Ctx("dampak", "id", Filters(), NATIONAL)
    ev = dampak.latest_evaluations(Filters(), NATIONAL)
    assert ev[["satuan_waktu", "waktu_layanan_sebelum"]].values.tolist() == [["hari", 10]]
    life = dampak.survival(Filters(), NATIONAL)
    assert life[["hari", "berhenti", "jumlah"]].values.tolist() == [[365, True, 1]]
    assert dampak.results_by(ctx, "jenis").values.tolist() == [["digital", "bermanfaat", 1]]


@pytest.mark.parametrize("dimension", list(dampak.DIMENSIONS))
def test_dampak_results_count_each_latest_evaluation_once_under_its_group_name(sample_data, dimension):
    """Against the loaded rows themselves (innovations, their latest evaluation, code lists)."""
    latest = store.query(
        """
        select e.hasil, i.bentuk, i.jenis, coalesce(u.kode || ' ' || u.nama, '–') as urusan, w.nama as wilayah
        from evaluasi e join inovasi i using (kode_inovasi)
        left join urusan u on u.kode = i.urusan join wilayah w on w.kode = i.kode_wilayah
        qualify row_number() over (partition by e.kode_inovasi order by e.tanggal_evaluasi desc) = 1
        """
    )
    expected = latest.groupby([dimension, "hasil"]).size()
    got = dampak.results_by(Ctx("dampak", "id", Filters(), NATIONAL), dimension)
    got = got.groupby(["kelompok", "hasil"]).jumlah.sum()
    assert len(expected) > 3 and got.to_dict() == expected.to_dict()


def test_ikm_points_are_a_stable_named_sample_of_the_surveyed(sample_data, monkeypatch):
    from dasbor import charts

    surveyed = store.query(
        "select i.nama_inovasi, e.ikm_sebelum, e.ikm_sesudah, e.responden from evaluasi_terakhir e "
        "join inovasi i using (kode_inovasi) where e.ikm_sebelum is not null and e.ikm_sesudah is not null"
    )
    assert len(surveyed) > 5
    everything = dampak.ikm_points(Filters(), NATIONAL)
    key = ["nama_inovasi", "ikm_sebelum", "ikm_sesudah", "responden"]
    assert sorted(map(tuple, everything[key].values.tolist())) == sorted(map(tuple, surveyed[key].values.tolist()))
    monkeypatch.setattr(charts, "POINTS", 5)
    five = dampak.ikm_points(Filters(), NATIONAL)
    assert len(five) == 5 and five.nama_inovasi.notna().all()
    assert set(map(tuple, five[key].values.tolist())) <= set(map(tuple, surveyed[key].values.tolist()))
    assert five.equals(dampak.ikm_points(Filters(), NATIONAL))


def test_alur_page_answers_what_is_stuck_and_where_proposals_wait(sample_data):
    at = app_at("pages/3_alur_tahapan.py")
    labels = {m.label: m.value for m in at.metric}
    ctx = Ctx("alur", "id", Filters(), NATIONAL)
    everything, per_stage = alur.stuck(ctx, alur.stage_waits(ctx))
    # the headline names the stage holding the most of the rows listed below, nothing else
    top = per_stage.sort_values(["n", "terlama"], ascending=False).iloc[0]
    assert labels["Paling banyak macet di"] == label("tahap", top.tahap)
    assert (everything.tahap == top.tahap).sum() == top.n == per_stage.n.max()
    stuck_table = at.dataframe[0].value
    assert list(stuck_table["Hari menunggu"]) == sorted(stuck_table["Hari menunggu"], reverse=True)
    assert set(stuck_table["Tahap"]) <= {label("tahap", s) for s in domain.DECISION}
    assert int(labels["Inovasi macet"].replace(".", "")) == per_stage.n.sum() == len(everything)
    assert len(stuck_table) == min(len(everything), 200)
    assert list(stuck_table["Kode"]) == everything.kode_inovasi[: len(stuck_table)].tolist()
    implemented, summary = alur.implemented_only(ctx)
    assert int(labels["Inovasi"].replace(".", "")) == summary.n == len(implemented) > 0
    assert "Selesai per bulan (throughput)" in [s.value for s in at.subheader]  # many innovations: monthly
    # the cycle-time chart draws its four percentile lines at the values computed over every cycle
    (cycles,) = [c for c in at.get("plotly_chart") if "Lama siklus (hari)" in c.proto.spec]
    layout = json.loads(cycles.proto.spec)["layout"]
    marks = alur.cycle_view(str(store.current_snapshot()), Filters(), NATIONAL, "usulan", "penerapan")["marks"]
    assert len(marks) == 4 and [line["y0"] for line in layout["shapes"]] == list(marks.values())
    assert [note["text"].split(":")[0] for note in layout["annotations"]] == [f"{p}%" for p in marks]
    end = next(s for s in at.selectbox if s.label == "Tahap selesai")
    end.set_value("penetapan").run()
    assert not at.exception
    assert "Lama siklus Usulan → Penetapan" in [s.value for s in at.subheader]
    next(r for r in at.radio if r.label == "Menurut").set_value("wilayah").run()
    assert not at.exception


def test_throughput_of_a_handful_of_innovations_is_counted_per_year(flow):
    """Five innovations over seven months: monthly bars would be a lone 1 among empty months."""
    at = app_at("pages/3_alur_tahapan.py")
    assert not at.exception
    titles = [s.value for s in at.subheader]
    assert "Selesai per tahun (throughput)" in titles and "Selesai per bulan (throughput)" not in titles
    assert any("sedikit (1 selesai)" in c.value and "per tahun" in c.value for c in at.caption)
    (chart,) = [c for c in at.get("plotly_chart") if "Masuk (Usulan)" in c.proto.spec]
    bars, arrivals = json.loads(chart.proto.spec)["data"][:2]
    assert (bars["x"], plotly_array(bars["y"]), plotly_array(arrivals["y"])) == (["2020"], [1], [5])


def test_dampak_page_states_evidence_and_switches_dimension(sample_data):
    at = app_at("pages/4_dampak.py")
    assert "bukan estimasi sebab-akibat" in at.info[0].value and "survei" in at.info[0].value
    assert len(at.get("plotly_chart")) == 5
    # the IKM scatter names every surveyed innovation it draws (names are fetched for the points only)
    (ikm,) = [c.proto.spec for c in at.get("plotly_chart") if "responden\\u003cextra" in c.proto.spec]
    surveyed = store.query(
        "select i.nama_inovasi from evaluasi_terakhir e join inovasi i using (kode_inovasi) "
        "where e.ikm_sebelum is not null and e.ikm_sesudah is not null"
    ).nama_inovasi
    assert 0 < len(surveyed) <= charts.POINTS and all(json.dumps(n) in ikm for n in set(surveyed))
    # the PermenPANRB 14/2017 bands behind the points, each named
    layout = json.loads(ikm)["layout"]
    assert [(b["y0"], b["y1"]) for b in layout["shapes"]] == [(25, 64.99), (65, 76.6), (76.61, 88.3), (88.31, 100)]
    assert [a["text"] for a in layout["annotations"]] == ["D Tidak Baik", "C Kurang Baik", "B Baik", "A Sangat Baik"]
    next(r for r in at.radio if r.label == "Hasil evaluasi menurut").set_value("jenis").run()
    assert not at.exception
    results = at.get("plotly_chart")[0].proto.spec
    assert "Non-digital" in results and "Digital" in results


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 400)), min_size=1, max_size=300))
def test_wait_percentiles_read_off_counts_equal_quantile_disc(rows):
    import duckdb

    con = duckdb.connect()
    con.execute("create table x (g varchar, hari bigint)")
    con.executemany("insert into x values (?, ?)", rows)
    got = con.execute(f"select * from ({alur._waits('t.g', 'from x t')}) order by kelompok").fetchall()
    want = con.execute(
        "select g, count(*), quantile_disc(hari, 0.5), quantile_disc(hari, 0.85) from x group by g order by g"
    ).fetchall()
    assert got == want


def test_alur_says_which_filter_its_flow_charts_do_not_apply(sample_data):
    plain = app_at("pages/3_alur_tahapan.py")
    assert not [c for c in plain.caption if "tidak diterapkan di sini" in c.value]
    at = app_at("pages/3_alur_tahapan.py", {"tahap": "kajian"})
    notes = [c.value for c in at.caption if "Filter tahap tidak diterapkan di sini" in c.value]
    # the funnel, the cycle/WIP/throughput block, the forecast, the cumulative flow, time in stage
    assert len(notes) == 5
    # the stuck list does apply it: every row listed is in review
    assert set(at.dataframe[0].value["Tahap"]) == {"Kajian"}
    en = app_at("pages/3_alur_tahapan.py", {"tahap": "kajian", "lang": "en"})
    assert any("The stage filter is not applied here" in c.value for c in en.caption)


def test_alur_funnel_chart_and_table_give_the_same_numbers(sample_data):
    at = app_at("pages/3_alur_tahapan.py")
    (chart,) = [c for c in at.get("plotly_chart") if '"type":"funnel"' in c.proto.spec]
    trace = json.loads(chart.proto.spec)["data"][0]
    table = next(d.value for d in at.dataframe if "Konversi dari tahap sebelumnya" in d.value.columns)
    assert table["Tahap"].tolist() == trace["y"]
    assert [int(v.replace(".", "")) for v in table["Mencapai"]] == plotly_array(trace["x"])
    shares = [text.split("(")[1].rstrip(")") for text in trace["text"]]
    assert table["Bagian kohort"].tolist() == shares
    reach = alur.funnel_table(alur.funnel(Ctx("alur", "id", Filters(), NATIONAL))[0])
    assert plotly_array(trace["x"]) == reach.jumlah.tolist() and np.isnan(reach.konversi.iloc[0])


@pytest.mark.parametrize("params", [{}, {"tahap": "kajian"}, {"jenis": "digital", "tahun": "2019-2023"}])
def test_alur_cards_lists_and_csvs_agree(sample_data, downloads, params):
    import io

    import pandas as pd

    at = app_at("pages/3_alur_tahapan.py", params)
    cards = {m.label: m.value for m in at.metric}
    files = downloads(at)
    stuck = pd.read_csv(io.BytesIO(files["inovasi_macet.csv"]), encoding="utf-8-sig")
    assert len(stuck) == int(cards["Inovasi macet"].replace(".", ""))
    assert stuck["Tahap"].value_counts().idxmax() == cards["Paling banyak macet di"]
    if params.get("tahap") == "kajian":  # the stage filter applies: nothing in review is implemented
        assert cards["Inovasi"] == "0" and "diterapkan_belum_dilembagakan.csv" not in files
    else:
        implemented = pd.read_csv(io.BytesIO(files["diterapkan_belum_dilembagakan.csv"]), encoding="utf-8-sig")
        assert len(implemented) == int(cards["Inovasi"].replace(".", ""))
        days = implemented["Hari sejak penerapan"]
        assert fmt.number(days.median(), "id") == cards["Median hari sejak penerapan"]
    cfd = pd.read_csv(io.BytesIO(files["cfd_month.csv"]), encoding="utf-8-sig")
    (chart,) = [c for c in at.get("plotly_chart") if "Inovasi (ditumpuk menurut tahap)" in c.proto.spec]
    for trace in json.loads(chart.proto.spec)["data"]:
        assert cfd[trace["name"]].tolist() == plotly_array(trace["y"])
