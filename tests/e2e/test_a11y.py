"""What a screen reader is told: the document's language is the page's, not Streamlit's fixed 'en'."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_document_declares_the_language_the_page_speaks(tab, server, lang):
    tab.goto("/" if lang == "id" else "/?lang=en")
    tab.page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=20_000)
    assert tab.page.evaluate("document.documentElement.lang") == lang
    # switching language on the page changes it too, without a new address
    other = "English" if lang == "id" else "Bahasa Indonesia"
    tab.page.locator('[data-testid="stSidebar"]').get_by_text(other, exact=True).click()
    want = "en" if lang == "id" else "id"
    tab.page.wait_for_function(f"document.documentElement.lang === '{want}'", timeout=20_000)
