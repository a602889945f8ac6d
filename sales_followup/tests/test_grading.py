from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common_grading import GradingCase


@tagged('post_install', '-at_install')
class TestGradingPareto(GradingCase):

    def test_pareto_boundaries(self):
        # 50 + 30 = 80: the customer crossing the 80 % line is A, the next one
        # (whose betters make exactly 80 %) is not.
        partners = self.env['res.partner']
        for index, amount in enumerate([50, 30, 10, 6, 4]):
            partner = self._customer(f"Pareto {index}")
            self._order(partner, amount)
            partners |= partner
        self._grade()
        self.assertEqual(self._grades(partners), ['a', 'a', 'b', 'b', 'c'])
        self.assertRecordValues(partners[0], [{
            'grade_revenue': 50.0, 'grade_order_count': 1,
            'first_order_date': self.today, 'last_order_date': self.today,
            'customer_lifecycle': 'new',
        }])

    def test_pareto_ties_share_a_grade(self):
        partners = self.env['res.partner']
        for index, amount in enumerate([30, 30, 30, 10]):
            partner = self._customer(f"Tie {index}")
            self._order(partner, amount)
            partners |= partner
        self._grade()
        # Tied customers are not better-ranked than each other.
        self.assertEqual(self._grades(partners), ['a', 'a', 'a', 'b'])

    def test_pareto_single_customer_is_a(self):
        self._order(self.customer, 5)
        self._grade()
        self.assertEqual(self._grades(self.customer), ['a'])

    def test_pareto_custom_percents(self):
        self.company.write({'followup_grade_a_percent': 50, 'followup_grade_b_percent': 30})
        partners = self.env['res.partner']
        for index, amount in enumerate([50, 30, 20]):
            partner = self._customer(f"Custom {index}")
            self._order(partner, amount)
            partners |= partner
        self._grade()
        self.assertEqual(self._grades(partners), ['a', 'b', 'c'])

    def test_revenue_is_untaxed_confirmed_and_in_window(self):
        tax = self.env['account.tax'].create({'name': 'VAT 10', 'amount': 10, 'amount_type': 'percent'})
        self._order(self.customer, 100, taxes=tax)
        self._order(self.customer, 1000, confirm=False)  # quotation: ignored
        cancelled = self._order(self.customer, 500)
        cancelled._action_cancel()
        self._order(self.customer, 700, day=self.today - timedelta(days=400))  # out of window
        self._grade()
        self.assertRecordValues(self.customer, [{
            'grade_revenue': 100.0, 'grade_order_count': 1,
            'first_order_date': self.today - timedelta(days=400),
            'last_order_date': self.today,
        }])

    def test_customer_without_revenue_in_window_is_c(self):
        old = self._customer("Old Friend")
        self._order(old, 10000, day=self.today - timedelta(days=500))
        self._order(self.customer, 10)
        self._grade()
        self.assertEqual(self._grades(old | self.customer), ['c', 'a'])
        self.assertRecordValues(old, [{'grade_revenue': 0.0, 'grade_order_count': 0}])

    def test_contact_orders_count_for_commercial_partner(self):
        contact = self.env['res.partner'].create({'name': 'Li Wei', 'parent_id': self.customer.id})
        other = self._customer("Other")
        self._order(contact, 60)
        self._order(self.customer, 60)
        self._order(other, 30)  # 120 / 150 = 80 %: other is B
        self._grade()
        self.assertRecordValues(self.customer | contact, [
            {'customer_grade': 'a', 'grade_revenue': 120.0, 'grade_order_count': 2},
            # the contact shows its company's values
            {'customer_grade': 'a', 'grade_revenue': 120.0, 'grade_order_count': 2},
        ])
        self.assertEqual(self._grades(other), ['b'])


@tagged('post_install', '-at_install')
class TestGradingThresholds(GradingCase):

    def test_thresholds(self):
        self.company.write({
            'followup_grade_method': 'threshold',
            'followup_grade_a_amount': 1000, 'followup_grade_b_amount': 100,
        })
        partners = self.env['res.partner']
        for index, amount in enumerate([1000, 999, 100, 99]):
            partner = self._customer(f"Threshold {index}")
            self._order(partner, amount)
            partners |= partner
        self._grade()
        self.assertEqual(self._grades(partners), ['a', 'b', 'b', 'c'])


