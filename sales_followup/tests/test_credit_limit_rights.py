from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import SalesFollowupCase


class CreditLimitRightsMixin:
    """Who may set Odoo's partner credit limit once the addon is installed:
    whoever could before (accounting administrators, the administrator),
    plus the credit controllers; never a plain salesperson."""

    @classmethod
    def _setup_credit_limit_users(cls):
        cls.env.company.account_use_credit_limit = True
        # Both may edit contacts (Odoo's default for new users), so that
        # only the credit fields make the difference.
        cls.accounting_admin = new_test_user(
            cls.env, login='sf_accounting_admin', password='sf_accounting_admin',
            name='Ada Accounting', groups='account.group_account_manager,base.group_partner_manager',
        )
        cls.plain_salesperson = new_test_user(
            cls.env, login='sf_plain_seller', password='sf_plain_seller',
            name='Sam Seller', groups='sales_team.group_sale_salesman,base.group_partner_manager',
        )
        cls.limited_customer = cls.env['res.partner'].create({
            'name': 'Willow Supplies', 'is_company': True, 'user_id': cls.plain_salesperson.id,
        })
        cls.limited_customer.sudo().credit_limit = 1000.0

    def assertCreditUnchanged(self, partner, limit=1000.0, hold=False):
        partner.invalidate_recordset()
        self.assertRecordValues(partner.sudo(), [{'credit_limit': limit, 'credit_hold': hold}])


@tagged('post_install', '-at_install')
class TestCreditLimitRights(CreditLimitRightsMixin, SalesFollowupCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_credit_limit_users()

    def test_accounting_admin_is_credit_controller(self):
        self.assertTrue(self.accounting_admin.has_group('sales_followup.group_credit_controller'))
        self.assertFalse(self.accounting_admin.has_group('sales_team.group_sale_salesman'))
        self.assertFalse(self.plain_salesperson.has_group('sales_followup.group_credit_controller'))

    def test_accounting_admin_sets_credit_limit_and_hold(self):
        partner = self.limited_customer.with_user(self.accounting_admin)
        partner.write({'credit_limit': 2500.0})
        partner.credit_hold = True
        self.assertCreditUnchanged(self.limited_customer, limit=2500.0, hold=True)
        new = self.env['res.partner'].with_user(self.accounting_admin).create({
            'name': 'Birch Logistics', 'credit_limit': 700.0})
        self.assertEqual(new.sudo().credit_limit, 700.0)

    def test_administrator_sets_credit_limit(self):
        admin = self.env.ref('base.user_admin')
        self.limited_customer.with_user(admin).credit_limit = 3000.0
        self.assertCreditUnchanged(self.limited_customer, limit=3000.0)

    def test_salesperson_cannot_set_credit_limit_or_hold(self):
        partner = self.limited_customer.with_user(self.plain_salesperson)
        partner.phone = '+86 10 1234 5678'  # the contact itself is theirs to edit
        with self.assertRaises(AccessError):
            partner.write({'credit_limit': 1e12})
        with self.assertRaises(AccessError):
            partner.write({'credit_hold': True})
        with self.assertRaises(AccessError):
            self.env['res.partner'].with_user(self.plain_salesperson).create({
                'name': 'Self-approved Ltd', 'credit_limit': 1e12})
        self.assertCreditUnchanged(self.limited_customer)

    def test_accounting_admin_still_reads_every_order(self):
        """Becoming a credit controller must not narrow what an accountant
        who does not sell sees: every order, as without the addon."""
        product = self.env['product.product'].create({'name': 'Consulting', 'type': 'service'})
        order = self.env['sale.order'].create({
            'partner_id': self.customer.id, 'user_id': self.salesperson.id,
            'order_line': [Command.create({'product_id': product.id, 'price_unit': 10.0})],
        })
        self.assertFalse(order.credit_approval_state)
        Order = self.env['sale.order'].with_user(self.accounting_admin)
        self.assertIn(order, Order.search([]))
        self.assertEqual(order.with_user(self.accounting_admin).order_line.price_unit, 10.0)
        # A salesperson who controls credit still sees only their own
        # orders and those under review.
        self.assertNotIn(order, self.env['sale.order'].with_user(self.credit_controller).search([]))


@tagged('post_install', '-at_install')
class TestCreditLimitRightsRpc(CreditLimitRightsMixin, HttpCase):
    """The same rights through the web client's JSON-RPC and the external
    JSON-2 API: the ORM checks hold whatever the door."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_credit_limit_users()

    def _call_kw(self, login, method, args):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(f'/web/dataset/call_kw/res.partner/{method}', {
            'model': 'res.partner', 'method': method, 'args': args, 'kwargs': {},
        })

    def _json2(self, user, method, payload):
        key = self.env['res.users.apikeys'].with_user(user)._generate(
            scope='rpc', name='credit test', expiration_date=datetime.now() + timedelta(hours=1))
        return self.url_open(
            f'/json/2/res.partner/{method}', json=payload,
            headers={'Authorization': f'Bearer {key}'})

    def test_salesperson_cannot_set_credit_limit_over_jsonrpc(self):
        self._call_kw('sf_plain_seller', 'write', [[self.limited_customer.id], {'phone': '+86 10 1234'}])
        for values in ({'credit_limit': 1e12}, {'credit_hold': True}):
            with self.assertRaises(JsonRpcException) as cm:
                self._call_kw('sf_plain_seller', 'write', [[self.limited_customer.id], values])
            self.assertEqual(str(cm.exception), 'odoo.exceptions.AccessError')
        self.assertCreditUnchanged(self.limited_customer)

    def test_accounting_admin_sets_credit_limit_over_jsonrpc(self):
        self._call_kw('sf_accounting_admin', 'write', [[self.limited_customer.id], {'credit_limit': 2500.0}])
        self.assertCreditUnchanged(self.limited_customer, limit=2500.0)

    def test_salesperson_cannot_set_credit_limit_over_json2(self):
        response = self._json2(self.plain_salesperson, 'write', {
            'ids': self.limited_customer.ids, 'vals': {'credit_limit': 1e12}})
        self.assertEqual(response.status_code, 403, response.text)
        self.assertEqual(response.json()['name'], 'odoo.exceptions.AccessError')
        self.assertCreditUnchanged(self.limited_customer)

    def test_accounting_admin_sets_credit_limit_over_json2(self):
        response = self._json2(self.accounting_admin, 'write', {
            'ids': self.limited_customer.ids, 'vals': {'credit_limit': 2500.0}})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertCreditUnchanged(self.limited_customer, limit=2500.0)
