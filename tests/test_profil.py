"""Profil Wilayah: one region at its own address, its spine made of the figures other pages define,
every role kept to its scope (a region account never gets another region's rows), a public version of
public figures only, and a print document with no widget and every table whole."""

from __future__ import annotations

import io
import json
import math
from datetime import date

import pandas as pd
import pytest

from conftest import INOVASI_HEADER, app_at, inovasi_row, plotly_array, write_csv
from dasbor import fmt, i18n, outreach, spine, stats, store
from dasbor.access import NATIONAL, Viewer
from dasbor.filters import Filters
from dasbor.frame import Ctx
from dasbor.queries import alur, kegiatan, kompetisi, profil, publik, ringkasan, wilayah
from etl.load import run

PAGE = "pages/8_profil_wilayah.py"
MITRA, FOREIGN = "71.07", "32.04"  # Kab. Minahasa Tenggara; Kab. Bandung (no innovations in the sample's 71.07)
MITRA_PEOPLE = 121_554  # dasbor/reference/penduduk_kabkota.csv, 71.07, 2024
SECRET = "RAHASIA"  # the name and code of another region's unpublished innovations
RINGKASAN = "pages/1_ringkasan.py"
SEED = date(2017, 11, 22)  # 71.07's sosialisasi in Manado, the event this product grew from
PINRANG = "73.15"  # another region of the sample with events and competition entries


def load_mitra(tmp_path) -> None:
    """Five innovations of 71.07 (two public, two replicating another region's), two of
    Kab. Bandung that copy 71.07's first (one unpublished), an evaluation each for two of 71.07's, a
    newer IID score and an award of 71.07, and one innovation each of Sulawesi Utara's provincial
    government and of Kota Manado."""
    header = [*INOVASI_HEADER, "publikasi", "tahap_terkini", "tanggal_uji_coba", "tanggal_penerapan", "replikasi_dari"]
    implemented = "penerapan"

    def row(code, region, proposed, public, stage, trial="", done="", copies=""):
        return [*inovasi_row(code, region, tanggal=proposed), public, stage, trial, done, copies]

    rows = [
        row("MITRA-1", MITRA, "01/02/2020", "ya", implemented, "01/06/2020", "01/09/2020"),
        row("MITRA-2", MITRA, "01/03/2021", "tidak", implemented, "01/05/2021", "01/07/2021"),
        row("MITRA-3", MITRA, "01/01/2019", "ya", "usulan"),
        row("MITRA-4", MITRA, "01/04/2022", "tidak", "uji_coba", "01/08/2022", copies=f"{SECRET}-9"),
        row("MITRA-5", MITRA, "01/05/2022", "ya", implemented, "01/07/2022", "01/10/2022", copies="TERBUKA-9"),
        row(f"{SECRET}-9", FOREIGN, "01/02/2021", "tidak", implemented, "01/04/2021", "01/06/2021", "MITRA-1"),
        row("TERBUKA-9", FOREIGN, "01/02/2021", "ya", implemented, "01/04/2021", "01/06/2021", "MITRA-1"),
        row("SULUT-1", "71", "01/02/2022", "ya", implemented, "01/04/2022", "01/06/2022"),
        row("MANADO-1", "71.71", "01/02/2022", "ya", implemented, "01/04/2022", "01/06/2022"),
    ]
    write_csv(tmp_path, "inovasi.csv", header, rows)
    write_csv(
        tmp_path,
        "evaluasi.csv",
        ["kode_inovasi", "tanggal_evaluasi", "hasil", "status_lanjut"],
        [["MITRA-1", "01/03/2023", "bermanfaat", "berlanjut"], ["MITRA-2", "01/03/2023", "bermanfaat", "berhenti"]],
    )
    write_csv(tmp_path, "indeks_daerah.csv", ["kode_wilayah", "tahun", "skor"], [[MITRA, "2026", "61,25"]])
    write_csv(
        tmp_path,
        "penghargaan.csv",
        ["kode_wilayah", "kode_inovasi", "ajang", "tahun", "kategori", "capaian"],
        [[MITRA, "MITRA-1", "KIPP", "2024", "Kabupaten", "Top 99"]],
    )
    report = run([tmp_path], write=True)
    assert report.exit_code == 0, report.rejected


