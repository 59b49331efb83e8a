"""A crowd on one page, in Streamlit's own protocol: many sessions for the price of little client CPU.

    python -m benchmarks.load --url http://127.0.0.1:8501 --sessions 20 --seconds 60 \
        --page transparansi --filter prov=71

Each session does what a visitor's browser does (read from the installed Streamlit's server,
``streamlit/web/server/starlette/starlette_websocket.py``, and its frontend bundle):

1. ``GET /<page>`` (the HTML; the JavaScript bundle is taken as cached), ``GET /_stcore/health``,
   which sets the ``_streamlit_xsrf`` cookie (and, behind HAProxy, the sticky-session cookie), and
   ``GET /_stcore/host-config``;
2. opens ``/_stcore/stream`` with the subprotocols ``streamlit, <xsrf cookie value>`` (a third, the
   last session id, when it reconnects), its ``Origin`` and its cookies, permessage-deflate on;
3. sends the ``rerun_script`` BackMsg a fresh tab sends: the query string, no widget states, an
   empty ``page_script_hash`` with ``page_name`` taken from the path, the browser's context (time
   zone, locale, URL, colour scheme) and the hashes of the messages it has cached;
4. reads ForwardMsgs until ``script_finished`` says FINISHED_SUCCESSFULLY: that is one **view**;
5. changes the filter the way a person does: picks the values in the sidebar's filter form and
   presses its submit button (one rerun carrying those widget states and the button's trigger; the
   page then writes the URL and reruns itself) until the page has finished again: one **filter
   change**. The widget values are learnt once, before the load, by opening the page at the
   filtered address (``--filter prov=71`` → the address ``?prov=71`` → the Provinsi box then reads
   "Sulawesi Utara"), and the widgets are matched by type, form and label.
6. closes the tab; the session starts again as a new visitor, until ``--seconds`` have passed.

Every view and filter change is checked against the first one (headings, texts, metrics, table
row counts): a result that differs is counted (``mismatches``), an exception on the page, a run
that does not finish within ``--timeout`` or a broken connection is an error. A lost connection is
re-opened as the browser does (with the old session id; behind a balancer the other replica then
serves it) and the action is sent again, and a health ping answered with anything but 200 (a
balancer with no replica up says 503) is tried again with growing pauses, as the browser does; both
count as ``retries``, not errors, when the action then finishes within ``--timeout``.

Only loopback addresses are accepted, and sessions and seconds are bounded (``MAX_SESSIONS``,
``MAX_SECONDS``). Printed: views and filter changes per second, p50/p95/max seconds of each, errors,
and the resident memory of the server process(es): found by the port (``/proc/net/tcp``) or given
with ``--pid`` (several for replicas behind a balancer; ``scripts/serve.sh`` writes them to its run
folder).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import json
import os
import re
import resource
import socket
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

MAX_SESSIONS = 500
MAX_SECONDS = 1800
FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN
WIDGETS = ("selectbox", "multiselect", "radio", "slider", "text_input", "checkbox", "button")
TEXTS = ("heading", "markdown", "alert", "text", "caption")
USER_AGENT = "benchmarks.load (Streamlit protocol)"


class LoadError(Exception):
    """One action failed: an exception on the page, no finish in time, a refused connection."""


def loopback(url: str) -> tuple[str, int]:
    """``url``'s host and port; ValueError unless the host is a loopback address (this tool must not
    be pointed at anybody else's server)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url}: give an http:// address, such as http://127.0.0.1:8501")
    host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except socket.gaierror as exc:
        raise ValueError(f"{host}: cannot be resolved ({exc})") from exc
    outside = [a for a in addresses if not ipaddress.ip_address(a.split("%")[0]).is_loopback]
    if outside or not addresses:
        raise ValueError(f"{host} is not a loopback address ({', '.join(sorted(addresses))}): refused")
    return host, port


# What one run of the page drew.


def _has(el, name: str) -> bool:
    try:
        return el.HasField(name)
    except ValueError:  # not an optional field: always there
        return True