@tagged('post_install', '-at_install')
class TestGradingRules(GradingCase):

    def test_prospect_has_no_grade(self):
        prospect = self._customer("Just Looking")
        self._order(prospect, 999, confirm=False)
        self.assertEqual(prospect.customer_lifecycle, 'prospect')
        self._order(self.customer, 10)
        self._grade()
        self.assertRecordValues(prospect, [{
            'customer_grade': False, 'customer_lifecycle': 'prospect',
            'grade_revenue': 0.0, 'next_review_date': False,
        }])

    def test_cancelled_orders_turn_customer_back_into_prospect(self):
        order = self._order(self.customer, 100)
        self._grade()
        self.assertEqual(self.customer.customer_grade, 'a')
        order._action_cancel()
        self._grade()
        self.assertRecordValues(self.customer, [{
            'customer_grade': False, 'customer_lifecycle': 'prospect', 'next_review_date': False,
            'first_order_date': False, 'last_order_date': False,
        }])

    def test_locked_grade_is_never_changed(self):
        self._order(self.customer, 100)
        self.customer.with_user(self.sales_manager).write({'customer_grade': 'c'})
        self.customer.with_user(self.sales_manager).action_lock_grade()
        self._grade()
        self.assertRecordValues(self.customer, [{
            'customer_grade': 'c', 'customer_grade_locked': True,
            # the rest of the card still follows the orders
            'customer_lifecycle': 'new', 'grade_revenue': 100.0,
        }])
        self.customer.with_user(self.sales_manager).action_unlock_grade()
        self._grade()
        self.assertEqual(self.customer.customer_grade, 'a')

    def test_salesperson_reads_but_cannot_lock_or_set_grades(self):
        # even a salesperson allowed to edit contacts cannot touch grades
        self.salesperson.group_ids |= self.env.ref('base.group_partner_manager')
        self._order(self.customer, 100)
        self._grade()
        as_seller = self.customer.with_user(self.salesperson)
        self.assertEqual(as_seller.customer_grade, 'a')
        self.assertFalse(as_seller.can_lock_grade)
        self.assertTrue(self.customer.with_user(self.sales_manager).can_lock_grade)
        with self.assertRaises(AccessError):
            as_seller.action_lock_grade()
        with self.assertRaises(AccessError):
            as_seller.write({'customer_grade_locked': True})
        with self.assertRaises(AccessError):
            as_seller.write({'customer_grade': 'c'})
        with self.assertRaises(AccessError):
            self.env['res.partner'].with_user(self.salesperson).action_recompute_grades()
        self.customer.invalidate_recordset()
        self.assertRecordValues(self.customer, [{'customer_grade': 'a', 'customer_grade_locked': False}])
        # saving a form that rewrites the same value is harmless
        as_seller.write({'customer_grade': 'a', 'name': 'Lotus Trading Co'})

    def test_manager_recompute_button_uses_the_engine(self):
        self._order(self.customer, 100)
        action = self.env['res.partner'].with_user(self.sales_manager).action_recompute_grades()
        self.assertEqual(action['tag'], 'display_notification')
        self.assertEqual(self.customer.customer_grade, 'a')

    def test_cron_grades_every_company(self):
        cron = self.env.ref('sales_followup.ir_cron_customer_grading')
        self.assertEqual(cron.code.strip(), 'model._cron_grade_customers()')
        self._order(self.customer, 100)
        IrCron = type(self.env['ir.cron'])
        # tests cannot commit: count the batches instead
        with patch.object(IrCron, '_commit_progress', autospec=True, return_value=60.0) as progress:
            self.Grading._cron_grade_customers()
        self.assertEqual(self.customer.customer_grade, 'a')
        self.assertTrue(progress.called)
        self.assertEqual(progress.call_args.kwargs['remaining'], 0)

    def test_grade_change_is_tracked_in_chatter(self):
        self._order(self.customer, 100)
        self._grade()
        tracking = self.customer.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == 'customer_grade')
        self.assertEqual(len(tracking), 1)
        self.assertRecordValues(tracking, [{'old_value_char': '', 'new_value_char': 'A (key)'}])
        self.assertRecordValues(tracking.mail_message_id, [{
            'author_id': self.env.ref('base.partner_root').id, 'message_type': 'notification',
            'subtype_id': self.env.ref('mail.mt_note').id, 'is_internal': True,
        }])
        # the chatter renders it like any ORM tracking
        formatted = tracking._tracking_value_format()
        self.assertEqual(formatted[0]['newValue'], 'A (key)')
        # contacts share the values but the chatter is the company's
        contact = self.env['res.partner'].create({'name': 'Contact', 'parent_id': self.customer.id})
        self.assertEqual(contact.customer_grade, 'a')

    def test_rerun_changes_nothing(self):
        partners = self.env['res.partner']
        for index, amount in enumerate([50, 30, 20]):
            partner = self._customer(f"Rerun {index}")
            self._order(partner, amount)
            partners |= partner
        self.assertEqual(self._grade(), 3)
        messages = self.env['mail.message'].search_count([('model', '=', 'res.partner')])
        self.env.cr.execute("SELECT id, write_date FROM res_partner WHERE id = ANY(%s) ORDER BY id",
                            [partners.ids])
        stamps = self.env.cr.fetchall()
        self.assertEqual(self._grade(), 0)
        self.assertEqual(self.env['mail.message'].search_count([('model', '=', 'res.partner')]), messages)
        self.env.cr.execute("SELECT id, write_date FROM res_partner WHERE id = ANY(%s) ORDER BY id",
                            [partners.ids])
        self.assertEqual(self.env.cr.fetchall(), stamps)

    def test_only_changed_partners_are_written(self):
        first, second = self._customer("First"), self._customer("Second")
        self._order(first, 90)
        self._order(second, 10)
        self._grade()
        self._order(second, 5)  # second's figures change, first's do not
        self.assertEqual(self._grade(), 1)
        self.assertRecordValues(second, [{'grade_revenue': 15.0, 'grade_order_count': 2}])


