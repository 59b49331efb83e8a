"""Does every page look finished, in both languages? A walk of every page as the users who see it,
failing on a number written in the other language's convention (also inside the charts' SVG: ticks,
bar labels), on ``nan``/``None``/``NaT`` in visible text, on the other language's interface words,
and on axe-core violations of WCAG 2.2 A/AA other than those listed below as Streamlit's own. Then
Transparansi on a phone (390×844): compact figures, filters and language at the top, a list without
sideways scrolling. Every page leaves a screenshot per language in test-artifacts/polish-*.png."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from conftest import ROOT
from tests.e2e.conftest import Page

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "test-artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# page key, address, who opens it
PAGES = (
    ("transparansi", "/transparansi", "publik"),
    ("profil_publik", "/profil_wilayah?wil={region}", "publik"),
    ("ringkasan", "/ringkasan", "admin"),
    ("perbandingan", "/perbandingan_wilayah", "admin"),
    ("profil", "/profil_wilayah?wil={region}", "admin"),
    ("alur", "/alur_tahapan", "admin"),
    ("dampak", "/dampak", "admin"),
    ("katalog", "/katalog", "admin"),
    ("katalog_detail", "/katalog?kode={kode}", "admin"),
    ("kelola", "/kelola_data", "admin"),
)


@dataclass(frozen=True)
class Allowed:
    """An axe violation that comes from Streamlit's (or Plotly's) own markup, which no page can change."""

    rule: str
    target: str  # a regular expression searched in the node's CSS selector
    reason: str


AXE_ALLOWED = (
    Allowed(
        "color-contrast",
        r"stFileUploaderDropzoneInstructions|stFileUploaderDropzone",
        "Streamlit's file-uploader hint ('Limit 200MB per file') is drawn in its own faded grey.",
    ),
)

# Words of the interface in one language, looked for on pages of the other. Region, agency,
# innovation and urusan names come from the data and are removed from the text first, and so are
# proper nouns and terms kept in English text on purpose (sosialisasi, kabupaten, DPRD ...).
ID_WORDS = (
    "yang", "untuk", "dari", "dengan", "atau", "tidak", "belum", "sudah", "adalah", "pada", "dan", "ini",
    "Unduh", "Tabel", "Menampilkan", "Jumlah", "jumlah", "Tahun", "tahun", "Tahap", "tahap", "usulan",
    "Usulan", "Semua", "Terapkan", "Masuk", "Keluar", "Kata sandi", "Nama pengguna", "baris", "dimuat",
    "Cari", "Pilih", "hari", "bulan", "wilayah", "Wilayah", "inovasi", "Ringkasan", "Perbandingan",
    "Alur", "Dampak", "Katalog", "Kelola", "Profil", "Transparansi", "Rata-rata", "Lihat", "Berkas",
    "Muat", "Hasil", "Tanggal", "Daftar", "Ditetapkan", "Diterapkan", "Evaluasi", "Penduduk",
)  # fmt: skip
EN_WORDS = (
    "the", "and", "of", "with", "for", "from", "not", "is", "are", "Download", "Showing", "rows", "Region",
    "Regions", "Stage", "stage", "Count", "Innovation", "innovations", "Apply", "Filters", "Search", "Sign in",
    "Sign out", "Password", "User name", "Year", "Years", "Share", "Number", "Proposals", "proposals",
    "Overview", "Impact", "Catalogue", "Transparency", "Manage data", "Region profile", "Stage flow",
    "Regions compared", "No data", "Other", "Load", "File", "Date", "List", "Population", "Median age",
)  # fmt: skip
# Allowed in both: the product's name, the language switch, and what Streamlit itself writes.
BOTH = (
    "Dasbor Inovasi Daerah",
    "Bahasa / Language",
    "Bahasa Indonesia",
    "English",
    "Drag and drop file here",  # st.file_uploader's own words (Streamlit has no locale for them)
    "Browse files",
    "Limit 200MB per file",
)
EN_KEEPS = ("sosialisasi", "bimtek", "lomba", "kabupaten", "Kabupaten", "Kota", "DPRD", "Setda", "Kemendagri")
# 'None yet.' is English; a lone None is a missing value printed as Python writes it.
MISSING = re.compile(r"(?<![\w-])(nan|NaN|None(?! (?:yet|of)\b)|NaT|<NA>|undefined|null)(?![\w-])")
# Text that is neither language's interface: file names (inovasi.csv) and the titles of the news
# articles a figure cites as its source ('Jumlah Inovasi KIPP 2018 Menurun 7,5%' (02/04/2018)).
NOT_UI = re.compile(
    r"\b[\w-]+\.(?:csv|xlsx|json|zip)\b|'[^'\n]{3,200}' \(\d{2}/\d{2}/\d{4}\)"
    # the contract's codes a rejection reason lists (usulan, kajian, ...): the same in both languages
    r"|(?:choose one of|pilihan):[^;\n]*"
)
# A number: digits with separators, not part of a word or of a reference number (SK 188.45/59/2021).
NUMBER = re.compile(r"(?<![\w.,/])\d+(?:[.,]\d+)+(?![\w/])")
WRONG = {  # the other language's convention: thousands, decimals
    "id": (
        (re.compile(r"^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$"), "English thousands separator"),
        (re.compile(r"^\d+\.\d{1,2}$|^0\.\d+$"), "English decimal point"),
    ),
    "en": (
        (re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$"), "Indonesian thousands separator"),
        (re.compile(r"^\d+,\d{1,2}$|^0,\d+$"), "Indonesian decimal comma"),
    ),
}

TEXTS_JS = """() => {
  const out = [];
  const main = document.querySelector('[data-testid="stMain"]');
  const side = document.querySelector('[data-testid="stSidebar"]');
  out.push(['page text', main ? main.innerText : '']);
  out.push(['sidebar', side ? side.innerText : '']);
  document.querySelectorAll('[data-testid="stPlotlyChart"]').forEach((chart, i) => {
    const texts = Array.from(chart.querySelectorAll('svg text')).map(t => t.textContent.trim()).filter(Boolean);
    out.push([`chart ${i + 1} SVG`, texts.join('\\n')]);
  });
  // Data grids draw on a canvas; the cells they show are also in the canvas's accessible table.
  document.querySelectorAll('[data-testid="stDataFrame"]').forEach((grid, i) => {
    const cells = Array.from(grid.querySelectorAll('table th, table td')).map(c => c.textContent.trim());
    out.push([`table ${i + 1}`, cells.filter(Boolean).join('\\n')]);
  });
  return out;
}"""


def _known(server) -> tuple[set[str], list[str]]:
    """Codes that look like numbers (71.07, 1.02) and names that come from the data, longest first."""
    import duckdb

    root = server["root"] / "data"
    snap = root / "snapshots" / (root / "CURRENT").read_text().strip()
    with duckdb.connect(str(snap), read_only=True) as con:
        kode = con.execute("select min(kode_inovasi) from inovasi_publik").fetchone()[0]
        codes = {c for (c,) in con.execute("select kode from wilayah union select kode from urusan").fetchall()}
        names = con.execute(
            "select nama from wilayah union select nama_provinsi from wilayah union select nama from urusan "
            "union select nama_inovasi from inovasi union select perangkat_daerah from inovasi "
            "union select penyelenggara from kegiatan union select sasaran from kegiatan "
            "union select nilai from baris_ditolak"  # the values of rejected rows, as the file had them
        ).fetchall()
    return codes, sorted({n for (n,) in names if n}, key=len, reverse=True), kode


@pytest.fixture(scope="module")
def known(server):
    return _known(server)


@pytest.fixture(scope="module")
def tabs(browser, server):
    """One tab per kind of user, kept for the whole walk (signing in once)."""
    made: dict[str, Page] = {}
    contexts = []

    def get(who: str) -> Page:
        if who not in made:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            contexts.append(context)
            tab = Page(context.new_page(), server["url"], f"polish-{who}")
            if who != "publik":
                tab.goto("/")
                tab.sign_in(who)
            made[who] = tab
        return made[who]

    yield get
    for context in contexts:
        context.close()


def idle_with_charts(tab: Page) -> None:
    """Streamlit done and every Plotly chart on the page drawn."""
    tab.settle()
    tab.page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]')).every(e => e.querySelector('.main-svg'))",
        timeout=60_000,
    )
    tab.page.wait_for_timeout(500)


def open_expanders(tab: Page) -> None:
    closed = tab.page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for _ in range(closed.count()):
        closed.first.click()
        tab.page.wait_for_timeout(100)
    tab.page.wait_for_timeout(800)


def screenshot(tab: Page, name: str, width: int = 1400, height: int = 1000) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window is made as tall as it."""
    full = tab.page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('[data-testid=\"stMain\"], body')).map(e => e.scrollHeight))"
    )
    tab.page.set_viewport_size({"width": width, "height": min(14_000, max(height, int(full) + 40))})
    tab.page.wait_for_timeout(800)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / f"polish-{name}.png"), full_page=True)
    tab.page.set_viewport_size({"width": width, "height": height})
    tab.page.wait_for_timeout(300)