def _value(kind: str, el) -> object:
    """The value a widget shows, as its WidgetState would carry it (None when it has none)."""
    if kind in ("selectbox", "radio"):
        if el.set_value and _has(el, "raw_value"):
            return el.raw_value
        return el.options[el.default] if _has(el, "default") and el.options else None
    if kind == "multiselect":
        if el.set_value:
            return tuple(el.raw_values)
        return tuple(el.options[i] for i in el.default)
    if kind == "slider":
        return tuple(el.value) if el.set_value else tuple(el.default)
    if kind == "text_input":
        if el.set_value and _has(el, "value"):
            return el.value
        return el.default if _has(el, "default") else ""
    if kind == "checkbox":
        return el.value if el.set_value else el.default
    return None


def _rows(data: bytes) -> int:
    import pyarrow as pa

    try:
        return pa.ipc.open_stream(data).read_all().num_rows
    except (pa.ArrowInvalid, OSError):
        return -1


@dataclass
class Rendered:
    """The elements of one finished run: what a person would see, and the widgets to act on."""

    elements: dict[tuple, tuple] = field(default_factory=dict)  # delta path -> (type, what it says)
    widgets: dict[tuple, tuple] = field(default_factory=dict)  # (type, form, label) -> (id, value, submitter)
    exceptions: list[str] = field(default_factory=list)
    session_id: str = ""
    page_script_hash: str = ""
    query_string: str = ""
    runs: int = 0  # script runs it took (2 for a form submit: the submit, then the rerun it asks for)
    bytes: int = 0
    messages: int = 0

    def counts(self) -> Counter:
        return Counter(kind for kind, _ in self.elements.values())

    def signature(self) -> tuple:
        """What the page says, without widget ids: equal for two runs that showed the same thing."""
        return tuple(sorted((path, what) for path, what in self.elements.items() if what[0] not in WIDGETS))

    def texts(self) -> list[str]:
        return [what[1] for _, what in sorted(self.elements.items()) if what[0] in TEXTS + ("metric",)]

    def metrics(self) -> dict[str, str]:
        return {
            what[1].split(" = ")[0]: what[1].split(" = ")[1] for what in self.elements.values() if what[0] == "metric"
        }

    def table_rows(self) -> list[int]:
        return [int(what[1]) for _, what in sorted(self.elements.items()) if what[0] == "dataframe"]


def _describe(kind: str, el) -> str:
    if kind == "metric":
        return f"{el.label} = {el.body}"
    if kind in ("heading", "markdown", "alert", "text"):
        return el.body
    if kind == "dataframe":
        return str(_rows(el.arrow_data.data)) if el.HasField("arrow_data") else str(el.lazy_data.row_count)
    if kind == "plotly_chart":
        return str(len(el.spec))
    if kind == "exception":
        return f"{el.type}: {el.message}"
    if kind in ("download_button", "page_link", "button"):
        return el.label
    return ""


# One browser tab.


