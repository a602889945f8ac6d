#!/usr/bin/env bash
# Run Odoo's own tests of the modules the addon builds on (sale,
# sale_management, sale_stock, account, and sale_loyalty once the addon
# depends on it) on bare Odoo and on Odoo with sales_followup, then print the
# tests whose result differs. Exits non-zero only on a regression.
#   make core-tests                     the addon at its default settings
#   make core-tests ARGS="warn block"   one run of the addon per credit mode
#                                       (forced on every company right after
#                                       installation), against one bare run
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
START=$(date +%s)
CORE_DB=${CORE_DB:-sales_followup_core}
CORE_HTTP_PORT=${CORE_HTTP_PORT:-${TEST_HTTP_PORT:-$HTTP_PORT}}
LOGS=$LOG_DIR/core-tests
mkdir -p "$LOGS"
MODES=("$@")
for mode in "${MODES[@]}"; do
    case $mode in off|warn|block|approval) ;; *) die "unknown credit mode '$mode' (off, warn, block, approval)";; esac
done

# Core modules under test, and every module the addon depends on (installed
# in both databases so that they differ by the addon only).
read -r CORE_MODULES DEPENDS < <("$VENV/bin/python" - "$REPO_ROOT/sales_followup/__manifest__.py" <<'PY'
import ast, sys
depends = ast.literal_eval(open(sys.argv[1]).read())['depends']
core = ['sale', 'sale_management', 'sale_stock', 'account']
core += [name for name in ('sale_loyalty',) if name in depends]
print(','.join(core), ','.join(dict.fromkeys(depends + core)))
PY
)
# The same tags as a plain `--test-tags /sale,...`. On an installed database
# Odoo runs a module's at_install tests while loading that module, before the
# modules depending on it: they never run with the addon's code, and the few
# that insert rows meet the NOT NULL columns of later modules (sale_stock's),
# on bare Odoo too.
TAGS=$(sed 's#\(^\|,\)#\1/#g' <<< "$CORE_MODULES")

copy_db() {  # database and filestore
    dropdb --if-exists --force "$2"
    createdb -T "$1" "$2"
    rm -rf "$STATE_DIR/data/filestore/$2"
    if [ -d "$STATE_DIR/data/filestore/$1" ]; then
        cp -a "$STATE_DIR/data/filestore/$1" "$STATE_DIR/data/filestore/$2"
    fi
}

BARE_DB=${CORE_DB}_bare
echo "core-tests: building $BARE_DB ($DEPENDS, without sales_followup)"
dropdb --if-exists --force "$BARE_DB"
rm -rf "$STATE_DIR/data/filestore/$BARE_DB"
odoo_cmd -d "$BARE_DB" -i "$DEPENDS" --stop-after-init --log-level=warn > "$LOGS/bare-install.log" 2>&1 \
    || { tail -40 "$LOGS/bare-install.log"; die "building $BARE_DB failed; see $LOGS/bare-install.log"; }

# One database with the addon per run, each a copy of the bare one.
RUNS=()
for mode in "${MODES[@]:-default}"; do
    db=${CORE_DB}_addon${MODES[0]:+_$mode}
    echo "core-tests: building $db (the same plus sales_followup${MODES[0]:+, credit mode $mode})"
    copy_db "$BARE_DB" "$db"
    odoo_cmd -d "$db" -i sales_followup --stop-after-init --log-level=warn > "$LOGS/$db-install.log" 2>&1 \
        || { tail -40 "$LOGS/$db-install.log"; die "installing sales_followup into $db failed; see $LOGS/$db-install.log"; }
    if [ "$mode" != default ]; then
        # Every company, and every company a test creates, uses this mode.
        "$VENV/bin/python" -W ignore - "$ODOO_CONF" "$db" "$mode" <<'PY'
import sys, odoo
from odoo import api
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(['-c', sys.argv[1], '-d', sys.argv[2], '--log-level=warn'])
with Registry(sys.argv[2]).cursor() as cr:
    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
    env['ir.default'].set('res.company', 'followup_credit_mode', sys.argv[3])
    env['res.company'].with_context(active_test=False).search([]).followup_credit_mode = sys.argv[3]
PY
    fi
    RUNS+=("$db")
done

run_tests() {  # database, log, HTTP port
    local t0=$SECONDS
    # The runner exits non-zero on any failing test: the comparison decides.
    odoo_cmd -d "$1" --test-enable --test-tags "$TAGS" --stop-after-init \
        --http-port="$3" --log-level=info > "$2" 2>&1 || true
    echo "core-tests: $1 done in $(( (SECONDS - t0) / 60 )) min $(( (SECONDS - t0) % 60 )) s; log $2"
}

# The runs are independent: CORE_JOBS of them at once (2 by default, one per
# core of a small machine), each serving its tours on its own port.
CORE_JOBS=${CORE_JOBS:-2}
port=$CORE_HTTP_PORT
for db in "$BARE_DB" "${RUNS[@]}"; do
    while [ "$(jobs -pr | wc -l)" -ge "$CORE_JOBS" ]; do wait -n || true; done
    echo "core-tests: running Odoo's tests ($TAGS) on $db"
    run_tests "$db" "$LOGS/$db.log" "$port" &
    port=$(( port + 1 ))
done
wait

status=0
for db in "${RUNS[@]}"; do
    mode=$(psql -d "$db" -tAc "select followup_credit_mode from res_company order by id limit 1")
    echo
    echo "=== $db: credit mode $mode ==="
    "$VENV/bin/python" "$REPO_ROOT/core_tests/compare.py" diff "$LOGS/$BARE_DB.log" "$LOGS/$db.log" --mode "$mode" \
        || status=1
done
echo
elapsed=$(( $(date +%s) - START ))
echo "core-tests: $(( elapsed / 60 )) min $(( elapsed % 60 )) s in all;" \
     "$([ $status = 0 ] && echo "no regression" || echo "REGRESSIONS found (group a above)")"
exit $status
