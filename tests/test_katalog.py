"""Katalog shows every value as a reader reads it: no nan, None or NaT, no Markdown escapes, no raw
codes where a label exists, numbers and dates in one format, in both languages."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from conftest import INOVASI_HEADER, app_at, inovasi_row, write_csv
from dasbor import store
from dasbor.i18n import LABELS
from dasbor.queries import katalog as q
from etl.load import run

KATALOG = "pages/5_katalog.py"
RAW = re.compile(r"\b(nan|NaN|None|NaT|<NA>|null)\b")
# Codes of coded values that read differently from their label (pelayanan_publik, uji_coba, ...).
CODES = sorted({code for pairs in LABELS.values() for code in pairs if "_" in code})
CODE = re.compile(r"\b(" + "|".join(map(re.escape, CODES)) + r")\b")
# A date written otherwise than fmt.date's "16 Sep 2024": 2024-09-16, 16-09-2024, 16/09/2024.
ISO_OR_NUMERIC_DATE = re.compile(
    r"(?<![\d./-])(\d{4}-\d{2}-\d{2}|(0?[1-9]|[12]\d|3[01])[-/.](0?[1-9]|1[0-2])[-/.](19|20)\d\d)(?![\d./-])"
)
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def visible(markdown: str) -> str:
    """What a reader sees of Markdown: backslash escapes are consumed, except inside code spans,
    which show their text as it is (and so would show a backslash)."""
    parts = re.split(r"(`+[^`]*`+)", markdown)
    return "".join(p.strip("`") if p.startswith("`") else ESCAPE.sub(r"\1", p) for p in parts)


def rendered(at) -> list[str]:
    """Every piece of text the run shows: Markdown as seen, plain text and code, table cells and headers."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning"):
        out += [visible(str(getattr(e, "value", None) or getattr(e, "body", ""))) for e in at.get(kind)]
    out += [str(e.value) for e in at.get("text")]
    out += [str(e.value) for e in at.get("code")]
    for frame in at.dataframe:
        table = frame.value
        out += [str(c) for c in table.columns]
        out += [str(v) for v in table.to_numpy().ravel()]
    return out


def assert_clean(at) -> None:
    assert not at.exception, at.exception
    texts = rendered(at)
    for name, pattern in (("raw value", RAW), ("raw code", CODE), ("unformatted date", ISO_OR_NUMERIC_DATE)):
        bad = [s for s in texts if pattern.search(s)]
        assert not bad, f"{name}: {bad[:5]}"
    escaped = [s for s in texts if "\\-" in s or "\\." in s or "\\_" in s]
    assert not escaped, escaped[:5]


def one(sql: str) -> str:
    return store.query(sql).kode_inovasi[0]


