from lxml import etree

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SalesFollowupCase

# The company settings of the product contract, each shown in Settings › Sales.
CONTRACT_SETTINGS = (
    'followup_grade_method', 'followup_grade_a_percent', 'followup_grade_b_percent',
    'followup_grade_a_amount', 'followup_grade_b_amount', 'followup_grade_window_days',
    'followup_new_days', 'followup_dormant_days',
    'followup_review_days_a', 'followup_review_days_b', 'followup_review_days_c',
    'followup_thanks_delay', 'followup_payment_reminder_days', 'followup_lost_quote_days',
    'followup_complaint_followup_days',
    'followup_credit_mode', 'followup_credit_tolerance', 'followup_credit_overdue_days',
    'followup_return_days', 'followup_exchange_days',
    'followup_satisfaction_request',
    'followup_risk_days', 'followup_risk_drop_percent',
)


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

    def test_every_contract_setting_is_in_the_after_sales_block(self):
        view = self.env['res.config.settings'].get_views([(False, 'form')])['views']['form']
        [block] = etree.fromstring(view['arch']).xpath("//block[@id='sales_followup_setting_container']")
        shown = {node.get('name'): node for node in block.xpath('.//field')}
        missing = [fname for fname in CONTRACT_SETTINGS if fname not in shown]
        self.assertFalse(missing, "settings missing from Settings › Sales › After-sales follow-up")
        settings = block.xpath('./setting')
        headings = [setting.get('string') for setting in settings]
        for heading in ("Customer grading", "Follow-up delays", "Credit control", "Complaint reply deadlines",
                        "Return policy windows", "Satisfaction and referrals", "Early warning: orders dropping"):
            self.assertIn(heading, headings)
        for setting in settings:
            with self.subTest(setting=setting.get('id')):
                self.assertTrue(setting.get('help'), "each heading says what it is for in one line")
                self.assertNotIn('\n', setting.get('help'))
        delays = block.xpath("./setting[@id='sales_followup_delays']//field/@name")
        self.assertEqual(delays, ['followup_thanks_delay', 'followup_payment_reminder_days',
                                  'followup_lost_quote_days', 'followup_complaint_followup_days'])

    def test_contract_settings_are_the_company_settings(self):
        company_fields = [fname for fname in self.env['res.company']._fields if fname.startswith('followup_')]
        self.assertEqual(set(CONTRACT_SETTINGS) - set(company_fields), set())
        settings_fields = self.env['res.config.settings']._fields
        for fname in CONTRACT_SETTINGS:
            with self.subTest(fname=fname):
                self.assertEqual(settings_fields[fname].related, f'company_id.{fname}')
