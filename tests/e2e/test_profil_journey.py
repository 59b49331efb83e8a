"""Profil Wilayah in a real browser: a profile opened by its address in both languages, printed to an
A4 PDF by Chromium (page count, no sidebar on paper), its first page looked at, and the 'Cetak / PDF'
link opening the print dialog."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

pytestmark = pytest.mark.e2e

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


def test_a_profile_opens_by_its_address_in_both_languages_and_prints_to_a_clean_a4(tab, server, browser):
    region, name = server["region"], server["region_name"]
    tab.goto("/")
    tab.sign_in("lan")
    tab.goto(f"/profil_wilayah?wil={region}")
    assert tab.title() == "Profil Wilayah"
    assert tab.page.locator("h2").filter(has_text=name).count() == 1
    tab.check(charts=4)  # the spine, the trend, the stage mix and the stage funnel at least
    tab.page.get_by_text(
        "Wilayah ini dibanding klaster dan nasional", exact=True
    ).wait_for()  # the heading, not the summary
    full_shot(tab, "id")
    tab.goto(f"/profil_wilayah?wil={region}&lang=en")
    assert tab.title() == "Region profile"
    tab.check(charts=4)
    tab.page.get_by_text("This region against its cluster and the nation", exact=True).wait_for()
    full_shot(tab, "en")
    # the link to the print document
    link = tab.page.locator('[data-testid="stLinkButton"] a').filter(has_text="Print / PDF")
    assert "cetak=dialog" in link.get_attribute("href") and f"wil={region}" in link.get_attribute("href")

    # The print document, printed by Chromium to A4.
    tab.goto(f"/profil_wilayah?wil={region}&cetak=1")
    tab.check(charts=4)
    tab.page.wait_for_function(  # every chart drawn before printing: a chart not drawn prints blank
        "(() => { const c = Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]'));"
        " return c.length >= 4 && c.every(e => e.querySelector('.main-svg')); })()",
        timeout=60_000,
    )
    assert tab.page.locator('[data-testid="stDataFrame"]').count() == 0  # tables are whole, static HTML
    assert tab.page.locator('[data-testid="stTable"]').count() >= 5
    pdf = tab.page.pdf(format="A4", print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "profil.pdf").write_bytes(pdf)
    pages = pdf_pages(pdf)
    assert 3 <= pages <= 14, pages  # a region's profile: a few sheets, not one cut sheet nor a runaway
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
    tab.page.set_viewport_size({"width": 794, "height": 1123})  # one A4 sheet at 96 dpi
    tab.page.wait_for_timeout(500)
    tab.page.screenshot(path=str(ARTIFACTS / "profil-print-emulated.png"))
    tab.page.emulate_media(media="screen")

    # The PDF's first page, as Chromium's own viewer draws it.
    viewer = browser.new_context(viewport={"width": 900, "height": 1250})
    try:
        sheet = viewer.new_page()
        sheet.goto((ARTIFACTS / "profil.pdf").resolve().as_uri())
        sheet.wait_for_timeout(3000)
        sheet.screenshot(path=str(ARTIFACTS / "profil-pdf-1.png"))
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
