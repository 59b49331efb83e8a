"""What a person waits for: each page in headless Chromium against a running server.

For every page, as a national user and as a region account: seconds from a menu click and from a
direct address until the script is idle and every chart has drawn, seconds to apply one filter, and
the bytes the server sends over the websocket for the page; then the server's memory with 1, 5 and
20 sessions open. Runs alternate page by page and the medians are reported (the machine is shared).

Used by ``python -m benchmarks`` (the ``browser`` and ``sessions`` keys of its JSON); on its own:
``python -m benchmarks.browser --data DATA_DIR`` against a data folder already loaded."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("INOVASI_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "kata-sandi-benchmark-1"
# page key, URL path, Indonesian title (the h1 that says the right page has drawn)
PAGES = (
    ("ringkasan", "/ringkasan", "Ringkasan"),
    ("wilayah", "/perbandingan_wilayah", "Perbandingan Wilayah"),
    ("alur", "/alur_tahapan", "Alur Tahapan"),
    ("dampak", "/dampak", "Dampak"),
    ("katalog", "/katalog", "Katalog"),
    ("transparansi", "/transparansi", "Transparansi"),
)
SESSIONS = (1, 5, 20)
COOKIE = "dasbor_sesi"  # dasbor.auth.COOKIE (not imported: it pulls Streamlit into the benchmark's process)
DONE = (0, 3)  # ForwardMsg.ScriptFinishedStatus: FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY
# Idle means: the script is not running, no status widget ('Running…', 'Connecting'), the page's own
# title drawn, and every Plotly chart on it has its SVG.
IDLE_JS = """(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const h1 = document.querySelector('h1');
  if (!h1 || !h1.innerText.startsWith(title)) return false;
  return Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]')).every(c => c.querySelector('.main-svg'));
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _etl(env: dict, *args: str, stdin: str | None = None) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, input=stdin, text=True, capture_output=True
    )
    if done.returncode:
        raise RuntimeError(f"etl {' '.join(args)}: {done.stderr[-1000:]}")


def _busiest_region(data_dir: Path) -> str:
    from dasbor import store

    # Through the store's shared reader: this process may have one open on the snapshot already (the
    # benchmark's load wrote the data package through it), and DuckDB refuses a second connection
    # to the same file with another configuration.
    snap = data_dir / "snapshots" / (data_dir / "CURRENT").read_text().strip()
    return store.query(
        "select kode_wilayah from inovasi where kode_wilayah like '__.__' group by 1 order by count(*) desc, kode_wilayah limit 1",
        snapshot=snap,
    ).iloc[0, 0]


class Server:
    """`streamlit run dashboard.py` on a free loopback port, over ``data_dir``, with two accounts."""

    def __init__(self, data_dir: Path, work: Path):
        self.env = {
            **os.environ,
            "INOVASI_DATA_DIR": str(data_dir),
            "INOVASI_ACCOUNTS_FILE": str(work / "accounts.json"),
            "INOVASI_SIGNIN_FILE": str(work / "signin.json"),
            "INOVASI_SECRET_FILE": str(work / "secret"),
        }
        self.region = _busiest_region(data_dir)
        for name, role, extra in (("lan", "nasional", []), ("daerah", "daerah", ["--wilayah", self.region])):
            _etl(self.env, "users", "add", name, "--role", role, *extra, "--password-stdin", stdin=PASSWORD + "\n")
        port = _free_port()
        self.log = open(work / "server.log", "w")  # noqa: SIM115 - open for the server's life
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/_stcore/health", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.5)
        raise RuntimeError(f"the server did not start: {(work / 'server.log').read_text()[-1500:]}")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()