class Tab:
    """One browser tab on one page: its cookies, its websocket, its session id and message cache."""

    def __init__(self, base: str, page: str, timeout: float = 60.0):
        loopback(base)
        self.base = base.rstrip("/")
        self.page = page
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.session_id = ""
        self.page_script_hash = ""
        self.query_string = ""
        self.cache: dict[str, ForwardMsg] = {}
        self.widgets: dict[tuple, tuple] = {}  # the widgets of the last finished run
        self.reconnects = 0
        self.retries = 0  # health pings that were not answered 200 (and were tried again)

    # HTTP, just enough for GET with cookies (no client library needed).

    async def get(self, path: str) -> tuple[int, bytes]:
        parts = urlsplit(self.base)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(parts.hostname, parts.port or 80), timeout=self.timeout
        )
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUser-Agent: {USER_AGENT}\r\n"
                f"Accept: */*\r\nConnection: close\r\n" + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n"
            )
            writer.write(request.encode("latin-1"))
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), timeout=self.timeout)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines or not lines[0].startswith("HTTP/"):
            raise LoadError(f"GET {path}: no HTTP answer")
        status = int(lines[0].split()[1])
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "set-cookie":
                pair = value.strip().split(";")[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        return status, body

    async def connect(self) -> None:
        """What the browser does before the first rerun: the page, the health ping, the host config,
        then the websocket with the XSRF token (and the last session id, when reconnecting)."""
        if not self.session_id:
            await self.get(f"/{self.page}" + (f"?{self.query_string}" if self.query_string else ""))
            await self.get(f"/{self.page}/_stcore/health")  # the browser probes the page's path first (404)
        delay, until = 0.1, time.monotonic() + self.timeout
        while True:  # the browser pings until the server answers (behind a balancer: 503 while none is up)
            status, _ = await self.get("/_stcore/health")
            if status == 200:
                break
            if time.monotonic() + delay > until:
                raise LoadError(f"/_stcore/health answered {status} for {self.timeout:g} s")
            self.retries += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
        await self.get("/_stcore/host-config")
        parts = urlsplit(self.base)
        scheme = "wss" if parts.scheme == "https" else "ws"
        tokens = ["streamlit", self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")]
        if self.session_id:
            tokens.append(self.session_id)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await asyncio.wait_for(
            ws_connect(
                f"{scheme}://{parts.netloc}/_stcore/stream",
                subprotocols=tokens,
                additional_headers={"Origin": self.base, "Cookie": cookie},
                user_agent_header=USER_AGENT,
                max_size=None,
                open_timeout=self.timeout,
                ping_interval=None,  # the browser does not ping; the server pings and we answer
            ),
            timeout=self.timeout,
        )

    async def reconnect(self, until: float) -> None:
        """After a lost connection, as the browser does: ping the health endpoint until it answers
        (behind a balancer: another replica), then open the stream with the last session id."""
        self.reconnects += 1
        with contextlib.suppress(Exception):
            await self.ws.close()
        self.ws = None
        delay = 0.1
        while True:
            try:
                await self.connect()
                return
            except (TimeoutError, OSError, LoadError, InvalidHandshake) as exc:
                if time.monotonic() + delay > until:
                    raise LoadError(f"could not reconnect: {exc}") from exc
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _rerun_msg(self, query_string: str, widgets: list | None) -> bytes:
        msg = BackMsg()
        rr = msg.rerun_script
        rr.query_string = query_string
        rr.page_script_hash = self.page_script_hash
        rr.page_name = "" if self.page_script_hash else self.page
        ctx = rr.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "Asia/Jakarta", -420, "id-ID"
        ctx.url = f"{self.base}/{self.page}" + (f"?{query_string}" if query_string else "")
        ctx.is_embedded, ctx.color_scheme = False, "light"
        rr.cached_message_hashes.extend(self.cache)
        if widgets is None:
            return msg.SerializeToString()  # a fresh tab, or an address changed: no widget states
        # As the browser does: the value of every widget on the page (a form's too, since its submit
        # button flushes it), then the ones changed, then the button pressed.
        states = {wid: (kind, value) for (kind, _, _), (wid, value, _) in self.widgets.items() if kind != "button"}
        states.update({wid: (kind, value) for wid, kind, value in widgets})
        for widget_id, (kind, value) in states.items():
            if value is None:
                continue
            state = rr.widget_states.widgets.add()
            state.id = widget_id
            if kind == "button":
                state.trigger_value = True
            elif kind in ("selectbox", "radio", "text_input"):
                state.string_value = value
            elif kind == "multiselect":
                state.string_array_value.data.extend(value)
            elif kind == "slider":
                state.double_array_value.data.extend(value)
            elif kind == "checkbox":
                state.bool_value = bool(value)
        return msg.SerializeToString()

    async def rerun(self, query_string: str | None = None, widgets: list | None = None) -> Rendered:
        """Send one rerun (the first one opens the tab) and read until the page finished."""
        until = time.monotonic() + self.timeout
        if query_string is not None:
            self.query_string = query_string
        if self.ws is None:
            await asyncio.wait_for(self.connect(), timeout=self.timeout)
        payload = self._rerun_msg(self.query_string, widgets)
        while True:
            try:
                await self.ws.send(payload)
                return await self._read(until)
            except (ConnectionClosed, OSError) as exc:
                # The browser reconnects and, since a run was under way, asks for it again.
                await self.reconnect(until)
                payload = self._rerun_msg(self.query_string, widgets)
                if time.monotonic() > until:
                    raise LoadError(f"connection lost: {exc}") from exc

    async def _read(self, until: float) -> Rendered:
        out = Rendered()
        while True:
            left = until - time.monotonic()
            if left <= 0:
                raise LoadError(f"no script_finished within {self.timeout:g} s")
            try:
                raw = await asyncio.wait_for(self.ws.recv(), timeout=left)
            except TimeoutError as exc:
                raise LoadError(f"no script_finished within {self.timeout:g} s") from exc
            out.bytes += len(raw)
            out.messages += 1
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":
                cached = self.cache.get(msg.ref_hash)
                if cached is None:
                    raise LoadError(f"the server referred to a message never sent: {msg.ref_hash}")
                path = tuple(msg.metadata.delta_path)
                msg = ForwardMsg()
                msg.CopyFrom(cached)
                msg.metadata.delta_path[:] = path
                kind = msg.WhichOneof("type")
            elif msg.metadata.cacheable and msg.hash:
                self.cache[msg.hash] = msg
            if kind == "new_session":
                out.runs += 1
                out.elements.clear()
                out.widgets.clear()
                if msg.new_session.HasField("initialize"):
                    self.session_id = out.session_id = msg.new_session.initialize.session_id
            elif kind == "navigation":  # the page now running (new_session names the main script)
                self.page_script_hash = out.page_script_hash = msg.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el_kind = msg.delta.new_element.WhichOneof("type")
                el = getattr(msg.delta.new_element, el_kind)
                path = tuple(msg.metadata.delta_path)
                out.elements[path] = (el_kind, _describe(el_kind, el))
                if el_kind == "exception":
                    out.exceptions.append(_describe(el_kind, el))
                if el_kind in WIDGETS:
                    submitter = el_kind == "button" and el.is_form_submitter
                    out.widgets[(el_kind, el.form_id, el.label)] = (el.id, _value(el_kind, el), submitter)
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                out.exceptions.append(str(msg.session_event.script_compilation_exception.message))
            elif kind == "script_finished":
                status = msg.script_finished
                if status == FINISHED:
                    out.query_string = self.query_string
                    self.widgets = out.widgets
                    if out.exceptions:
                        raise LoadError("exception on the page: " + out.exceptions[0][:200])
                    return out
                if status != EARLY:
                    raise LoadError(f"script finished with status {ForwardMsg.ScriptFinishedStatus.Name(status)}")

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), timeout=5)
            self.ws = None


