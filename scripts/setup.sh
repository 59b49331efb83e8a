#!/usr/bin/env bash
# Create .venv and install the pinned requirements; re-install only when a requirements file changed.
# Says what it does (creating .venv, installing N packages), so a first start is not silent; with
# CI=true pip itself stays quiet. Never asks anything; exits non-zero when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
REQ="${1:-requirements.txt}"
PY="${PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
say() { printf '%s\n' "$*"; }
# The pins of a requirements file, following its "-r other.txt" lines.
pins() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%%#*}"
    line="$(printf '%s' "$line" | tr -d '[:space:]')"
    case "$line" in
      "") ;;
      -r*) pins "$(dirname "$1")/${line#-r}" ;;
      -*) ;;
      *) printf '%s\n' "$line" ;;
    esac
  done <"$1"
}
if [ ! -x .venv/bin/python ]; then
  if [ -z "$PY" ]; then
    say "Python 3.11 tidak ditemukan: pasang python3.11 atau set PYTHON=/path/ke/python3.11 / Python 3.11 not found: install python3.11 or set PYTHON=/path/to/python3.11" >&2
    exit 1
  fi
  say "Membuat lingkungan Python .venv / creating the Python environment .venv ($("$PY" --version 2>&1)) ..."
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$(basename "$REQ")"
if [ ! -f "$stamp" ]; then
  n="$(pins "$REQ" | wc -l | tr -d ' ')"
  quiet=()
  if [ "${CI:-}" = true ]; then quiet=(--quiet); fi
  started=$SECONDS
  say "Memasang $n paket dari $REQ beserta dependensinya ke .venv (sekali saja, 1–2 menit) / installing $n pinned packages from $REQ and their dependencies into .venv (once, 1–2 minutes) ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install ${quiet[@]+"${quiet[@]}"} -r "$REQ"
  touch "$stamp"
  total="$(.venv/bin/python -m pip list --format=freeze 2>/dev/null | wc -l | tr -d ' ')"
  say "Paket terpasang / packages installed: $total di .venv / in .venv ($((SECONDS - started)) s)."
fi
# The interface's message catalogs (dasbor/locale/*/LC_MESSAGES/messages.po) compiled to the .mo
# files the dashboard reads; without them it compiles the .po files in memory at its first page.
bash scripts/catalog.sh compile >/dev/null
