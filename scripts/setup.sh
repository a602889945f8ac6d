#!/usr/bin/env bash
# Idempotent set-up: Odoo 19, the virtualenv, PostgreSQL and Chromium.
# A second run with everything present finishes in seconds.
set -euo pipefail
. "$(dirname "$0")/env.sh"
mkdir -p "$STATE_DIR"

# --- Odoo 19 -----------------------------------------------------------------
if [ -n "${ODOO_SRC:-}" ]; then
    resolve_odoo || die "ODOO_SRC=$ODOO_SRC is not an Odoo 19 tree." \
        "Point it at a git checkout (with odoo-bin) or an extracted odoo-19 package."
elif ! resolve_odoo || [ ! -f "$STATE_DIR/root/.complete" ]; then
    bash "$REPO_ROOT/scripts/fetch_odoo.sh" "$STATE_DIR/root"
    touch "$STATE_DIR/root/.complete"
    resolve_odoo
fi
grep -q "version_info = (19" "$ODOO_PYTHONPATH/odoo/release.py" \
    || die "the Odoo found in $ODOO_PYTHONPATH is not Odoo 19"

# --- Python virtualenv -------------------------------------------------------
PYTHON=${PYTHON:-python3}
command -v "$PYTHON" >/dev/null || die "python3 not found." "sudo apt-get install python3 python3-venv"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "Odoo 19 needs Python 3.10 or newer; $("$PYTHON" --version) found."
REQ_STAMP=$(sha1sum "$REPO_ROOT/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$VENV/.requirements" 2>/dev/null)" != "$REQ_STAMP" ]; then
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV" 2>/dev/null \
            || die "could not create a virtualenv." "sudo apt-get install python3-venv"
    fi
    echo "setup: installing Python packages into $VENV"
    env -u PYTHONPATH "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REPO_ROOT/requirements.txt" 2>&1 \
        | grep -v "is ignored: it is neither" || true
    "$VENV/bin/python" -c 'import psycopg2, lxml, werkzeug, pytest_odoo, websocket' \
        || die "pip could not install requirements.txt; see the messages above."
    echo "$REQ_STAMP" > "$VENV/.requirements"
fi

# Install Debian packages; a fresh machine may have empty package lists.
apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 \
        || { as_root apt-get update -q >/dev/null 2>&1 \
             && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

# --- PostgreSQL --------------------------------------------------------------
pg_ok() { psql -d postgres -tAc 'select 1' >/dev/null 2>&1; }
if ! pg_ok; then
    if ! command -v pg_lsclusters >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        echo "setup: installing PostgreSQL"
        apt_install postgresql \
            || die "could not install PostgreSQL." "sudo apt-get update && sudo apt-get install postgresql"
    fi
    read -r PG_VER PG_CLUSTER _ < <(pg_lsclusters -h | head -1)
    as_root pg_ctlcluster "$PG_VER" "$PG_CLUSTER" start 2>/dev/null || true
    for _ in $(seq 30); do
        as_root su postgres -c "psql -tAc 'select 1'" >/dev/null 2>&1 && break
        sleep 1
    done
    PG_USER=$(id -un)
    as_root su postgres -c "psql -tAc \"select 1 from pg_roles where rolname = '$PG_USER'\"" | grep -q 1 \
        || as_root su postgres -c "createuser --superuser '$PG_USER'"
    pg_ok || die "PostgreSQL is running but '$PG_USER' cannot connect." \
        "sudo -u postgres createuser --superuser $PG_USER"
fi

# --- Chromium for browser tours ---------------------------------------------
if ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null; then
    echo "setup: installing Chromium"
    apt_install chromium \
        || die "could not install Chromium." "sudo apt-get update && sudo apt-get install chromium"
fi

# --- wkhtmltopdf, which Odoo uses to print PDF reports (the customer card) ---
if ! command -v wkhtmltopdf >/dev/null; then
    echo "setup: installing wkhtmltopdf"
    apt_install wkhtmltopdf \
        || die "could not install wkhtmltopdf." "sudo apt-get update && sudo apt-get install wkhtmltopdf"
fi

# --- Odoo configuration -------------------------------------------------------
cat > "$ODOO_CONF.new" <<CONF
[options]
addons_path = $ODOO_ADDONS,$REPO_ROOT
data_dir = $STATE_DIR/data
admin_passwd = admin
http_interface = 127.0.0.1
http_port = $HTTP_PORT
CONF
mv "$ODOO_CONF.new" "$ODOO_CONF"
echo "setup: ready (Odoo in $ODOO_PYTHONPATH, virtualenv in $VENV)"