# The filter change: learnt once from the filtered address, then done by the form like a person.


@dataclass
class Plan:
    page: str
    query_string: str  # the address the visitors open
    target: str  # the address a filter change leads to
    change: list  # (widget id, type, value): the values picked, and the submit button pressed
    described: list[str]
    first: Rendered | None = None
    filtered: Rendered | None = None


async def make_plan(base: str, page: str, query_string: str, filters: dict[str, str], timeout: float) -> Plan:
    tab = Tab(base, page, timeout)
    try:
        first = await tab.rerun(query_string)
    finally:
        await tab.close()
    if not filters:
        return Plan(page, query_string, query_string, [], [], first, None)
    target = urlencode({**dict(parse_qsl(query_string)), **filters})
    tab = Tab(base, page, timeout)
    try:
        filtered = await tab.rerun(target)
    finally:
        await tab.close()
    change, described, forms = [], [], set()
    for key, (widget_id, value, _) in first.widgets.items():
        kind, form, label = key
        if kind == "button" or key not in filtered.widgets:
            continue
        wanted = filtered.widgets[key][1]
        if wanted != value and wanted is not None:
            change.append((widget_id, kind, wanted))
            described.append(f"{label} → {wanted if not isinstance(wanted, tuple) else ', '.join(map(str, wanted))}")
            if form:
                forms.add(form)
    for form in sorted(forms):  # press the form's first submit button (Terapkan / Apply)
        button = next(
            (wid for (kind, f, _), (wid, _, sub) in first.widgets.items() if kind == "button" and f == form and sub),
            None,
        )
        if button is None:
            raise LoadError(f"form {form!r} has no submit button")
        change.append((button, "button", True))
        label = next(lbl for (kind, f, lbl), (wid, _, _) in first.widgets.items() if wid == button)
        described.append(f"[{label}]")
    if not change:  # no widget shows the filter: change the address instead (a shared link, say)
        described.append(f"address ?{target}")
    return Plan(page, query_string, target, change, described, first, filtered)


# The crowd.


@dataclass
class Action:
    kind: str  # view | filter
    start: float
    seconds: float
    error: str | None = None
    mismatch: bool = False
    reconnects: int = 0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


