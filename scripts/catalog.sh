#!/usr/bin/env bash
# The message catalogs (dasbor/locale): `extract` writes messages.pot from the code, `update` merges it
# into the Indonesian and English .po files (new messages arrive with an empty English entry, which
# tests/test_catalog.py then reports), `compile` writes the .mo files the dashboard reads.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=.venv/bin/pybabel
case "${1:-compile}" in
  extract)
    "$PYBABEL" -q extract -F babel.cfg --no-default-keywords -k t -k tc:1c,2 -k tr:2 -k trc:2c,3 -k N_ --sort-by-file --no-wrap \
      --project dasbor-inovasi-daerah -o dasbor/locale/messages.pot dasbor pages dashboard.py ;;
  update)
    bash "$0" extract
    "$PYBABEL" -q update -i dasbor/locale/messages.pot -d dasbor/locale --no-wrap --no-fuzzy-matching --ignore-obsolete ;;
  compile)
    "$PYBABEL" -q compile -d dasbor/locale --statistics 2>&1 | grep -v "^$" || true ;;
  *) echo "usage: scripts/catalog.sh extract|update|compile" >&2; exit 2 ;;
esac