@tagged('post_install', '-at_install')
class TestGradingReview(GradingCase):

    def test_review_date_follows_grade_cadence(self):
        self.company.followup_review_days_b = 5
        partners = self.env['res.partner']
        for index, amount in enumerate([50, 30, 10, 6, 4]):
            partner = self._customer(f"Review {index}")
            self._order(partner, amount)
            partners |= partner
        with freeze_time(self.today):
            self._grade()
        self.assertEqual(
            partners.mapped('next_review_date'),
            [self.today + timedelta(days=d) for d in (1, 1, 5, 5, 30)])
        # a later run with the same grades keeps the dates
        with freeze_time(self.today + timedelta(days=3)):
            self._grade()
        partners.invalidate_recordset()
        self.assertEqual(partners[0].next_review_date, self.today + timedelta(days=1))
        # a grade change restarts the cadence from the day of the change
        with freeze_time(self.today + timedelta(days=3)):
            self._order(partners[4], 1000, day=self.today + timedelta(days=3))
            self._grade()
        partners.invalidate_recordset()
        self.assertRecordValues(partners[4], [{
            'customer_grade': 'a', 'next_review_date': self.today + timedelta(days=4)}])

    def test_manual_grade_sets_review_date_and_is_tracked(self):
        # records created in the same transaction are not tracked: end the fixtures' one
        self.env.cr.precommit.run()
        self.customer.with_user(self.sales_manager).customer_grade = 'b'
        self.assertEqual(self.customer.next_review_date, self.today + timedelta(days=7))
        self.env.cr.precommit.run()  # tracking is posted just before commit
        self.assertRecordValues(self._grade_trackings(self.customer),
                                [{'old_value_char': '', 'new_value_char': 'B (general)'}])


@tagged('post_install', '-at_install')
class TestLifecycle(GradingCase):

    def test_lifecycle_transitions_over_time(self):
        start = self.today
        with freeze_time(start):
            self.assertEqual(self.customer.customer_lifecycle, 'prospect')
            self._order(self.customer, 100, day=start)
            self._grade()
            self.assertEqual(self.customer.customer_lifecycle, 'new')
        with freeze_time(start + timedelta(days=90)):
            self._grade()
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.customer_lifecycle, 'new')
        with freeze_time(start + timedelta(days=91)):
            self._grade()
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.customer_lifecycle, 'active')
        with freeze_time(start + timedelta(days=181)):
            self._grade()
            self.customer.invalidate_recordset()
            self.assertEqual(self.customer.customer_lifecycle, 'dormant')
        with freeze_time(start + timedelta(days=200)):
            self._order(self.customer, 100, day=start + timedelta(days=200))
            self._grade()
            self.customer.invalidate_recordset()
            self.assertRecordValues(self.customer, [{
                'customer_lifecycle': 'active',
                'first_order_date': start, 'last_order_date': start + timedelta(days=200),
            }])

    def test_lifecycle_days_are_settings(self):
        self.company.write({'followup_new_days': 10, 'followup_dormant_days': 20})
        self._order(self.customer, 100, day=self.today - timedelta(days=15))
        recent = self._customer("Recent")
        self._order(recent, 100, day=self.today - timedelta(days=5))
        gone = self._customer("Gone")
        self._order(gone, 100, day=self.today - timedelta(days=25))
        self._grade()
        self.assertEqual(
            (self.customer | recent | gone).mapped('customer_lifecycle'), ['active', 'new', 'dormant'])


