"""19.0.1.2.0: res.partner.grading keys companies without a foreign key
(see CompanyKey in models/res_partner_grading.py); drop the one 19.0.1.1.0
created, and its record, so that uninstalling does not look for it."""


def migrate(cr, version):
    cr.execute("ALTER TABLE res_partner_grading DROP CONSTRAINT IF EXISTS res_partner_grading_company_id_fkey")
    cr.execute("DELETE FROM ir_model_constraint WHERE name = 'res_partner_grading_company_id_fkey' AND type = 'f'")
