"""The browser benchmark measures what it says, at a tiny scale (its seconds are not checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import browser as bench

pytestmark = pytest.mark.e2e


def test_the_browser_benchmark_times_every_page_for_both_roles_and_counts_bytes_and_memory(server, browser):
    pages = tuple(p for p in bench.PAGES if p[0] in ("ringkasan", "transparansi"))  # every page: the benchmark
    result = bench.measure(Path(server["root"]) / "data", rounds=1, sessions=(1, 2), chromium=browser, pages=pages)
    rows = {(r["page"], r["role"]): r for r in result["browser"]}
    assert set(rows) == {(key, role) for key, *_ in pages for role in ("nasional", "daerah")}
    for r in rows.values():
        assert r["menu_s"] > 0 and r["url_s"] > 0 and r["filter_s"] > 0
        assert r["ws_bytes"] > 1000, r  # the page's elements came over the websocket
    assert [m["open"] for m in result["sessions"]] == [0, 1, 2]
    assert all(m["rss_mb"] > 50 for m in result["sessions"])
