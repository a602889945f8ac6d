# Shared paths for the project scripts; sourced, never run.
# shellcheck shell=bash
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${STATE_DIR:-$REPO_ROOT/.odoo}
VENV=${VENV:-$REPO_ROOT/.venv}
ODOO_CONF=$STATE_DIR/odoo.conf
DEMO_DB=${DEMO_DB:-sales_followup_demo}
TEST_DB=${TEST_DB:-sales_followup_test}
HTTP_PORT=${HTTP_PORT:-8069}

die() {
    echo >&2
    echo "setup: $1" >&2
    shift
    for line in "$@"; do echo "       $line" >&2; done
    exit 1
}

# Locate Odoo's python package and addons inside ODOO_SRC or the extracted
# Debian tree. Accepts a git checkout (odoo-bin at the top), an extracted
# Debian package (usr/lib/python3/dist-packages/odoo) or a site-packages dir.
resolve_odoo() {
    local src=${ODOO_SRC:-$STATE_DIR/root}
    if [ -f "$src/odoo-bin" ]; then
        ODOO_PYTHONPATH=$src
        ODOO_ADDONS=$src/odoo/addons,$src/addons
    elif [ -d "$src/usr/lib/python3/dist-packages/odoo" ]; then
        ODOO_PYTHONPATH=$src/usr/lib/python3/dist-packages
        # The package's top-level addons/ folder is partial: only odoo/addons counts.
        ODOO_ADDONS=$ODOO_PYTHONPATH/odoo/addons
    elif [ -d "$src/odoo/addons" ]; then
        ODOO_PYTHONPATH=$src
        ODOO_ADDONS=$src/odoo/addons
    else
        return 1
    fi
    export PYTHONPATH=$ODOO_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}
}

LOG_DIR=$STATE_DIR/logs
# Odoo's command line, run by the virtualenv's Python (the package's own
# /usr/bin/odoo would pick the system Python).
ODOO_LAUNCH=("$VENV/bin/python" -W ignore::DeprecationWarning
             -c 'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()')

odoo_cmd() {
    "${ODOO_LAUNCH[@]}" -c "$ODOO_CONF" "$@"
}

# Installing the addon's dependencies takes a minute: build one template
# database per Odoo version and module list, and copy it for every test,
# benchmark and translation run. Sets BASE_DB.
BASE_MODULES=sale_management,sale_stock,sale_loyalty,rating
ensure_base_db() {
    BASE_DB=${BASE_DB_PREFIX:-sales_followup_base}_$( (sha1sum "$ODOO_PYTHONPATH/odoo/release.py"; echo "$BASE_MODULES") | sha1sum | cut -c1-8)
    mkdir -p "$LOG_DIR"
    if ! psql -d "$BASE_DB" -tAc "select 1 from ir_module_module where name = 'sale_stock' and state = 'installed'" 2>/dev/null | grep -q 1; then
        echo "building template database $BASE_DB ($BASE_MODULES)"
        dropdb --if-exists "$BASE_DB"
        odoo_cmd -d "$BASE_DB" -i "$BASE_MODULES" --stop-after-init --log-level=warn \
            > "$LOG_DIR/base.log" 2>&1 || { tail -40 "$LOG_DIR/base.log"; die "building $BASE_DB failed; see $LOG_DIR/base.log"; }
    fi
}

# Replace database $1 with a copy of the template that has the addon
# installed; any error logged by the install (log file $2) stops the run.
create_addon_db() {
    local db=$1 log=$2
    ensure_base_db
    dropdb --if-exists --force "$db"
    createdb -T "$BASE_DB" "$db"
    odoo_cmd -d "$db" -i sales_followup --stop-after-init --log-level=warn > "$log" 2>&1 \
        || { tail -40 "$log"; die "installing sales_followup into $db failed; see $log"; }
    if grep -E " (ERROR|CRITICAL) " "$log"; then
        die "installing sales_followup into $db logged errors; see $log"
    fi
}

as_root() {  # run a command as root, or explain what to run
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
    else die "this step needs root: run this command, then 'make setup' again:" "sudo $*"
    fi
}
