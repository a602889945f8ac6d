#!/usr/bin/env bash
# Build a fresh test database with the addon installed, then run every
# Python test and browser tour through pytest-odoo. Extra arguments go to
# pytest, e.g. `make test ARGS=sales_followup/tests/test_groups.py`.
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
echo "test: installing sales_followup into a fresh $TEST_DB"
create_addon_db "$TEST_DB" "$LOG_DIR/install.log"
# The module lifecycle test copies the template too.
export SALES_FOLLOWUP_BASE_DB=$BASE_DB

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
