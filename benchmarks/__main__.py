"""Benchmark at national scale: ETL against DuckDB's read_csv, every page cold and warm, its raw SQL
and a plain-pandas twin, with peak memory. Prints a table; ``--json FILE`` keeps the figures.

Ratios are what to compare (machines are shared and noisy); pairs run alternately to damp noise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    ("ringkasan", "pages/1_ringkasan.py"),
    ("wilayah", "pages/2_perbandingan_wilayah.py"),
    ("alur", "pages/3_alur_tahapan.py"),
    ("dampak", "pages/4_dampak.py"),
    ("katalog", "pages/5_katalog.py"),
    ("transparansi", "pages/6_transparansi.py"),
)
TABLES = ("inovasi", "tahapan", "evaluasi", "penghargaan", "indeks_daerah")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class PeakRss:
    """Samples this process's resident memory every 10 ms while a block runs."""

    def __enter__(self):
        self.peak, self._stop = rss_mb(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def time_etl(batch: Path, work: Path, rounds: int) -> dict:
    import duckdb

    from etl.load import run

    files = [batch / f"{t}.csv" for t in TABLES]
    rows = sum(f.read_bytes().count(b"\n") - 1 for f in files)
    etl_s, read_s, file_s, steps = [], [], [], []
    for i in range(rounds):  # alternate the three, each on fresh ground
        data_dir = work / f"etl-{i}"
        start = time.perf_counter()
        report = run(files, write=True, data_dir=data_dir)
        etl_s.append(time.perf_counter() - start)
        steps.append(report.seconds)
        assert report.exit_code == 0, report.rejected[:3]
        con = duckdb.connect()
        start = time.perf_counter()
        for f in files:
            con.execute(f"create table {f.stem} as select * from read_csv('{f}', all_varchar = true)")
        read_s.append(time.perf_counter() - start)
        con.close()
        # For context, not the target: what typed CSV tables in a database file on disk cost, as the
        # ETL's output is (no checks, no history, no marts).
        target = work / f"read-csv-{i}.duckdb"
        con = duckdb.connect(str(target))
        start = time.perf_counter()
        for f in files:
            con.execute(f"create table {f.stem} as select * from read_csv('{f}')")
        con.execute("checkpoint")
        file_s.append(time.perf_counter() - start)
        con.close()
        target.unlink()
    seconds, duck, to_file = statistics.median(etl_s), statistics.median(read_s), statistics.median(file_s)
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds),
        "duckdb_read_csv_s": round(duck, 3),
        "ratio_to_duckdb_read_csv": round(seconds / duck, 2),
        "duckdb_read_csv_typed_to_file_s": round(to_file, 3),
        "ratio_to_typed_file": round(seconds / to_file, 2),
        "steps_s": {k: round(statistics.median(s[k] for s in steps), 2) for k in steps[0]},
    }