@pytest.fixture
def tiny(data_dir, tmp_path):
    """Only the rows of ``load_mitra``: every figure of 71.07 can be counted by hand."""
    load_mitra(tmp_path)
    return data_dir


@pytest.fixture
def profil_data(sample_data, tmp_path):
    """The sample (which has innovations of 71.07 of its own) with the rows of ``load_mitra`` on top."""
    load_mitra(tmp_path)
    return sample_data


def texts(at) -> str:
    """Every piece of text the run sent: each element's message (with chart data), and every table's cells."""
    parts = []
    for root in (at.main, at.sidebar):
        for node in root:
            if getattr(node, "type", None) in ("dataframe", "table"):
                parts.append(node.value.to_string())
            elif hasattr(node, "proto") and not hasattr(node, "children"):
                parts.append(str(node.proto))
    return "\n".join(parts)


def charts_of(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def spine_points(at) -> dict[str, dict]:
    """The region's markers of the spine chart: per row key its numbers as drawn in ``customdata``."""
    names = ("nilai", "lo", "hi", "klaster", "nasional", "min", "q1", "q3", "max")
    out = {}
    for fig in charts_of(at):
        for trace in fig["data"]:
            if str(trace.get("legendgroup", "")).startswith("wilayah:"):
                verdict = trace["legendgroup"].split(":")[1]
                for row in trace["customdata"]:
                    out[row[0]] = {**dict(zip(names, row[1:], strict=True)), "verdict": verdict}
    return out


def nation(lang: str = "id") -> Ctx:
    return Ctx("profil", lang, Filters(wilayah=MITRA), NATIONAL)


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None or (a is None and math.isnan(b)) or (b is None and math.isnan(a))
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_the_spine_is_the_figures_other_pages_define_and_agrees_with_a_hand_count(tiny, downloads):
    ctx = nation()
    rows = profil.spine(ctx, profil.place(NATIONAL, MITRA)).set_index("key")
    # By hand: 5 proposals of 121,554 people; 3 reached penerapan (MITRA-1, -2, -5); their cycles
    # (implemented − proposed + 1) are 214, 123 and 154 days, median 154; of the two with a reported
    # continuation one continues; the latest IID is 2026's 61.25; one award.
    assert rows.loc["per_100rb", "nilai"] == pytest.approx(5 / MITRA_PEOPLE * 100_000)
    assert (rows.loc["proporsi", "k"], rows.loc["proporsi", "n"], rows.loc["proporsi", "nilai"]) == (3, 5, 0.6)
    assert (rows.loc["proporsi", "lo"], rows.loc["proporsi", "hi"]) == pytest.approx(stats.wilson(3, 5))
    assert rows.loc["siklus", "nilai"] == 154 and rows.loc["siklus", "n"] == 3
    assert (rows.loc["berjalan", "k"], rows.loc["berjalan", "n"], rows.loc["berjalan", "nilai"]) == (1, 2, 0.5)
    assert rows.loc["iid", "nilai"] == 61.25 and rows.loc["iid", "tahun"] == 2026
    assert rows.loc["penghargaan", "nilai"] == 1
    # The same numbers from the functions that compute the figures on their own pages.
    cohort = profil.cohort(ctx)
    table = wilayah.region_table(cohort, "kabupaten", "penerapan").set_index("kode")
    assert rows.loc["per_100rb", "nilai"] == pytest.approx(table.n[MITRA] / table.penduduk[MITRA] * 100_000)
    result = wilayah.funnel(
        wilayah.region_table(cohort, "kabupaten", "penerapan"), wilayah.benchmark(cohort, "kabupaten", "penerapan")
    )
    mine = result.table.set_index("kode").loc[MITRA]
    assert rows.loc["proporsi", "verdict"] == mine.verdict and rows.loc["proporsi", "klaster"] == result.theta
    view = alur.cycle_view(str(store.current_snapshot()), Filters(wilayah=MITRA), NATIONAL, "usulan", "penerapan")
    assert rows.loc["siklus", "nilai"] == view["marks"][50]
    after = ringkasan.continuation(profil.focus(ctx, MITRA)).set_index("status").jumlah
    assert rows.loc["berjalan", "nilai"] == after["berlanjut"] / (after["berlanjut"] + after["berhenti"])
    assert (
        rows.loc["iid", "nilai"] == table.iid_skor[MITRA]
        and rows.loc["penghargaan", "nilai"] == table.penghargaan[MITRA]
    )
    # The cluster's summary is over every kabupaten: its pooled rate and the spread of the regions' rates.
    rates = table.n / table.penduduk * 100_000
    assert rows.loc["per_100rb", "klaster"] == pytest.approx(table.n.sum() / table.penduduk.sum() * 100_000)
    assert (rows.loc["per_100rb", "min"], rows.loc["per_100rb", "max"]) == pytest.approx((rates.min(), rates.max()))
    assert rows.loc["per_100rb", "q1"] == pytest.approx(rates.quantile(0.25))

    # The page's chart, table and CSV carry exactly these rows.
    at = app_at(PAGE, {"wil": MITRA})
    drawn = spine_points(at)
    assert set(drawn) == set(rows.index)
    for key, point in drawn.items():
        assert point["verdict"] == rows.loc[key, "verdict"], key
        for name, value in point.items():
            if name != "verdict":
                assert close(value, rows.loc[key, name]), (key, name, value, rows.loc[key, name])
    shown, csv = spine.table(rows.reset_index(), "id")
    on_page = next(d.value for d in at.dataframe if "Dibanding klaster" in d.value.columns)
    pd.testing.assert_frame_equal(on_page.reset_index(drop=True), shown, check_dtype=False)
    files = downloads(at)
    got = pd.read_csv(io.BytesIO(files[f"profil_{MITRA}_angka.csv"]), encoding="utf-8-sig")
    assert list(got["Wilayah ini"]) == pytest.approx(list(csv["Wilayah ini"]), nan_ok=True)
    assert list(got["Klaster"]) == pytest.approx(list(rows.klaster))
    assert list(got["kode_angka"]) == [profil.ROWS[k][0].key for k in rows.index]
    # Every verdict is a marker shape and a word, never a colour alone.
    fig = next(f for f in charts_of(at) if any(str(d.get("legendgroup", "")).startswith("wilayah:") for d in f["data"]))
    symbols = {d["legendgroup"]: d["marker"]["symbol"] for d in fig["data"] if "legendgroup" in d}
    assert all(symbols[f"wilayah:{v}"] == spine.MARKS[v][0] for v in set(rows.verdict))
    words = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert all(w in words for w in ("Lebih tinggi", "Serupa") if w in set(on_page["Dibanding klaster"]))


def test_cycle_medians_per_region_are_the_nearest_rank_alur_uses(sample_data):
    medians = profil.cycle_medians(Filters())
    cycles = store.query(
        f"select s.kode_wilayah, c.hari from ({alur._cycles_sql('true', 'usulan', 'penerapan')}) c "
        "join inovasi_status s using (kode_inovasi)"
    )
    per_region = medians.dropna(subset=["kode"]).set_index("kode").hari_median
    for code, days in cycles.groupby("kode_wilayah").hari:
        assert per_region[code] == stats.nearest_rank(days.to_numpy(), 50), code
    assert medians[medians.tingkat.isna()].hari_median.iloc[0] == stats.nearest_rank(cycles.hari.to_numpy(), 50)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_region_account_reads_its_profile_and_never_another_regions_rows(profil_data, lang):
    at = app_at(PAGE, {"wil": MITRA, "lang": lang}, role="daerah", wilayah=(MITRA,))
    assert not at.error
    assert at.header[0].value == "Kabupaten Minahasa Tenggara"
    # the same spine as a national user's: its own figures, the same cluster and nation
    national = profil.spine(nation(lang), profil.place(NATIONAL, MITRA)).set_index("key")
    drawn = spine_points(at)
    assert set(drawn) == set(national.index)
    assert all(close(drawn[k]["nilai"], national.loc[k, "nilai"]) for k in drawn)
    everything = texts(at)
    assert SECRET not in everything  # another region's unpublished innovation, by name or code
    assert "Inovasi TERBUKA-9" in everything  # another region's public one that copies 71.07's is named
    closed = "(tidak dipublikasikan)" if lang == "id" else "(not published)"
    assert closed in everything
    assert "Inovasi MITRA-1" in everything  # its own innovation, replicated elsewhere
    # another region in the address: a refusal, and nothing of that region
    for code in (FOREIGN, "71.71", "71"):
        at = app_at(PAGE, {"wil": code, "lang": lang}, role="daerah", wilayah=(MITRA,))
        refusal = (
            "Wilayah ini di luar akses akun Anda." if lang == "id" else "This region is outside your account's access."
        )
        assert [e.value for e in at.error] == [refusal]
        everything = texts(at)
        assert not at.get("plotly_chart") and "TERBUKA" not in everything and SECRET not in everything
        assert "Bandung" not in everything and "Manado" not in everything
        level = "Kabupaten" if lang == "id" else "Regency"
        assert at.selectbox(key="profil_pilih").options == [f"Kabupaten Minahasa Tenggara ({level}, Sulawesi Utara)"]
    # the queries refuse it too, whatever the page asks
    mitra = Viewer("daerah", (MITRA,))
    assert profil.place(mitra, FOREIGN) is None
    assert profil.own_row(Ctx("profil", "id", Filters(), mitra), FOREIGN, "kabupaten").empty
    assert profil.continuation_counts(Filters(wilayah=FOREIGN), mitra).empty
    copied, copies = profil.replications(Ctx("profil", "id", Filters(), mitra), FOREIGN)
    assert copied.empty and copies.empty


def test_a_province_account_is_offered_its_province_and_its_regions_only(tiny):
    at = app_at(PAGE, role="daerah", wilayah=("71",))
    offered = at.selectbox(key="profil_pilih").options
    expected = store.query("select count(*) n from wilayah where kode_provinsi = '71'").n[0]
    assert len(offered) == expected and offered[0] == "Pemerintah Provinsi Sulawesi Utara (Provinsi, Sulawesi Utara)"
    assert all("Sulawesi Utara)" in o for o in offered)
    at = app_at(PAGE, {"wil": MITRA}, role="daerah", wilayah=("71",))
    assert at.header[0].value == "Kabupaten Minahasa Tenggara" and SECRET not in texts(at)
    at = app_at(PAGE, {"wil": "71"}, role="daerah", wilayah=("71",))
    assert at.header[0].value == "Pemerintah Provinsi Sulawesi Utara"
    assert spine_points(at)["per_100rb"]["nilai"] == pytest.approx(1 / 2_645_291 * 100_000)  # SULUT-1, province
    at = app_at(PAGE, {"wil": FOREIGN}, role="daerah", wilayah=("71",))
    assert at.error[0].value == "Wilayah ini di luar akses akun Anda." and "Bandung" not in texts(at)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_national_user_picks_any_region_and_the_address_keeps_it(profil_data, lang):
    at = app_at(PAGE, {"lang": lang})
    box = at.selectbox(key="profil_pilih")
    assert len(box.options) == store.query("select count(*) n from wilayah").n[0]
    assert not at.get("plotly_chart")
    assert any(o.startswith("Kabupaten Minahasa Tenggara (") for o in box.options)
    box.set_value(MITRA).run()
    assert not at.exception
    assert at.query_params["wil"] in (MITRA, [MITRA]) and at.header[0].value == "Kabupaten Minahasa Tenggara"
    # the address alone opens the same profile
    again = app_at(PAGE, {"wil": MITRA, "lang": lang})
    assert spine_points(again) == spine_points(at)
    assert "Inovasi RAHASIA-9" in texts(again)  # a national user sees every region's innovations
    heading = (
        "Wilayah ini dibanding klaster dan nasional"
        if lang == "id"
        else "This region against its cluster and the nation"
    )
    assert heading in [s.value for s in again.subheader]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_public_profile_holds_public_figures_only(tiny, lang):
    at = app_at(PAGE, {"wil": MITRA, "lang": lang}, role=None)
    assert not at.error and at.header[0].value == "Kabupaten Minahasa Tenggara"
    rows = profil.spine(Ctx("profil", lang, Filters(wilayah=MITRA), Viewer()), profil.place(Viewer(), MITRA))
    rows = rows.set_index("key")
    assert list(rows.index) == list(profil.PUBLIC_ROWS)
    # public innovations of 71.07: MITRA-1 and MITRA-5 (MITRA-3 is before the decree), both implemented
    found = publik.counts(Filters(wilayah=MITRA))
    assert (rows.loc["publik_diterapkan", "k"], rows.loc["publik_diterapkan", "n"]) == (2, 2)
    assert rows.loc["publik_diterapkan", "nilai"] == found.diterapkan / found.publik == 1
    assert rows.loc["publik_berjalan", "nilai"] == 1 and rows.loc["publik_berjalan", "n"] == 1
    assert rows.loc["per_100rb", "nilai"] == pytest.approx(
        publik.totals(Filters(wilayah=MITRA)).usulan / MITRA_PEOPLE * 1e5
    )
    assert set(spine_points(at)) == set(rows.index)
    everything = texts(at)
    for hidden in ("MITRA-2", "MITRA-3", "MITRA-4", SECRET):
        assert hidden not in everything, hidden
    assert "Inovasi MITRA-1" in everything and "Inovasi MITRA-5" in everything
    internal = (
        ("Inovasi macet", "Dampak", "Replikasi") if lang == "id" else ("Stuck innovations", "Impact", "Replications")
    )
    assert not set(internal) & {s.value for s in at.subheader}
    # outreach and competitions read internal tables and have no public variant: not in the public version
    shared = {i18n.tr(lang, "Kegiatan pembinaan dan sesudahnya"), i18n.tr(lang, "Kompetisi inovasi")}
    assert not shared & {h.value for h in at.header}
    # a region without public innovations has no public profile; the picker offers those that have
    at = app_at(PAGE, {"wil": "71.02", "lang": lang}, role=None)
    assert at.info and not at.get("plotly_chart")
    places = publik.places()
    assert len(at.selectbox(key="profil_pilih").options) == len(places["regions"]) + len(places["provincial"])


def test_the_print_document_has_no_widget_and_every_table_whole(tiny):
    at = app_at(PAGE, {"wil": MITRA, "cetak": "1"})
    assert not at.dataframe and not at.main.get("download_button") and not at.main.get("selectbox")
    assert not at.main.get("link_button") and not at.main.get("expander")
    tables = [t.value for t in at.table]
    spine_rows = len(profil.INTERNAL_ROWS)
    assert sum(len(t) == spine_rows and t.columns[0] == "Angka" for t in tables) == 2  # the spine, in two parts
    stuck = next(t for t in tables if "Hari menunggu" in t.columns)
    assert list(stuck["Inovasi"]) == ["Inovasi MITRA-3"]
    styles = " ".join(m.value for m in at.markdown if "<style>" in m.value)
    assert "@page" in styles and "@bottom-right" in styles and "stSidebar" in styles
    assert "Sumber: Dasbor Inovasi Daerah" in styles and "Profil Wilayah: Kabupaten Minahasa Tenggara" in styles
    # the screen view links to it; the link opens the print dialog
    at = app_at(PAGE, {"wil": MITRA, "lang": "en"})
    link = at.main.get("link_button")[0].proto
    assert link.label == "Print / PDF" and "cetak=dialog" in link.url and "wil=71.07" in link.url


def test_perbandingan_links_to_the_profiles_of_the_regions_in_view(profil_data):
    at = app_at("pages/2_perbandingan_wilayah.py", {"wil": MITRA})
    line = next(m.value for m in at.markdown if m.value.startswith("**Profil wilayah:**"))
    assert "(profil_wilayah?wil=71.07)" in line and "Minahasa Tenggara" in line
    assert not [s for s in at.selectbox if s.label == "Pilih wilayah"]  # the old profile is gone
    at = app_at("pages/2_perbandingan_wilayah.py", role="daerah", wilayah=(MITRA,))
    line = next(m.value for m in at.markdown if m.value.startswith("**Profil wilayah:**"))
    assert "wil=71.07" in line and line.count("wil=") == 1


# Outreach events and competition entries: the sections Ringkasan shows for one region


def _per_year(stacked: list[dict]) -> dict[int, int]:
    """Entries per year as the stacked bars draw them (one trace per furthest round)."""
    drawn: dict[int, int] = {}
    for trace in (d for c in stacked for d in c["data"]):
        for x, y in zip(plotly_array(trace["x"]), plotly_array(trace["y"]), strict=True):
            drawn[int(x)] = drawn.get(int(x), 0) + int(y)
    return drawn


def _sections(at, lang: str) -> dict:
    """What the outreach and competition sections drew, as the reader sees it."""
    did = i18n.tr(lang, "Selisih dari selisih (usulan per bulan)")
    frames = [d.value for d in at.dataframe] + [t.value for t in at.table]
    caveat = "asosiasi, bukan bukti" if lang == "id" else "association, not proof"
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    monthly = [
        c for c in charts if any(d.get("name") == i18n.tr(lang, "Tren sebelum kegiatan, diteruskan") for d in c["data"])
    ]
    stacked = [c for c in charts if c["layout"].get("barmode") == "stack"]
    return {
        "headers": [h.value for h in at.header],
        "estimates": next(f for f in frames if did in f.columns),
        "sentence": [m.value for m in at.markdown if caveat in m.value],
        "monthly": [plotly_array(d["y"]) for c in monthly for d in c["data"] if d["type"] == "bar"],
        "entries": _per_year(stacked),
        "passing": next(
            f for f in frames if i18n.tr(lang, "Untuk") in f.columns and i18n.tr(lang, "Lolos") in f.columns
        ),
    }


def _seed_and_events():
    est = kegiatan.estimates(str(store.current_snapshot()))
    mine = est[est.kode_wilayah == MITRA]
    seed = mine[mine.tanggal == SEED]
    assert len(seed) == 1, "the sample holds 71.07's sosialisasi of 22/11/2017"
    return seed.iloc[0], mine


@pytest.mark.parametrize(("role", "regions"), [("nasional", ()), ("daerah", (MITRA,))])
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_profile_shows_the_regions_outreach_estimates_and_competition_entries_as_ringkasan_does(
    sample_data, role, regions, lang, downloads
):
    params = {
        "wil": MITRA,
        "kegiatan": kegiatan.event_key(SEED, "sosialisasi"),
        **({"lang": lang} if lang != "id" else {}),
    }
    at = app_at(PAGE, params, role=role, wilayah=regions)
    files = downloads(at)
    shown = _sections(at, lang)
    same = _sections(app_at(RINGKASAN, params, role=role, wilayah=regions), lang)
    seed, mine = _seed_and_events()
    assert seed.status == outreach.COMPUTED
    for title in ("Kegiatan pembinaan dan sesudahnya", "Kompetisi inovasi"):
        assert i18n.tr(lang, title) in shown["headers"]
    # after impact and awards, in the profile's reading order
    subheads = [s.value for s in at.subheader]
    assert subheads.index(i18n.tr(lang, "Dampak")) < subheads.index(kegiatan.EVENTS.name(lang))
    assert subheads.index(wilayah.AWARDS.name(lang)) < subheads.index(kegiatan.EVENTS.name(lang))

    # The 22/11/2017 estimate, its interval, count, window and comparison group: Ringkasan's, word for word.
    pd.testing.assert_frame_equal(shown["estimates"], same["estimates"])
    assert shown["sentence"] == same["sentence"] and len(shown["sentence"]) == 1
    row = shown["estimates"][shown["estimates"][i18n.tr(lang, "Tanggal")] == fmt.date(SEED, lang)].iloc[0]
    assert row[i18n.tr(lang, "Selisih dari selisih (usulan per bulan)")] == fmt.number(seed.did, lang, 2)
    interval = f"{fmt.number(seed.lo, lang, 2)} – {fmt.number(seed.hi, lang, 2)}"
    assert row[i18n.tr(lang, "Interval 95%")] == interval
    assert row[i18n.tr(lang, "Usulan 12 bln sebelum → sesudah")] == f"{int(seed.n_before)} → {int(seed.n_after)}"
    sentence = shown["sentence"][0]
    assert f"**{fmt.number(abs(seed.did), lang, 2)} " in sentence and interval in sentence
    assert f"{fmt.date(seed.dari, lang)} – {fmt.date(seed.sampai, lang)}" in sentence
    level = i18n.label("tingkat", "kabupaten", lang).lower()
    group = (
        f"{fmt.number(seed.n_comparison, lang)} {level} pembanding"
        if lang == "id"
        else f"the {fmt.number(seed.n_comparison, lang)} other regions of its cluster ({level})"
    )
    assert group in sentence
    assert shown["monthly"] == same["monthly"] and len(shown["monthly"]) == 1 and len(shown["monthly"][0]) == 25

    # Its competition entries: the same per year as Ringkasan's and as the table holds them.
    own = store.query(
        "select tahun, count(*) n from kompetisi_entri where ajang = 'KIPP' and kode_wilayah = ? group by 1", [MITRA]
    )
    assert own.n.sum() > 0, "the sample has KIPP entries of 71.07"
    assert shown["entries"] == same["entries"] == dict(zip(own.tahun.astype(int), own.n.astype(int), strict=True))
    pd.testing.assert_frame_equal(shown["passing"], same["passing"])
    assert set(shown["passing"].iloc[:, 0]) == {"Kabupaten Minahasa Tenggara", i18n.trc(lang, "sifat", "Nasional")}

    # No other region's event: every event listed or downloaded is 71.07's.
    code = i18n.tr(lang, "Kode wilayah")
    listed = pd.read_csv(io.BytesIO(files[f"kegiatan_{MITRA}.csv"]), encoding="utf-8-sig", dtype=str)
    assert set(listed.kode_wilayah) == {MITRA} and len(listed) == len(mine) and len(shown["estimates"]) == len(mine)
    estimates = pd.read_csv(io.BytesIO(files[f"kegiatan_dampak_{MITRA}.csv"]), encoding="utf-8-sig")
    assert code not in estimates.columns and len(estimates) == len(mine)
    assert sorted(estimates[i18n.tr(lang, "Selisih dari selisih (usulan per bulan)")].dropna()) == pytest.approx(
        sorted(mine.did.dropna())
    )


def test_a_region_account_gets_no_other_regions_events_or_entries_on_any_profile(sample_data):
    mitra = Viewer("daerah", (MITRA,))
    ctx = Ctx("profil", "id", Filters(wilayah=PINRANG), mitra)
    # the queries the sections read are the viewer's: nothing of Pinrang, whatever the page asks
    assert not kegiatan.region_events(Ctx("profil", "id", Filters(), NATIONAL), PINRANG).empty
    assert kegiatan.region_events(ctx, PINRANG).empty
    assert not kompetisi.entries(Ctx("profil", "id", Filters(), NATIONAL), "KIPP", PINRANG).empty
    assert kompetisi.entries(ctx, "KIPP", PINRANG).empty
    at = app_at(PAGE, {"wil": PINRANG}, role="daerah", wilayah=(MITRA,))
    assert [e.value for e in at.error] == ["Wilayah ini di luar akses akun Anda."]
    assert not {"Kegiatan pembinaan dan sesudahnya", "Kompetisi inovasi"} & {h.value for h in at.header}
    assert "Pinrang" not in texts(at)


@pytest.mark.parametrize(("role", "regions"), [("nasional", ()), ("daerah", (MITRA,))])
def test_the_print_document_draws_the_outreach_and_competition_sections_without_a_widget(sample_data, role, regions):
    at = app_at(PAGE, {"wil": MITRA, "cetak": "1"}, role=role, wilayah=regions)
    assert not at.dataframe and not at.main.get("download_button") and not at.main.get("selectbox")
    assert not at.main.get("radio") and not at.main.get("link_button") and not at.main.get("expander")
    shown = _sections(at, "id")
    seed, mine = _seed_and_events()
    assert {"Kegiatan pembinaan dan sesudahnya", "Kompetisi inovasi"} <= set(shown["headers"])
    # every event, in two static tables narrow enough for a sheet: the estimates, then counts and window
    assert len(shown["estimates"]) == len(mine) and len(shown["estimates"].columns) <= 7
    window = next(t.value for t in at.table if {"Jendela", "Wilayah pembanding"} <= set(t.value.columns))
    assert len(window) == len(mine) and len(window.columns) <= 7
    # the chosen event (the newest with an estimate: none in the address) and competition, as text
    computed = mine[mine.status == outreach.COMPUTED].sort_values("tanggal", ascending=False).iloc[0]
    notes = [m.value for m in at.markdown]
    assert any(n.startswith(f"**Kegiatan yang ditampilkan:** {fmt.date(computed.tanggal, 'id')}") for n in notes)
    assert f"**Ajang:** {fmt.md(i18n.label('ajang', 'KIPP', 'id'))}" in notes
    assert len(shown["sentence"]) == 1 and len(shown["monthly"]) == 1 and shown["entries"]
    assert seed.status == outreach.COMPUTED