@tagged('post_install', '-at_install')
class TestGradingMultiCurrencyCompany(GradingCase):

    def test_foreign_currency_orders_convert_to_company_currency(self):
        foreign = self.env['res.currency'].with_context(active_test=False).search(
            [('id', '!=', self.company.currency_id.id)], limit=1)
        foreign.active = True
        foreign.rate_ids.unlink()
        self.env['res.currency.rate'].create({
            'currency_id': foreign.id, 'name': '2000-01-01', 'rate': 4.0, 'company_id': self.company.id,
        })
        pricelist = self.env['product.pricelist'].create({'name': 'Foreign', 'currency_id': foreign.id})
        order = self._order(self.customer, 400, pricelist=pricelist)
        self.assertEqual(order.currency_id, foreign)
        self._grade()
        self.assertEqual(self.customer.grade_revenue, 100.0)

    def test_two_companies_grade_the_same_partner_differently(self):
        company_2 = self.env['res.company'].create({'name': 'Second Co'})
        self.env.user.company_ids |= company_2
        big = self._customer("Big Elsewhere")
        # main company: Lotus is key, Big is occasional; second company: the reverse
        self._orders([(self.customer, 960), (big, 40)])
        self._orders([(self.customer, 10), (big, 990)], company=company_2)
        self._grade(self.company | company_2)
        self.assertEqual(self._grades(self.customer | big, self.company), ['a', 'c'])
        self.assertEqual(self._grades(self.customer | big, company_2), ['c', 'a'])
        self.assertEqual(self.customer.with_company(company_2).grade_revenue, 10.0)
        self.assertEqual(self.customer.with_company(self.company).grade_revenue, 960.0)
        # grading one company leaves the other untouched
        self._orders([(big, 10000)])
        self._grade(self.company)
        self.assertEqual(self._grades(self.customer | big, company_2), ['c', 'a'])
        self.assertEqual(self._grades(self.customer | big, self.company), ['b', 'a'])


@tagged('post_install', '-at_install')
class TestGradingSettings(GradingCase):

    def test_percent_sum_over_100_refused_and_nothing_changes(self):
        with self.assertRaises(ValidationError) as refused:
            self.company.write({'followup_grade_a_percent': 90, 'followup_grade_b_percent': 15})
        self.assertIn("cannot exceed 100%", str(refused.exception))
        self.company.invalidate_recordset()
        self.assertRecordValues(self.company, [{
            'followup_grade_a_percent': 80.0, 'followup_grade_b_percent': 15.0}])

    def test_settings_form_refuses_inconsistent_values(self):
        with self.assertRaises(ValidationError):
            settings = self.env['res.config.settings'].create({
                'followup_grade_a_percent': 70, 'followup_grade_b_percent': 40})
            settings.execute()
        self.company.invalidate_recordset()
        self.assertEqual(self.company.followup_grade_a_percent, 80.0)

    def test_negative_grading_setting_refused(self):
        with self.assertRaises(ValidationError) as refused:
            self.company.write({'followup_dormant_days': -5})
        self.assertIn("Dormant", str(refused.exception))

    def test_threshold_b_above_a_refused(self):
        with self.assertRaises(ValidationError):
            self.company.write({'followup_grade_a_amount': 100, 'followup_grade_b_amount': 500})
        self.company.invalidate_recordset()
        self.assertEqual(self.company.followup_grade_b_amount, 0.0)


@tagged('post_install', '-at_install')
class TestGradingMAN(GradingCase):

    def test_man_profile_and_recommendation(self):
        prospect = self._customer("Maybe Corp")
        self.assertEqual(prospect.man_profile, 'm+a+n')
        self.assertEqual(prospect.man_recommendation, "Not a prospect: stop contacting.")
        prospect.write({'man_money': True, 'man_authority': True})
        self.assertEqual(prospect.man_profile, 'M+A+n')
        self.assertEqual(prospect.man_recommendation, "Contact; skilled selling can create the need.")
        prospect.man_need = True
        self.assertRecordValues(prospect, [{
            'man_profile': 'M+A+N', 'man_recommendation': "Ideal prospect: pursue now."}])
        prospect.write({'man_money': False, 'man_authority': False})
        self.assertEqual(prospect.man_recommendation, "Contact; observe and nurture over the long term.")

    def test_man_filters(self):
        qualified = self._customer("Qualified", man_money=True, man_authority=True, man_need=True)
        no_money = self._customer("No Money", man_authority=True, man_need=True)
        customer = self._customer("Already Buying", man_money=True, man_authority=True, man_need=True)
        self._order(customer, 10)
        self._grade()
        Partner = self.env['res.partner']
        found = Partner.search([('customer_lifecycle', '=', 'prospect'), ('man_profile', '=', 'M+A+N')])
        self.assertIn(qualified, found)
        self.assertNotIn(customer, found)
        self.assertIn(no_money, Partner.search([('man_profile', '=', 'm+A+N')]))
        # the contact inherits its company's qualification
        contact = Partner.create({'name': 'Boss', 'parent_id': qualified.id})
        self.assertEqual(contact.man_profile, 'M+A+N')


