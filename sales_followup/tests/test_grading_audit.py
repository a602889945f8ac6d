"""Grading rules beyond the basics: locks, contacts, settings consistency, the printed card."""
from datetime import datetime, time, timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sales_followup.models import customer_grading

from .common_grading import GradingCase


@tagged('post_install', '-at_install')
class TestGradingCron(GradingCase):

    def _customers(self, amounts):
        partners = self.env['res.partner'].create([
            {'name': f"Batch {i}", 'is_company': True, 'customer_rank': 1} for i in range(len(amounts))])
        self._orders(list(zip(partners, amounts, strict=True)))
        return partners

    def test_cron_commits_after_each_batch(self):
        partners = self._customers([50, 30, 10, 6, 4])
        IrCron = type(self.env['ir.cron'])
        with patch.object(customer_grading, 'GRADING_BATCH_SIZE', 2), \
                patch.object(IrCron, '_commit_progress', autospec=True, return_value=60.0) as progress:
            self.Grading._cron_grade_customers()
        self.assertEqual([call.args[1] for call in progress.call_args_list], [2, 2, 1])
        self.assertEqual([call.kwargs['remaining'] for call in progress.call_args_list], [3, 1, 0])
        self.assertEqual(self._grades(partners), ['a', 'a', 'b', 'b', 'c'])

    def test_cron_out_of_time_resumes_without_duplicates(self):
        partners = self._customers([50, 30, 10, 6, 4])
        IrCron = type(self.env['ir.cron'])
        with patch.object(customer_grading, 'GRADING_BATCH_SIZE', 2), \
                patch.object(IrCron, '_commit_progress', autospec=True, return_value=0.0) as progress:
            self.Grading._cron_grade_customers()
        # stopped after the first batch: two partners graded, three still to do
        self.assertEqual(progress.call_count, 1)
        self.assertEqual(len([g for g in self._grades(partners) if g]), 2)
        with patch.object(IrCron, '_commit_progress', autospec=True, return_value=60.0):
            self.Grading._cron_grade_customers()
        self.assertEqual(self._grades(partners), ['a', 'a', 'b', 'b', 'c'])
        # each customer got exactly one grade message in all
        for partner in partners:
            self.assertEqual(len(self._grade_trackings(partner)), 1, partner.name)

    def test_cron_grades_every_company(self):
        company_2 = self.env['res.company'].create({'name': 'Cron Second Co'})
        self.env.user.company_ids |= company_2
        self._orders([(self.customer, 100)], company=company_2)
        with patch.object(type(self.env['ir.cron']), '_commit_progress', autospec=True, return_value=60.0):
            self.Grading._cron_grade_customers()
        self.assertEqual(self._grades(self.customer, company_2), ['a'])
        self.assertEqual(self._grades(self.customer, self.company), [False])
        self.assertEqual(self.customer.with_company(self.company).customer_lifecycle, 'prospect')


@tagged('post_install', '-at_install')
class TestGradingChatter(GradingCase):

    def test_every_grade_change_posts_one_message_on_the_company_only(self):
        contact = self.env['res.partner'].create({'name': 'Buyer', 'parent_id': self.customer.id})
        other = self._customer("Other")
        self._orders([(self.customer, 90), (other, 10)])
        self._grade()
        # other overtakes: A -> B for the customer
        self._orders([(other, 1000)])
        self._grade()
        self.assertRecordValues(self._grade_trackings(self.customer), [
            {'old_value_char': '', 'new_value_char': 'A (key)'},
            {'old_value_char': 'A (key)', 'new_value_char': 'B (general)'},
        ])
        self.assertFalse(self._grade_trackings(contact))
        self.assertEqual(contact.customer_grade, 'b')
        # figures changing without a grade change post nothing
        self._orders([(other, 1)])
        self.assertEqual(self._grade(), 1)
        self.assertEqual(len(self._grade_trackings(other)), 2)