def page_figures(data_dir: Path, key: str, script: str, rounds: int) -> dict:
    """One page in this process (started fresh for it): cold and warm runs, its SQL, its memory.

    Cold = data caches cleared and DuckDB readers closed, in a server process that has already
    imported its code (the first view after a new snapshot); ``first_s`` is the very first run,
    imports included (the first view after the server starts)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dasbor import accounts, store
    from dasbor.reference import regions

    os.environ["INOVASI_DATA_DIR"] = str(data_dir)
    name = "benchmark"
    account = accounts.load().get(name) or accounts.add(
        name, "nasional", [], "kata-sandi-benchmark", {r.kode for r in regions()}
    )
    token = accounts.make_token(account)
    snapshot = store.current_snapshot()

    recorded: list[tuple[str, list]] = []
    original = store.query

    def recording(sql, params=None, snapshot=None):
        recorded.append((sql, list(params or ())))
        return original(sql, params, snapshot)

    # The SQL each page issues, re-timed raw below: every query goes through store.query, cached
    # page reads (dasbor.data) and the views that cache whole results (the cycle view, Dampak) alike.
    store.query = recording

    def run_page() -> float:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
        at.session_state["token"] = token
        at.switch_page(script)  # straight to the page: the front door would run Ringkasan first
        start = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{script}: {at.exception[0].message}")
        return elapsed

    # What every page imports, loaded before the baseline: page MB is then data, caches and figures.
    import plotly.graph_objects  # noqa: F401
    import scipy.stats  # noqa: F401

    from dasbor import alur_views, charts, frame, profil  # noqa: F401
    from dasbor.queries import alur, dampak, katalog, publik, ringkasan, wilayah  # noqa: F401

    base = rss_mb()
    with PeakRss() as mem:
        first = run_page()
        cold, warm, sql_s = [], [], []
        for _ in range(rounds):
            st.cache_data.clear()
            store.close_readers()
            recorded.clear()
            cold.append(run_page())
            warm.append(run_page())
            queries = list({(sql, repr(params)): (sql, params) for sql, params in recorded}.values())
            start = time.perf_counter()
            for sql, params in queries:
                original(sql, params, snapshot)
            sql_s.append(time.perf_counter() - start)
    store.query = original
    return {
        "page": key,
        "first_s": round(first, 3),
        "cold_s": round(statistics.median(cold), 3),
        "warm_s": round(statistics.median(warm), 3),
        "sql_s": round(statistics.median(sql_s), 3),
        "peak_rss_mb": round(mem.peak, 1),
        "base_rss_mb": round(base, 1),
        "page_mb": round(mem.peak - base, 1),
        "queries": len(queries),
    }


def time_pages(batch: Path, data_dir: Path, rounds: int) -> list[dict]:
    import subprocess

    from benchmarks import twins

    out = []
    for key, script in PAGES:  # each page in a fresh process: its peak memory is its own
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks", "--page", key, "--data", str(data_dir), "--rounds", str(rounds)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode:
            raise RuntimeError(f"{script}: {proc.stderr[-2000:]}")
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    before = rss_mb()
    start = time.perf_counter()
    frames = twins.load(batch)
    load_s = time.perf_counter() - start
    # What the data takes in memory the pandas way, the yardstick for a page's memory: the frames'
    # own deep size. The process's RSS growth is kept too but understates it, because this process
    # ran the ETL first and its allocator reuses the memory DuckDB freed.
    data_mb = sum(f.memory_usage(deep=True).sum() for f in frames.values()) / 2**20
    rss_growth_mb = rss_mb() - before
    for row in out:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            twins.TWINS[row["page"]](frames)
            times.append(time.perf_counter() - start)
        row["pandas_s"] = round(statistics.median(times), 3)
        row["pandas_load_s"] = round(load_s, 1)
        row["pandas_data_mb"] = round(data_mb, 1)
        row["pandas_rss_growth_mb"] = round(rss_growth_mb, 1)
    return out


def monthly_report(work: Path, seed: int) -> tuple[Path, int]:
    """A region's small monthly report: one region's share of a 50-innovation batch (its innovations,
    their stages, evaluations and awards), the common write of a data officer."""
    import pandas as pd

    from etl.sample import write_sample

    batch = write_sample(work / "report-all", innovations=50, seed=seed)
    inovasi = pd.read_csv(batch / "inovasi.csv", sep=";", dtype=str)
    region = inovasi.kode_wilayah.value_counts().index[0]
    keep = set(inovasi.kode_inovasi[inovasi.kode_wilayah == region])
    out, rows = work / "report", 0
    out.mkdir(exist_ok=True)
    for path in batch.glob("*.csv"):
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        if "kode_inovasi" in frame:
            frame = frame[frame.kode_inovasi.isin(keep)]
        elif "kode_wilayah" in frame:
            frame = frame[frame.kode_wilayah == region]
        frame.to_csv(out / path.name, sep=";", index=False)
        rows += len(frame)
    return out, rows


def time_small_load(data_dir: Path, work: Path, seed: int, rounds: int) -> dict:
    """Seconds to load and publish the monthly report into the full database and into an empty one,
    alternately, with the load's own step times (median run's) and how it built the derived tables
    (``incremental`` into the full database once its marts were built by this version)."""
    import shutil

    from etl.load import run

    report, rows = monthly_report(work, seed + 1)
    full, empty = [], []
    for i in range(rounds):  # alternately, each into a fresh copy so every round does the same work
        copy = work / f"data-copy-{i}"
        shutil.copytree(data_dir, copy)
        start = time.perf_counter()
        done = run([report], write=True, data_dir=copy)
        full.append((time.perf_counter() - start, done))
        shutil.rmtree(copy)
        start = time.perf_counter()
        into_empty = run([report], write=True, data_dir=work / f"data-empty-{i}")
        empty.append((time.perf_counter() - start, into_empty))
        shutil.rmtree(work / f"data-empty-{i}")
    (seconds, middle), (empty_seconds, empty_middle) = (
        sorted(x, key=lambda r: r[0])[len(x) // 2] for x in (full, empty)
    )
    return {
        "rows": rows,
        "seconds": round(statistics.median(s for s, _ in full), 2),
        "empty_seconds": round(statistics.median(s for s, _ in empty), 2),
        "marts_mode": middle.marts_mode,
        "marts_scope": middle.marts_scope,
        "copied_by": middle.copied_by,
        "steps_s": middle.seconds,
        "empty_steps_s": empty_middle.seconds,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    p.add_argument("--innovations", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--rounds", type=int, default=2, help="repetitions of each timing; the median is reported")
    p.add_argument("--json", help="write the figures to this file")
    p.add_argument("--work", help="keep the batch and databases in this folder (default: a temporary one)")
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium figures (benchmarks.browser)")
    p.add_argument("--page", choices=[k for k, _ in PAGES], help=argparse.SUPPRESS)  # internal: one page
    p.add_argument("--data", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    # A national bulk load: at 1,000,000 innovations tahapan.csv is 213 MB, over the loader's default
    # limit for one file (200 MB, meant for Kelola Data's uploads); the setting exists for this case.
    os.environ.setdefault("INOVASI_MAX_UPLOAD_MB", "4096")
    sys.path.insert(0, str(ROOT))
    if args.page:
        script = dict(PAGES)[args.page]
        print(json.dumps(page_figures(Path(args.data), args.page, script, args.rounds)))
        return 0
    from etl.load import run
    from etl.sample import write_sample

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work or tmp)
        work.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        batch = write_sample(work / "batch", innovations=args.innovations, seed=args.seed)
        sample_s = time.perf_counter() - start
        csv_mb = sum(f.stat().st_size for f in batch.glob("*.csv")) / 1e6
        etl = time_etl(batch, work, args.rounds)
        data_dir = work / "data"
        if not (data_dir / "CURRENT").exists():
            run([batch], write=True, data_dir=data_dir)
        db_mb = sum(f.stat().st_size for f in (data_dir / "snapshots").glob("*.duckdb")) / 1e6
        pages = time_pages(batch, data_dir, args.rounds)
        seen = None
        if not args.no_browser:
            from benchmarks import browser

            seen = browser.measure(data_dir, args.rounds)
        incremental = time_small_load(data_dir, work, args.seed, args.rounds)
    result = {
        "innovations": args.innovations,
        "cores": os.cpu_count(),
        "sample_s": round(sample_s, 1),
        "csv_mb": round(csv_mb, 1),
        "snapshot_mb": round(db_mb, 1),
        "etl": etl,
        "pages": pages,
        **(seen or {}),
        "incremental": incremental,
    }
    print(
        f"\n{args.innovations:,} innovations, {etl['rows']:,} rows in CSV ({csv_mb:.0f} MB), "
        f"snapshot {db_mb:.0f} MB, {os.cpu_count()} cores"
    )
    print(
        f"ETL {etl['seconds']:.2f} s ({etl['rows_per_s']:,} rows/s); DuckDB read_csv {etl['duckdb_read_csv_s']:.2f} s; "
        f"ratio {etl['ratio_to_duckdb_read_csv']:.1f}x (typed, into a database file: "
        f"{etl['duckdb_read_csv_typed_to_file_s']:.2f} s, ratio {etl['ratio_to_typed_file']:.1f}x)"
    )
    print("ETL steps (s): " + ", ".join(f"{k} {v:.1f}" for k, v in etl["steps_s"].items()))
    print(
        f"{'page':<13}{'first s':>8}{'cold s':>8}{'warm s':>8}{'sql s':>7}{'pandas s':>9}{'÷cold':>7}"
        f"{'csv+pandas ÷cold':>17}{'peak MB':>8}{'page MB':>8}"
    )
    for r in pages:
        ratio = r["pandas_s"] / r["cold_s"] if r["cold_s"] else float("nan")
        from_csv = (r["pandas_s"] + r["pandas_load_s"]) / r["cold_s"] if r["cold_s"] else float("nan")
        print(
            f"{r['page']:<13}{r['first_s']:>8.2f}{r['cold_s']:>8.2f}{r['warm_s']:>8.2f}{r['sql_s']:>7.2f}"
            f"{r['pandas_s']:>9.2f}{ratio:>7.1f}{from_csv:>17.1f}{r['peak_rss_mb']:>8.0f}{r['page_mb']:>8.0f}"
        )
    print(
        "cold: caches cleared in a running server; first: the first view after start (imports); "
        "pandas s: the twin on frames already in memory; csv+pandas: the twin including reading the CSVs "
        f"({pages[0]['pandas_load_s']:.1f} s); page MB: peak minus the process's memory before the page ran, "
        f"against {pages[0]['pandas_data_mb']:.0f} MB that the CSVs take read into pandas"
    )
    if seen:
        print()
        browser.print_table(seen)
    print(
        f"\nmonthly report of one region ({incremental['rows']} rows) loaded and published: "
        f"{incremental['seconds']:.2f} s into this database ({incremental['marts_mode']} derived tables, "
        f"snapshot copied by {incremental['copied_by']}), {incremental['empty_seconds']:.2f} s into an empty one"
    )
    print("  by step (s): " + ", ".join(f"{k} {v:.2f}" for k, v in incremental["steps_s"].items()))
    print("  into an empty one (s): " + ", ".join(f"{k} {v:.2f}" for k, v in incremental["empty_steps_s"].items()))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
