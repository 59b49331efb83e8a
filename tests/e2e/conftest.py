"""A real server and a real Chromium: `streamlit run dashboard.py` on a free loopback port against a
sample database in a temporary INOVASI_DATA_DIR, driven by Playwright with Debian's Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

CHROMIUM = os.environ.get("INOVASI_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PASSWORD = "kata-sandi-e2e-1"
# Streamlit probes the base path of a deep link (/katalog/_stcore/health) before falling back to the
# root; those two 404s are the framework's own and not errors of ours.
KNOWN_NOISE = ("/_stcore/health", "/_stcore/host-config")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _etl(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        capture_output=True,
        check=False,
        timeout=300,
    )


def wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: int = 60) -> None:
    """Until ``url`` answers; fails with the end of the log when the process dies or time runs out."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.terminate()
    pytest.fail(f"{url} did not come up: {log.read_text()[-2000:]}")


def start_dashboard(env: dict, log: Path, *extra: str, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """`streamlit run dashboard.py` on a (free) loopback port, healthy; returns the process and its URL."""
    port = port or _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "dashboard.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        stdout=open(log, "w"),  # noqa: SIM115 - the server's log, open for its whole life
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/_stcore/health", proc, log)
    return proc, url


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """Base URL of a running dashboard, its environment, and the region used for the region account."""
    root = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "INOVASI_DATA_DIR": str(root / "data")}
    assert _etl(env, "sample", "--out", str(root / "sampel"), "--innovations", "1200").returncode == 0
    assert _etl(env, "load", str(root / "sampel")).returncode == 0
    import duckdb

    snap = root / "data" / "snapshots" / (root / "data" / "CURRENT").read_text().strip()
    with duckdb.connect(str(snap), read_only=True) as con:
        region, region_name = con.execute(
            "select i.kode_wilayah, w.nama from inovasi i join wilayah w on w.kode = i.kode_wilayah "
            "group by all order by count(*) desc limit 1"
        ).fetchall()[0]
    for name, role, extra in (
        ("lan", "nasional", []),
        ("daerah", "daerah", ["--wilayah", region]),
        ("admin", "admin", []),
    ):
        done = _etl(env, "users", "add", name, "--role", role, *extra, "--password-stdin", stdin=PASSWORD + "\n")
        assert done.returncode == 0, done.stderr
    proc, url = start_dashboard(env, root / "server.log")
    yield {"url": url, "env": env, "region": region, "region_name": region_name, "root": root}
    proc.terminate()
    proc.wait(timeout=20)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(root / "server.log", ARTIFACTS / "server.log")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = (
            f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) or set INOVASI_CHROMIUM"
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run the browser journeys, never skip them quietly
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


class Page:
    """A browser tab that records console errors and knows how Streamlit says it is done."""

    def __init__(self, page, base: str, name: str):
        self.page, self.base, self.name, self.errors, self.shots = page, base, name, [], 0
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        where = (msg.location or {}).get("url", "")
        if any(noise in where for noise in KNOWN_NOISE):
            return
        self.errors.append(f"console: {msg.text} ({where})")

    def goto(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.settle()

    def settle(self) -> Page:
        self.page.wait_for_timeout(300)
        self.page.wait_for_selector(READY, timeout=60_000)
        self.page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        self.page.wait_for_timeout(400)
        return self

    def charts_drawn(self) -> int:
        """Plotly charts that have actually drawn their SVG (several SVG layers make up one chart)."""
        return self.page.evaluate(
            "Array.from(document.querySelectorAll('[data-testid=\"stPlotlyChart\"]'))"
            ".filter(e => e.querySelector('.main-svg')).length"
        )

    def check(self, charts: int = 0, label: str = "", exact: bool = False) -> None:
        """No Streamlit exception on the page, and ``charts`` Plotly charts drawn (at least, unless exact)."""
        exceptions = self.page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        if charts:
            deadline = time.time() + 30
            while self.charts_drawn() < charts and time.time() < deadline:
                self.page.wait_for_timeout(250)
            drawn = self.charts_drawn()
            assert drawn == charts if exact else drawn >= charts, f"{drawn} charts drawn, expected {charts}"
        self.shot(label)

    def shot(self, label: str = "") -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.shots += 1
        self.page.screenshot(
            path=str(ARTIFACTS / f"{self.name}-{self.shots:02d}{'-' + label if label else ''}.png"), full_page=True
        )

    def download(self, label: str, index: int = 0) -> str:
        """Text of the CSV a download button gives (tables draw on a canvas, so this is how to read them)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        # Deferred CSVs are built on click, on a server thread: allow for a loaded machine. Twice in
        # full runs under load a click brought no file and left the button disabled (its request
        # for the file got no answer), so after a minute the page is reloaded (filters and search
        # live in the URL) and the click made once more.
        try:
            return self._download_once(label, index)
        except PlaywrightTimeout:
            self.page.reload()
            return self._download_once(label, index)

    def _download_once(self, label: str, index: int) -> str:
        self.settle()
        with self.page.expect_download(timeout=60_000) as info:
            self.page.get_by_role("button", name=label, exact=True).nth(index).click()
        return Path(info.value.path()).read_text(encoding="utf-8-sig")

    def alert(self) -> str:
        return self.page.locator('[data-testid="stAlert"]').last.inner_text()

    def title(self) -> str:
        return self.page.locator("h1").first.inner_text()

    def sign_in(self, name: str) -> None:
        # The form speaks the page's language: Indonesian, or English under ?lang=en.
        self.page.get_by_label(re.compile(r"^(Nama pengguna|User name)$")).fill(name)
        self.page.get_by_label(re.compile(r"^(Kata sandi|Password)$")).fill(PASSWORD)
        self.page.get_by_role("button", name=re.compile(r"^(Masuk|Sign in)$")).click()
        self.page.wait_for_timeout(800)
        self.settle()
        self.page.get_by_text(re.compile(r"^(Masuk sebagai|Signed in as)")).first.wait_for(timeout=20_000)

    def menu(self, label: str) -> None:
        self.page.locator('[data-testid="stSidebar"]').get_by_role("link", name=label, exact=True).click()
        self.page.wait_for_timeout(500)
        self.settle()


@pytest.fixture
def tab(browser, server, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = Page(context.new_page(), server["url"], request.node.name)
    yield page
    errors = list(page.errors)
    context.close()
    assert not errors, errors
