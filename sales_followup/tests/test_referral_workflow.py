from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_referral import ReferralCase


@tagged('post_install', '-at_install')
class TestReferralWorkflow(ReferralCase):
    """The pipeline by hand (new, contacted, qualified, lost), and won by the
    referred customer's orders only: revenue, thanks card, reward pending,
    cancellation."""

    def test_steps_by_button_and_by_direct_write(self):
        referral = self._referral(self.customer, self.nova, user=self.salesperson).with_user(self.salesperson)
        self.assertRecordValues(referral, [{'can_contact': True, 'can_qualify': True, 'can_lose': True,
                                            'can_reopen': False}])
        referral.action_contact()
        self.assertEqual(referral.state, 'contacted')
        with self.assertRaises(UserError):
            referral.action_contact()
        referral.write({'state': 'qualified'})  # kanban drag and drop
        self.assertEqual(referral.state, 'qualified')
        referral.action_lose()
        with self.assertRaises(UserError):
            referral.write({'state': 'qualified'})
        self.assertEqual(referral.state, 'lost')
        referral.action_reopen()
        self.assertEqual(referral.state, 'new')

    def test_nobody_wins_a_referral_by_hand(self):
        referral = self._referral(self.customer, self.nova)
        for user in (self.salesperson, self.sales_manager):
            with self.subTest(user=user.login), self.assertRaises(UserError):
                referral.with_user(user).write({'state': 'won'})
            with self.subTest(user=user.login), self.assertRaises(UserError):
                referral.with_user(user).write({'date_won': fields.Date.today()})
        with self.assertRaises(UserError):
            self.Referral.with_user(self.sales_manager).create({
                'referrer_id': self.customer.id, 'referred_id': self._partner('Birch').id, 'state': 'won'})
        self.assertRecordValues(referral, [{'state': 'new', 'date_won': False}])

    def test_first_order_wins_and_thanks_the_referrer_once(self):
        self.customer.user_id = self.other_salesperson
        referral = self._referral(self.customer, self.nova, reward_type='gift', reward_amount=50.0)
        quotation = self._order(self.nova_contact, amount=300.0, confirm=False)
        self.assertEqual(referral.state, 'new')
        self.assertEqual(referral.revenue, 0.0)
        quotation.action_confirm()
        self.assertRecordValues(referral, [{
            'state': 'won', 'won_order_id': quotation.id, 'date_won': fields.Date.today(),
            'revenue': 300.0, 'reward_state': 'pending',
        }])
        thanks = self._cards('referrer_thanks')
        self.assertRecordValues(thanks, [{
            'partner_id': self.customer.id, 'user_id': self.other_salesperson.id, 'state': 'todo',
            'occasion_key': 'customer.referral,%s' % referral.id,
        }])
        # A second order adds revenue; no second card, even after a cancel and a win again.
        second = self._order(self.nova, amount=200.0)
        self.assertEqual(referral.revenue, 500.0)
        quotation._action_cancel()
        self.assertRecordValues(referral, [{'state': 'won', 'won_order_id': second.id, 'revenue': 200.0}])
        second._action_cancel()
        self.assertEqual(referral.state, 'qualified')
        self._order(self.nova, amount=100.0)
        self.assertEqual(referral.state, 'won')
        self.assertEqual(self._cards('referrer_thanks'), thanks)

    def test_cancelling_the_order_before_the_reward_requalifies(self):
        referral = self._referral(self.customer, self.nova, reward_type='gift')
        order = self._order(self.nova)
        self.assertEqual(referral.reward_state, 'pending')
        order._action_cancel()
        self.assertRecordValues(referral, [{
            'state': 'qualified', 'won_order_id': False, 'date_won': False, 'reward_state': 'none', 'revenue': 0.0,
        }])

    def test_cancelling_after_the_reward_keeps_it_won(self):
        referral = self._referral(self.customer, self.nova, reward_type='gift')
        order = self._order(self.nova)
        referral.with_user(self.sales_manager).action_grant_reward()
        order._action_cancel()
        self.assertRecordValues(referral, [{'state': 'won', 'reward_state': 'granted'}])

    def test_revenue_is_untaxed_company_currency_since_the_referral(self):
        with freeze_time('2026-03-01'):
            self._order(self.nova, amount=1000.0)  # before the referral: not its revenue
        with freeze_time('2026-04-01'):
            referral = self._referral(self.customer, self.nova, date=date(2026, 4, 1))
            self.assertEqual(referral.state, 'new')
            taxed = self._order(self.nova_contact, amount=100.0, confirm=False)
            tax = self.env['account.tax'].create({'name': '10 %', 'amount': 10.0})
            taxed.order_line.tax_ids = tax
            taxed.action_confirm()
        self.assertEqual(taxed.amount_untaxed, 100.0)
        self.assertRecordValues(referral, [{'state': 'won', 'revenue': 100.0}])
        # An order of another currency counts at its rate.
        currency = self.env['res.currency'].with_context(active_test=False).search(
            [('name', '=', 'EUR' if self.company.currency_id.name != 'EUR' else 'USD')])
        currency.active = True
        self.env['res.currency.rate'].create({'currency_id': currency.id, 'rate': 2.0, 'name': '2026-01-01'})
        pricelist = self.env['product.pricelist'].create({'name': 'Foreign', 'currency_id': currency.id})
        foreign = self._order(self.nova, amount=400.0, confirm=False)
        foreign.pricelist_id = pricelist
        foreign.order_line.price_unit = 400.0
        foreign.action_confirm()
        self.assertAlmostEqual(referral.revenue, 100.0 + 400.0 / foreign.currency_rate)
        # Lines added to a confirmed order count at once.
        taxed.order_line = [Command.create({'product_id': self.product.id, 'price_unit': 50.0,
                                            'tax_ids': [Command.clear()]})]
        self.assertAlmostEqual(referral.revenue, 150.0 + 400.0 / foreign.currency_rate)

    def test_orders_of_other_customers_or_companies_do_not_count(self):
        referral = self._referral(self.customer, self.nova)
        self._order(self.other_customer)
        self._order(self.customer)
        company_b = self.env['res.company'].create({'name': 'Second Company'})
        self.env.user.company_ids = [Command.link(company_b.id)]
        self._order(self.nova, company=company_b)
        self.assertRecordValues(referral, [{'state': 'new', 'revenue': 0.0}])

    def test_partner_referral_figures_come_from_one_grouped_query(self):
        partners = self.customer | self.nova
        first = self._referral(self.customer, self._partner('Alpha'))
        self._referral(self.customer, self._partner('Beta'))
        self._referral(self.nova, self._partner('Gamma'))
        self._order(first.referred_id, amount=250.0)
        partners.invalidate_recordset(['referral_count', 'referral_revenue'])
        with self.assertQueryCount(1):
            figures = [(partner.referral_count, partner.referral_revenue) for partner in partners]
        self.assertEqual(figures, [(2, 250.0), (1, 0.0)])
        self.assertEqual(self.lotus_contact.referral_count, 2, "a contact shows its company's referrals")

    def test_leaderboard_groups_won_referrals_and_revenue_by_referrer(self):
        for name, amount in (('Alpha', 100.0), ('Beta', 300.0)):
            self._order(self._referral(self.customer, self._partner(name)).referred_id, amount=amount)
        self._order(self._referral(self.nova, self._partner('Gamma')).referred_id, amount=1000.0)
        self._referral(self.nova, self._partner('Delta'))
        rows = self.Referral._read_group(
            [('state', '=', 'won')], ['referrer_commercial_id', 'date_won:quarter'], ['__count', 'revenue:sum'],
            order='revenue:sum desc')
        self.assertEqual([(partner, count, revenue) for partner, _quarter, count, revenue in rows],
                         [(self.nova, 1, 1000.0), (self.customer, 2, 400.0)])

    def test_a_later_referral_date_leaves_out_earlier_orders(self):
        with freeze_time(date.today() - timedelta(days=5)):
            self._order(self.nova, amount=100.0)
        referral = self._referral(self.customer, self.nova, date=date.today() - timedelta(days=10))
        self.assertEqual(referral.state, 'won', "the order since the referral date wins it at once")
        referral.date = date.today()
        self.assertRecordValues(referral, [{'state': 'qualified', 'revenue': 0.0}])

    def test_referrals_created_together_get_consecutive_references(self):
        referred = self.env['res.partner'].create([{'name': f'Batch Lead {index}'} for index in range(4)])
        referrals = self.Referral.create([
            {'referrer_id': self.customer.id, 'referred_id': partner.id} for partner in referred])
        numbers = [int(name.rsplit('/', 1)[1]) for name in referrals.mapped('name')]
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 4)))
        self.assertTrue(all(name.startswith(f'REF/{date.today().year}/') for name in referrals.mapped('name')))
        # An administrator may make the sequence gapless: the batch follows it.
        sequence = self.env['ir.sequence'].search(
            [('code', '=', 'customer.referral'), ('company_id', '=', self.env.company.id)])
        sequence.write({'implementation': 'no_gap', 'number_next': 100})
        more = self.env['res.partner'].create([{'name': f'Gapless Lead {index}'} for index in range(2)])
        gapless = self.Referral.create([
            {'referrer_id': self.customer.id, 'referred_id': partner.id} for partner in more])
        self.assertEqual([int(name.rsplit('/', 1)[1]) for name in gapless.mapped('name')],
                         [100, 101])
