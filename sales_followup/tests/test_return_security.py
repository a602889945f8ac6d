from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_return import ReturnCase


@tagged('post_install', '-at_install')
class TestReturnRights(ReturnCase):
    """Salespeople work their own customers' returns within the policy;
    managers see all and may override; companies never mix."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._delivered_order(lines=[(cls.lamp, 5.0)])
        cls.other_order = cls._delivered_order(lines=[(cls.lamp, 5.0)], partner=cls.other_customer)
        cls.own = cls._return(cls.order, lines=[(cls.lamp, 1.0)])
        cls.foreign = cls._return(cls.other_order, lines=[(cls.lamp, 1.0)])
        cls.portal_contact = cls.env['res.partner'].create({
            'name': 'Lin Lotus', 'parent_id': cls.customer.id, 'email': 'lin@example.com'})
        cls.portal_user = new_test_user(
            cls.env, login='sf_return_portal', groups='base.group_portal', partner_id=cls.portal_contact.id)

    def test_salesperson_sees_only_own_customers_returns(self):
        Return = self.Return.with_user(self.salesperson)
        self.assertEqual(Return.search([('id', 'in', (self.own | self.foreign).ids)]), self.own)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesperson).read(['reason'])
        Line = self.env['customer.return.line'].with_user(self.salesperson)
        self.assertEqual(Line.search([('return_id', 'in', (self.own | self.foreign).ids)]), self.own.line_ids)

    def test_salesperson_cannot_decide_another_salespersons_return(self):
        for action in ('action_approve', 'action_cancel'):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(self.foreign.with_user(self.salesperson), action)()
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesperson).action_reject(reason='Not mine')
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesperson).write({'state': 'approved'})
        self.assertRecordValues(self.foreign, [{'state': 'draft', 'rejection_reason': False}])
        self.assertFalse(self.foreign.picking_ids)

    def test_salesperson_cannot_record_a_return_for_another_salespersons_customer(self):
        count = self.Return.search_count([])
        with self.assertRaises(AccessError):
            self._return(self.other_order, user=self.salesperson, lines=[(self.lamp, 1.0)])
        # Not by naming the customer either: the order they cannot read is refused.
        with self.assertRaises(AccessError):
            self.Return.with_user(self.salesperson).create({
                'order_id': self.other_order.id, 'partner_id': self.other_customer.id,
                'user_id': self.salesperson.id, 'reason': 'defect',
                'line_ids': [Command.create({'product_id': self.lamp.id, 'quantity': 1.0})],
            })
        self.assertEqual(self.Return.search_count([]), count)

    def test_salesperson_assigns_returns_only_to_themselves_or_the_customers_salesperson(self):
        with self.assertRaises(AccessError):
            self.own.with_user(self.salesperson).write({'user_id': self.other_salesperson.id})
        self.assertEqual(self.own.user_id, self.salesperson)

    def test_salesperson_approves_what_the_policy_allows_and_cancels_drafts_only(self):
        ret = self._return(self.order, lines=[(self.lamp, 1.0)], user=self.salesperson)
        ret.with_user(self.salesperson).action_approve()
        self.assertEqual(ret.state, 'approved')
        self.assertFalse(ret.with_user(self.salesperson).can_cancel)
        with self.assertRaises(AccessError):
            ret.with_user(self.salesperson).action_cancel()
        with self.assertRaises(AccessError):
            ret.with_user(self.salesperson).write({'state': 'cancelled'})
        with self.assertRaises(AccessError):
            ret.with_user(self.salesperson).action_save_order(reason='Kept them')
        self.assertRecordValues(ret, [{'state': 'approved', 'order_saved': False, 'order_saved_reason': False}])
        self.assertEqual(ret.picking_ids.state, 'assigned')
        ret.with_user(self.sales_manager).action_cancel()
        self.assertEqual(ret.state, 'cancelled')
        self.assertEqual(ret.picking_ids.state, 'cancel')
        draft = self._return(self.order, lines=[(self.lamp, 1.0)], user=self.salesperson)
        draft.with_user(self.salesperson).action_cancel()
        self.assertEqual(draft.state, 'cancelled')

    def test_goods_back_in_stock_cannot_be_called_off(self):
        self.own.action_approve()
        self._receive(self.own)
        with self.assertRaises(UserError):
            self.own.with_user(self.sales_manager).action_cancel()
        self.assertEqual(self.own.state, 'received')

    def test_salesperson_finishes_a_refund_without_accounting_rights(self):
        invoice = self._invoice(self.order)
        ret = self._return(self.order, lines=[(self.lamp, 2.0)], user=self.salesperson)
        ret.with_user(self.salesperson).action_approve()
        self._receive(ret)
        ret.with_user(self.salesperson).action_done()
        self.assertEqual(ret.state, 'done')
        self.assertEqual(ret.refund_move_ids.reversed_entry_id, invoice)

    def test_manager_sees_all_and_deletes_drafts(self):
        visible = self.Return.with_user(self.sales_manager).search([('id', 'in', (self.own | self.foreign).ids)])
        self.assertEqual(visible, self.own | self.foreign)
        with self.assertRaises(AccessError):
            self.own.with_user(self.salesperson).unlink()
        self.foreign.with_user(self.sales_manager).unlink()
        self.assertFalse(self.foreign.exists())

    def test_salesperson_cannot_override_the_windows_even_on_own_return(self):
        with freeze_time('2030-01-01 12:00:00'):
            late = self._return(self.order, lines=[(self.lamp, 1.0)], user=self.salesperson, reason='other')
            with self.assertRaises(AccessError):
                late.with_user(self.salesperson).write({
                    'policy_override': True, 'policy_override_reason': 'Trust me'})
            with self.assertRaises(UserError):
                late.with_user(self.salesperson).action_approve()
        self.assertRecordValues(late, [{'state': 'draft', 'policy_override': False}])

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------

    def test_returns_never_cross_companies(self):
        company_b = self.env['res.company'].create({'name': 'Returns Company B'})
        self.sales_manager.company_ids = [Command.link(company_b.id)]
        customer_b = self.env['res.partner'].create({
            'name': 'Birch Ltd', 'is_company': True, 'company_id': company_b.id, 'user_id': self.salesperson.id})
        warehouse_b = self.env['stock.warehouse'].search([('company_id', '=', company_b.id)], limit=1)
        self.env['stock.quant'].with_company(company_b)._update_available_quantity(
            self.lamp, warehouse_b.lot_stock_id, 10.0)
        order_b = self.env['sale.order'].with_company(company_b).create({
            'partner_id': customer_b.id, 'user_id': self.salesperson.id, 'company_id': company_b.id,
            'order_line': [Command.create({'product_id': self.lamp.id, 'product_uom_qty': 2.0})],
        })
        order_b.action_confirm()
        self._deliver(order_b)
        ret_b = self.Return.with_company(company_b).create({
            'order_id': order_b.id, 'reason': 'defect',
            'line_ids': [Command.create({'product_id': self.lamp.id, 'quantity': 1.0})],
        })
        self.assertEqual(ret_b.company_id, company_b)
        # Each company numbers its own returns.
        self.assertTrue(ret_b.name.startswith('RET/'))
        self.assertEqual(ret_b.name[-5:], '00001')
        # The salesperson owns the customer of company B but works in company A only.
        self.assertFalse(self.Return.with_user(self.salesperson).search([('id', '=', ret_b.id)]))
        only_a = self.Return.with_user(self.sales_manager).with_context(allowed_company_ids=[self.company.id])
        self.assertFalse(only_a.search([('id', '=', ret_b.id)]))
        both = self.Return.with_user(self.sales_manager).with_context(
            allowed_company_ids=[self.company.id, company_b.id])
        self.assertEqual(both.search([('id', 'in', (ret_b | self.own).ids)]), ret_b | self.own)
        # A return of company A cannot take an order of company B.
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self.own.write({'company_id': company_b.id})
        self.assertEqual(self.own.company_id, self.company)
        ret_b.action_approve()
        self.assertEqual(ret_b.picking_ids.company_id, company_b)

    # ------------------------------------------------------------------
    # Portal, at the ORM level
    # ------------------------------------------------------------------

    def test_portal_user_reads_only_own_returns_and_changes_nothing(self):
        Return = self.Return.with_user(self.portal_user)
        self.assertEqual(Return.search([]), self.own)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.portal_user).read(['reason'])
        with self.assertRaises(AccessError):
            self.own.with_user(self.portal_user).write({'resolution': 'exchange'})
        with self.assertRaises(AccessError):
            self.own.with_user(self.portal_user).action_approve()
        with self.assertRaises(AccessError):
            self._return(self.order, user=self.portal_user)
        self.assertRecordValues(self.own, [{'state': 'draft', 'resolution': 'refund'}])


@tagged('post_install', '-at_install')
class TestReturnRpc(HttpCase):
    """The salesperson's JSON-RPC client meets the same rules as the form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_return_rpc', password='sf_return_rpc', groups='sales_team.group_sale_salesman')
        customer = cls.env['res.partner'].create({
            'name': 'RPC Customer', 'is_company': True, 'user_id': cls.salesperson.id})
        product = cls.env['product.product'].create({'name': 'RPC Lamp', 'type': 'consu', 'list_price': 10.0})
        with freeze_time('2026-01-05 10:00:00'):
            order = cls.env['sale.order'].create({
                'partner_id': customer.id, 'user_id': cls.salesperson.id,
                'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 3.0})],
            })
            order.action_confirm()
            order.picking_ids.move_ids.quantity = 3.0
            order.picking_ids.move_ids.picked = True
            order.picking_ids.button_validate()
        cls.order = order
        cls.product = product
        # Months after the delivery: only a repair is allowed.
        cls.late = cls.env['customer.return'].create({
            'order_id': order.id, 'reason': 'changed_mind', 'resolution': 'refund',
            'line_ids': [Command.create({'product_id': product.id, 'quantity': 1.0})],
        })

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request('/web/dataset/call_kw', {
            'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {},
        })

    def _call_fails(self, model, method, args, kwargs=None):
        with self.assertRaises(Exception) as failure:
            self._call(model, method, args, kwargs)
        return str(failure.exception)

    def test_rpc_cannot_pass_the_policy_windows(self):
        self.authenticate('sf_return_rpc', 'sf_return_rpc')
        for model, method, args in (
            ('customer.return', 'write', [[self.late.id], {
                'policy_override': True, 'policy_override_reason': 'RPC override'}]),
            ('customer.return', 'action_approve', [[self.late.id]]),
            ('customer.return', 'write', [[self.late.id], {'state': 'approved'}]),
            ('customer.return', 'write', [[self.late.id], {'state': 'done'}]),
            ('customer.return', '_write_step', [[self.late.id], 'approve']),
            ('customer.return', '_create_refunds', [[self.late.id], {}]),
        ):
            with self.subTest(method=method, args=args):
                self._call_fails(model, method, args)
        self.late.invalidate_recordset()
        self.assertRecordValues(self.late, [{'state': 'draft', 'policy_override': False, 'date_approved': False}])
        self.assertFalse(self.late.picking_ids)

    def test_rpc_cannot_forge_an_approved_return_or_an_over_return(self):
        self.authenticate('sf_return_rpc', 'sf_return_rpc')
        count = self.env['customer.return'].search_count([])
        line = [[0, 0, {'product_id': self.product.id, 'quantity': 1.0}]]
        for vals in (
            {'order_id': self.order.id, 'reason': 'defect', 'state': 'approved', 'line_ids': line},
            {'order_id': self.order.id, 'reason': 'defect', 'order_saved': True, 'line_ids': line},
            {'order_id': self.order.id, 'reason': 'defect',
             'line_ids': [[0, 0, {'product_id': self.product.id, 'quantity': 4.0}]]},
            {'order_id': self.order.id, 'reason': 'defect',
             'line_ids': [[0, 0, {'product_id': self.product.id, 'quantity': -1.0}]]},
        ):
            with self.subTest(vals=vals):
                self._call_fails('customer.return', 'create', [vals])
        self.assertEqual(self.env['customer.return'].search_count([]), count)
        # The same request within the rules goes through.
        created = self._call('customer.return', 'create', [
            {'order_id': self.order.id, 'reason': 'defect', 'resolution': 'repair', 'line_ids': line}])
        self.assertEqual(self.env['customer.return'].browse(created).state, 'draft')