FAILURES = (TimeoutError, LoadError, OSError, ConnectionClosed, InvalidHandshake)


async def _act(kind: str, tab: Tab, run, expected: Rendered | None, actions: list[Action]) -> bool:
    """Time one action of ``tab`` (``run`` gives its coroutine) and record it; False when it failed."""
    start, before = time.monotonic(), tab.reconnects + tab.retries
    try:
        seen = await run()
    except FAILURES as exc:
        actions.append(Action(kind, start, time.monotonic() - start, _why(exc)))
        return False
    retried = tab.reconnects + tab.retries - before
    actions.append(Action(kind, start, time.monotonic() - start, None, _differs(seen, expected), retried))
    return True


async def visitor(
    base: str, plan: Plan, deadline: float, delay: float, think: float, timeout: float, actions: list[Action]
) -> None:
    """One session slot: a visitor opens the page, changes the filter, leaves; the next one comes."""
    await asyncio.sleep(delay)
    while time.monotonic() < deadline:
        tab = Tab(base, plan.page, timeout)
        try:
            if not await _act("view", tab, lambda t=tab: t.rerun(plan.query_string), plan.first, actions):
                await asyncio.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
                continue
            if not plan.filtered or time.monotonic() >= deadline:
                continue
            if think:
                await asyncio.sleep(think)
            if plan.change:
                await _act("filter", tab, lambda t=tab: t.rerun(None, plan.change), plan.filtered, actions)
            else:
                await _act("filter", tab, lambda t=tab: t.rerun(plan.target), plan.filtered, actions)
            if think:
                await asyncio.sleep(think)
        finally:
            await tab.close()


