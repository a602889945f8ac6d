from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..const import CREDIT_MODES, GRADE_METHODS

# Sane bounds of each numeric setting, (minimum, maximum) inclusive: beyond
# them a setting makes no business sense, or overflows date arithmetic.
SETTING_BOUNDS = {
    'followup_grade_a_percent': (0, 100),
    'followup_grade_b_percent': (0, 100),
    'followup_grade_a_amount': (0, None),
    'followup_grade_b_amount': (0, None),
    'followup_grade_window_days': (1, 3650),
    'followup_new_days': (0, 3650),
    'followup_dormant_days': (0, 3650),
    'followup_review_days_a': (0, 3650),
    'followup_review_days_b': (0, 3650),
    'followup_review_days_c': (0, 3650),
    'followup_thanks_delay': (0, 365),
    'followup_payment_reminder_days': (0, 365),
    'followup_lost_quote_days': (0, 3650),
    'followup_complaint_followup_days': (1, 7),
    'followup_credit_tolerance': (0, 100),
    'followup_credit_overdue_days': (0, 3650),
    'followup_return_days': (0, 3650),
    'followup_exchange_days': (0, 3650),
    'followup_complaint_reply_days_critical': (0, 365),
    'followup_complaint_reply_days_high': (0, 365),
    'followup_complaint_reply_days_normal': (0, 365),
    'followup_complaint_reply_days_low': (0, 365),
    'followup_risk_days': (7, 730),
    'followup_risk_drop_percent': (1, 100),
}


