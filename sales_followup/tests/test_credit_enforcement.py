from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import formatLang

from .common_credit import CreditCase


@tagged('post_install', '-at_install')
class TestCreditEnforcement(CreditCase):
    """Block mode and the rules shared by every mode: limit, tolerance, no
    limit, off/warn, manual hold, overdue invoices, portal and payment."""

    def money(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency)

    def test_under_and_at_the_limit_confirm(self):
        self.confirmed_order(600.0)
        under = self.make_order(300.0)
        self.confirm_as(under)
        self.assertEqual(under.state, 'sale')
        at_limit = self.make_order(100.0)
        self.confirm_as(at_limit)
        self.assertRecordValues(at_limit, [{'state': 'sale', 'credit_approval_state': False}])

    def test_over_the_limit_is_refused_with_the_numbers(self):
        self.make_invoice(400.0)
        self.confirmed_order(500.0)
        order = self.make_order(250.0)
        with self.assertRaises(UserError) as cm:
            self.confirm_as(order)
        message = str(cm.exception)
        self.assertIn(self.money(1150.0), message, "the exposure with this order")
        self.assertIn(self.money(1000.0), message, "the limit")
        self.assertIn(formatLang(self.env, 250.0, currency_obj=order.currency_id), message, "the order total")
        self.assertEqual(order.state, 'draft')
        self.assertFalse(order.credit_approval_state)

    def test_tolerance_allows_a_margin_above_the_limit(self):
        self.company.followup_credit_tolerance = 10.0
        order = self.make_order(1100.0)
        self.confirm_as(order)
        self.assertEqual(order.state, 'sale')
        with self.assertRaises(UserError):
            self.confirm_as(self.make_order(0.01))

    def test_no_limit_means_no_amount_check(self):
        self.set_limit(self.customer, 0.0)
        order = self.make_order(1_000_000.0)
        self.confirm_as(order)
        self.assertEqual(order.state, 'sale')

    def test_partner_without_own_limit_follows_company_default(self):
        newcomer = self.env['res.partner'].create({'name': 'Newcomer Ltd', 'is_company': True})
        self.env['ir.default'].set('res.partner', 'credit_limit', 500.0, company_id=self.company.id)
        self.env.invalidate_all()
        self.assertEqual(newcomer.with_user(self.salesperson).credit_limit_amount, 500.0)
        with self.assertRaises(UserError):
            self.confirm_as(self.make_order(600.0, partner=newcomer))
        self.confirm_as(self.make_order(500.0, partner=newcomer))

    def test_mode_off_and_warn_never_block(self):
        for mode in ('off', 'warn'):
            self.company.followup_credit_mode = mode
            order = self.make_order(5000.0)
            self.confirm_as(order)
            self.assertRecordValues(order, [{'state': 'sale', 'credit_approval_state': False}])
        self.company.followup_credit_mode = 'block'
        self.company.account_use_credit_limit = False
        order = self.make_order(5000.0)
        self.confirm_as(order)
        self.assertEqual(order.state, 'sale', "without Odoo's credit limit switch the mode does not apply")

    def test_several_orders_confirmed_together_count_together(self):
        orders = self.make_order(600.0) | self.make_order(600.0)
        with self.assertRaises(UserError):
            self.confirm_as(orders)
        self.assertEqual(set(orders.mapped('state')), {'draft'})

    def test_manual_hold_blocks_whatever_the_amount(self):
        self.customer.with_user(self.credit_controller).credit_hold = True
        order = self.make_order(1.0)
        with self.assertRaises(UserError) as cm:
            self.confirm_as(order)
        self.assertIn("credit hold", str(cm.exception))
        self.assertEqual(order.state, 'draft')
        self.set_limit(self.customer, 0.0)
        with self.assertRaises(UserError):
            self.confirm_as(order)
        self.customer.with_user(self.credit_controller).credit_hold = False
        self.confirm_as(order)
        self.assertEqual(order.state, 'sale')

    def test_hold_on_company_reaches_its_contacts(self):
        contact = self.env['res.partner'].create({'name': 'Lee Buyer', 'parent_id': self.customer.id})
        self.customer.with_user(self.credit_controller).credit_hold = True
        self.assertTrue(contact.credit_hold)
        with self.assertRaises(UserError):
            self.confirm_as(self.make_order(1.0, partner=contact))

    def test_overdue_invoices_block_beyond_the_allowed_days(self):
        self.company.followup_credit_overdue_days = 30
        with freeze_time('2026-01-01'):
            self.make_invoice(100.0, invoice_date='2026-01-01', due_date='2026-01-01')
        with freeze_time('2026-01-31'):
            order = self.make_order(10.0)
            self.confirm_as(order)  # 30 days overdue: not beyond the 30 allowed
            self.assertEqual(order.state, 'sale')
        with freeze_time('2026-02-01'):
            order = self.make_order(10.0)
            with self.assertRaises(UserError) as cm:
                self.confirm_as(order)
            self.assertIn("31 days", str(cm.exception))
            self.assertEqual(order.state, 'draft')
            self.company.followup_credit_overdue_days = 0
            self.confirm_as(order)
            self.assertEqual(order.state, 'sale', "0 days turns the overdue rule off")

    def test_paid_overdue_invoice_no_longer_blocks(self):
        self.company.followup_credit_overdue_days = 5
        with freeze_time('2026-03-01'):
            invoice = self.make_invoice(100.0, invoice_date='2026-01-01', due_date='2026-01-10')
            with self.assertRaises(UserError):
                self.confirm_as(self.make_order(10.0))
            self.pay(invoice, 100.0)
            order = self.make_order(10.0)
            self.confirm_as(order)
            self.assertEqual(order.state, 'sale')

    def test_portal_signature_goes_pending_instead_of_failing(self):
        portal_user = new_test_user(self.env, login='sf_credit_portal', groups='base.group_portal')
        order = self.make_order(5000.0)
        # What /my/orders/<id>/accept does: the portal user's request, on the
        # order in sudo.
        order.with_user(portal_user).sudo()._validate_order()
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        activity = order.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref('sales_followup.mail_activity_type_credit_approval'))
        self.assertIn(self.credit_controller, activity.user_id)
        notes = order.message_ids.filtered(lambda message: "Waiting for credit approval" in message.body)
        self.assertEqual(len(notes), 1)

    def test_online_payment_goes_pending_instead_of_confirming(self):
        order = self.make_order(5000.0)
        provider = self.env['payment.provider'].create({'name': 'Credit Test Provider', 'state': 'test'})
        tx = self.env['payment.transaction'].create({
            'provider_id': provider.id,
            'payment_method_id': self.env.ref('payment.payment_method_unknown').id,
            'reference': 'CREDIT-TX-1',
            'amount': order.amount_total,
            'currency_id': order.currency_id.id,
            'partner_id': self.customer.id,
            'sale_order_ids': [(6, 0, order.ids)],
            'state': 'done',
        })
        confirmed = tx._check_amount_and_confirm_order()
        self.assertFalse(confirmed, "an order put on hold is not reported as confirmed")
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        self.assertTrue(order.activity_ids)

    def test_online_payment_post_processed_by_an_employee_goes_pending(self):
        """An accountant clicking "Post-process" on the transaction is an
        employee at the desk, but the customer has paid: the order must go
        pending, not raise and undo the payment's processing."""
        accountant = new_test_user(
            self.env, login='sf_credit_tx_accountant',
            groups='account.group_account_invoice,sales_team.group_sale_manager')
        order = self.make_order(5000.0)
        provider = self.env['payment.provider'].create({'name': 'Credit Test Provider', 'state': 'test'})
        tx = self.env['payment.transaction'].create({
            'provider_id': provider.id,
            'payment_method_id': self.env.ref('payment.payment_method_unknown').id,
            'reference': 'CREDIT-TX-2',
            'amount': order.amount_total,
            'currency_id': order.currency_id.id,
            'partner_id': self.customer.id,
            'sale_order_ids': [(6, 0, order.ids)],
            'state': 'done',
        })
        self.assertFalse(tx.with_user(accountant)._check_amount_and_confirm_order())
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        # Outside the payment, the same employee still gets the block error.
        with self.assertRaises(UserError):
            self.confirm_as(self.make_order(5000.0), accountant)

    def test_pending_order_that_now_fits_confirms(self):
        invoice = self.make_invoice(900.0)
        order = self.make_order(500.0)
        order.sudo().action_confirm()  # superuser code: pending, never an error
        self.assertEqual(order.credit_approval_state, 'pending')
        self.pay(invoice, 900.0)
        self.confirm_as(order)
        self.assertRecordValues(order, [{'state': 'sale', 'credit_approval_state': False}])
        self.assertFalse(order.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref('sales_followup.mail_activity_type_credit_approval')))

    def test_check_costs_a_constant_number_of_queries(self):
        """The queries the check adds to a confirmation do not depend on the
        number of order lines or open invoices (bench/bench_credit.py prints
        the same figures on bigger data)."""
        self.set_limit(self.customer, 1_000_000.0)

        def confirmation_queries(order, mode):
            self.company.followup_credit_mode = mode
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.confirm_as(order)
            self.env.flush_all()
            return self.env.cr.sql_log_count - before

        def extra_queries(lines):
            warmup, off_order, on_order = (self.make_order(30.0, lines=lines) for _i in range(3))
            confirmation_queries(warmup, 'block')
            return confirmation_queries(on_order, 'block') - confirmation_queries(off_order, 'off')

        small = extra_queries(1)
        for _i in range(20):
            self.make_invoice(5.0)
        self.assertEqual(extra_queries(50), small)
        self.assertLessEqual(small, 6)
