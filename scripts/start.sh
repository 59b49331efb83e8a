#!/usr/bin/env bash
# Start the dashboard; on first run install everything and build the sample database.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
export INOVASI_DATA_DIR="${INOVASI_DATA_DIR:-$PWD/data}"
if [ ! -f "$INOVASI_DATA_DIR/CURRENT" ]; then
  echo "Membangun data contoh / building the sample database in $INOVASI_DATA_DIR ..."
  .venv/bin/python -m etl sample --out "$INOVASI_DATA_DIR/sampel"
  .venv/bin/python -m etl load "$INOVASI_DATA_DIR/sampel" --user contoh >/dev/null
else
  # data built by an older version lacks newer derived tables: rebuild them from the same data
  .venv/bin/python -m etl rebuild --if-needed
fi
exec .venv/bin/streamlit run dashboard.py "$@"
