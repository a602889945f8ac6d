#!/usr/bin/env bash
# Serve the demo database on http://127.0.0.1:8069 (admin / admin).
# WORKERS=N starts Odoo's multi-process mode: N HTTP workers plus cron workers.
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."

. "$(dirname "$0")/demo_db.sh"
ensure_demo_db

ARGS=(-d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT")
if [ -n "${WORKERS:-}" ]; then
    ARGS+=(--workers="$WORKERS" --max-cron-threads="${CRON_WORKERS:-2}")
fi
echo "run: Odoo is starting on http://127.0.0.1:$HTTP_PORT  (login admin / password admin)"
exec "${ODOO_LAUNCH[@]}" -c "$ODOO_CONF" "${ARGS[@]}"