class Tab:
    """One signed-in browser session that counts the websocket bytes it receives."""

    def __init__(self, browser, base: str, account: str | None):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)  # a loaded machine: slow is a figure, not a failure
        self.base, self.received, self.finished = base, 0, 0
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        self.page.goto(base + "/")
        self.idle("Transparansi")
        if account:
            self.page.get_by_label("Nama pengguna").fill(account)
            self.page.get_by_label("Kata sandi").fill(PASSWORD)
            self.page.get_by_role("button", name="Masuk", exact=True).click()
            self.page.get_by_text("Masuk sebagai").first.wait_for(timeout=60_000)
            self.idle("Transparansi")
            # The cookie is written by a small script after the run; an address opened before it ran
            # would be a public visit (CI saw Ringkasan without its filter form on a loaded machine).
            deadline = time.time() + 60
            while not any(c["name"] == COOKIE for c in self.context.cookies()):
                if time.time() > deadline:
                    raise RuntimeError(f"signed in as {account!r} but the session cookie was never written")
                self.page.wait_for_timeout(50)

    def _count(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.received += len(payload)
        if isinstance(payload, bytes):
            msg = ForwardMsg.FromString(payload)
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished in DONE:
                self.finished += 1

    def idle(self, title: str, timeout_s: float = 180) -> None:
        self.page.wait_for_function(IDLE_JS, arg=title, timeout=timeout_s * 1000, polling=50)

    def timed(self, action, title: str) -> tuple[float, int]:
        """Seconds and websocket bytes from ``action()`` until the server said a run finished (not
        one ended early for a rerun) and the page titled ``title`` is idle with its charts drawn."""
        before, runs = self.received, self.finished
        start = time.perf_counter()
        action()
        deadline = time.time() + 180
        while self.finished == runs and time.time() < deadline:
            self.page.wait_for_timeout(10)  # Playwright delivers the websocket events while waiting
        self.idle(title)
        return time.perf_counter() - start, self.received - before

    def url(self, path: str, title: str) -> tuple[float, int]:
        return self.timed(lambda: self.page.goto(self.base + path), title)

    def menu(self, title: str) -> tuple[float, int]:
        link = self.page.locator('[data-testid="stSidebar"]').get_by_role("link", name=title, exact=True)
        return self.timed(link.click, title)

    def apply_filter(self, title: str) -> float:
        """Choose the first province offered in the sidebar form and apply it."""
        form = self.page.locator('[data-testid="stSidebar"] [data-testid="stForm"]')
        form.locator('[data-testid="stSelectbox"]').first.click()
        options = self.page.locator('[role="option"]')
        options.nth(1 if options.count() > 1 else 0).click()
        seconds, _ = self.timed(lambda: form.get_by_role("button", name="Terapkan").click(), title)
        return seconds

    def close(self) -> None:
        self.context.close()


def measure(
    data_dir: Path, rounds: int = 2, sessions: tuple[int, ...] = SESSIONS, chromium=None, pages: tuple = PAGES
) -> dict:
    """The browser table and the session-memory line for the data in ``data_dir`` (``pages``, a part of
    PAGES); ``chromium``, a Playwright browser already launched (the tests'), else one is launched here."""
    if chromium is not None:
        return _measure(chromium, data_dir, rounds, sessions, pages)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            return _measure(launched, data_dir, rounds, sessions, pages)
        finally:
            launched.close()


def _measure(chromium, data_dir: Path, rounds: int, sessions: tuple[int, ...], pages: tuple) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(data_dir, Path(tmp))
        try:
            rows = []
            for role, account in (("nasional", "lan"), ("daerah", "daerah")):
                tab = Tab(chromium, server.url, account)
                figures = {k: {"menu": [], "url": [], "filter": [], "bytes": []} for k, *_ in pages}
                for _ in range(rounds):  # page by page, round after round: noise falls on every page alike
                    for key, path, title in pages:
                        seconds, sent = tab.url(path, title)
                        figures[key]["url"].append(seconds)
                        figures[key]["bytes"].append(sent)
                        figures[key]["filter"].append(tab.apply_filter(title))
                        tab.url("/transparansi", "Transparansi")  # then in from another page by the menu
                        figures[key]["menu"].append(tab.menu(title)[0])
                tab.close()
                for key, *_ in pages:
                    f = figures[key]
                    rows.append(
                        {
                            "page": key,
                            "role": role,
                            "menu_s": round(statistics.median(f["menu"]), 2),
                            "url_s": round(statistics.median(f["url"]), 2),
                            "filter_s": round(statistics.median(f["filter"]), 2),
                            "ws_bytes": int(statistics.median(f["bytes"])),
                        }
                    )
            memory = [{"open": 0, "rss_mb": round(server_rss_mb(server.proc.pid), 1)}]
            open_tabs: list[Tab] = []
            for n in sessions:
                while len(open_tabs) < n:
                    open_tabs.append(Tab(chromium, server.url, None))
                time.sleep(2)
                memory.append({"open": n, "rss_mb": round(server_rss_mb(server.proc.pid), 1)})
            for tab in open_tabs:
                tab.close()
        finally:
            server.close()
    return {"browser": rows, "sessions": memory}


def print_table(result: dict) -> None:
    print(f"{'page':<13}{'role':<10}{'menu s':>8}{'url s':>8}{'filter s':>9}{'ws KB':>8}")
    for r in result["browser"]:
        print(
            f"{r['page']:<13}{r['role']:<10}{r['menu_s']:>8.2f}{r['url_s']:>8.2f}{r['filter_s']:>9.2f}"
            f"{r['ws_bytes'] / 1024:>8.0f}"
        )
    base = result["sessions"][0]["rss_mb"]
    line = ", ".join(f"{m['open']} open {m['rss_mb']:.0f} MB" for m in result["sessions"])
    last = result["sessions"][-1]
    per = (last["rss_mb"] - base) / last["open"] if last["open"] else float("nan")
    print(f"server memory: {line} ({per:.1f} MB per extra public session)")
    print(
        "menu: a click in the sidebar until the script is idle and every chart has drawn; url: the same from "
        "the address; filter: choosing a province and 'Terapkan'; ws KB: what the server sent for the page"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.browser", description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="a data folder already loaded (holds CURRENT)")
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--json", help="write the figures to this file")
    args = p.parse_args(argv)
    result = measure(Path(args.data), args.rounds)
    print_table(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