def _around(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : end + 40].split())


def strip_data(text: str, names: list[str]) -> str:
    text = NOT_UI.sub(" ", text)
    for name in (*BOTH, *names):
        if name in text:
            text = text.replace(name, " ")
    return text


# Not numbers: addresses and versions (CC BY 4.0).
NOT_NUMBERS = re.compile(r"https?://\S+|\bCC BY \d\.\d\b|\bv\d+(?:\.\d+)+")


def number_problems(texts, lang: str, codes: set[str]) -> list[str]:
    found = []
    for where, raw in texts:
        text = NOT_NUMBERS.sub(" ", NOT_UI.sub(" ", raw))
        for m in NUMBER.finditer(text):
            token = m.group()
            if token in codes:
                continue
            for pattern, why in WRONG[lang]:
                if pattern.match(token):
                    found.append(f"{where}: '{token}' ({why}) in «{_around(text, m.start(), m.end())}»")
    return found


def missing_problems(texts) -> list[str]:
    return [
        f"{where}: '{m.group()}' in «{_around(text, m.start(), m.end())}»"
        for where, text in texts
        for m in MISSING.finditer(text)
    ]


# Dates are written as fmt.date writes them (28 Des 2023, 28 Dec 2023), not as a grid's 28-12-2023 or a
# database's 2023-12-28 beside them.
RAW_DATE = re.compile(r"(?<![\w.-])(?:\d{2}-\d{2}-\d{4}|\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?(?![\w-])")


