"""No path around a credit decision: an approval covers one order, for one
customer, up to one amount; nothing ships while a decision is pending."""
from lxml import etree

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_credit import CreditCase


@tagged('post_install', '-at_install')
class TestCreditIntegrity(CreditCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_credit_mode = 'approval'
        cls.other_customer = cls.env['res.partner'].create({
            'name': 'Birch Imports', 'is_company': True, 'customer_rank': 1, 'user_id': cls.salesperson.id,
        })
        cls.set_limit(cls.other_customer, 100.0)
        cls.goods = cls.env['product.product'].create({
            'name': 'Credit Crate', 'type': 'consu', 'invoice_policy': 'order', 'list_price': 750.0,
            'taxes_id': [Command.clear()],
        })

    def _approved_order(self, amount=750.0, product=None):
        """An order above what the customer's exposure allows, approved by a
        credit controller and so confirmed."""
        self.confirmed_order(900.0)  # leaves 100 of the 1,000 limit
        order = self.make_order(amount)
        if product:
            order.order_line.product_id = product
        self.confirm_as(order)
        self.assertEqual(order.credit_approval_state, 'pending')
        order.with_user(self.credit_controller).action_credit_approve()
        self.assertRecordValues(order, [{
            'state': 'sale', 'credit_approval_state': 'approved', 'credit_approved_partner_id': self.customer.id,
        }])
        return order

    def test_approval_is_not_reused_for_another_customer(self):
        order = self._approved_order()
        exposure = self.exposure(self.other_customer)
        order.with_user(self.salesperson).action_cancel()
        order.with_user(self.salesperson).action_draft()
        self.assertRecordValues(order, [{'credit_approval_state': False, 'credit_approved_amount': 0.0}])
        order.with_user(self.salesperson).write({'partner_id': self.other_customer.id})
        self.confirm_as(order)
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        self.assertEqual(self.exposure(self.other_customer), exposure)
        self.assertFalse(order.picking_ids.filtered(lambda picking: picking.state != 'cancel'))

    def test_moving_a_draft_to_another_customer_voids_its_approval(self):
        order = self.make_order(750.0)
        self.confirmed_order(900.0)
        self.confirm_as(order)
        order.with_user(self.credit_controller).action_credit_approve()
        order.with_user(self.salesperson).action_cancel()
        order.with_user(self.salesperson).action_draft()
        # Even an approval forged back in place would name the first customer.
        order.sudo().write({'credit_approval_state': 'approved', 'credit_approved_amount': 750.0,
                            'credit_approved_partner_id': self.customer.id})
        order.with_user(self.salesperson).write({'partner_id': self.other_customer.id})
        self.assertFalse(order.credit_approval_state)
        self.confirm_as(order)
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])

    def test_cancel_and_confirm_again_is_checked_again(self):
        order = self._approved_order()
        order.with_user(self.salesperson).action_cancel()
        order.with_user(self.salesperson).action_draft()
        self.confirmed_order(2000.0)  # other orders use up the limit meanwhile
        exposure = self.exposure()
        self.confirm_as(order)
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        self.assertEqual(self.exposure(), exposure)

    def test_in_block_mode_the_second_confirmation_is_refused(self):
        order = self._approved_order()
        order.with_user(self.salesperson).action_cancel()
        order.with_user(self.salesperson).action_draft()
        self.company.followup_credit_mode = 'block'
        with self.assertRaises(UserError) as refused:
            self.confirm_as(order)
        self.assertIn(order.name, str(refused.exception))
        self.assertEqual(order.state, 'draft')

    def test_delivery_of_a_pending_order_cannot_be_validated(self):
        order = self._approved_order(product=self.goods)
        self.assertEqual(order.amount_total, 750.0)
        # The order grows past its approval: back to pending, still confirmed.
        order.with_user(self.salesperson).order_line.product_uom_qty = 6
        self.assertRecordValues(order, [{'state': 'sale', 'credit_approval_state': 'pending'}])
        picking = order.picking_ids
        picking.move_ids.quantity = 6
        with self.assertRaises(UserError) as refused:
            picking.with_user(self.salesperson).button_validate()
        self.assertIn(order.name, str(refused.exception))
        self.assertIn(picking.name, str(refused.exception))
        self.assertNotEqual(picking.state, 'done')
        self.assertEqual(order.order_line.qty_delivered, 0.0)
        # Approved again, the goods go.
        order.with_user(self.credit_controller).action_credit_approve()
        picking.button_validate()
        self.assertEqual(picking.state, 'done')

    def test_pending_order_shows_no_confirm_button_and_repeats_nothing(self):
        arch = etree.fromstring(self.env['sale.order'].get_views([(False, 'form')])['views']['form']['arch'])
        buttons = arch.xpath("//header/button[@name='action_confirm']")
        self.assertTrue(buttons)
        for button in buttons:
            self.assertIn("credit_approval_state == 'pending'", button.get('invisible'))
        self.confirmed_order(900.0)
        order = self.make_order(500.0)
        self.confirm_as(order)
        notes = order.message_ids.filtered(lambda message: 'Waiting for credit approval' in (message.body or ''))
        self.confirm_as(order)
        self.confirm_as(order)
        self.assertEqual(
            order.message_ids.filtered(lambda message: 'Waiting for credit approval' in (message.body or '')),
            notes)

    def test_one_set_of_figures_on_the_order(self):
        """Where the addon checks credit its banner replaces Odoo's, which
        keeps computing for other modules."""
        arch = etree.fromstring(self.env['sale.order'].get_views([(False, 'form')])['views']['form']['arch'])
        [core_banner] = arch.xpath("//div[field[@name='partner_credit_warning']]")
        self.assertIn('credit_check_active', core_banner.get('invisible'))
        order = self.make_order(1500.0)
        self.assertTrue(order.credit_check_active)
        self.assertTrue(order.partner_credit_warning)

    def test_figures_are_right_in_a_fresh_transaction_state(self):
        self.make_invoice(300.0)
        self.confirmed_order(200.0)
        # Nothing loaded yet, not even the company.
        self.env.invalidate_all()
        self.assertEqual(self.env['credit.exposure']._get_figures(self.customer.ids, self.company)[
            self.customer.id]['exposure'], 500.0)
        self.env.invalidate_all()
        self.assertEqual(self.customer.with_company(self.company).credit_exposure, 500.0)
        for user in (self.salesperson, self.sales_manager):
            with self.subTest(user=user.login):
                self.env.invalidate_all()
                partner = self.customer.with_user(user)
                self.assertRecordValues(partner, [{
                    'credit_exposure': 500.0, 'credit_available': 500.0, 'credit_limit_amount': 1000.0,
                }])
                self.env.invalidate_all()
                order = self.make_order(100.0).with_user(user)
                self.env.invalidate_all()
                self.assertRecordValues(order, [{'credit_exposure': 600.0, 'credit_available': 400.0}])
