#!/usr/bin/env bash
# Take the README's screenshots (docs/screenshots/*.png): build the demo
# database if needed, serve it, and photograph every board and report in
# headless Chromium at 1400x900, as the manager and as a salesperson.
# Names as arguments take only those shots: make screenshots ARGS=kpi_report
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
. "$(dirname "$0")/demo_db.sh"
ensure_demo_db

log=$LOG_DIR/screenshots-server.log
"${ODOO_LAUNCH[@]}" -c "$ODOO_CONF" -d "$DEMO_DB" --db-filter="^$DEMO_DB\$" --http-port="$HTTP_PORT" \
    --max-cron-threads=0 --log-level=warn > "$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT

base_url=http://127.0.0.1:$HTTP_PORT
for _ in $(seq 120); do
    "$VENV/bin/python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=5)' \
        "$base_url/web/login" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { tail -20 "$log"; die "the demo server stopped; see $log"; }
    sleep 1
done
"$VENV/bin/python" "$REPO_ROOT/scripts/screenshots.py" "$base_url" "$DEMO_DB" "$REPO_ROOT/docs/screenshots" "$@"
