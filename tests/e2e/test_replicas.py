"""Two replicas behind HAProxy (`scripts/serve.sh`): sessions stick to one replica, every session sees a
snapshot published while they run, none errors, and when a replica is killed its sessions go on on the
other. Sessions are driven in Streamlit's own protocol by the load generator (benchmarks/load.py), which
behaves as a browser does, reconnecting included."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from benchmarks.load import LoadError, Tab, run_async
from conftest import INOVASI_HEADER, ROOT, inovasi_row, write_csv
from tests.e2e.conftest import _etl, _free_port

HAPROXY = os.environ.get("HAPROXY") or shutil.which("haproxy") or "/usr/sbin/haproxy"
SESSIONS = 6
PUBLIC = "Inovasi publik"


def _haproxy() -> None:
    if not Path(HAPROXY).exists():
        message = f"no HAProxy at {HAPROXY}: install Debian's haproxy (apt-get install haproxy) or set HAPROXY"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must run this test, never skip it quietly
        pytest.skip(message)


def _free_block(n: int) -> int:
    """A port P with P..P+n free on loopback."""
    import socket

    for _ in range(50):
        base = _free_port()
        if base + n >= 65535:
            continue
        try:
            sockets = []
            for p in range(base, base + n + 1):
                s = socket.socket()
                s.bind(("127.0.0.1", p))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free block of ports")


def _pids(run_dir: Path) -> dict[str, int]:
    return {line.split()[0]: int(line.split()[1]) for line in (run_dir / "pids").read_text().splitlines()}


@pytest.fixture
def balancer(tmp_path):
    _haproxy()
    env = {**os.environ, "INOVASI_DATA_DIR": str(tmp_path / "data"), "HAPROXY": HAPROXY}
    assert _etl(env, "sample", "--out", str(tmp_path / "sampel"), "--innovations", "600").returncode == 0
    assert _etl(env, "load", str(tmp_path / "sampel")).returncode == 0
    port = _free_block(4)
    run_dir = tmp_path / "run"
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 - open for the balancer's whole life
    proc = subprocess.Popen(
        ["bash", "scripts/serve.sh", "--replicas", "2", "--port", str(port), "--run-dir", str(run_dir), "--no-restart"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        if "ready" in (tmp_path / "serve.log").read_text():
            break
        if proc.poll() is not None:
            pytest.fail("serve.sh ended: " + (tmp_path / "serve.log").read_text()[-2000:])
        time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("serve.sh not ready: " + (tmp_path / "serve.log").read_text()[-2000:])
    yield {"url": url, "env": env, "run": run_dir, "root": tmp_path}
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    for name in ("haproxy.log", "replica-1.log", "replica-2.log"):
        if (run_dir / name).exists():
            shutil.copy(run_dir / name, artifacts / f"replicas-{name}")


def public_count(seen) -> int:
    return int(seen.metrics()[PUBLIC].replace(".", ""))


async def journey(b: dict) -> dict:
    url, run_dir = b["url"], b["run"]
    tabs = [Tab(url, "transparansi", timeout=90) for _ in range(SESSIONS)]
    errors: list[str] = []
    first = await asyncio.gather(*(t.rerun("") for t in tabs))
    before = public_count(first[0])
    assert all(public_count(s) == before for s in first)
    replica_of = [t.cookies.get("DASBOR_REPLICA") for t in tabs]

    # Sessions keep working (reruns, as a reader moving between filters) while a load publishes.
    async def keep_busy(tab: Tab, stop: asyncio.Event, seen: list) -> None:
        queries = ("prov=71", "")
        i = 0
        while not stop.is_set():
            try:
                started = time.monotonic()
                seen.append((started, await tab.rerun(queries[i % 2])))
            except (LoadError, OSError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            i += 1

    stop = asyncio.Event()
    seen: list[list] = [[] for _ in tabs]
    busy = [asyncio.create_task(keep_busy(t, stop, s)) for t, s in zip(tabs, seen, strict=True)]
    await asyncio.sleep(1.5)
    batch = b["root"] / "extra"
    header = [*INOVASI_HEADER, "publikasi", "tahap_terkini", "tanggal_uji_coba", "tanggal_penerapan"]
    write_csv(
        batch, "inovasi.csv", header, [[*inovasi_row("BARU-REPLIKA-1"), "ya", "penerapan", "01/06/2021", "01/09/2021"]]
    )
    loaded = await asyncio.to_thread(_etl, b["env"], "load", str(batch))
    published = time.monotonic()

    def default_views_after(runs: list) -> list[int]:  # views of the default address begun after the publish
        return [public_count(v) for t, v in runs if t > published and v.query_string == ""]

    deadline = published + 90
    while not all(default_views_after(runs) for runs in seen) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*busy)
    assert loaded.returncode == 0, loaded.stderr

    # Every session, on its next default view after the publish, counts the new innovation.
    after = []
    for tab in tabs:
        after.append(public_count(await tab.rerun("")))
    later_views = [default_views_after(runs) for runs in seen]

    # Kill one replica: its sessions' next actions are served by the other, with the new data.
    pids = _pids(run_dir)
    victim = replica_of[0]
    os.kill(pids[victim], signal.SIGKILL)
    recovered = await asyncio.gather(*(t.rerun("prov=71") for t in tabs))
    again = await asyncio.gather(*(t.rerun("") for t in tabs))
    result = {
        "before": before,
        "after": after,
        "later_views": later_views,
        "replica_of": replica_of,
        "replica_after": [t.cookies.get("DASBOR_REPLICA") for t in tabs],
        "reconnects": [t.reconnects for t in tabs],
        "recovered": [s.metrics()["Semua usulan"] for s in recovered],
        "again": [public_count(s) for s in again],
        "victim": victim,
        "errors": errors,
        "busy_runs": [len(s) for s in seen],
    }
    for t in tabs:
        await t.close()
    return result


def test_two_replicas_share_sessions_a_publish_and_survive_losing_one(balancer):
    r = run_async(journey(balancer))  # the session's Playwright loop may run in this thread
    assert set(r["replica_of"]) == {"r1", "r2"}, r["replica_of"]  # the balancer spread the sessions
    assert not r["errors"], r["errors"][:3]
    assert all(n > 0 for n in r["busy_runs"])
    assert r["after"] == [r["before"] + 1] * SESSIONS  # every session sees the new snapshot
    assert all(views and set(views) == {r["before"] + 1} for views in r["later_views"]), r["later_views"]
    survivor = ({"r1", "r2"} - {r["victim"]}).pop()
    moved = [i for i, name in enumerate(r["replica_of"]) if name == r["victim"]]
    assert moved and all(r["replica_after"][i] == survivor for i in moved)  # they went to the other one
    assert all(r["reconnects"][i] >= 1 for i in moved)
    assert len(set(r["recovered"])) == 1 and r["again"] == [r["before"] + 1] * SESSIONS
    # the static data package is served by the balancer too, renewed by the load
    with urllib.request.urlopen(f"{balancer['url']}/publik/inovasi_daerah_publik.csv", timeout=10) as answer:
        assert b"BARU-REPLIKA-1" in answer.read()


@pytest.mark.parametrize("url", ["http://10.0.0.5:8501", "http://192.168.1.10", "http://8.8.8.8:80", "ftp://127.0.0.1"])
def test_the_load_generator_refuses_anything_but_loopback(url):
    from benchmarks.load import loopback, main

    with pytest.raises(ValueError):
        loopback(url)
    assert main(["--url", url, "--sessions", "1", "--seconds", "1"]) == 2  # refused before any connection


def test_the_load_generator_is_bounded():
    from benchmarks.load import MAX_SECONDS, MAX_SESSIONS, main

    assert main(["--url", "http://127.0.0.1:9", "--sessions", str(MAX_SESSIONS + 1), "--seconds", "1"]) == 2
    assert main(["--url", "http://127.0.0.1:9", "--sessions", "1", "--seconds", str(MAX_SECONDS + 1)]) == 2
