"""The map in a real Chromium with the network blocked: every request to another host than the
dashboard's own is aborted (and recorded), and the map must still draw every region, nationally and
for one province, in both languages; a click on a region offers its profile."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from dasbor import geo

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "test-artifacts"
PROVINCE = "73"  # Sulawesi Selatan


@pytest.fixture
def offline(tab, server):
    """The tab with every request outside the dashboard's own server aborted; yields the list of what
    was attempted (which must stay empty: plotly.js would otherwise fetch its world map from a CDN)."""
    attempted: list[str] = []

    def only_ours(route) -> None:
        if route.request.url.startswith(server["url"]):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    tab.page.route("**/*", only_ours)
    tab.page.on(
        "request", lambda r: None if r.url.startswith((server["url"], "data:", "blob:")) else attempted.append(r.url)
    )
    yield attempted
    assert not attempted, attempted


def drawn_regions(tab, at_least: int) -> int:
    """Scroll to the map and wait until it has drawn ``at_least`` regions; how many it drew."""
    tab.page.get_by_text(re.compile(r"^(Angka di peta|Figure on the map)$")).first.scroll_into_view_if_needed()
    tab.page.wait_for_function(
        f"document.querySelectorAll('.choroplethlayer path.choroplethlocation').length >= {at_least}", timeout=60_000
    )
    tab.page.wait_for_timeout(500)
    return tab.page.evaluate("document.querySelectorAll('.choroplethlayer path.choroplethlocation').length")


def picture(tab, name: str) -> None:
    """The map section as a reader sees it, from the 'Peta' heading down."""
    ARTIFACTS.mkdir(exist_ok=True)
    heading = tab.page.get_by_role("heading", name=re.compile(r"^(Peta|Map)$")).first
    heading.scroll_into_view_if_needed()
    box = heading.bounding_box()
    tab.page.screenshot(
        path=str(ARTIFACTS / f"peta-{name}.png"),
        clip={"x": 0, "y": max(0, box["y"] - 10), "width": 1400, "height": 820},
    )


def test_the_map_draws_with_the_network_blocked_nationally_and_for_a_province(tab, offline):
    tab.goto("/")
    tab.sign_in("lan")
    every, province = len(geo.codes("kabkota")), [c for c in geo.codes("kabkota") if c.startswith(PROVINCE + ".")]
    for lang in ("id", "en"):
        suffix = "&lang=en" if lang == "en" else ""
        tab.goto("/perbandingan_wilayah?peta=per_100rb" + suffix)
        tab.check()
        assert drawn_regions(tab, every) == every  # each kabupaten/kota exactly once
        picture(tab, f"nasional-{lang}")
        tab.goto(f"/perbandingan_wilayah?prov={PROVINCE}&peta=proporsi" + suffix)
        tab.check()
        assert drawn_regions(tab, len(province)) == len(province)
        picture(tab, f"provinsi-{PROVINCE}-{lang}")
    tab.goto("/perbandingan_wilayah?peta=iid&peta_tingkat=provinsi")
    tab.check()
    assert drawn_regions(tab, 38) == 38
    picture(tab, "iid-provinsi-id")


def test_a_click_on_a_region_opens_its_profile(tab, offline):
    tab.goto("/")
    tab.sign_in("lan")
    tab.goto(f"/perbandingan_wilayah?prov={PROVINCE}")
    tab.check()
    drawn_regions(tab, 10)
    # a point inside one of the largest regions drawn (a grid over its box, the first point in its fill)
    target = tab.page.evaluate(
        """() => {
            const paths = Array.from(document.querySelectorAll('.choroplethlayer path.choroplethlocation'));
            const sized = paths.map(p => [p, p.getBBox()])
                .sort((a, b) => b[1].width * b[1].height - a[1].width * a[1].height);
            for (const [p, box] of sized.slice(0, 5)) {
                for (let i = 3; i < 8; i++) for (let j = 3; j < 8; j++) {
                    const x = box.x + box.width * i / 10, y = box.y + box.height * j / 10;
                    const pt = p.ownerSVGElement.createSVGPoint(); pt.x = x; pt.y = y;
                    if (p.isPointInFill(pt)) {
                        const m = p.getScreenCTM();
                        return {x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f};
                    }
                }
            }
            return null;
        }"""
    )
    assert target is not None
    tab.page.mouse.click(target["x"], target["y"])
    tab.page.wait_for_timeout(800)
    tab.settle()
    link = tab.page.get_by_role("link", name=re.compile(r"Buka profil "))
    link.wait_for(timeout=60_000)  # the click reruns the page
    href = link.get_attribute("href")
    code = re.search(r"wil=(\d\d\.\d\d)", href)[1]
    assert code.startswith(PROVINCE + ".")
    picture(tab, "klik-id")
    link.click()
    tab.page.wait_for_timeout(800)
    tab.settle()
    assert tab.title() in ("Profil Wilayah", "Region profile")
    assert geo.names("kabkota")[code] in tab.page.locator('[data-testid="stMain"]').inner_text()


def test_the_public_and_a_region_account_see_their_maps_offline(tab, offline, server):
    every = len(geo.codes("kabkota"))
    for lang in ("id", "en"):
        tab.goto("/" + ("?lang=en" if lang == "en" else ""))
        tab.check()
        assert drawn_regions(tab, every) == every
        picture(tab, f"transparansi-{lang}")
    tab.sign_in("daerah")
    region = server["region"]
    own_province = [c for c in geo.codes("kabkota") if c.startswith(region.split(".")[0] + ".")]
    tab.goto("/perbandingan_wilayah")
    tab.check()
    assert drawn_regions(tab, len(own_province)) == len(own_province)  # zoomed to its own province
    picture(tab, "daerah-id")
