"""19.0.1.5.0: a customer's personal data (birthday, interests, family notes)
is read and written only by its salesperson and after-sales managers. The
values move to fields only the system reads, behind computed fields that
check the user; the columns keep their data under the new names."""
from odoo.tools.sql import column_exists, rename_column

RENAMED_COLUMNS = {
    'birthday': 'personal_birthday',
    'customer_interests': 'personal_interests',
    'customer_family_notes': 'personal_family_notes',
}


def migrate(cr, version):
    for old, new in RENAMED_COLUMNS.items():
        if column_exists(cr, 'res_partner', old) and not column_exists(cr, 'res_partner', new):
            rename_column(cr, 'res_partner', old, new)
