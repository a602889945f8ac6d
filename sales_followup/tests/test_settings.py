from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SalesFollowupCase


@tagged('post_install', '-at_install')
class TestSettings(SalesFollowupCase):

    def test_defaults_follow_spec(self):
        company = self.env['res.company'].create({'name': 'Fresh Co'})
        self.assertRecordValues(company, [{
            'followup_grade_method': 'pareto',
            'followup_grade_a_percent': 80.0, 'followup_grade_b_percent': 15.0,
            'followup_grade_window_days': 365,
            'followup_new_days': 90, 'followup_dormant_days': 180,
            'followup_review_days_a': 1, 'followup_review_days_b': 7, 'followup_review_days_c': 30,
            'followup_thanks_delay': 2, 'followup_payment_reminder_days': 3,
            'followup_lost_quote_days': 30, 'followup_complaint_followup_days': 3,
            'followup_credit_mode': 'block', 'followup_credit_tolerance': 0.0,
            'followup_credit_overdue_days': 0,
            'followup_return_days': 10, 'followup_exchange_days': 30,
        }])

    def test_negative_setting_refused_and_nothing_changes(self):
        # assertRaises (unlike assertRaisesRegex) rolls back to a savepoint,
        # as the real request would.
        with self.assertRaises(ValidationError) as refused:
            self.company.write({'followup_thanks_delay': -1})
        self.assertIn("Thank-you Delay", str(refused.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.followup_thanks_delay, 2)
