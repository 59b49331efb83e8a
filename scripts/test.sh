#!/usr/bin/env bash
# The whole test suite, from a fresh clone: install, lint, unit/AppTest tests, then real-browser journeys.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
# The browser journeys drive Debian's Chromium (Playwright cannot download browsers here).
if [ -z "${INOVASI_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Memasang Chromium / installing Chromium with apt-get ..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Tidak ada Chromium: uji peramban dilewati. Pasang chromium atau set INOVASI_CHROMIUM=/path/ke/chrome." >&2
  fi
fi
# The multi-replica journey (tests/e2e/test_replicas.py) puts Debian's HAProxy in front of two replicas.
if [ -z "${HAPROXY:-}" ] && ! command -v haproxy >/dev/null 2>&1 && [ ! -x /usr/sbin/haproxy ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Memasang HAProxy / installing HAProxy with apt-get ..."
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  else
    echo "Tidak ada HAProxy: uji replika dilewati. Pasang haproxy atau set HAPROXY=/path/ke/haproxy." >&2
  fi
fi
.venv/bin/ruff check .
# Two passes: the unit and AppTest tests spread over every core (pytest-xdist; each worker builds its own
# sample), then the browser journeys one after another, since they share one server and their waits are
# wall-clock. A pass that selects nothing (a path given to the other pass) counts as passed.
status=0
.venv/bin/python -m pytest -m "not e2e" -n "${INOVASI_TEST_WORKERS:-auto}" "$@" || status=$?
[ "$status" = 5 ] && status=0
e2e=0
.venv/bin/python -m pytest -m e2e "$@" || e2e=$?
[ "$e2e" = 5 ] && e2e=0
[ "$status" != 0 ] && exit "$status"
exit "$e2e"