@tagged('post_install', '-at_install')
class TestGradingAccess(GradingCase):

    def test_salesperson_cannot_unlock_nor_create_graded(self):
        self.salesperson.group_ids |= self.env.ref('base.group_partner_manager')
        self._order(self.customer, 100)
        self._grade()
        self.customer.with_user(self.sales_manager).action_lock_grade()
        as_seller = self.customer.with_user(self.salesperson)
        with self.assertRaises(AccessError) as refused:
            as_seller.action_unlock_grade()
        self.assertIn("Only after-sales managers", str(refused.exception))
        with self.assertRaises(AccessError):
            as_seller.write({'customer_grade_locked': False})
        with self.assertRaises(AccessError):
            self.env['res.partner'].with_user(self.salesperson).create({'name': 'Self-made A', 'customer_grade': 'a'})
        self.customer.invalidate_recordset()
        self.assertRecordValues(self.customer, [{'customer_grade': 'a', 'customer_grade_locked': True}])
        self.assertFalse(self.env['res.partner'].search_count([('name', '=', 'Self-made A')]))

    def test_salesperson_adds_contact_to_graded_customer(self):
        # the contact copies the locked grade: that sync must not count as
        # the salesperson setting a grade
        self.salesperson.group_ids |= self.env.ref('base.group_partner_manager')
        self._order(self.customer, 100)
        self._grade()
        self.customer.with_user(self.sales_manager).action_lock_grade()
        with Form(self.env['res.partner'].with_user(self.salesperson)) as form:
            form.name = 'New Buyer'
            form.parent_id = self.customer
        self.assertRecordValues(form.record, [{
            'customer_grade': 'a', 'customer_grade_locked': True, 'customer_lifecycle': 'new'}])
        # and editing the company's card pushes only what changed to the contacts
        with Form(self.customer.with_user(self.salesperson)) as card:
            card.customer_kind = 'corporate'
        self.assertEqual(form.record.customer_kind, 'corporate')

    def test_lock_is_per_company(self):
        company_2 = self.env['res.company'].create({'name': 'Lock Second Co'})
        self.sales_manager.company_ids |= company_2
        self.env.user.company_ids |= company_2
        self._orders([(self.customer, 100)])
        self._orders([(self.customer, 100)], company=company_2)
        self._grade(self.company | company_2)
        self.customer.with_user(self.sales_manager).with_company(self.company).write({'customer_grade': 'c'})
        self.customer.with_user(self.sales_manager).with_company(self.company).action_lock_grade()
        self.assertFalse(self.customer.with_company(company_2).customer_grade_locked)
        self.customer.with_company(company_2).write({'customer_grade': 'b'})
        self._grade(self.company | company_2)
        # locked in the first company only
        self.assertEqual(self._grades(self.customer, self.company), ['c'])
        self.assertEqual(self._grades(self.customer, company_2), ['a'])

    def test_user_of_another_company_sees_its_own_grade(self):
        company_2 = self.env['res.company'].create({'name': 'Reader Second Co'})
        self.env.user.company_ids |= company_2
        big = self._customer("Shared Big")
        self._orders([(self.customer, 960), (big, 40)])
        self._orders([(self.customer, 40), (big, 960)], company=company_2)
        self._grade(self.company | company_2)
        seller_2 = new_test_user(
            self.env, login='sf_seller_2', groups='sales_team.group_sale_salesman',
            company_id=company_2.id, company_ids=[(6, 0, company_2.ids)])
        self.assertRecordValues(self.customer.with_user(seller_2), [{
            'customer_grade': 'c', 'grade_revenue': 40.0}])
        self.assertRecordValues(self.customer.with_user(self.salesperson), [{
            'customer_grade': 'a', 'grade_revenue': 960.0}])

    def test_contact_created_later_shows_each_company_values(self):
        company_2 = self.env['res.company'].create({'name': 'Contact Second Co'})
        self.env.user.company_ids |= company_2
        big = self._customer("Big Two")
        self._orders([(self.customer, 960), (big, 40)])
        self._orders([(self.customer, 40), (big, 960)], company=company_2)
        self._grade(self.company | company_2)
        contact = self.env['res.partner'].create({'name': 'Late Contact', 'parent_id': self.customer.id})
        self.assertEqual(self._grades(contact, self.company), ['a'])
        self.assertEqual(self._grades(contact, company_2), ['c'])
        self.assertEqual(contact.with_company(company_2).grade_revenue, 40.0)


