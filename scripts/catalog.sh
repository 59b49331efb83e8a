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
    # Babel's own reader and writer, as `pybabel compile` uses, without its %-format check: that check
    # mistakes "85% riwayat" for a %r placeholder. The {placeholders} are checked by tests/test_catalog.py.
    .venv/bin/python - <<'PY'
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

for po in sorted(Path("dasbor/locale").glob("*/LC_MESSAGES/messages.po")):
    with open(po, "rb") as fh:
        catalog = read_po(fh, locale=po.parts[-3])
    with open(po.with_suffix(".mo"), "wb") as fh:
        write_mo(fh, catalog)
    print(f"{po.with_suffix('.mo')}: {sum(1 for m in catalog if m.id and m.string)} pesan / messages")
PY
    ;;
  *) echo "usage: scripts/catalog.sh extract|update|compile" >&2; exit 2 ;;
esac
