"""Ringkasan, Perbandingan Wilayah and Katalog, driven through AppTest as a user would."""

from __future__ import annotations

import datetime as dt
import json

from conftest import INOVASI_HEADER, app_at, inovasi_row, plotly_array, write_csv
from dasbor import data, store
from dasbor.queries.ringkasan import _shift
from etl.load import run

RINGKASAN, WILAYAH, KATALOG = "pages/1_ringkasan.py", "pages/2_perbandingan_wilayah.py", "pages/5_katalog.py"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def id_number(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def test_front_door_opens_ringkasan_with_headlines_matching_the_data(sample_data):
    at = app_at()
    assert at.title[0].value == "Ringkasan"
    assert "Data contoh" in at.warning[0].body
    latest = store.query("select max(greatest(tanggal_usulan, tanggal_tahap)) d from inovasi_status").d[0]
    latest = latest.date() if hasattr(latest, "date") else latest
    start = dt.date(latest.year, 1, 1)
    expected = store.query(
        "select count(*) n from inovasi_status where tanggal_usulan between ? and ?", [start, latest]
    ).n[0]
    assert metrics(at)["Usulan baru"] == id_number(expected)

    def beneficial(first: dt.date, last: dt.date) -> int:
        return store.query(
            "select count(distinct kode_inovasi) n from evaluasi "
            "where hasil = 'bermanfaat' and tanggal_evaluasi between ? and ?",
            [first, last],
        ).n[0]

    now, before = beneficial(start, latest), beneficial(_shift(start), _shift(latest))
    card = next(m for m in at.metric if m.label == "Dinilai bermanfaat")
    assert now > 0 and (card.value, card.delta) == (id_number(now), id_number(now - before))
    titles = [s.value for s in at.subheader]
    assert "Perangkat daerah paling aktif" in titles and "Pengelompokan Kemendagri" in titles
    assert len(at.get("plotly_chart")) == 7
    assert all(b.label == "Unduh CSV" for b in at.get("download_button"))


def test_url_filters_change_the_figures_and_stay_in_the_menu_links(sample_data):
    at = app_at(RINGKASAN, {"jenis": "digital", "tahun": "2019-2024"})
    stage_chart = json.loads(at.get("plotly_chart")[1].proto.spec)
    shown = sum(plotly_array(stage_chart["data"][0]["x"]))
    expected = store.query(
        "select count(*) n from inovasi_status where jenis = 'digital' and tahun_usulan between 2019 and 2024"
    ).n[0]
    everything = store.query("select count(*) n from inovasi_status").n[0]
    assert shown == expected < everything
    links = at.get("page_link")
    assert links and all(
        "jenis=digital" in p.proto.query_string and "tahun=2019-2024" in p.proto.query_string for p in links
    )


def test_english_switch_translates_the_page(sample_data):
    at = app_at(RINGKASAN, {"lang": "en"})
    assert at.title[0].value == "Overview"
    assert "New proposals" in metrics(at)
    assert "Sample data" in at.warning[0].body


def test_an_empty_result_says_which_filter_emptied_it(sample_data):
    empty_region = store.query(
        "select w.kode from wilayah w anti join inovasi i on i.kode_wilayah = w.kode where w.tingkat = 'kota' limit 1"
    ).kode[0]
    at = app_at(RINGKASAN, {"wil": empty_region})
    assert "wilayah" in at.info[0].value and not at.get("plotly_chart")


def test_perbandingan_lists_every_region_of_the_cluster_with_counts_and_verdicts(sample_data):
    at = app_at(WILAYAH)
    table = at.dataframe[0].value
    assert len(table) == 416  # every kabupaten, also those without proposals
    columns = {"Usulan", "Mencapai penerapan", "Proporsi", "Interval 95% (Wilson)", "Batas wajar 95%"}
    assert columns <= set(table.columns)
    assert set(table["Dibanding klaster"]) <= {"Lebih tinggi", "Serupa", "Lebih rendah", "Tidak ada data"}
    # population ships with the product: every kabupaten has a rate, its year and source said
    assert (table["Usulan per 100.000 penduduk"] != "–").all()
    assert any("2024 (Dukcapil Kemendagri, Semester II 2024, 416 wilayah)" in c.value for c in at.caption)
    funnel = at.get("plotly_chart")[0].proto.spec
    assert "Batas 95%" in funnel and "Batas 99,8%" in funnel
    n = store.query("select count(*) n from inovasi_status where tingkat = 'kabupaten'").n[0]
    assert table["Usulan"].sum() == n
    # Sorting happens on the numbers, not on the formatted text.
    next(s for s in at.selectbox if s.label == "Urutkan menurut").set_value("proporsi").run()
    shares = at.dataframe[0].value["Proporsi"]
    numbers = [float(v.rstrip("%").replace(",", ".")) for v in shares if v != "–"]
    assert numbers == sorted(numbers, reverse=True) and shares.iloc[-1] == "–"
    next(r for r in at.radio if r.label == "Klaster pembanding").set_value("kota").run()
    assert not at.exception and len(at.dataframe[0].value) == 98


def test_a_loaded_population_replaces_the_shipped_one_for_its_year(sample_data, tmp_path):
    from dasbor.reference import population_rows

    region, name = store.query(
        "select s.kode_wilayah, w.nama from inovasi_status s join wilayah w on w.kode = s.kode_wilayah "
        "where s.tingkat = 'kabupaten' group by all order by count(*) desc, 1 limit 1"
    ).iloc[0]
    shipped = {r["kode_wilayah"]: r["jumlah"] for r in population_rows()}
    column = "Usulan per 100.000 penduduk"
    before = app_at(WILAYAH).dataframe[0].value.set_index("Wilayah")
    n = before.loc[name, "Usulan"]
    assert before.loc[name, column] == f"{n / shipped[region] * 100_000:.2f}".replace(".", ",")
    write_csv(tmp_path, "penduduk.csv", ["kode_wilayah", "tahun", "jumlah"], [[region, "2024", "250.000"]])
    run([tmp_path / "penduduk.csv"], write=True)
    at = app_at(WILAYAH)
    table = at.dataframe[0].value.set_index("Wilayah")
    expected = n / 250_000 * 100_000
    assert table.loc[name, column] == f"{expected:.2f}".replace(".", ",")  # Indonesian decimal comma, via fmt
    assert any("2024 (dimuat, 1 wilayah)" in c.value and "415 wilayah" in c.value for c in at.caption)
    en = app_at(WILAYAH, {"lang": "en"}).dataframe[0].value.set_index("Region")
    assert en.loc[name, "Proposals per 100,000 people"] == f"{expected:.2f}"


def test_katalog_search_and_detail(sample_data):
    at = app_at(KATALOG)
    at.text_input[0].input("posyandu").run()
    n = store.query(
        "select count(*) n from inovasi where nama_inovasi ilike '%posyandu%' or perangkat_daerah ilike '%posyandu%' "
        "or kode_inovasi ilike '%posyandu%'"
    ).n[0]
    assert any(c.value.startswith(f"{id_number(n)} inovasi cocok") for c in at.caption)
    kode, name = store.query(
        "select kode_inovasi, nama_inovasi from inovasi i join tahapan using (kode_inovasi) "
        "where not turunan group by all having count(*) > 3 limit 1"
    ).iloc[0]
    at = app_at(KATALOG, {"kode": kode})
    assert at.header[0].value == name
    timeline = at.get("plotly_chart")[0].proto.spec
    assert "Usulan" in timeline
    assert "Lini masa tahapan" in [s.value for s in at.subheader]


def test_katalog_search_treats_wildcards_literally_and_unknown_codes_politely(sample_data):
    at = app_at(KATALOG)
    at.text_input[0].input("%").run()
    assert "Tidak ada inovasi yang cocok" in at.info[0].value
    at = app_at(KATALOG, {"kode": "TIDAK-ADA"})
    assert "tidak ditemukan" in at.warning[-1].body


def test_cached_queries_return_fresh_data_after_a_new_load(tmp_path):
    write_csv(tmp_path / "a", "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    run([tmp_path / "a"], write=True)
    assert data.read("select count(*) n from inovasi").n[0] == 1
    write_csv(tmp_path / "b", "inovasi.csv", INOVASI_HEADER, [inovasi_row("B")])
    run([tmp_path / "b"], write=True)
    assert data.read("select count(*) n from inovasi").n[0] == 2


def test_catalogue_and_public_list_page_the_newest_and_count_every_match(sample_data):
    from dasbor.access import NATIONAL
    from dasbor.filters import Filters
    from dasbor.frame import Ctx
    from dasbor.queries import katalog, publik

    ctx = Ctx("katalog", "id", Filters(), NATIONAL)
    everything = store.query(
        "select s.kode_inovasi, s.tanggal_usulan, i.nama_inovasi from inovasi_status s join inovasi i "
        "using (kode_inovasi) order by s.tanggal_usulan desc, s.kode_inovasi"
    )
    frame, total = katalog.catalogue(ctx, limit=7)
    assert total == len(everything) and frame.kode_inovasi.tolist() == everything.kode_inovasi[:7].tolist()
    word = everything.nama_inovasi[0].split()[0]
    matching = everything[everything.nama_inovasi.str.contains(word, case=False, regex=False)]
    frame, total = katalog.catalogue(ctx, word, limit=3)
    assert total == len(matching) > 3 and frame.kode_inovasi.tolist() == matching.kode_inovasi[:3].tolist()

    public = store.query("select kode_inovasi from inovasi_publik order by tahun_usulan desc, kode_inovasi")
    frame, total = publik.rows(Filters(), limit=4)
    assert total == len(public) and frame.kode_inovasi.tolist() == public.kode_inovasi[:4].tolist()