def _why(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def _differs(seen: Rendered, expected: Rendered | None) -> bool:
    return expected is not None and seen.signature() != expected.signature()


# The server's memory.


def pid_on_port(port: int) -> int | None:
    """The process listening on ``port`` on this machine (by its socket's inode in /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            for fd in (proc / "fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return int(proc.name)
    return None


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sample_rss(pids: list[int], samples: dict[int, list[float]], stop: asyncio.Event) -> None:
    while True:
        for pid in pids:
            value = rss_mb(pid)
            if value is not None:
                samples.setdefault(pid, []).append(value)
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
            return
        except TimeoutError:
            pass


def summarise(actions: list[Action], seconds: float) -> dict:
    out: dict = {}
    for kind in ("view", "filter"):
        done = [a for a in actions if a.kind == kind]
        ok = [a.seconds for a in done if a.error is None]
        out[kind] = {
            "count": len(ok),
            "per_s": round(len(ok) / seconds, 2) if seconds else 0.0,
            "p50_s": round(_percentile(ok, 0.5), 3) if ok else None,
            "p95_s": round(_percentile(ok, 0.95), 3) if ok else None,
            "max_s": round(max(ok), 3) if ok else None,
            "errors": sum(1 for a in done if a.error),
            "mismatches": sum(1 for a in done if a.mismatch),
            "reconnects": sum(a.reconnects for a in done),
        }
    errors = Counter(re.sub(r"\d+(\.\d+)?", "N", a.error) for a in actions if a.error)
    out["error_kinds"] = dict(errors.most_common(5))
    return out


async def crowd(
    url: str,
    page: str,
    sessions: int,
    seconds: float,
    filters: dict[str, str] | None = None,
    query_string: str = "",
    think: float = 0.0,
    ramp: float | None = None,
    timeout: float = 60.0,
    pids: list[int] | None = None,
) -> dict:
    """Run the crowd and return its figures (what ``main`` prints)."""
    _, port = loopback(url)
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"--sessions must be between 1 and {MAX_SESSIONS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"--seconds must be between 1 and {MAX_SECONDS}")
    plan = await make_plan(url, page, query_string, filters or {}, timeout)  # also warms the server up
    pids = pids or [p for p in [pid_on_port(port)] if p]
    samples: dict[int, list[float]] = {}
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pids, samples, stop))
    ramp = min(5.0, seconds / 4) if ramp is None else ramp
    actions: list[Action] = []
    server_cpu0 = {pid: cpu_s(pid) for pid in pids}
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.monotonic()
    deadline = start + seconds
    await asyncio.gather(
        *(visitor(url, plan, deadline, ramp * i / sessions, think, timeout, actions) for i in range(sessions))
    )
    elapsed = time.monotonic() - start
    stop.set()
    await sampler
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    used = [cpu_s(pid) - before for pid, before in server_cpu0.items() if before is not None and cpu_s(pid) is not None]
    result = {
        "url": url,
        "page": page,
        "sessions": sessions,
        "seconds": round(elapsed, 1),
        "think_s": think,
        "filter": filters or {},
        "filter_change": plan.described,
        "first_view": {
            "elements": dict(plan.first.counts()),
            "table_rows": plan.first.table_rows(),
            "metrics": plan.first.metrics(),
            "bytes": plan.first.bytes,
        },
        **summarise(actions, elapsed),
        "server_rss_mb": {
            str(pid): {"start": round(v[0], 1), "peak": round(max(v), 1), "end": round(v[-1], 1)}
            for pid, v in samples.items()
            if v
        },
        "client_cpu_s": round(cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime, 1),
        # what the server(s) spent, the figure least disturbed by other work on a shared machine
        "server_cpu_s": round(sum(used), 1) if used else None,
        "server_cpu_s_per_visit": None,
        "machine_load": round(os.getloadavg()[0], 1),
    }
    visits = result["view"]["count"]
    if used and visits:
        result["server_cpu_s_per_visit"] = round(sum(used) / visits, 3)  # one view and its filter change
    if plan.filtered is not None:
        result["filtered_view"] = {"table_rows": plan.filtered.table_rows(), "metrics": plan.filtered.metrics()}
    return result


# Checking the generator against a real browser (Playwright and Debian's Chromium).

TESTIDS = {  # element type in the protocol → what the browser draws for it
    "metric": "stMetric",
    "plotly_chart": "stPlotlyChart",
    "dataframe": "stDataFrame",
    "download_button": "stDownloadButton",
    "heading": "stHeading",
    "alert": "stAlert",
    "selectbox": "stSelectbox",
    "multiselect": "stMultiSelect",
    "slider": "stSlider",
    "radio": "stRadio",
    "text_input": "stTextInput",
    "page_link": "stPageLink",
    "exception": "stException",
}
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
_DOM = """() => {
  const count = {};
  document.querySelectorAll('[data-testid]').forEach(e => {
    const k = e.getAttribute('data-testid'); count[k] = (count[k] || 0) + 1; });
  const metrics = {};
  document.querySelectorAll('[data-testid="stMetric"]').forEach(m => {
    metrics[m.querySelector('[data-testid="stMetricLabel"]').innerText.trim()] =
      m.querySelector('[data-testid="stMetricValue"]').innerText.trim(); });
  const rows = [...document.querySelectorAll('[data-testid="stDataFrame"] table[aria-rowcount]')]
    .map(t => parseInt(t.getAttribute('aria-rowcount')) - 1);
  return {count, metrics, rows};
}"""


async def _settle(page, timeout_ms: int) -> None:
    """Until Streamlit says the run is over (as tests/e2e does)."""
    await page.wait_for_timeout(200)
    await page.wait_for_selector(READY, timeout=timeout_ms)
    await page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout_ms)


async def verify_browser(url: str, page_name: str, query: str, filters: dict, rounds: int, timeout: float) -> dict:
    """One session in Chromium and one in the generator, alternately, on an idle server: the same
    page, the same filter change; what each saw and how long it took."""
    import os

    from playwright.async_api import async_playwright

    loopback(url)
    plan = await make_plan(url, page_name, query, filters, timeout)
    chromium = os.environ.get("INOVASI_CHROMIUM", "/usr/bin/chromium")
    address = f"{url.rstrip('/')}/{page_name}" + (f"?{query}" if query else "")
    out: dict = {"browser": {"view_s": [], "filter_s": []}, "generator": {"view_s": [], "filter_s": []}}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            for i in range(rounds):
                tab = Tab(url, page_name, timeout)  # the generator's session
                start = time.monotonic()
                seen = await tab.rerun(query)
                out["generator"]["view_s"].append(time.monotonic() - start)
                if plan.filtered is not None:
                    start = time.monotonic()
                    changed = await tab.rerun(None, plan.change) if plan.change else await tab.rerun(plan.target)
                    out["generator"]["filter_s"].append(time.monotonic() - start)
                await tab.close()
                context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                page = await context.new_page()
                start = time.monotonic()
                await page.goto(address)
                await _settle(page, int(timeout * 1000))
                out["browser"]["view_s"].append(time.monotonic() - start)
                if i == 0:
                    out["browser"]["first"] = await _browser_state_async(page)
                    out["generator"]["first"] = _generator_state(seen)
                if plan.filtered is not None:
                    press = await _change_in_browser(page, plan)  # the values picked; the button not yet
                    start = time.monotonic()
                    await press()
                    await _settle(page, int(timeout * 1000))
                    out["browser"]["filter_s"].append(time.monotonic() - start)
                    if i == 0:
                        out["browser"]["filtered"] = await _browser_state_async(page)
                        out["generator"]["filtered"] = _generator_state(changed)
                        out["browser"]["url"] = page.url
                await context.close()
        finally:
            await browser.close()
    out["agreement"] = _agreement(out)
    return out


async def _browser_state_async(page) -> dict:
    """What the page shows once every expander is open (their tables and buttons drawn too; the grids
    draw their accessible tables a moment after)."""
    for summary in await page.locator('[data-testid="stExpander"] summary').all():
        await summary.click()
    for _ in range(40):  # until every table has drawn (at most 10 s)
        await page.wait_for_timeout(250)
        state = await page.evaluate(_DOM)
        if len(state["rows"]) >= state["count"].get("stDataFrame", 0):
            break
    return state


async def _change_in_browser(page, plan: Plan):
    """The filter change a person makes: pick the values in the filter form; returns the press of its
    button (timed from there: typing in the boxes is the person's time, not the server's)."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    pressed = []
    for widget_id, kind, value in plan.change:
        label = next(lbl for (_, _, lbl), (wid, _, _) in plan.first.widgets.items() if wid == widget_id)
        if kind == "selectbox":
            box = sidebar.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input")
            await box.click()
            await page.keyboard.type(value)
            await page.get_by_role("option", name=value, exact=True).click()
        elif kind == "multiselect":
            for item in value:
                box = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text=label).locator("input")
                await box.click()
                await page.keyboard.type(item)
                await page.get_by_role("option", name=item, exact=True).click()
            await page.keyboard.press("Escape")
        elif kind == "button":
            pressed.append(sidebar.get_by_role("button", name=label, exact=True))
        else:
            raise LoadError(f"the browser check cannot yet set a {kind}")

    async def press() -> None:
        for button in pressed:
            await button.click()

    return press


