"""What Streamlit leaves for assistive technology to get wrong, set right from the page.

Streamlit's index.html declares ``<html lang="en">`` whatever the app speaks (streamlit issue
#15726), so a screen reader reads Indonesian pages with English pronunciation and Chromium offers to
translate them. A JavaScript-only component (``st.components.v2``, which runs in the app's own
document and fetches nothing) sets the document's language to the page's on every run."""

from __future__ import annotations

import streamlit as st

_LANG_JS = """
export default function (component) {
  const lang = component.data && component.data.lang;
  if (lang === "id" || lang === "en") {
    document.documentElement.lang = lang;
  }
}
"""

_document_language = st.components.v2.component("dasbor_document_language", js=_LANG_JS)


def document_language(lang: str) -> None:
    """Declare the page's language (``id`` or ``en``) on the document itself."""
    _document_language(data={"lang": lang}, key="dasbor-document-language")