@tagged('post_install', '-at_install')
class TestGradingSettingsConsistency(GradingCase):

    def _assert_refused(self, vals, message):
        before = self.company.read(list(vals))[0]
        with self.assertRaises(ValidationError) as refused:
            self.company.write(vals)
        self.assertIn(message, str(refused.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.read(list(vals))[0], before)

    def test_threshold_method_needs_amounts(self):
        self._assert_refused({'followup_grade_method': 'threshold'}, "positive minimum revenue")
        self._assert_refused({'followup_grade_method': 'threshold', 'followup_grade_a_amount': 1000},
                             "positive minimum revenue")

    def test_threshold_settings_form_in_one_save(self):
        with Form(self.env['res.config.settings']) as settings:
            settings.followup_grade_method = 'threshold'
            settings.followup_grade_a_amount = 1000
            settings.followup_grade_b_amount = 100
        settings.record.execute()
        self.assertRecordValues(self.company, [{
            'followup_grade_method': 'threshold', 'followup_grade_a_amount': 1000,
            'followup_grade_b_amount': 100}])

    def test_settings_form_moves_percents_together(self):
        # A up and B down in one save: consistent at the end, though not
        # after the first of the two fields alone
        with Form(self.env['res.config.settings']) as settings:
            settings.followup_grade_a_percent = 90
            settings.followup_grade_b_percent = 5
            settings.followup_new_days = 200
            settings.followup_dormant_days = 365
        settings.record.execute()
        self.assertRecordValues(self.company, [{
            'followup_grade_a_percent': 90, 'followup_grade_b_percent': 5,
            'followup_new_days': 200, 'followup_dormant_days': 365}])

    def test_empty_window_refused(self):
        self._assert_refused({"followup_grade_window_days": 0}, "must be between 1 and 3650")

    def test_dormant_must_come_after_new(self):
        self._assert_refused({'followup_new_days': 200}, "must be longer than the new customer period")
        self._assert_refused({'followup_dormant_days': 90}, "must be longer than the new customer period")
        self.company.write({'followup_new_days': 30, 'followup_dormant_days': 60})

    def test_negative_settings_refused_and_unchanged(self):
        for fname in ('followup_grade_a_percent', 'followup_grade_window_days', 'followup_new_days',
                      'followup_review_days_a', 'followup_review_days_c'):
            self._assert_refused({fname: -1}, "cannot be negative")


@tagged('post_install', '-at_install')
class TestManRecommendationLanguage(GradingCase):

    def test_recommendation_follows_the_reader_language(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['sales_followup'], ['zh_CN'], overwrite=True)
        prospect = self._customer("Ideal", man_money=True, man_authority=True, man_need=True)
        english = prospect.with_context(lang='en_US').man_recommendation
        chinese = prospect.with_context(lang='zh_CN').man_recommendation
        self.assertEqual(english, "Ideal prospect: pursue now.")
        self.assertTrue(chinese)
        self.assertNotEqual(chinese, english)


@tagged('post_install', '-at_install')
class TestCustomerCardReportAccess(GradingCase):

    def test_salesperson_prints_the_card_of_each_company(self):
        company_2 = self.env['res.company'].create({'name': 'Report Second Co'})
        self.env.user.company_ids |= company_2
        self.salesperson.company_ids |= company_2
        big = self._customer("Report Big")
        self._orders([(self.customer, 960), (big, 40)])
        self._orders([(self.customer, 40), (big, 960)], company=company_2)
        self._grade(self.company | company_2)
        Report = self.env['ir.actions.report'].with_user(self.salesperson)
        html = Report._render_qweb_html('sales_followup.report_customer_card', self.customer.ids)[0].decode()
        self.assertIn("A (key)", html)
        self.assertIn("960.00", html)
        html = Report.with_company(company_2)._render_qweb_html(
            'sales_followup.report_customer_card', self.customer.ids)[0].decode()
        self.assertIn("C (occasional)", html)
        self.assertIn("40.00", html)


@tagged('post_install', '-at_install')
class TestLockNeedsGrade(GradingCase):

    def test_locking_a_prospect_without_grade_is_refused(self):
        prospect = self._customer("Not Yet")
        with self.assertRaises(UserError) as refused:
            prospect.with_user(self.sales_manager).action_lock_grade()
        self.assertIn("Set a grade before locking it", str(refused.exception))
        self.assertFalse(prospect.customer_grade_locked)
        # once they buy, the engine grades them as usual
        self._order(prospect, 100)
        self._grade()
        self.assertEqual(prospect.customer_grade, 'a')
        # locking from a contact locks its company
        contact = self.env['res.partner'].create({'name': 'Desk', 'parent_id': prospect.id})
        contact.with_user(self.sales_manager).action_lock_grade()
        self.assertTrue(prospect.customer_grade_locked)


@tagged('post_install', '-at_install')
class TestGradingTimezone(GradingCase):
    """Order dates are read in the grader's timezone, like "today"."""

    def test_order_dates_follow_the_user_timezone(self):
        order = self._order(self.customer, 100, day=self.today - timedelta(days=10))
        # 20:00 UTC is already the next morning in Shanghai (UTC+8).
        order.date_order = datetime.combine(self.today - timedelta(days=10), time(20, 0))
        self.Grading.with_context(tz='Asia/Shanghai')._grade_companies(self.env.company)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.first_order_date, self.today - timedelta(days=9))
        self.Grading.with_context(tz='UTC')._grade_companies(self.env.company)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.first_order_date, self.today - timedelta(days=10))
