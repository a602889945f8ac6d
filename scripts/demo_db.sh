# Build the demo database; sourced by run.sh and screenshots.sh, never run.
# shellcheck shell=bash

# Installing Odoo's `mail` renders its description, whose reStructuredText
# makes docutils print "Unexpected indentation" and "Block quote ends
# without a blank line" on stderr. Odoo drops these messages from the
# rendered page anyway: keep them out of the log, where they would pass for
# problems of the addon.
export DOCUTILSCONFIG=$REPO_ROOT/scripts/docutils.conf

# The demo database is disposable: it is rebuilt when the addon's version
# changed since it was made, rather than migrated.
ensure_demo_db() {
    local version installed log=$LOG_DIR/demo.log
    version=$(sed -n "s/^ *'version': '\(.*\)',/\1/p" "$REPO_ROOT/sales_followup/__manifest__.py")
    installed=$(psql -d "$DEMO_DB" -tAc "select latest_version from ir_module_module where name = 'sales_followup' and state = 'installed'" 2>/dev/null || true)
    [ "$installed" = "$version" ] && return 0
    mkdir -p "$LOG_DIR"
    echo "run: creating demo database $DEMO_DB with sales_followup $version and its demo data (a few minutes, once; log in $log)"
    dropdb --if-exists "$DEMO_DB"
    if ! odoo_cmd -d "$DEMO_DB" -i sales_followup --with-demo --stop-after-init --log-level=warn 2>&1 | tee "$log"; then
        die "creating the demo database failed; see $log."
    fi
    # Run the daily scheduled actions once, as the scheduler would, so that
    # the boards show grades and follow-up cards on first login.
    "$VENV/bin/python" -W ignore - "$ODOO_CONF" "$DEMO_DB" <<'PY' 2>&1 | tee -a "$log"
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
    # A clean build logs nothing but the root warning of Odoo's launcher.
    if grep -E " (WARNING|ERROR|CRITICAL) |\((INFO|WARNING|ERROR|SEVERE)/[0-9]\)" "$log"; then
        echo "run: building $DEMO_DB logged the warnings above; see $log" >&2
    fi
}
