"""Profil Wilayah in a real browser with the network blocked (every request to another host than the
dashboard's own aborted): a profile opened by its address in both languages, its map of the region and
its neighbours drawn from the shipped geometry, printed to an A4 PDF by Chromium (page count, no
sidebar on paper), its first sheet looked at, and the 'Cetak / PDF' link opening the print dialog."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from dasbor import geo
from e2e.test_map_journey import offline  # noqa: F401 - the fixture that blocks the network (one route for all)
from etl.sample import SEED_REGIONS

pytestmark = pytest.mark.e2e

# The reader, the Bupati of Minahasa Tenggara: a seed region of the sample (always there, with
# data), with land neighbours to draw (the busiest region of the sample may be an island).
PROFILE = SEED_REGIONS[0]

SIDEBAR_TEXT = "Bahasa / Language"
ARTIFACTS = ROOT / "test-artifacts"


def full_shot(tab, name: str) -> None:
    """The whole page (Streamlit scrolls inside its own container, so the window is made as tall as it)."""
    height = tab.page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('[data-testid=\"stMain\"], body')).map(e => e.scrollHeight))"
    )
    tab.page.set_viewport_size({"width": 1400, "height": min(12_000, max(1000, int(height) + 40))})
    tab.page.wait_for_timeout(800)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / f"profil-{name}.png"), full_page=True)
    tab.page.set_viewport_size({"width": 1400, "height": 1000})


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


# The regions the choropleth drew: one SVG path per region and trace (the region is drawn twice, once
# filled and once as the outline that marks it), each bound by plotly.js to its location (``kode``).
DRAWN_REGIONS = """Array.from(document.querySelectorAll('.choroplethlayer path.choroplethlocation'))
    .filter(p => (p.getAttribute('d') || '').length > 1 && p.__data__ && p.__data__.loc)
    .map(p => p.__data__.loc)"""


def neighbourhood_drawn(tab, region: str) -> set[str]:
    """Scroll to the profile's map of the region and its neighbours, wait until it has drawn every one of
    them (``geo.neighbours``, the function the page draws from); the regions drawn."""
    tab.page.get_by_text(
        re.compile(r"^(Wilayah ini dan tetangganya|This region and its neighbours)$")
    ).first.scroll_into_view_if_needed()
    expected = 1 + len(geo.neighbours(region))
    tab.page.wait_for_function(f"new Set({DRAWN_REGIONS}).size >= {expected}", timeout=60_000)
    return set(tab.page.evaluate(DRAWN_REGIONS))


def test_a_profile_opens_by_its_address_in_both_languages_and_prints_to_a_clean_a4(tab, browser, offline):  # noqa: F811
    region, name = PROFILE, geo.names("kabkota")[PROFILE]
    neighbourhood = {region, *geo.neighbours(region)}  # what the map of the region and its neighbours draws
    assert len(neighbourhood) > 1, "a region with neighbours, or the map's test proves little"
    tab.goto("/")
    tab.sign_in("lan")
    tab.goto(f"/profil_wilayah?wil={region}")
    assert tab.title() == "Profil Wilayah"
    assert tab.page.locator("h2").filter(has_text=name).count() == 1
    tab.check(charts=5)  # the spine, the map, the trend, the stage mix and the stage funnel at least
    tab.page.get_by_text(
        "Wilayah ini dibanding klaster dan nasional", exact=True
    ).wait_for()  # the heading, not the summary
    drawn = neighbourhood_drawn(tab, region)
    assert drawn == neighbourhood and len(drawn) == 1 + len(geo.neighbours(region))  # each region, none other
    assert offline == []  # drawn from the app's own files: nothing asked of another host
    full_shot(tab, f"{region}-id")
    tab.goto(f"/profil_wilayah?wil={region}&lang=en")
    assert tab.title() == "Region profile"
    tab.check(charts=5)
    tab.page.get_by_text("This region against its cluster and the nation", exact=True).wait_for()
    assert neighbourhood_drawn(tab, region) == neighbourhood
    full_shot(tab, f"{region}-en")
    # the link to the print document
    link = tab.page.locator('[data-testid="stLinkButton"] a').filter(has_text="Print / PDF")
    assert "cetak=dialog" in link.get_attribute("href") and f"wil={region}" in link.get_attribute("href")

    # The print document, printed by Chromium to A4.
    tab.goto(f"/profil_wilayah?wil={region}&cetak=1")
    tab.check(charts=5)
    tab.page.wait_for_function(  # every chart drawn before printing: a chart not drawn prints blank
        "(() => { const c = Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]'));"
        " return c.length >= 5 && c.every(e => e.querySelector('.main-svg')); })()",
        timeout=60_000,
    )
    assert neighbourhood_drawn(tab, region) == neighbourhood  # the map is on paper too, whole
    assert tab.page.locator('[data-testid="stDataFrame"]').count() == 0  # tables are whole, static HTML
    assert tab.page.locator('[data-testid="stTable"]').count() >= 5
    pdf = tab.page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "profil.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    # A region's profile: a few sheets, not one cut sheet nor a runaway (71.07's is 15 since it holds its
    # outreach events and competition entries, whole tables included).
    assert 3 <= pages <= 20, pages
    # On paper: no sidebar (its language switch, its sign-out, its filters), no header, no widget.
    tab.page.emulate_media(media="print")
    assert not tab.page.locator('[data-testid="stSidebar"]').is_visible()
    assert not tab.page.get_by_text(SIDEBAR_TEXT).is_visible()
    assert not tab.page.locator('[data-testid="stHeader"]').is_visible()
    assert not tab.page.get_by_role("button", name=re.compile("Cetak")).is_visible()
    assert tab.page.locator("h2").filter(has_text=name).is_visible()
    # every sheet's margin carries the title, the date and the source (CSS @page margin boxes)
    page_rule = tab.page.evaluate(
        """Array.from(document.styleSheets).flatMap(s => { try { return Array.from(s.cssRules); } catch (e) { return []; } })
             .filter(r => r.type === CSSRule.PAGE_RULE).map(r => r.cssText).join(' ')"""
    )
    assert "@bottom-left" in page_rule and "Sumber: Dasbor Inovasi Daerah" in page_rule
    assert name in page_rule and "counter(page)" in page_rule
    # The first sheet as printed: the page under print media in one A4 sheet (794 x 1123 at 96 dpi) ...
    tab.page.set_viewport_size({"width": 794, "height": 1123})
    tab.page.wait_for_timeout(500)
    tab.page.screenshot(path=str(ARTIFACTS / "profil-cetak-id.png"))
    tab.page.emulate_media(media="screen")
    assert offline == []

    # ... and the PDF itself, its first page as Chromium's own PDF viewer draws it (a context of its own,
    # reading the file from disk: nothing from the network).
    viewer = browser.new_context(viewport={"width": 900, "height": 1250})
    try:
        sheet = viewer.new_page()
        sheet.goto((ARTIFACTS / "profil.pdf").resolve().as_uri())
        sheet.wait_for_timeout(3000)
        sheet.screenshot(path=str(ARTIFACTS / "profil-cetak-pdf-1.png"))
    finally:
        viewer.close()


def test_the_print_link_opens_the_print_dialog_once_the_document_has_drawn(browser, server, tab):
    tab.goto("/")
    tab.sign_in("lan")
    # record instead of opening a dialog that would block the headless browser
    tab.page.context.add_init_script("window.print = () => { window.__dicetak = (window.__dicetak || 0) + 1; };")
    tab.goto(f"/profil_wilayah?wil={server['region']}")
    with tab.page.context.expect_page() as opened:
        tab.page.locator('[data-testid="stLinkButton"] a').filter(has_text="Cetak / PDF").click()
    printed = opened.value
    printed.wait_for_load_state()
    printed.wait_for_function("window.__dicetak === 1", timeout=60_000)
    assert "cetak=dialog" in printed.url
    assert printed.locator('[data-testid="stDataFrame"]').count() == 0


def test_a_region_account_is_refused_another_regions_profile(tab, server):
    tab.goto("/")
    tab.sign_in("daerah")
    other = "11.01" if server["region"] != "11.01" else "11.02"
    tab.goto(f"/profil_wilayah?wil={other}")
    refusal = tab.page.locator('[data-testid="stAlert"]').filter(has_text="Wilayah ini di luar akses akun Anda.")
    assert refusal.count() == 1
    assert tab.charts_drawn() == 0
    tab.goto("/profil_wilayah")
    tab.check(label="profil-daerah-pilih")
    assert tab.page.locator('[data-testid="stDataFrame"]').count() == 1  # the list of its own regions
