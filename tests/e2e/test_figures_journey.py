"""One truth per figure, seen in a browser: the flow of one region, the comparison of regions and the
public page, in both languages, with the CSVs a reader would download."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import ROOT

pytestmark = pytest.mark.e2e


def tall(tab, name: str) -> None:
    """The whole page in one picture: Streamlit scrolls inside its own container, so a full-page
    screenshot shows only the viewport; a tall viewport shows everything."""
    height = tab.page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('section, [data-testid=\"stMain\"]')).map(e => e.scrollHeight))"
    )
    tab.page.set_viewport_size({"width": 1400, "height": min(12_000, max(1000, height + 100))})
    tab.settle()
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    tab.page.screenshot(path=str(ROOT / "test-artifacts" / f"{name}.png"))
    tab.page.set_viewport_size({"width": 1400, "height": 1000})


def test_alur_for_one_region_in_both_languages_and_its_stuck_csv_matches_the_card(tab, server):
    tab.goto("/")
    tab.sign_in("lan")
    for lang, card in (("id", "Inovasi macet"), ("en", "Stuck innovations")):
        suffix = "&lang=en" if lang == "en" else ""
        tab.goto(f"/alur_tahapan?wil={server['region']}{suffix}")
        tab.check(charts=4, label=f"alur-{lang}")
        tall(tab, f"alur-satu-wilayah-{lang}")
        value = (
            tab.page.locator('[data-testid="stMetric"]').filter(has_text=card).locator('[data-testid="stMetricValue"]')
        )
        shown = int(value.inner_text().replace(".", "").replace(",", ""))
        if shown:
            body = tab.download("Unduh CSV" if lang == "id" else "Download CSV", index=0)
            assert len(list(csv.DictReader(io.StringIO(body)))) == shown


def test_perbandingan_table_and_funnel_in_both_languages(tab):
    tab.goto("/")
    tab.sign_in("lan")
    for lang in ("id", "en"):
        tab.goto("/perbandingan_wilayah" + ("?lang=en" if lang == "en" else ""))
        tab.check(charts=3, label=f"perbandingan-{lang}")
        tall(tab, f"perbandingan-{lang}")


def test_transparansi_in_both_languages(tab):
    for lang in ("id", "en"):
        tab.goto("/" + ("?lang=en" if lang == "en" else ""))
        tab.check(charts=2, label=f"transparansi-{lang}")
        tall(tab, f"transparansi-{lang}")
