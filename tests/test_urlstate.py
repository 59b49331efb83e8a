"""Every choice that changes what a page shows lives in the URL: a copied address opens the same view,
a change is written back, the default leaves the address short, and a bogus value is ignored."""

from __future__ import annotations

import pytest

from conftest import app_at
from dasbor import urlstate

WILAYAH, DAMPAK = "pages/2_perbandingan_wilayah.py", "pages/4_dampak.py"
KATALOG, PUBLIK = "pages/5_katalog.py", "pages/6_transparansi.py"


def _param(at, key):
    value = at.query_params.get(key)
    return value[-1] if isinstance(value, list) else value


def _widget(elements, key):
    return next(e for e in elements if e.key == f"url:{key}")


@pytest.mark.parametrize(
    ("script", "kind", "key", "value", "other", "default"),
    [
        (WILAYAH, "radio", "klaster", "kota", "provinsi", "kabupaten"),
        (WILAYAH, "selectbox", "capai", "uji_coba", "penetapan", "penerapan"),
        (WILAYAH, "selectbox", "urut", "proporsi", "n", "nama"),
        (DAMPAK, "radio", "menurut", "jenis", "bentuk", "urusan"),
    ],
)
def test_a_page_choice_opens_from_the_address_and_is_written_back(
    sample_data, script, kind, key, value, other, default
):
    at = app_at(script, {key: value})
    assert _widget(getattr(at, kind), key).value == value  # the copied address opens the same view
    _widget(getattr(at, kind), key).set_value(other).run()
    assert not at.exception and _param(at, key) == other
    _widget(getattr(at, kind), key).set_value(default).run()
    assert key not in at.query_params  # the default leaves the address short
    at = app_at(script, {key: "bukan-pilihan"})
    assert _widget(getattr(at, kind), key).value == default  # not an option: ignored, no error


@pytest.mark.parametrize("script", [KATALOG, PUBLIK])
def test_a_search_opens_from_the_address_and_is_written_back(sample_data, script):
    role = None if script == PUBLIK else "nasional"
    at = app_at(script, {"cari": "posyandu"}, role=role)
    assert _widget(at.text_input, "cari").value == "posyandu"
    _widget(at.text_input, "cari").input("dinas").run()
    assert _param(at, "cari") == "dinas"
    _widget(at.text_input, "cari").input("").run()
    assert "cari" not in at.query_params


def test_applying_filters_keeps_the_page_choices(sample_data):
    at = app_at(WILAYAH, {"klaster": "kota"})
    next(b for b in at.sidebar.button if b.label == "Terapkan").click().run()
    assert not at.exception and _param(at, "klaster") == "kota"


def test_a_page_choice_cannot_take_a_filter_key():
    with pytest.raises(ValueError, match="belongs to the filters"):
        urlstate.choice("wil", "x", ["a"])
