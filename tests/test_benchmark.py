"""The benchmark runs end to end at a tiny scale (its figures are not checked: machines are noisy)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_runs_every_page_and_writes_its_figures(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--innovations",
            "300",
            "--rounds",
            "1",
            "--json",
            str(out),
            "--work",
            str(tmp_path / "work"),
            "--no-browser",  # the Chromium figures run in tests/e2e/test_benchmark_browser.py
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    figures = json.loads(out.read_text())
    pages = {p["page"]: p for p in figures["pages"]}
    assert set(pages) == {"ringkasan", "wilayah", "alur", "dampak", "katalog", "transparansi"}
    for page in pages.values():
        assert page["queries"] > 0 and page["cold_s"] > 0 and page["peak_rss_mb"] > page["base_rss_mb"]
        assert page["pandas_data_mb"] > 0  # the pandas yardstick for page memory: the frames' deep size
    assert figures["etl"]["rows"] > 300 and figures["etl"]["ratio_to_duckdb_read_csv"] > 0
    assert figures["etl"]["ratio_to_typed_file"] > 0
    assert "alur" in proc.stdout and "ETL" in proc.stdout
    small = figures["incremental"]  # one region's monthly report into the loaded database and an empty one
    assert 0 < small["rows"] < 300 and small["seconds"] > 0 and small["empty_seconds"] > 0
    assert "monthly report of one region" in proc.stdout
