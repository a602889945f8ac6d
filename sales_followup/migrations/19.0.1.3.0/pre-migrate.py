"""19.0.1.3.0: record rules follow one naming scheme, <model>_rule_<scope>,
and crons, rules, sequences, activity types and mail templates are no longer
rewritten by upgrades, so that an administrator's changes survive them."""

RENAMED_XMLIDS = {
    'res_partner_grading_company_rule': 'res_partner_grading_rule_company',
    'sale_order_credit_controller_rule': 'sale_order_rule_credit_controller',
    'sale_order_line_credit_controller_rule': 'sale_order_line_rule_credit_controller',
}
KEPT_MODELS = ('ir.cron', 'ir.rule', 'ir.sequence', 'mail.activity.type', 'mail.template')


def migrate(cr, version):
    for old, new in RENAMED_XMLIDS.items():
        cr.execute("""
            UPDATE ir_model_data SET name = %s
             WHERE module = 'sales_followup' AND name = %s
               AND NOT EXISTS (SELECT 1 FROM ir_model_data WHERE module = 'sales_followup' AND name = %s)
        """, [new, old, new])
    cr.execute("""
        UPDATE ir_model_data SET noupdate = TRUE
         WHERE module = 'sales_followup' AND model IN %s AND NOT noupdate
    """, [KEPT_MODELS])
