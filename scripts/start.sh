#!/usr/bin/env bash
# Start the dashboard; on first run install everything and build the sample database.
#   bash scripts/start.sh            the dashboard on the sample data (http://localhost:8501)
#   bash scripts/start.sh --demo     the same, and first a demo account for each role, passwords printed
# Any other argument is passed to `streamlit run` (e.g. --server.port 8502).
set -euo pipefail
cd "$(dirname "$0")/.."
demo=0
args=()
for arg in "$@"; do
  if [ "$arg" = "--demo" ]; then demo=1; else args+=("$arg"); fi
done
if [ ! -x .venv/bin/streamlit ]; then
  echo "Pertama kali: lingkungan Python, paket, lalu data contoh / first start: Python environment, packages, then the sample data."
fi
bash scripts/setup.sh requirements.txt
export INOVASI_DATA_DIR="${INOVASI_DATA_DIR:-$PWD/data}"
if [ ! -f "$INOVASI_DATA_DIR/CURRENT" ]; then
  echo "Menulis data contoh / writing the sample batch (invented innovations in real regions) to $INOVASI_DATA_DIR/sampel ..."
  .venv/bin/python -m etl sample --out "$INOVASI_DATA_DIR/sampel"
  echo "Memuat data contoh lewat pemuat / loading the sample through the loader ..."
  .venv/bin/python -m etl load "$INOVASI_DATA_DIR/sampel" --user contoh | sed 's/^/  /'
else
  # data built by an older version lacks newer derived tables: rebuild them from the same data
  .venv/bin/python -m etl rebuild --if-needed
fi
if [ "$demo" = 1 ]; then
  # One account per role, each with a fresh random password (printed once, never stored in clear):
  # the Bupati of Minahasa Tenggara (71.07), the province of Sulawesi Selatan (73), the Deputy at LAN,
  # and the data officer.
  echo "Akun demo / demo accounts (kata sandi baru setiap kali / a new password each time):"
  existing="$(.venv/bin/python -m etl users list 2>/dev/null | cut -f1)"
  for spec in "demo.bupati daerah 71.07" "demo.provinsi daerah 73" "demo.deputi nasional" "demo.admin admin"; do
    set -- $spec
    pw="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')"
    if grep -qx "$1" <<<"$existing"; then
      printf '%s\n' "$pw" | .venv/bin/python -m etl users passwd "$1" --password-stdin >/dev/null
    else
      printf '%s\n' "$pw" | .venv/bin/python -m etl users add "$1" --role "$2" ${3:+--wilayah "$3"} --password-stdin >/dev/null
    fi
    printf '  %-16s %-9s %-6s %s\n' "$1" "$2" "${3:-}" "$pw"
  done
fi
echo "Menjalankan dasbor; Streamlit mencetak alamatnya di bawah / starting the dashboard; Streamlit prints its address below."
echo "Transparansi terbuka untuk umum; masuk di bilah samping / Transparansi is public; sign in in the sidebar."
exec .venv/bin/streamlit run dashboard.py "${args[@]+"${args[@]}"}"
