#!/usr/bin/env bash
# ruff (ruff.toml) on the Python code, then pylint with the OCA's
# pylint-odoo plugin (.pylintrc) on the addon: Python, XML, CSV and PO files.
# Exits non-zero on any finding.
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
cd "$REPO_ROOT"
echo "lint: ruff"
"$VENV/bin/ruff" check --no-fix sales_followup bench scripts
echo "lint: pylint-odoo"
"$VENV/bin/pylint" --rcfile=.pylintrc sales_followup
echo "lint: clean"
