"""Journeys through a real server in a real browser, each checking what a person would check."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import ROOT

pytestmark = pytest.mark.e2e

EXACT = ("Ringkasan", "Dampak", "Transparansi")  # pages whose chart count does not depend on the data
INTERNAL_PAGES = (  # menu label, expected title, charts the page should draw at least
    ("Ringkasan", "Ringkasan", 7),
    ("Perbandingan Wilayah", "Perbandingan Wilayah", 3),
    ("Alur Tahapan", "Alur Tahapan", 5),
    ("Dampak", "Dampak", 5),
    ("Katalog", "Katalog", 0),
    ("Transparansi", "Transparansi", 3),  # the public map, the stage chart, the yearly chart
)


def test_the_public_sees_transparansi_and_downloads_no_personal_data(tab):
    tab.goto("/")
    assert tab.title() == "Transparansi"
    tab.check(charts=2, label="transparansi")
    links = tab.page.locator('[data-testid="stSidebar"] a').all_inner_texts()
    assert links == ["Profil Wilayah", "Transparansi"]
    # the open-data section is drawn last: wait for it before counting the page's CSV buttons
    tab.page.get_by_role("button", name="Unduh kamus data (CSV)", exact=True).wait_for(timeout=60_000)
    count = tab.page.get_by_role("button", name="Unduh CSV", exact=True).count()
    body = tab.download("Unduh CSV", index=count - 1)  # the list's CSV, after the charts' own
    header = body.splitlines()[0].split(",")
    assert "kode_inovasi" in header and "nama_pengusul" not in header and "catatan" not in header
    assert "Pengusul Contoh" not in body  # the sample's proposer names
    tab.goto("/katalog")
    assert "untuk pengguna yang sudah masuk" in tab.page.locator('[data-testid="stAlert"]').last.inner_text()


def test_a_national_user_visits_every_page_filters_opens_a_detail_and_switches_language(tab):
    tab.goto("/")
    tab.sign_in("lan")
    for label, title, charts in INTERNAL_PAGES:
        tab.menu(label)
        assert tab.title() == title
        tab.check(charts=charts, label=label.lower().replace(" ", "_"), exact=label in EXACT)
    tab.menu("Ringkasan")
    sidebar = tab.page.locator('[data-testid="stSidebar"]')
    sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Jenis").locator("input").click()
    tab.page.keyboard.type("Digital")  # the options list opens as the user types
    tab.page.get_by_role("option", name="Digital", exact=True).click()
    tab.page.keyboard.press("Escape")
    sidebar.get_by_role("button", name="Terapkan").click()
    tab.page.wait_for_timeout(800)
    tab.settle()
    assert parse_qs(urlparse(tab.page.url).query).get("jenis") == ["digital"]
    tab.check(charts=7, label="ringkasan-digital")
    tab.menu("Katalog")
    assert "jenis=digital" in tab.page.url  # the filter travels with the menu
    tab.page.locator('[data-testid="stDataFrame"]').first.wait_for()
    grid = tab.page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    tab.page.mouse.click(box["x"] + 12, box["y"] + 52)  # the first row's selection checkbox
    tab.page.wait_for_timeout(800)
    tab.settle()
    tab.page.get_by_text("Lini masa tahapan").wait_for(timeout=20_000)
    assert "kode=" in tab.page.url
    tab.check(charts=1, label="katalog-detail")
    tab.page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    tab.page.wait_for_timeout(800)
    tab.settle()
    assert tab.title() == "Catalogue" and "lang=en" in tab.page.url


def test_a_region_user_sees_only_their_region_also_after_editing_the_url(tab, server):
    tab.goto("/")
    tab.sign_in("daerah")
    tab.menu("Katalog")
    rows = list(csv.DictReader(io.StringIO(tab.download("Unduh CSV"))))
    assert rows and {r["Wilayah"] for r in rows} == {server["region_name"]}
    tab.check(label="katalog-daerah")
    other = "11.01" if server["region"] != "11.01" else "11.02"
    tab.goto(f"/katalog?wil={other}")
    assert "di luar akses akun Anda" in tab.alert()  # said as such, not "loosen the filters"
    tab.goto("/perbandingan_wilayah")
    tab.check(charts=1, label="perbandingan-daerah")
    table = list(csv.DictReader(io.StringIO(tab.download("Unduh CSV"))))
    assert [r["Wilayah"] for r in table] == [server["region_name"]]


def test_an_admin_uploads_a_broken_then_a_good_file_and_sees_it_on_ringkasan(tab, server, tmp_path):
    tab.goto("/")
    tab.sign_in("admin")
    tab.menu("Kelola Data")
    header = "kode_inovasi;nama_inovasi;kode_wilayah;perangkat_daerah;inisiator;bentuk;jenis;tanggal_usulan"
    broken = tmp_path / "inovasi.csv"
    broken.write_text(f"{header}\nE2E-1;Uji Satu;73.15;Dinas;asn;lainnya;digital;31/02/2026\n", encoding="utf-8")
    tab.page.locator('input[type="file"]').set_input_files(str(broken))
    tab.page.wait_for_timeout(1000)
    tab.settle()
    assert "1 masalah" in tab.page.locator('[data-testid="stAlert"]').filter(has_text="masalah").inner_text()
    report = list(csv.DictReader(io.StringIO(tab.download("Unduh laporan penolakan (CSV)"))))
    assert [(r["Berkas"], r["Baris"], r["Kolom"], r["Nilai"]) for r in report] == [
        ("inovasi.csv", "2", "tanggal_usulan", "31/02/2026")
    ]
    tab.check(label="kelola-rusak")
    good = tmp_path / "good" / "inovasi.csv"
    good.parent.mkdir()
    good.write_text(f"{header}\nE2E-2;Uji Dua;73.15;Dinas;asn;lainnya;digital;01/02/2026\n", encoding="utf-8")
    tab.goto("/kelola_data")  # start afresh with the corrected file
    tab.page.locator('input[type="file"]').set_input_files(str(good))
    tab.page.wait_for_timeout(1000)
    tab.settle()
    tab.page.get_by_role("button", name=re.compile("^Muat 1 baris")).click()
    tab.page.wait_for_timeout(1000)
    tab.settle()
    assert tab.page.get_by_text(re.compile("Dimuat sebagai muatan")).count() == 1
    tab.check(label="kelola-dimuat")
    tab.goto("/katalog?cari=E2E-2")
    assert "1 inovasi cocok" in tab.page.get_by_text("inovasi cocok").inner_text()
    assert "Uji Dua" in tab.download("Unduh CSV")


def test_a_cli_load_while_the_server_runs_shows_on_the_next_interaction(tab, server, tmp_path):
    tab.goto("/")
    tab.sign_in("lan")
    tab.goto("/katalog?cari=CLI-LIVE")
    assert "Tidak ada inovasi yang cocok" in tab.alert()
    batch = tmp_path / "inovasi.csv"
    batch.write_text(
        "kode_inovasi;nama_inovasi;kode_wilayah;perangkat_daerah;inisiator;bentuk;jenis;tanggal_usulan\n"
        "CLI-LIVE;Dimuat Saat Berjalan;71.07;Dinas;asn;lainnya;digital;01/02/2026\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "etl", "load", str(batch)],
        cwd=ROOT,
        env=server["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    search = tab.page.get_by_label("Cari nama inovasi, perangkat daerah atau kode")
    search.fill("CLI-LIVE ")
    search.press("Enter")
    tab.page.wait_for_timeout(800)
    tab.settle()
    assert "Dimuat Saat Berjalan" in tab.download("Unduh CSV")
    tab.check(label="muat-saat-berjalan")
