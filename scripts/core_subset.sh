#!/usr/bin/env bash
# The part of Odoo's own tests that the addon is most likely to break, run by
# Odoo's test runner on a database with the addon installed ($1, built by
# test.sh): `make core-tests` runs them all, this is what CI can afford.
# A failure fails the run unless core_tests/deliberate.txt lists it for the
# database's credit mode and the failure says what the entry expects.
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
DB=$1
LOG=$LOG_DIR/core-subset.log
TAGS=(
    # credit limits: Odoo's warnings, credit to invoice, who sets a limit
    /sale:TestSaleOrderCreditLimit
    # confirming, cancelling, deleting orders
    /sale:TestSaleOrder
    /sale_management:TestSaleOrder
    # deliveries, stock returns and the refunds that follow them
    /sale_stock:TestSaleStock
    /sale:TestSaleRefund
    # the customer's portal: signing and paying online
    /sale:TestSaleSignature
    /sale:TestSalePayment
)
mode=$(psql -d "$DB" -tAc "select followup_credit_mode from res_company order by id limit 1")
echo "test: Odoo's own sale tests most exposed to the addon, on $DB (credit mode $mode)"
t0=$SECONDS
odoo_cmd -d "$DB" --test-enable --test-tags "$(IFS=,; echo "${TAGS[*]}")" --stop-after-init \
    --http-port="${TEST_HTTP_PORT:-$HTTP_PORT}" --log-level=info > "$LOG" 2>&1 || true
echo "test: core subset ran in $(( SECONDS - t0 )) s; log $LOG"
"$VENV/bin/python" "$REPO_ROOT/core_tests/compare.py" check "$LOG" --mode "$mode"
