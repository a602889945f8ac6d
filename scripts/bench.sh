#!/usr/bin/env bash
# Run the benchmarks in bench/ against a fresh database.
#   make bench                 every bench/bench_*.py
#   make bench ARGS=grading    only bench/bench_grading.py
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
BENCH_DB=${BENCH_DB:-sales_followup_bench}
LOG_DIR=$STATE_DIR/logs
mkdir -p "$LOG_DIR"

ODOO_STAMP=$(sha1sum "$ODOO_PYTHONPATH/odoo/release.py" | cut -c1-8)
BASE_DB=sales_followup_base_$ODOO_STAMP
if ! psql -d "$BASE_DB" -tAc "select 1 from ir_module_module where name = 'sale_stock' and state = 'installed'" 2>/dev/null | grep -q 1; then
    echo "bench: building template database $BASE_DB"
    dropdb --if-exists "$BASE_DB"
    odoo_cmd -d "$BASE_DB" -i sale_management,sale_stock --stop-after-init --log-level=warn > "$LOG_DIR/base.log" 2>&1
fi
dropdb --if-exists --force "$BENCH_DB"
createdb -T "$BASE_DB" "$BENCH_DB"
odoo_cmd -d "$BENCH_DB" -i sales_followup --stop-after-init --log-level=warn > "$LOG_DIR/bench-install.log" 2>&1 \
    || { tail -30 "$LOG_DIR/bench-install.log"; die "installing sales_followup into $BENCH_DB failed"; }
"$VENV/bin/python" -W ignore::DeprecationWarning "$REPO_ROOT/bench/run.py" "$ODOO_CONF" "$BENCH_DB" "$@"