def _generator_state(seen: Rendered) -> dict:
    counts = seen.counts()
    return {
        "count": {TESTIDS[k]: n for k, n in counts.items() if k in TESTIDS},
        "metrics": seen.metrics(),
        "rows": seen.table_rows(),
    }


def _agreement(out: dict) -> dict:
    verdict = {}
    for state in ("first", "filtered"):
        if state not in out["browser"]:
            continue
        b, g = out["browser"][state], out["generator"][state]
        counts = {k: (b["count"].get(k, 0), n) for k, n in g["count"].items()}
        verdict[state] = {
            "metrics_equal": b["metrics"] == g["metrics"],
            "elements_equal": all(x == y for x, y in counts.values()),
            "elements (browser, generator)": counts,
            "table_rows (browser, generator)": (sorted(b["rows"]), sorted(g["rows"])),
            "rows_equal": sorted(b["rows"]) == sorted(g["rows"]),
        }
    for who in ("browser", "generator"):
        for key in ("view_s", "filter_s"):
            values = out[who][key]
            verdict[f"{who} {key} median"] = round(statistics.median(values), 3) if values else None
    return verdict


def report(r: dict) -> str:
    def line(name: str, f: dict) -> str:
        if not f["count"]:
            return f"{name:<15} none finished; errors {f['errors']}"
        return (
            f"{name:<15}{f['count']:>6} ({f['per_s']:.2f}/s)  p50 {f['p50_s']:.2f} s  p95 {f['p95_s']:.2f} s  "
            f"max {f['max_s']:.2f} s  errors {f['errors']}  mismatches {f['mismatches']}  retries {f['reconnects']}"
        )

    rss = r["server_rss_mb"]
    total_end = sum(v["end"] for v in rss.values())
    total_peak = sum(v["peak"] for v in rss.values())
    out = [
        f"{r['sessions']} sessions for {r['seconds']} s on /{r['page']} (think {r['think_s']:g} s); "
        f"filter change: {'; '.join(r['filter_change']) or 'none'}",
        line("views", r["view"]),
        line("filter changes", r["filter"]),
    ]
    if r["error_kinds"]:
        out.append("errors: " + "; ".join(f"{n}× {k}" for k, n in r["error_kinds"].items()))
    if rss:
        out.append(
            "server RSS MB: "
            + ", ".join(
                f"pid {pid} {v['start']:.0f} → peak {v['peak']:.0f}, end {v['end']:.0f}" for pid, v in rss.items()
            )
            + (f" (all: peak {total_peak:.0f}, end {total_end:.0f})" if len(rss) > 1 else "")
        )
    else:
        out.append("server RSS: unknown (no process found on the port; give --pid)")
    if r.get("server_cpu_s") is not None:
        out.append(
            f"server CPU {r['server_cpu_s']} s ({r['server_cpu_s_per_visit']} s per view + filter change); "
            f"machine load {r['machine_load']} on {os.cpu_count()} cores"
        )
    out.append(f"client CPU {r['client_cpu_s']} s; first view: {r['first_view']['elements']}")
    return "\n".join(out)


