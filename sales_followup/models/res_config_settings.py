from odoo import api, fields, models

# Checked together by res.company: saved in one write.
GRADING_SETTINGS = (
    'followup_grade_method', 'followup_grade_a_percent', 'followup_grade_b_percent',
    'followup_grade_a_amount', 'followup_grade_b_amount', 'followup_grade_window_days',
    'followup_new_days', 'followup_dormant_days',
)


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    followup_grade_method = fields.Selection(related='company_id.followup_grade_method', readonly=False)
    followup_grade_a_percent = fields.Float(related='company_id.followup_grade_a_percent', readonly=False)
    followup_grade_b_percent = fields.Float(related='company_id.followup_grade_b_percent', readonly=False)
    followup_grade_a_amount = fields.Monetary(related='company_id.followup_grade_a_amount', readonly=False)
    followup_grade_b_amount = fields.Monetary(related='company_id.followup_grade_b_amount', readonly=False)
    followup_grade_window_days = fields.Integer(related='company_id.followup_grade_window_days', readonly=False)
    followup_new_days = fields.Integer(related='company_id.followup_new_days', readonly=False)
    followup_dormant_days = fields.Integer(related='company_id.followup_dormant_days', readonly=False)
    followup_review_days_a = fields.Integer(related='company_id.followup_review_days_a', readonly=False)
    followup_review_days_b = fields.Integer(related='company_id.followup_review_days_b', readonly=False)
    followup_review_days_c = fields.Integer(related='company_id.followup_review_days_c', readonly=False)
    followup_thanks_delay = fields.Integer(related='company_id.followup_thanks_delay', readonly=False)
    followup_payment_reminder_days = fields.Integer(
        related='company_id.followup_payment_reminder_days', readonly=False)
    followup_lost_quote_days = fields.Integer(related='company_id.followup_lost_quote_days', readonly=False)
    followup_complaint_followup_days = fields.Integer(
        related='company_id.followup_complaint_followup_days', readonly=False)
    followup_credit_mode = fields.Selection(related='company_id.followup_credit_mode', readonly=False)
    followup_credit_tolerance = fields.Float(related='company_id.followup_credit_tolerance', readonly=False)
    followup_credit_overdue_days = fields.Integer(
        related='company_id.followup_credit_overdue_days', readonly=False)
    followup_return_days = fields.Integer(related='company_id.followup_return_days', readonly=False)
    followup_exchange_days = fields.Integer(related='company_id.followup_exchange_days', readonly=False)
    followup_complaint_reply_days_critical = fields.Integer(
        related='company_id.followup_complaint_reply_days_critical', readonly=False)
    followup_complaint_reply_days_high = fields.Integer(
        related='company_id.followup_complaint_reply_days_high', readonly=False)
    followup_complaint_reply_days_normal = fields.Integer(
        related='company_id.followup_complaint_reply_days_normal', readonly=False)
    followup_complaint_reply_days_low = fields.Integer(
        related='company_id.followup_complaint_reply_days_low', readonly=False)
    followup_satisfaction_request = fields.Boolean(
        related='company_id.followup_satisfaction_request', readonly=False)
    followup_risk_days = fields.Integer(related='company_id.followup_risk_days', readonly=False)
    followup_risk_drop_percent = fields.Integer(related='company_id.followup_risk_drop_percent', readonly=False)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # Related fields write the company one field at a time, so the checks
        # across grading settings (A % + B %, new before dormant, thresholds)
        # would judge half-saved values: write them to the company in one go.
        vals_list = [dict(vals) for vals in vals_list]
        grading_values = [
            {fname: vals.pop(fname) for fname in GRADING_SETTINGS if fname in vals}
            for vals in vals_list
        ]
        settings = super().create(vals_list)
        for record, values in zip(settings, grading_values, strict=True):
            if values:
                record.company_id.write(values)
        if any(grading_values):
            settings.invalidate_recordset(list(GRADING_SETTINGS))
        return settings

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_recompute_grades(self):
        """Grade every customer now."""
        return self.env['res.partner'].action_recompute_grades()
