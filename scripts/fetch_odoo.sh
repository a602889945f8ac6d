#!/usr/bin/env bash
# Download Debian's odoo-19 package and the font/JavaScript packages it
# symlinks to, and extract them into $1 without installing anything
# system-wide. The apt configuration is private and derived from this
# machine's own Debian sources (suite switched to sid), so no mirror host
# is written in the repository.
set -euo pipefail
. "$(dirname "$0")/env.sh"

ODOO_ROOT=$1
APT_DIR=$STATE_DIR/apt
SID_PACKAGES=(odoo-19 libjs-jquery libjs-underscore libjs-jquery-form
              fonts-roboto-unhinted fonts-montserrat fonts-ocr-b)
# sid's font-awesome 7 no longer ships the files Odoo links to.
STABLE_PACKAGES=(fonts-font-awesome fonts-inconsolata)

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
    || die "apt-get and dpkg-deb are needed to fetch Odoo 19 from Debian." \
           "On another system, point ODOO_SRC at an Odoo 19 tree: ODOO_SRC=/path/to/odoo make setup"

# "URI KEYRING" of the machine's main Debian archive (not -security).
read -r ARCHIVE_URI KEYRING < <("${PYTHON:-python3}" - <<'PY'
import glob, re
paths = sorted(glob.glob('/etc/apt/sources.list.d/*.sources')) \
    + ['/etc/apt/sources.list'] + sorted(glob.glob('/etc/apt/sources.list.d/*.list'))
default_key = '/usr/share/keyrings/debian-archive-keyring.gpg'
for path in paths:
    try:
        text = open(path).read()
    except OSError:
        continue
    if path.endswith('.sources'):
        for stanza in re.split(r'\n\s*\n', text):
            fields = dict(
                (k.strip().lower(), v.strip())
                for k, _, v in (l.partition(':') for l in stanza.splitlines() if not l.startswith('#'))
            )
            for uri in fields.get('uris', '').split():
                if re.search(r'/debian/?$', uri):
                    print(uri.rstrip('/'), fields.get('signed-by') or default_key)
                    raise SystemExit
    else:
        for line in text.splitlines():
            m = re.match(r'\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+/debian)/?\s', line)
            if m:
                print(m.group(1), default_key)
                raise SystemExit
PY
) || true
[ -n "${ARCHIVE_URI:-}" ] || die "no Debian archive found in /etc/apt/sources.list*." \
    "Point ODOO_SRC at an Odoo 19 tree instead: ODOO_SRC=/path/to/odoo make setup"
[ -f "$KEYRING" ] || KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
STABLE_SUITE=$(. /etc/os-release 2>/dev/null; echo "${VERSION_CODENAME:-stable}")

apt_private() {  # suite, then apt-get arguments
    local suite=$1 dir=$APT_DIR/$1; shift
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/parts"
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
        "$ARCHIVE_URI" "$suite" "$KEYRING" > "$dir/parts/debian.sources"
    : > "$dir/sources.list"
    local opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=$dir/parts"
                -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o "Debug::NoLocking=1")
    [ "$(id -u)" = 0 ] && opts+=(-o "APT::Sandbox::User=root")
    apt-get "${opts[@]}" -q "$@"
}

download() {  # suite, packages
    local suite=$1; shift
    mkdir -p "$APT_DIR/$suite"
    apt_private "$suite" update > "$APT_DIR/$suite/update.log" 2>&1 \
        || die "could not read the Debian '$suite' package lists; see $APT_DIR/$suite/update.log"
    (cd "$APT_DIR/debs" && apt_private "$suite" download "$@") > "$APT_DIR/$suite/download.log" 2>&1 \
        || die "could not download $* from Debian '$suite'; see $APT_DIR/$suite/download.log"
}

rm -rf "$APT_DIR/debs" "$ODOO_ROOT.partial"
mkdir -p "$APT_DIR/debs"
echo "setup: downloading odoo-19 and the packages it links to from Debian"
download sid "${SID_PACKAGES[@]}"
download "$STABLE_SUITE" "${STABLE_PACKAGES[@]}"

for deb in "$APT_DIR"/debs/*.deb; do
    dpkg-deb -x "$deb" "$ODOO_ROOT.partial"
done
ADDONS=$ODOO_ROOT.partial/usr/lib/python3/dist-packages/odoo/addons
[ -d "$ADDONS/sale_management" ] || die "the odoo-19 package has no sale_management addon"
# Debian strips this non-free file; asset bundles refuse to build without it.
SELFIE=$ADDONS/mail/static/lib/selfie_segmentation/selfie_segmentation.js
if [ ! -s "$SELFIE" ]; then
    rm -f "$SELFIE"
    mkdir -p "$(dirname "$SELFIE")"
    echo "// removed by Debian; placeholder so that asset bundles build" > "$SELFIE"
fi
rm -rf "$ODOO_ROOT"
mv "$ODOO_ROOT.partial" "$ODOO_ROOT"
echo "setup: Odoo 19 extracted into $ODOO_ROOT"
