from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.base.tests.common import HttpCaseWithUserPortal


@tagged('post_install', '-at_install')
class TestCreditTours(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref('base.main_company')
        cls.company.write({'account_use_credit_limit': True, 'followup_credit_mode': 'block'})
        cls.seller = new_test_user(
            cls.env, login='sf_credit_tour_seller', password='sf_credit_tour_seller',
            name='Credit Tour Seller', groups='sales_team.group_sale_salesman',
        )
        cls.controller = new_test_user(
            cls.env, login='sf_credit_tour_controller', password='sf_credit_tour_controller',
            name='Credit Tour Controller',
            groups='sales_team.group_sale_salesman,sales_followup.group_credit_controller',
        )
        cls.customer = cls.env['res.partner'].create({
            'name': 'Credit Tour Customer', 'is_company': True, 'user_id': cls.seller.id,
        })
        cls.customer.with_company(cls.company).credit_limit = 1000.0
        cls.product = cls.env['product.product'].create({
            'name': 'Tour Widget', 'type': 'service', 'taxes_id': [Command.clear()],
        })

    def _order(self, amount):
        return self.env['sale.order'].create({
            'partner_id': self.customer.id,
            'user_id': self.seller.id,
            'order_line': [Command.create({
                'product_id': self.product.id, 'price_unit': amount, 'tax_ids': [Command.clear()],
            })],
        })

    def _confirmed(self, amount):
        self.company.followup_credit_mode = 'off'
        order = self._order(amount)
        order.action_confirm()
        self.company.followup_credit_mode = 'block'
        return order

    def test_blocked_confirmation_shows_the_numbers(self):
        self._confirmed(300.0)
        order = self._order(1200.0)
        self.start_tour(
            f'/odoo/action-sale.action_quotations_with_onboarding/{order.id}',
            'sales_followup_credit_blocked', login='sf_credit_tour_seller',
        )
        self.assertEqual(order.state, 'draft')

    def test_controller_approves_a_pending_order(self):
        self.company.followup_credit_mode = 'approval'
        order = self._order(1500.0)
        order.with_user(self.seller).action_confirm()
        self.assertEqual(order.credit_approval_state, 'pending')
        self.start_tour(
            '/odoo/action-sales_followup.action_credit_approval_orders',
            'sales_followup_credit_approve', login='sf_credit_tour_controller',
        )
        self.assertRecordValues(order, [{
            'state': 'sale', 'credit_approval_state': 'approved', 'credit_approved_by_id': self.controller.id,
        }])


@tagged('post_install', '-at_install')
class TestCreditPortalSignature(HttpCaseWithUserPortal):
    """The real portal route: a customer signs a quotation above its limit in
    block mode. The customer sees no error, the order is not confirmed, it
    waits for a credit controller, who gets an activity."""

    def test_portal_signature_above_the_limit_goes_pending(self):
        company = self.env.ref('base.main_company')
        company.write({'account_use_credit_limit': True, 'followup_credit_mode': 'block'})
        self.partner_portal.with_company(company).credit_limit = 10.0
        order = self.env['sale.order'].create({
            'name': 'test SO',
            'partner_id': self.partner_portal.id,
            'state': 'sent',
            'require_payment': False,
            'order_line': [Command.create({
                'product_id': self.env['product.product'].create({
                    'name': 'A product', 'taxes_id': [Command.clear()]}).id,
                'price_unit': 100.0,
                'tax_ids': [Command.clear()],
            })],
        })
        order.message_subscribe(partner_ids=self.partner_portal.ids)
        # Odoo's own signature tour, unchanged.
        self.start_tour('/', 'sale_signature', login='portal')
        self.assertRecordValues(order, [{'state': 'sent', 'credit_approval_state': 'pending'}])
        self.assertTrue(order.signature)
        self.assertTrue(order.activity_ids.filtered(
            lambda act: act.activity_type_id == self.env.ref('sales_followup.mail_activity_type_credit_approval')))