def run_async(coro):
    """``asyncio.run(coro)``, also when this thread already runs an event loop (Playwright's sync API
    keeps one in the test session's main thread): then the coroutine runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    p.add_argument("--url", default="http://127.0.0.1:8501", help="the dashboard (or its balancer), loopback only")
    p.add_argument("--sessions", type=int, default=10, help=f"concurrent sessions (at most {MAX_SESSIONS})")
    p.add_argument("--seconds", type=float, default=30, help=f"how long (at most {MAX_SECONDS})")
    p.add_argument("--page", default="transparansi", help="the page's address, as in /transparansi")
    p.add_argument("--query", default="", help="the address's query string visitors open (default: none)")
    p.add_argument(
        "--filter", action="append", default=[], metavar="KEY=VALUE", help="the filter a visitor changes (URL keys)"
    )
    p.add_argument("--think", type=float, default=0.0, help="seconds a visitor waits between actions")
    p.add_argument("--ramp", type=float, default=None, help="seconds over which sessions start (default ≤ 5)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds one action may take before it is an error")
    p.add_argument("--pid", action="append", default=[], help="server process(es) whose memory to report")
    p.add_argument("--json", help="also write the figures to this file")
    p.add_argument(
        "--verify-browser",
        type=int,
        metavar="ROUNDS",
        default=0,
        help="instead of a crowd: one session in Chromium (Playwright) and one here, alternately, ROUNDS times",
    )
    args = p.parse_args(argv)
    filters = {}
    for item in args.filter:
        key, sep, value = item.partition("=")
        if not sep or not key:
            p.error(f"--filter {item!r}: write KEY=VALUE, such as prov=71")
        filters[key] = value
    pids = [int(x) for item in args.pid for x in str(item).replace(",", " ").split()]
    if args.verify_browser:
        try:
            checked = run_async(
                verify_browser(args.url, args.page, args.query, filters, args.verify_browser, args.timeout)
            )
        except (ValueError, LoadError, OSError) as exc:
            print(f"benchmarks.load: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(checked["agreement"], indent=2, ensure_ascii=False))
        if args.json:
            Path(args.json).write_text(json.dumps(checked, indent=2, ensure_ascii=False), encoding="utf-8")
        same = all(
            v.get("metrics_equal") and v.get("elements_equal") and v.get("rows_equal")
            for k, v in checked["agreement"].items()
            if isinstance(v, dict)
        )
        return 0 if same else 1
    try:
        result = run_async(
            crowd(
                args.url,
                args.page,
                args.sessions,
                args.seconds,
                filters,
                args.query,
                args.think,
                args.ramp,
                args.timeout,
                pids,
            )
        )
    except (ValueError, LoadError, OSError, InvalidHandshake) as exc:
        print(f"benchmarks.load: {exc}", file=sys.stderr)
        return 2
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
