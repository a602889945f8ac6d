#!/usr/bin/env bash
# Build a fresh test database with the addon installed, then run every
# Python test and browser tour through pytest-odoo. Extra arguments go to
# pytest, e.g. `make test ARGS=sales_followup/tests/test_groups.py`.
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
LOG_DIR=$STATE_DIR/logs
mkdir -p "$LOG_DIR"

# Installing sale_management and sale_stock takes a minute; keep one
# template database per Odoo version and copy it for each run.
ODOO_STAMP=$(sha1sum "$ODOO_PYTHONPATH/odoo/release.py" | cut -c1-8)
BASE_DB=sales_followup_base_$ODOO_STAMP
if ! psql -d "$BASE_DB" -tAc "select 1 from ir_module_module where name = 'sale_stock' and state = 'installed'" 2>/dev/null | grep -q 1; then
    echo "test: building template database $BASE_DB (sale_management, sale_stock)"
    dropdb --if-exists "$BASE_DB"
    odoo_cmd -d "$BASE_DB" -i sale_management,sale_stock --stop-after-init --log-level=warn \
        > "$LOG_DIR/base.log" 2>&1 || { tail -40 "$LOG_DIR/base.log"; die "building $BASE_DB failed; see $LOG_DIR/base.log"; }
fi
export SALES_FOLLOWUP_BASE_DB=$BASE_DB

echo "test: installing sales_followup into a fresh $TEST_DB"
dropdb --if-exists --force "$TEST_DB"
createdb -T "$BASE_DB" "$TEST_DB"
odoo_cmd -d "$TEST_DB" -i sales_followup --stop-after-init --log-level=warn \
    > "$LOG_DIR/install.log" 2>&1 || { tail -40 "$LOG_DIR/install.log"; die "installing sales_followup failed"; }
if grep -E " (ERROR|CRITICAL) " "$LOG_DIR/install.log"; then
    die "installing sales_followup logged errors; see $LOG_DIR/install.log"
fi

# Each test database gets its own config so that runs on different
# databases (TEST_DB=…, TEST_HTTP_PORT=…) can serve their tours side by side.
TEST_CONF=$STATE_DIR/odoo-$TEST_DB.conf
sed "s/^http_port = .*/http_port = ${TEST_HTTP_PORT:-$HTTP_PORT}/" "$ODOO_CONF" > "$TEST_CONF"
set +e
"$VENV/bin/pytest" -p no:cacheprovider \
    --odoo-config="$TEST_CONF" --odoo-database="$TEST_DB" --odoo-http \
    "${@:-$REPO_ROOT/sales_followup/tests}"
status=$?
set -e
[ $status = 5 ] && { echo "test: pytest collected no test"; exit 1; }
exit $status
