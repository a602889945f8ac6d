#!/usr/bin/env bash
# Regenerate sales_followup/i18n/sales_followup.pot from a fresh install and
# merge it into every .po file, keeping existing translations. Prints the
# strings still untranslated per language; `make test` fails on any.
set -euo pipefail
. "$(dirname "$0")/env.sh"
resolve_odoo || die "Odoo 19 is missing: run 'make setup' first."
I18N_DB=${I18N_DB:-sales_followup_i18n}
create_addon_db "$I18N_DB" "$LOG_DIR/i18n-install.log"
"${ODOO_LAUNCH[@]}" i18n export -c "$ODOO_CONF" -d "$I18N_DB" sales_followup
dropdb --force "$I18N_DB"
"$VENV/bin/python" - "$REPO_ROOT/sales_followup/i18n" <<'PY'
import pathlib, sys
import polib
folder = pathlib.Path(sys.argv[1])
pot = polib.pofile(str(folder / 'sales_followup.pot'))
for po_path in sorted(folder.glob('*.po')):
    po = polib.pofile(str(po_path))
    po.merge(pot)
    po[:] = [entry for entry in po if not entry.obsolete]
    po.save()
    missing = [e.msgid for e in po if not e.msgstr]
    print(f"{po_path.name}: {len(po)} strings, {len(missing)} untranslated")
PY
