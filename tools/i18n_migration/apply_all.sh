#!/usr/bin/env bash
# Apply the whole i18n conversion to the tree in the current directory.
set -euo pipefail
mkdir -p dasbor/locale
printf '# pybabel extract: every Python file of the package and the pages\n[python: **.py]\n' > babel.cfg
.venv/bin/python tools/i18n_migration/codemod_i18n.py . > codemod.log; head -1 codemod.log
.venv/bin/python tools/i18n_migration/manual_i18n.py
.venv/bin/ruff check --fix -q . || true
.venv/bin/ruff format -q .
.venv/bin/python tools/i18n_migration/manual2_i18n.py
.venv/bin/ruff check --fix -q . || true
.venv/bin/ruff format -q .
.venv/bin/ruff check .
.venv/bin/python tools/i18n_migration/build_catalog.py notes_pairs.json 2>&1 | grep -v "^extracting\|^writing"
