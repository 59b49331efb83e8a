"""The frame of every page: whose data it shows, and a filter form only where filters apply."""

from __future__ import annotations

import pytest

from conftest import app_at
from dasbor import store

PAGES = ("pages/1_ringkasan.py", "pages/3_alur_tahapan.py", "pages/4_dampak.py")


def _whose(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Wilayah:") or m.value.startswith("**Region:"))


@pytest.mark.parametrize("script", PAGES)
def test_a_region_account_reads_its_region_name_under_the_title(sample_data, script):
    code, name = store.query(
        "select i.kode_wilayah, w.nama from inovasi i join wilayah w on w.kode = i.kode_wilayah "
        "where w.tingkat = 'kabupaten' group by all order by count(*) desc, 1 limit 1"
    ).iloc[0]
    at = app_at(script, role="daerah", wilayah=(code,))
    assert _whose(at) == f"**Wilayah: {name}**"
    # another region in the address: the account's own data, and the page says the address is outside it
    other = "71.07" if code != "71.07" else "32.04"
    at = app_at(script, {"wil": other}, role="daerah", wilayah=(code,))
    assert name in _whose(at) and "di luar akses akun Anda" in _whose(at)


def test_a_national_user_reads_the_country_or_the_region_chosen(sample_data):
    assert _whose(app_at(PAGES[0])) == "**Wilayah: Seluruh Indonesia**"
    assert _whose(app_at(PAGES[0], {"wil": "71.07"})) == "**Wilayah: Kabupaten Minahasa Tenggara**"
    assert _whose(app_at(PAGES[0], {"prov": "71", "lang": "en"})) == "**Region: Sulawesi Utara province**"


def test_kelola_data_has_no_filter_form(sample_data):
    """page(key, filters=False) was always true: the flag was rebound to the URL's Filters."""
    at = app_at("pages/7_kelola_data.py", role="admin")
    assert not [m for m in at.sidebar.markdown if m.value == "**Filter**"]
    assert [m for m in app_at(PAGES[0], role="admin").sidebar.markdown if m.value == "**Filter**"]


def test_a_region_account_may_narrow_to_its_own_province(sample_data):
    at = app_at(PAGES[0], {"prov": "71"}, role="daerah", wilayah=("71.07",))
    assert _whose(at) == "**Wilayah: Kabupaten Minahasa Tenggara**"  # its own data, not the province's


@pytest.mark.parametrize("lang", ["id", "en"])
def test_years_outside_the_data_say_so_and_the_slider_keeps_the_data_range(sample_data, lang):
    lo, hi = (int(v) for v in store.query("select min(tahun_usulan), max(tahun_usulan) from inovasi_status").iloc[0])
    at = app_at(PAGES[0], {"tahun": f"{hi + 4}-{hi + 14}", "lang": lang})
    said = [w.value for w in at.warning]
    expected = (
        f"Tahun usulan {hi + 4}–{hi + 14} di luar data: data memuat usulan tahun {lo}–{hi}."
        if lang == "id"
        else f"Proposal years {hi + 4}–{hi + 14} are outside the data, which holds proposals of {lo}–{hi}."
    )
    assert any(w.startswith(expected) for w in said), said
    assert at.sidebar.slider[0].value == (lo, hi)  # not a collapsed 'hi–hi'
    inside = app_at(PAGES[0], {"tahun": f"{lo}-{hi}"})  # years inside the data: no such warning
    assert not [w for w in inside.warning if "di luar data" in w.value]


def test_an_empty_result_for_a_region_outside_the_account_says_so_not_loosen_the_filters(sample_data):
    from dasbor.access import Viewer
    from dasbor.filters import Filters
    from dasbor.frame import Ctx

    viewer = Viewer(role="daerah", name="x", wilayah=("71.07",))
    ctx = Ctx("ringkasan", "en", Filters(wilayah="32.04"), viewer)
    assert ctx.refusal() == (
        "The region in this address is outside your account's access, so your own regions are shown."
    )
    assert Ctx("ringkasan", "id", Filters(wilayah="71.07"), viewer).refusal() is None
