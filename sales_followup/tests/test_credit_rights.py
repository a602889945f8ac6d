from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common_credit import CreditCase


@tagged('post_install', '-at_install')
class TestCreditRights(CreditCase):
    """Paths around action_confirm that must not get past the credit check,
    and who sees and decides what, across salespeople and companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.approval_type = cls.env.ref('sales_followup.mail_activity_type_credit_approval')
        cls.other_salesperson = new_test_user(
            cls.env, login='sf_credit_other_seller', name='Otto Other',
            groups='sales_team.group_sale_salesman',
        )

    def approval_activities(self, order):
        return order.activity_ids.filtered(lambda act: act.activity_type_id == self.approval_type)

    # ------------------------------------------------------------------
    # RPC paths around action_confirm
    # ------------------------------------------------------------------
    def test_writing_the_state_directly_is_checked(self):
        order = self.make_order(5000.0)
        for mode in ('block', 'approval'):
            self.company.followup_credit_mode = mode
            with self.assertRaises(UserError) as cm:
                order.with_user(self.salesperson).write({'state': 'sale'})
            self.assertIn("Credit limit exceeded", str(cm.exception))
            self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': False}])
        # Under the limit, the same write is Odoo's business as usual.
        small = self.make_order(100.0)
        small.with_user(self.salesperson).write({'state': 'sale'})
        self.assertEqual(small.state, 'sale')

    def test_writing_the_state_of_a_held_customer_is_checked(self):
        self.customer.with_user(self.credit_controller).credit_hold = True
        order = self.make_order(1.0)
        with self.assertRaises(UserError) as cm:
            order.with_user(self.salesperson).write({'state': 'sale'})
        self.assertIn("credit hold", str(cm.exception))
        self.assertEqual(order.state, 'draft')

    def test_creating_a_confirmed_order_directly_is_checked(self):
        with self.assertRaises(UserError):
            self.env['sale.order'].with_user(self.salesperson).create({
                'partner_id': self.customer.id,
                'state': 'sale',
                'order_line': [Command.create({
                    'product_id': self.product.id, 'price_unit': 5000.0, 'tax_ids': [Command.clear()],
                })],
            })
        self.assertFalse(self.env['sale.order'].search([('partner_id', '=', self.customer.id)]))

    def test_moving_a_confirmed_order_to_another_invoice_address_is_checked(self):
        rich = self.env['res.partner'].create({'name': 'Deep Pockets Inc', 'is_company': True})
        self.set_limit(rich, 1_000_000.0)
        order = self.make_order(5000.0, partner=rich)
        self.confirm_as(order)
        with self.assertRaises(UserError) as cm:
            order.with_user(self.salesperson).write({'partner_invoice_id': self.customer.id})
        self.assertIn(self.customer.name, str(cm.exception))
        self.assertEqual(order.partner_invoice_id, rich, "the move is undone")
        self.assertEqual(self.exposure(), 0.0)
        # Approval mode: the moved order waits for a controller, who decides
        # for the new customer (the approval given for the old one is void).
        self.company.followup_credit_mode = 'approval'
        order.with_user(self.salesperson).write({'partner_invoice_id': self.customer.id})
        self.assertRecordValues(order, [{'state': 'sale', 'credit_approval_state': 'pending'}])
        self.assertTrue(self.approval_activities(order))
        # A move inside the same commercial entity is no new exposure.
        billing = self.env['res.partner'].create({
            'name': 'Lotus Accounts', 'parent_id': self.customer.id, 'type': 'invoice'})
        self.company.followup_credit_mode = 'block'
        order.with_user(self.salesperson).write({'partner_invoice_id': billing.id})
        self.assertEqual(order.partner_invoice_id, billing)

    def test_salesperson_cannot_write_the_rejection_reason(self):
        order = self.make_order(100.0)
        with self.assertRaises(AccessError):
            order.with_user(self.salesperson).write({'credit_reject_reason': "Looks fine to me"})
        self.assertFalse(order.credit_reject_reason)

    def test_salesperson_adds_a_contact_to_a_customer_on_hold(self):
        """The hold is copied to new contacts by Odoo's commercial sync, which
        must not be mistaken for a salesperson setting a hold."""
        self.customer.with_user(self.credit_controller).credit_hold = True
        seller = new_test_user(self.env, login='sf_credit_contact_seller',
                               groups='sales_team.group_sale_salesman,base.group_partner_manager')
        contact = self.env['res.partner'].with_user(seller).create({
            'name': 'New Buyer', 'parent_id': self.customer.id})
        self.assertTrue(contact.credit_hold)
        with self.assertRaises(AccessError):
            contact.with_user(seller).write({'credit_hold': False})

    # ------------------------------------------------------------------
    # who sees and decides
    # ------------------------------------------------------------------
    def test_controller_sees_pending_orders_of_every_salesperson_only(self):
        self.company.followup_credit_mode = 'approval'
        pending = self.make_order(1500.0)
        self.confirm_as(pending)
        quiet = self.make_order(100.0)
        self.assertEqual(pending.credit_approval_state, 'pending')
        # The controller sells their own orders only, like a salesperson...
        self.assertFalse(self.credit_controller.has_group('sales_team.group_sale_salesman_all_leads'))
        Order = self.env['sale.order'].with_user(self.credit_controller)
        self.assertEqual(Order.search([('partner_id', '=', self.customer.id)]), pending,
                         "...but reaches every order under credit review, and only those")
        with self.assertRaises(AccessError):
            quiet.with_user(self.credit_controller).read(['name'])
        with self.assertRaises(AccessError):
            pending.with_user(self.other_salesperson).read(['name'])
        pending.with_user(self.credit_controller).action_credit_approve()
        self.assertEqual(pending.state, 'sale')

    def test_sales_manager_sees_everything_but_decides_nothing(self):
        self.company.followup_credit_mode = 'approval'
        order = self.make_order(1500.0)
        self.confirm_as(order)
        as_manager = order.with_user(self.sales_manager)
        self.assertEqual(as_manager.credit_approval_state, 'pending', "managers read every order")
        self.assertFalse(as_manager.can_credit_decide)
        with self.assertRaises(AccessError):
            as_manager.action_credit_approve()
        with self.assertRaises(AccessError):
            as_manager.action_credit_reject()
        with self.assertRaises(AccessError):
            as_manager.write({'credit_approval_state': 'approved', 'credit_approved_amount': 1500.0})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.sales_manager).write({'credit_limit': 5000.0})
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])

    def test_controllers_of_another_company_are_neither_asked_nor_allowed(self):
        company_b = self.env['res.company'].create({'name': 'Second Branch Ltd', 'currency_id': self.currency.id})
        controller_b = new_test_user(
            self.env, login='sf_credit_controller_b', company_id=company_b.id, company_ids=company_b.ids,
            groups='sales_team.group_sale_salesman_all_leads,sales_followup.group_credit_controller',
        )
        self.company.followup_credit_mode = 'approval'
        order = self.make_order(1500.0)
        self.confirm_as(order)
        activities = self.approval_activities(order)
        self.assertIn(self.credit_controller, activities.user_id)
        self.assertNotIn(controller_b, activities.user_id)
        with self.assertRaises(AccessError):
            order.with_user(controller_b).action_credit_approve()
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])

    def test_each_company_applies_its_own_mode(self):
        company_b = self.env['res.company'].create({'name': 'Third Branch Ltd', 'currency_id': self.currency.id})
        company_b.write({'account_use_credit_limit': True, 'followup_credit_mode': 'approval'})
        self.set_limit(self.customer, 1000.0, company=company_b)
        self.env.user.company_ids |= company_b
        self.salesperson.company_ids |= company_b
        order_b = self.make_order(1500.0, company=company_b)
        order_b.with_user(self.salesperson).with_company(company_b).action_confirm()
        self.assertRecordValues(order_b, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        with self.assertRaises(UserError):
            self.confirm_as(self.make_order(1500.0))
