#!/usr/bin/env bash
# Serve the demo database on http://127.0.0.1:8069 (admin / admin).
# WORKERS=N starts Odoo's multi-process mode: N HTTP workers plus cron workers.
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."

# The demo database is disposable: it is rebuilt when the addon's version
# changed since it was made, rather than migrated.
version=$(sed -n "s/^ *'version': '\(.*\)',/\1/p" "$REPO_ROOT/sales_followup/__manifest__.py")
installed=$(psql -d "$DEMO_DB" -tAc "select latest_version from ir_module_module where name = 'sales_followup' and state = 'installed'" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
    echo "run: creating demo database $DEMO_DB with sales_followup $version and its demo data (a few minutes, once)"
    dropdb --if-exists "$DEMO_DB"
    odoo_cmd -d "$DEMO_DB" -i sales_followup --with-demo --stop-after-init --log-level=warn \
        || die "creating the demo database failed; see the log above."
    # Run the daily scheduled actions once, as the scheduler would, so that
    # the boards show grades and follow-up cards on first login.
    "$VENV/bin/python" -W ignore - "$ODOO_CONF" "$DEMO_DB" <<'PY'
import sys, odoo
from odoo import api
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(['-c', sys.argv[1], '-d', sys.argv[2], '--log-level=warn'])
with Registry(sys.argv[2]).cursor() as cr:
    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
    for xmlid in ('sales_followup.ir_cron_customer_grading', 'sales_followup.ir_cron_customer_followups',
                  'sales_followup.ir_cron_card_review'):
        env.ref(xmlid).method_direct_trigger()
PY
fi

ARGS=(-d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT")
if [ -n "${WORKERS:-}" ]; then
    ARGS+=(--workers="$WORKERS" --max-cron-threads="${CRON_WORKERS:-2}")
fi
echo "run: Odoo is starting on http://127.0.0.1:$HTTP_PORT  (login admin / password admin)"
exec "${ODOO_LAUNCH[@]}" -c "$ODOO_CONF" "${ARGS[@]}"
