#!/usr/bin/env bash
# Run the benchmarks in bench/ against a fresh database.
#   make bench                 every bench/bench_*.py
#   make bench ARGS=grading    only bench/bench_grading.py
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
BENCH_DB=${BENCH_DB:-sales_followup_bench}
create_addon_db "$BENCH_DB" "$LOG_DIR/bench-install.log"
"$VENV/bin/python" -W ignore::DeprecationWarning "$REPO_ROOT/bench/run.py" "$ODOO_CONF" "$BENCH_DB" "$@"