def date_problems(texts) -> list[str]:
    return [
        f"{where}: date '{m.group()}' not in the page's date format in «{_around(text, m.start(), m.end())}»"
        for where, raw in texts
        for text in [NOT_NUMBERS.sub(" ", NOT_UI.sub(" ", raw))]
        for m in RAW_DATE.finditer(text)
    ]


def word_problems(texts, lang: str, names: list[str]) -> list[str]:
    words = EN_WORDS if lang == "id" else ID_WORDS
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])")
    found = []
    for where, text in texts:
        clean = strip_data(text, names if lang == "en" else [*names, *EN_KEEPS])
        if lang == "en":
            for keep in EN_KEEPS:
                clean = clean.replace(keep, " ")
        for m in pattern.finditer(clean):
            other = "English" if lang == "id" else "Indonesian"
            found.append(f"{where}: {other} word '{m.group()}' in «{_around(clean, m.start(), m.end())}»")
    return found


def axe_problems(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if any(a.rule == violation["id"] and re.search(a.target, target) for a in AXE_ALLOWED):
                continue
            found.append(
                f"axe {violation['id']} ({violation['impact']}): {target} — {violation['help']}; "
                f"{node.get('failureSummary', '').splitlines()[-1].strip() if node.get('failureSummary') else ''}; "
                f"{node['html'][:160]}"
            )
    return found


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("key", "address", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page_speaks_one_language_with_its_own_numbers_and_passes_axe(
    tabs, server, known, key, address, who, lang
):
    codes, names, kode = known
    tab = tabs(who)
    tab.errors.clear()
    path = address.format(region=server["region"], kode=kode)
    tab.goto(path + ("&" if "?" in path else "?") + "lang=en" if lang == "en" else path)
    idle_with_charts(tab)
    screenshot(tab, f"{key}-{lang}")
    open_expanders(tab)  # the data tables behind the charts are read and checked too
    texts = tab.page.evaluate(TEXTS_JS)
    problems = [
        *number_problems(texts, lang, codes),
        *missing_problems(texts),
        *date_problems(texts),
        *word_problems(texts, lang, names),
        *axe_problems(tab.page),
        *tab.errors,
    ]
    (ARTIFACTS / f"polish-{key}-{lang}.txt").write_text(
        "\n".join(problems) + "\n\n" + "\n\n".join(f"## {w}\n{t}" for w, t in texts), encoding="utf-8"
    )
    assert not problems, f"{key} ({lang}), {len(problems)} problems:\n" + "\n".join(problems[:60])


def test_the_checks_catch_what_they_are_for():
    """The walk's own checks, on text written to fail them (and on text that must pass)."""
    codes = {"71.07", "1.02"}
    bad_id = [("t", "Jumlah 21,574 inovasi, proporsi 47.06%, sumbu 0.5")]
    assert [p.split("'")[1] for p in number_problems(bad_id, "id", codes)] == ["21,574", "47.06", "0.5"]
    bad_en = [("t", "Count 21.574, share 23,1%")]
    assert [p.split("'")[1] for p in number_problems(bad_en, "en", codes)] == ["21.574", "23,1"]
    fine = [("t", "Region 71.07 (urusan 1.02), 2019–2023, 1.234,5, SK 188.45/59/2021, CC BY 4.0, https://x.org/1.5/")]
    assert number_problems(fine, "id", codes) == []
    assert len(missing_problems([("t", "Wilayah nan; None; NaT; Inovasi None tidak; None yet.")])) == 4
    assert date_problems([("t", "28-12-2023 and 2023-12-28 10:26, not 28 Des 2023")]) != []
    assert len(date_problems([("t", "28-12-2023 and 2023-12-28 10:26, not 28 Des 2023")])) == 2
    assert word_problems([("t", "Unduh CSV of Layanan Terpadu")], "en", ["Layanan Terpadu"]) != []
    assert word_problems([("t", "Layanan Terpadu, Kabupaten Minahasa, sosialisasi")], "en", ["Layanan Terpadu"]) == []
    assert [p.split("'")[1] for p in word_problems([("t", "Tabel data: Download CSV")], "id", [])] == ["Download"]


OPENER = '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button'


def test_transparansi_on_a_phone(browser, server):
    """390×844: the figures compact, filters and language at the top, a list without sideways scroll."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = Page(context.new_page(), server["url"], "polish-phone")
        tab.goto("/transparansi")
        idle_with_charts(tab)
        page = tab.page
        screen = 844
        # The headline figures: seven numbers in rows of three, under a third of the screen together.
        heights = [
            page.locator(f".st-key-{k}").bounding_box()["height"]
            for k in ("publik-angka-usulan", "publik-angka-publik")
        ]
        assert sum(heights) <= screen / 3, f"headline figures take {heights} px of a {screen} px screen"
        # The list: cards instead of the wide table, nothing wider than its container.
        assert not page.locator(".st-key-publik-tabel").is_visible(), "the wide table shows on a phone"
        cards = page.locator(".st-key-publik-kartu")
        cards.scroll_into_view_if_needed()
        widths = cards.evaluate(
            "el => ({box: [el.scrollWidth, el.clientWidth], rows: Array.from(el.querySelectorAll('li'))"
            ".map(r => r.scrollWidth - r.clientWidth), page: [document.documentElement.scrollWidth, "
            "document.documentElement.clientWidth]})"
        )
        assert widths["box"][0] <= widths["box"][1], f"the list scrolls sideways: {widths['box']}"
        assert widths["rows"] and max(widths["rows"]) <= 0, f"a card is wider than the list: {widths['rows']}"
        assert widths["page"][0] <= widths["page"][1], f"the page scrolls sideways: {widths['page']}"
        name, meta = (
            page.locator(".st-key-publik-kartu li .nama").first,
            page.locator(".st-key-publik-kartu li .meta").first,
        )
        assert name.inner_text().strip() and meta.inner_text().count(" · ") == 2, meta.inner_text()
        assert name.bounding_box()["y"] < meta.bounding_box()["y"], "name and region · stage · date on one line"
        problems = [*axe_problems(page), *tab.errors]
        # Language and filters: one tap on the labelled button at the very top of the page.
        page.locator('[data-testid="stMain"]').evaluate("el => el.scrollTo(0, 0)")
        tab.page.wait_for_timeout(300)
        screenshot(tab, "phone-id", 390, screen)
        opener = page.locator(OPENER).first
        box = opener.bounding_box()
        assert box and box["y"] + box["height"] <= 100, f"the sidebar opener is not at the top: {box}"
        said = opener.evaluate("el => getComputedStyle(el, '::after').content")
        assert "Filter" in said and "Bahasa" in said, f"the sidebar opener says {said!r}, not where the filters are"
        opener.click()
        page.wait_for_timeout(800)
        side = page.locator('[data-testid="stSidebar"]')
        language = side.get_by_text("English", exact=True)
        filters = side.locator('[data-testid="stForm"]').first
        for what, where in (("language switch", language), ("filter form", filters)):
            b = where.bounding_box()
            assert b and b["y"] < screen - 60, f"the {what} is below the first screen of the sidebar: {b}"
        assert "Filter" in filters.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "polish-phone-sidebar.png"))
        language.click()
        tab.settle()
        idle_with_charts(tab)
        screenshot(tab, "phone-en", 390, screen)
        assert not problems, "Transparansi on a phone:\n" + "\n".join(problems)
        assert not tab.errors, tab.errors
    finally:
        context.close()