class ResCompany(models.Model):
    _inherit = 'res.company'

    # Grading
    followup_grade_method = fields.Selection(
        selection=GRADE_METHODS, string="Grading Method", default='pareto', required=True)
    followup_grade_a_percent = fields.Float(string="A: Share of Revenue (%)", default=80.0)
    followup_grade_b_percent = fields.Float(string="B: Next Share of Revenue (%)", default=15.0)
    followup_grade_a_amount = fields.Monetary(string="A: Minimum Revenue", currency_field='currency_id')
    followup_grade_b_amount = fields.Monetary(string="B: Minimum Revenue", currency_field='currency_id')
    followup_grade_window_days = fields.Integer(string="Grading Window (days)", default=365)
    followup_new_days = fields.Integer(string="New Customer Period (days)", default=90)
    followup_dormant_days = fields.Integer(string="Dormant After (days)", default=180)
    followup_review_days_a = fields.Integer(string="Review Cadence A (days)", default=1)
    followup_review_days_b = fields.Integer(string="Review Cadence B (days)", default=7)
    followup_review_days_c = fields.Integer(string="Review Cadence C (days)", default=30)

    # Follow-up delays
    followup_thanks_delay = fields.Integer(string="Thank-you Delay (days)", default=2)
    followup_payment_reminder_days = fields.Integer(string="Payment Reminder (days before due)", default=3)
    followup_lost_quote_days = fields.Integer(string="Lost Quotation Revisit (days)", default=30)
    followup_complaint_followup_days = fields.Integer(
        string="Complaint Follow-up (days)", default=3,
        help="Days after resolution to check with the customer that the problem is really solved (1 to 7).")

    # Credit control
    followup_credit_mode = fields.Selection(
        selection=CREDIT_MODES, string="Credit Limit Mode", default='block', required=True,
        help="Applies where the customer credit limit of Invoicing is on. Above the limit, sell nothing "
             "more: block refuses the confirmation, approval puts the order on hold for a credit controller.")
    followup_credit_tolerance = fields.Float(string="Credit Tolerance (%)", default=0.0)
    followup_credit_overdue_days = fields.Integer(
        string="Block After Overdue (days)", default=0,
        help="Invoices overdue by more than this many days block new orders. 0 turns the rule off.")

    # Returns
    followup_return_days = fields.Integer(string="Return Window (days)", default=10)
    followup_exchange_days = fields.Integer(string="Exchange Window (days)", default=30)

    # Complaints: reply deadline in working days, per severity
    followup_complaint_reply_days_critical = fields.Integer(
        string="Reply Deadline: Critical (working days)", default=1)
    followup_complaint_reply_days_high = fields.Integer(
        string="Reply Deadline: High (working days)", default=2)
    followup_complaint_reply_days_normal = fields.Integer(
        string="Reply Deadline: Normal (working days)", default=3)
    followup_complaint_reply_days_low = fields.Integer(
        string="Reply Deadline: Low (working days)", default=5)

    # Satisfaction and referrals
    followup_satisfaction_request = fields.Boolean(
        string="Ask for a Rating after Delivery", default=True,
        help="With the thank-you card, e-mail the customer a thank-you that asks them to rate the purchase "
             "from 1 to 5.")
    followup_referral_program_id = fields.Many2one(
        comodel_name='loyalty.program', string="Referral Rewards Program", ondelete='set null', copy=False,
        help="The coupon program of referral rewards, created with the first discount granted.")
    # Early warning: falling orders
    followup_risk_days = fields.Integer(
        string="Orders Dropping: Period (days)", default=90,
        help="Revenue of this many last days is compared with the same number of days before.")
    followup_risk_drop_percent = fields.Integer(
        string="Orders Dropping: Drop (%)", default=50,
        help="A drop of at least this share of the revenue gives the customer an Orders Dropping card.")

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains(*SETTING_BOUNDS)
    def _check_followup_setting_bounds(self):
        for company in self:
            negative = [fname for fname in SETTING_BOUNDS if (company[fname] or 0) < 0]
            if negative:
                raise ValidationError(self.env._(
                    "These after-sales settings cannot be negative: %(settings)s",
                    settings=", ".join(company._fields[fname]._description_string(self.env) for fname in negative),
                ))
            for fname, (minimum, maximum) in SETTING_BOUNDS.items():
                value = company[fname] or 0
                if value < minimum or (maximum is not None and value > maximum):
                    raise ValidationError(self.env._(
                        "%(setting)s must be between %(minimum)s and %(maximum)s, not %(value)s.",
                        setting=company._fields[fname]._description_string(self.env),
                        minimum=minimum, maximum=maximum, value=value,
                    ))

    @api.constrains('followup_grade_a_percent', 'followup_grade_b_percent',
                    'followup_grade_a_amount', 'followup_grade_b_amount', 'followup_grade_method',
                    'followup_new_days', 'followup_dormant_days')
    def _check_followup_grade_consistency(self):
        for company in self:
            # Each of these would silently grade everybody alike: every
            # customer A (no thresholds) or C (no A share), or new instead of
            # dormant.
            if company.followup_grade_method == 'threshold' and (
                    company.followup_grade_a_amount <= 0 or company.followup_grade_b_amount <= 0):
                raise ValidationError(self.env._(
                    "The revenue thresholds method needs a positive minimum revenue for grades A and B."))
            if company.followup_grade_method == 'pareto' and company.followup_grade_a_percent == 0:
                raise ValidationError(self.env._("Grade A needs a share of revenue above 0%."))
            if 0 <= company.followup_dormant_days <= company.followup_new_days:
                raise ValidationError(self.env._(
                    "A customer must become dormant later than they stop being new: the dormant period "
                    "(%(dormant)s days) must be longer than the new customer period (%(new)s days).",
                    dormant=company.followup_dormant_days, new=company.followup_new_days,
                ))
            if company.followup_grade_a_percent + company.followup_grade_b_percent > 100:
                raise ValidationError(self.env._(
                    "The A and B shares of revenue together cannot exceed 100%% (now %(a)s%% + %(b)s%%).",
                    a=company.followup_grade_a_percent, b=company.followup_grade_b_percent,
                ))
            if (company.followup_grade_a_amount and company.followup_grade_b_amount
                    and company.followup_grade_b_amount > company.followup_grade_a_amount):
                raise ValidationError(self.env._(
                    "The minimum revenue for grade B cannot be higher than the minimum revenue for grade A."))

    @api.constrains('followup_return_days', 'followup_exchange_days')
    def _check_followup_return_windows(self):
        for company in self:
            # The exchange window extends the return window for quality reasons.
            if company.followup_exchange_days < company.followup_return_days:
                raise ValidationError(self.env._(
                    "The exchange window (%(exchange)s days) cannot be shorter than the return window "
                    "(%(return_days)s days).",
                    exchange=company.followup_exchange_days, return_days=company.followup_return_days,
                ))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def unlink(self):
        # res.partner.grading keys companies without a foreign key (see
        # CompanyKey), so nothing cascades from the database.
        self.env['res.partner.grading'].sudo().search([('company_id', 'in', self.ids)]).unlink()
        return super().unlink()
