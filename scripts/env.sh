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

odoo_cmd() {
    "$VENV/bin/python" -W ignore::DeprecationWarning -c 'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()' -c "$ODOO_CONF" "$@"
}

as_root() {  # run a command as root, or explain what to run
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
    else die "this step needs root: run this command, then 'make setup' again:" "sudo $*"
    fi
}
