"""A page as a clean A4 document: the print stylesheet, the 'Cetak / PDF' link, and, in print mode
(``?cetak=1``), charts sized for the paper and tables drawn whole as static HTML.

Streamlit's tables (``st.dataframe``) draw on a canvas that prints cut to what was on screen, and
its sidebar, header and widgets print too. In print mode a page draws no widget, renders every
table with ``st.table`` (plain HTML, every row) and every chart at a fixed A4 width; the stylesheet
hides the sidebar, the header, the toolbar and any widget left, lets the page flow over as many
sheets as it needs, and writes the document's title, the print date and the data source in the
margin of every sheet (CSS ``@page`` margin boxes, drawn by Chromium since version 131)."""

from __future__ import annotations

import datetime as dt
import html
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dasbor import charts, fmt, i18n, urlstate

PARAM = "cetak"
# A4 is 210 mm wide; with 12 mm margins 186 mm (703 CSS pixels at 96 per inch) are left for content.
A4_WIDTH = 690

# What never belongs on paper: the sidebar and its toggle, Streamlit's header, toolbar, status and
# decoration, every widget, and the data grids (their whole content is printed as static tables).
_HIDDEN = ", ".join(
    f'[data-testid="{name}"]'
    for name in (
        "stSidebar",
        "stSidebarCollapsedControl",
        "stSidebarCollapseButton",
        "stExpandSidebarButton",
        "stHeader",
        "stToolbar",
        "stDecoration",
        "stStatusWidget",
        "stBottom",
        "stButton",
        "stLinkButton",
        "stDownloadButton",
        "stFormSubmitButton",
        "stSelectbox",
        "stMultiSelect",
        "stRadio",
        "stSlider",
        "stTextInput",
        "stExpander",
        "stDataFrame",
        "stPageLink",
        "stIFrame",
    )
)


# ?cetak=1 draws the print document; ?cetak=dialog (what the 'Cetak / PDF' link opens) draws it and
# opens the browser's print dialog once it has drawn. A browser driven by a test prints the first
# with page.pdf(): an open print dialog would block that.
MODES = ("1", "dialog")


def active() -> bool:
    """Whether this run draws the print document (``?cetak=1`` or ``?cetak=dialog``)."""
    return urlstate.current(PARAM, MODES) is not None


def _css_string(text: str) -> str:
    """Text as a CSS string literal (for ``content:``): quotes, backslashes and line breaks escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def stylesheet(title: str, source: str, lang: str) -> str:
    """The print rules: A4 pages whose margins carry ``title`` and the print date (left) and
    ``source`` with the page number (right), the app's frame and widgets hidden, the page flowing
    over every sheet instead of being clipped to the screen's scroll box."""
    printed = fmt.date(dt.date.today(), lang)
    printed_word = i18n.tr(lang, "dicetak")  # outside the f-string: pybabel extract cannot read into one
    left = f"{title} · {printed_word} {printed}"
    page_word = i18n.tr(lang, "halaman")
    return f"""
<style>
@page {{
  size: A4;
  margin: 14mm 12mm 16mm 12mm;
  @bottom-left {{ content: {_css_string(left)}; font: 8pt sans-serif; color: #333; }}
  @bottom-right {{
    content: {_css_string(source + " · " + page_word + " ")} counter(page) " / " counter(pages);
    font: 8pt sans-serif; color: #333;
  }}
}}
@media print {{
  {_HIDDEN} {{ display: none !important; }}
  html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"], .main, section.main {{
    height: auto !important; min-height: 0 !important; overflow: visible !important;
    position: static !important; background: #fff !important;
  }}
  [data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: none !important; }}
  [data-testid="stAppViewContainer"] > section, [data-testid="stMain"] {{ margin-left: 0 !important; }}
  [data-testid="stPlotlyChart"], [data-testid="stTable"] tr, [data-testid="stMetric"] {{
    break-inside: avoid;
  }}
  h1, h2, h3 {{ break-after: avoid; }}
  [data-testid="stTable"] table {{ font-size: 8.5pt; width: 100%; }}
  [data-testid="stTable"] th, [data-testid="stTable"] td {{ padding: 2px 4px !important; }}
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
}}
</style>
"""


def setup(title: str, source: str, lang: str) -> None:
    """The print stylesheet on every run (a reader's own Ctrl+P gets it too); in print mode the
    screen shows the document as it will print: no sidebar, no header."""
    css = stylesheet(title, source, lang)
    if active():
        css += f"""
<style>
@media screen {{
  {_HIDDEN} {{ display: none !important; }}
  [data-testid="stMainBlockContainer"] {{
    max-width: {A4_WIDTH + 32}px !important; padding: 1rem 1rem 4rem 1rem !important;
  }}
}}
</style>
"""
    st.markdown(css, unsafe_allow_html=True)


def link(label: str, keep: dict[str, str]) -> None:
    """'Cetak / PDF': opens this view's print document in a new tab, which opens the print dialog."""
    st.link_button(label, "?" + urlencode({**keep, PARAM: "dialog"}), icon=":material/print:")


def print_button(label: str) -> None:
    """On screen in print mode: a button that opens the browser's print dialog (not printed itself)."""
    st.html(
        f"""
<div class="dasbor-layar"><button id="dasbor-cetak" type="button"
 style="font: inherit; padding: .4rem .9rem; border: 1px solid #999; border-radius: .5rem; background: #fff;
 cursor: pointer">{html.escape(label)}</button></div>
<style>@media print {{ .dasbor-layar {{ display: none !important; }} }}</style>
<script>document.getElementById("dasbor-cetak").addEventListener("click", () => window.print());</script>
""",
        unsafe_allow_javascript=True,
    )


def print_when_drawn() -> None:
    """With ``?cetak=dialog``: open the browser's print dialog once every chart has drawn (once per tab)."""
    if urlstate.current(PARAM, MODES) != "dialog":
        return
    st.html(
        """
<script>
(function () {
  if (window.sessionStorage.getItem("dasbor-dicetak") === location.href) { return; }
  let tries = 0;
  const ready = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
    return app && app.getAttribute("data-test-script-state") === "notRunning"
      && charts.every((c) => c.querySelector(".main-svg"));
  };
  const wait = () => {
    tries += 1;
    if (ready() || tries > 60) {
      window.sessionStorage.setItem("dasbor-dicetak", location.href);
      setTimeout(() => window.print(), 300);
    } else {
      setTimeout(wait, 500);
    }
  };
  setTimeout(wait, 800);
})();
</script>
""",
        unsafe_allow_javascript=True,
    )


def chart(fig: go.Figure, height: int, lang: str, key: str) -> None:
    """A chart at the paper's width, static (no toolbar, no hover: paper has neither)."""
    charts.style(fig, height, lang)
    fig.update_layout(width=A4_WIDTH)
    st.plotly_chart(fig, width="content", config={"staticPlot": True, "displayModeBar": False}, key=f"print_{key}")


def table(frame: pd.DataFrame) -> None:
    """Every row of ``frame`` as a static HTML table (Streamlit escapes the cell text)."""
    if frame.empty:
        return
    st.table(frame.fillna("–").astype(str).reset_index(drop=True), hide_index=True)