@pytest.fixture
def picked(sample_data, tmp_path) -> dict[str, str]:
    """Innovations that between them show every part of the record. The sample has no replications,
    so one is loaded on top of it: a province's own innovation copying an evaluated, awarded one,
    with no description, budget or urusan, and a code full of Markdown characters."""
    awarded = one(
        """select kode_inovasi from inovasi i
        where exists (select 1 from evaluasi e where e.kode_inovasi = i.kode_inovasi)
        and exists (select 1 from penghargaan p where p.kode_inovasi = i.kode_inovasi) order by 1 limit 1"""
    )
    header = [*INOVASI_HEADER, "replikasi_dari"]
    row = inovasi_row("TIRU-7107_*[x]-1", kode_wilayah="71", tanggal="01/02/2024")
    write_csv(tmp_path, "inovasi.csv", header, [[*row, awarded]])
    assert run([tmp_path / "inovasi.csv"], write=True).exit_code == 0
    return {
        "evaluated_awarded_copied": awarded,
        "copy_in_a_province": "TIRU-7107_*[x]-1",
        "not_implemented": one(
            "select kode_inovasi from inovasi_status where tanggal_penerapan is null order by 1 limit 1"
        ),
        "not_reported": one(
            """select kode_inovasi from inovasi_status
            where tanggal_penerapan is not null and status_lanjut is null order by 1 limit 1"""
        ),
        "sample_province": one(
            "select kode_inovasi from inovasi i join wilayah w on w.kode = i.kode_wilayah "
            "where w.tingkat = 'provinsi' order by 1 limit 1"
        ),
    }


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_list_shows_no_raw_value(sample_data, lang):
    at = app_at(KATALOG, {"lang": lang})
    assert_clean(at)
    table = at.dataframe[0].value
    days = table["Hari di tahap" if lang == "id" else "Days in stage"]
    assert days.str.fullmatch(r"–|\d{1,3}([.,]\d{3})*").all()
    assert any(("1.000 terbaru" if lang == "id" else "newest 1,000") in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_detail_of_every_kind_of_record_shows_no_raw_value(sample_data, picked, lang):
    for what, kode in picked.items():
        at = app_at(KATALOG, {"kode": kode, "lang": lang})
        assert_clean(at)
        assert [c.value for c in at.code] == [kode], what  # the code as plain text
        facts = {visible(m.value).split("\n")[0].strip("* "): visible(m.value).split("\n")[-1] for m in at.markdown}
        after = facts["Setelah penerapan" if lang == "id" else "After implementation"]
        expected = {
            "not_implemented": ("Belum diterapkan", "Not implemented yet"),
            "copy_in_a_province": ("Belum diterapkan", "Not implemented yet"),
            "not_reported": ("Belum dilaporkan", "Not reported yet"),
        }
        if what in expected:
            assert after == expected[what][0 if lang == "id" else 1]
        if what.endswith("province"):  # "Provinsi Gorontalo", not "Gorontalo, Gorontalo"
            where = next(visible(m.value) for m in at.markdown if " · " in m.value).split(" · ")[0]
            assert re.fullmatch(r"Provinsi [^,]+" if lang == "id" else r"[^,]+ Province", where), where
        copy, original = picked["copy_in_a_province"], picked["evaluated_awarded_copied"]
        if kode in (copy, original):
            relation = at.dataframe[-1].value.iloc[0].tolist()[:2]
            if kode == copy:
                assert relation == ["Meniru" if lang == "id" else "Copies", original]
            else:
                assert relation == ["Ditiru oleh" if lang == "id" else "Copied by", copy]


def test_a_row_picked_in_the_list_opens_its_record(sample_data):
    at = app_at(KATALOG, {"lang": "en"})
    first = at.dataframe[0].value.iloc[0]["Code"]
    at.session_state["katalog_tabel"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    assert [c.value for c in at.code] == [first]
    assert at.query_params["kode"] == first
    assert_clean(at)


def test_the_download_keeps_iso_dates_and_plain_numbers(sample_data):
    from dasbor.access import NATIONAL
    from dasbor.filters import Filters
    from dasbor.frame import Ctx

    rows, _ = q.catalogue(Ctx("katalog", "id", Filters(), NATIONAL), limit=50)
    shown, download = q.list_tables(rows, "id")
    assert list(shown.columns) == list(download.columns)
    assert download["Diusulkan"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert str(download["Hari di tahap"].dtype) == "Int64"
    assert not shown.map(lambda v: bool(RAW.search(str(v)))).any().any()


MISSING = [None, np.nan, pd.NaT, pd.NA]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_tables_write_a_dash_for_every_missing_value(lang):
    n = len(MISSING)
    evaluations = pd.DataFrame(
        {
            column: MISSING
            for column in (
                "tanggal_evaluasi",
                "penilai",
                "hasil",
                "penerima_manfaat",
                "waktu_layanan_sebelum",
                "waktu_layanan_sesudah",
                "satuan_waktu",
                "biaya_sebelum",
                "biaya_sesudah",
                "ikm_sebelum",
                "ikm_sesudah",
                "responden",
                "status_lanjut",
            )
        }
    )
    stages = pd.DataFrame({"tahap": ["usulan"] * n, "tanggal": MISSING, "nomor_dokumen": MISSING, "turunan": MISSING})
    awards = pd.DataFrame({"tahun": MISSING, "ajang": MISSING, "capaian": MISSING, "kategori": MISSING})
    copies = pd.DataFrame(
        {
            "arah": ["meniru"] * n,
            "kode_inovasi": MISSING,
            "nama_inovasi": MISSING,
            "wilayah": MISSING,
        }
    )
    for table in (
        q.evaluation_table(evaluations, lang),
        q.stage_table(stages, lang),
        q.award_table(awards, lang),
        q.replication_table(copies, lang),
    ):
        cells = table.drop(columns=[c for c in table.columns if c in ("Tahap", "Stage", "Hubungan", "Relation")])
        assert (cells == "–").all().all(), cells


def test_a_record_with_nothing_optional_reads_cleanly():
    i = pd.Series(
        {
            "nama_inovasi": "Nama",
            "kode_inovasi": "A-1",
            "wilayah": "Kabupaten Minahasa Tenggara",
            "tingkat": "kabupaten",
            "nama_provinsi": "Sulawesi Utara",
            "perangkat_daerah": np.nan,
            "tahap": "usulan",
            "tanggal_tahap": pd.NaT,
            "inisiator": "perangkat_daerah",
            "bentuk": "pelayanan_publik",
            "jenis": "non_digital",
            "urusan": None,
            "nama_urusan": None,
            "tanggal_usulan": pd.Timestamp("2024-09-16"),
            "anggaran": np.nan,
            "status_lanjut": np.nan,
            "diterapkan": pd.NaT,
            "deskripsi": np.nan,
        }
    )
    for lang in ("id", "en"):
        facts = q.facts(i, lang)
        assert not any(RAW.search(v) or CODE.search(v) for v in facts.values()), facts
        assert q.description(i) is None
        assert q.identity(i, lang) == "Kabupaten Minahasa Tenggara, Sulawesi Utara · –"
    assert q.facts(i, "id")["Setelah penerapan"] == "Belum diterapkan"
    assert q.facts(i, "id")["Diusulkan"] == "16 Sep 2024"
    assert q.facts(i, "en")["Type"] == "Non-digital"


def test_years_are_not_grouped_and_the_other_competition_is_a_word():
    table = q.award_table(
        pd.DataFrame({"tahun": [2026], "ajang": ["lainnya"], "capaian": ["Juara"], "kategori": ["X"]}), "en"
    )
    assert table.iloc[0].tolist() == ["2026", "Other", "Juara", "X"]
