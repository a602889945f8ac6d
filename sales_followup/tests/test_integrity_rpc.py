"""The attacker's calls over JSON-RPC, the way a salesperson's script makes
them: the same rules hold as in the forms."""
from odoo import Command
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestIntegrityOverRpc(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.write({'account_use_credit_limit': True, 'followup_credit_mode': 'approval'})
        cls.salesperson = new_test_user(cls.env, login='sf_rpc_seller', groups='sales_team.group_sale_salesman')
        cls.controller = new_test_user(
            cls.env, login='sf_rpc_controller',
            groups='sales_team.group_sale_salesman,sales_followup.group_credit_controller')
        cls.first, cls.second = cls.env['res.partner'].create([
            {'name': 'RPC First', 'is_company': True, 'user_id': cls.salesperson.id},
            {'name': 'RPC Second', 'is_company': True, 'user_id': cls.salesperson.id},
        ])
        cls.first.credit_limit = 1000.0
        cls.second.credit_limit = 100.0
        cls.product = cls.env['product.product'].create({
            'name': 'RPC Widget', 'type': 'service', 'list_price': 750.0, 'taxes_id': [Command.clear()],
        })

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request('/web/dataset/call_kw', {
            'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {},
        })

    def test_an_approval_is_not_reused_for_another_customer(self):
        order = self.env['sale.order'].create({
            'partner_id': self.first.id, 'user_id': self.salesperson.id,
            'order_line': [Command.create({'product_id': self.product.id, 'tax_ids': [Command.clear()]})],
        })
        order.with_user(self.controller).sudo()._credit_request_approval("test")
        order.with_user(self.controller).action_credit_approve()
        self.assertEqual(order.state, 'sale')
        self.authenticate('sf_rpc_seller', 'sf_rpc_seller')
        self._call('sale.order', 'action_cancel', [order.ids])
        self._call('sale.order', 'action_draft', [order.ids])
        self._call('sale.order', 'write', [order.ids, {'partner_id': self.second.id}])
        self._call('sale.order', 'action_confirm', [order.ids])
        order.invalidate_recordset()
        self.assertRecordValues(order, [{
            'state': 'draft', 'partner_id': self.second.id, 'credit_approval_state': 'pending',
        }])
        # Nor can the salesperson write an approval back.
        with self.assertRaises(JsonRpcException):
            self._call('sale.order', 'write', [order.ids, {
                'credit_approval_state': 'approved', 'credit_approved_amount': 750.0,
                'credit_approved_partner_id': self.second.id,
            }])
        order.invalidate_recordset()
        self.assertEqual(order.credit_approval_state, 'pending')

    def test_a_context_key_does_not_unlock_the_complaint_workflow(self):
        complaint = self.env['customer.complaint'].create({
            'partner_id': self.first.id, 'description': 'Late delivery', 'user_id': self.salesperson.id,
        })
        self.authenticate('sf_rpc_seller', 'sf_rpc_seller')
        context = {'complaint_workflow': True, 'tracking_disable': True}
        for vals in ({'escalated': True, 'escalation_reason': 'Forged'},
                     {'date_resolved': '2026-01-01 10:00:00'},
                     {'state': 'resolved'}, {'state': 'closed'}):
            with self.subTest(vals=vals), self.assertRaises(JsonRpcException):
                self._call('customer.complaint', 'write', [complaint.ids, vals], {'context': context})
        complaint.invalidate_recordset()
        self.assertRecordValues(complaint, [{
            'state': 'new', 'escalated': False, 'date_resolved': False, 'date_closed': False,
        }])
        self.assertFalse(complaint.escalation_reason)