@tagged('post_install', '-at_install')
class TestGradingScale(GradingCase):

    def _first_run_queries(self, count):
        partners = self.env['res.partner'].create([
            {'name': f"Scale {count} {i}", 'is_company': True, 'customer_rank': 1} for i in range(count)])
        self._orders([(partner, 10 + i) for i, partner in enumerate(partners)])
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        changed = self._grade()
        queries = self.env.cr.sql_log_count - before
        self.assertEqual(changed, count)
        return queries

    def test_query_count_does_not_grow_with_partners(self):
        counts = []
        for size in (10, 10, 100):  # the first run only warms the caches
            with self.env.cr.savepoint(flush=False) as savepoint:
                counts.append(self._first_run_queries(size))
                savepoint.rollback()
            self.env.invalidate_all()
        self.assertEqual(counts[1], counts[2])

    def test_board_shows_all_grade_columns(self):
        groups = self.env['res.partner'].formatted_read_group(
            [('id', '=', self.customer.id)], ['customer_grade'], ['__count'])
        self.assertEqual([g['customer_grade'] for g in groups], [False])
        result = self.env['res.partner'].with_context(read_group_expand=True).web_read_group(
            [('id', '=', self.customer.id)], ['customer_grade'], ['__count'], auto_unfold=True)
        self.assertEqual([g['customer_grade'] for g in result['groups']], ['a', 'b', 'c', False])

    def test_revenue_pivot_by_grade_and_salesperson(self):
        small = self._customer("Small")
        self._orders([(self.customer, 300), (small, 20)])
        self._grade()
        groups = self.env['res.partner']._read_group(
            [('id', 'in', (self.customer | small).ids)], ['customer_grade', 'user_id'], ['grade_revenue:sum'])
        self.assertEqual(sorted(groups), [('a', self.salesperson, 300.0), ('b', self.salesperson, 20.0)])


@tagged('post_install', '-at_install')
class TestCustomerBoardFilters(GradingCase):

    def _board_filters(self):
        arch = self.env['res.partner'].get_views(
            [(self.env.ref('sales_followup.view_partner_search_customer_board').id, 'search')]
        )['views']['search']['arch']
        return {
            node.get('name'): safe_eval(node.get('domain'), {'uid': self.salesperson.id})
            for node in etree.fromstring(arch).iter('filter') if node.get('domain')
        }

    def test_board_filters(self):
        filters = self._board_filters()
        newbie = self._customer("Newbie")
        self._order(newbie, 10)
        sleeper = self._customer("Sleeper", user_id=self.sales_manager.id)
        self._order(sleeper, 10, day=self.today - timedelta(days=400))
        prospect = self._customer("Qualified Prospect", man_money=True, man_authority=True, man_need=True)
        self._grade()
        with freeze_time(self.today + timedelta(days=2)):
            due = self.env['res.partner'].search(filters['review_due'])
        self.assertIn(newbie, due)  # grade A: reviewed daily
        self.assertNotIn(sleeper, self.env['res.partner'].search(filters['review_due']))  # C: monthly

        def found(name):
            return self.env['res.partner'].with_user(self.salesperson).search(filters[name])

        self.assertIn(newbie, found('lifecycle_new'))
        self.assertIn(sleeper, found('lifecycle_dormant'))
        self.assertNotIn(sleeper, found('my_customers'))
        self.assertIn(newbie, found('my_customers'))
        self.assertIn(prospect, found('man_qualified'))
        self.assertNotIn(prospect, found('man_profile_000'))
        self.assertIn(self.customer, found('man_profile_000'))
        # one filter per MAN profile
        self.assertEqual(
            {name for name in filters if name.startswith('man_profile_')} | {'man_qualified'},
            {f'man_profile_{bits:03b}' for bits in range(7)} | {'man_qualified'})
