#!/usr/bin/env bash
# Build a fresh test database with the addon installed, run a focused part
# of Odoo's own sale tests on it (scripts/core_subset.sh), then every Python
# test and browser tour of the addon through pytest-odoo. Extra arguments go
# to pytest alone, e.g. `make test ARGS=sales_followup/tests/test_groups.py`.
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
# The full run also runs part of Odoo's own tests on the same database, so
# that CI sees the addon breaking core; a run of chosen tests (ARGS) does not.
core_status=0
if [ $# = 0 ] || [ "${CORE_SUBSET:-}" = 1 ]; then
    bash "$REPO_ROOT/scripts/core_subset.sh" "$TEST_DB" || core_status=$?
fi
set +e
"$VENV/bin/pytest" -p no:cacheprovider \
    --odoo-config="$TEST_CONF" --odoo-database="$TEST_DB" --odoo-http \
    "${@:-$REPO_ROOT/sales_followup/tests}"
status=$?
set -e
[ $status = 5 ] && { echo "test: pytest collected no test"; exit 1; }
if [ $core_status != 0 ]; then
    echo "test: Odoo's own tests failed with the addon (see 'core subset' above)"
    [ $status = 0 ] && status=$core_status
fi
exit $status
