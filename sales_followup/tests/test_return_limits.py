from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_return import ReturnCase


@tagged('post_install', '-at_install')
class TestReturnLimits(ReturnCase):
    """A return never exceeds what can still be returned, and bad input
    leaves the data as it was."""

    def _count(self):
        return self.Return.search_count([]), self.env['customer.return.line'].search_count([])

    def _refused(self, exception, create):
        """``create`` raises ``exception`` and writes nothing."""
        before = self._count()
        with self.assertRaises(exception) as refusal, self.env.cr.savepoint():
            create()
        self.assertEqual(self._count(), before)
        return str(refusal.exception.args[0])

    def test_after_delivery_a_line_never_exceeds_the_delivered_quantity(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        self._deliver(order, {self.lamp: 3.0})
        message = self._refused(ValidationError, lambda: self._return(order, lines=[(self.lamp, 4.0)]))
        self.assertIn('Only 3.0', message)
        self.assertEqual(self._return(order, lines=[(self.lamp, 3.0)]).line_ids.qty_returnable, 3.0)

    def test_two_lines_of_one_product_count_together(self):
        order = self._delivered_order(lines=[(self.lamp, 3.0)])
        self._refused(ValidationError, lambda: self._return(order, lines=[(self.lamp, 2.0), (self.lamp, 2.0)]))

    def test_two_drafts_that_together_exceed_cannot_both_be_approved(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0)])
        first = self._return(order, lines=[(self.lamp, 3.0)])
        second = self._return(order, lines=[(self.lamp, 3.0)])
        first.action_approve()
        with self.assertRaises(ValidationError) as refusal:
            second.action_approve()
        self.assertIn('Only 2.0', str(refusal.exception.args[0]))
        self.assertRecordValues(second, [{'state': 'draft', 'date_approved': False}])
        self.assertFalse(second.picking_ids)
        self.assertEqual(len(order.picking_ids.filtered(lambda p: p.picking_type_code == 'incoming')), 1)
        # What is left can still come back.
        second.line_ids.quantity = 2.0
        second.action_approve()
        self.assertEqual(second.state, 'approved')

    def test_returned_goods_are_not_returned_twice(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0)])
        first = self._return(order, lines=[(self.lamp, 4.0)])
        first.action_approve()
        self._receive(first)
        first.action_done()
        self._refused(ValidationError, lambda: self._return(order, lines=[(self.lamp, 2.0)]))
        self._return(order, lines=[(self.lamp, 1.0)]).action_approve()
        self._refused(ValidationError, lambda: self._return(order, lines=[(self.lamp, 1.0)]))

    def test_exchanged_goods_delivered_again_can_come_back_again(self):
        order = self._delivered_order(lines=[(self.lamp, 2.0)])
        first = self._return(order, lines=[(self.lamp, 2.0)], resolution='exchange')
        first.action_approve()
        self._receive(first)
        first.action_done()
        # The customer has nothing now: the replacement can only be called off before its delivery.
        pending = self._return(order, lines=[(self.lamp, 1.0)])
        self.assertEqual(pending.return_type, 'before_delivery')
        pending.unlink()
        self._validate(first.picking_ids.filtered(lambda p: p.picking_type_code == 'outgoing'))
        again = self._return(order, lines=[(self.lamp, 2.0)])
        self.assertEqual(again.return_type, 'after_delivery')
        self.assertEqual(again.line_ids.qty_returnable, 2.0)

    def test_before_delivery_a_line_never_exceeds_the_undelivered_quantity(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        self._refused(ValidationError, lambda: self._return(order, lines=[(self.lamp, 6.0)]))
        first = self._return(order, lines=[(self.lamp, 4.0)])
        second = self._return(order, lines=[(self.lamp, 4.0)])
        first.action_approve()
        with self.assertRaises(ValidationError):
            second.action_approve()
        self.assertEqual(second.state, 'draft')
        self.assertEqual(self._line(order, self.lamp).product_uom_qty, 1.0)

    def test_zero_or_negative_quantities_are_refused(self):
        order = self._delivered_order()
        for quantity in (0.0, -1.0):
            with self.subTest(quantity=quantity):
                self._refused(ValidationError, lambda q=quantity: self._return(order, lines=[(self.lamp, q)]))
        ret = self._return(order, lines=[(self.lamp, 1.0)])
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            ret.line_ids.quantity = -2.0
        ret.invalidate_recordset()
        self.assertEqual(ret.line_ids.quantity, 1.0)

    def test_a_product_not_on_the_order_is_refused(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0)])
        message = self._refused(ValidationError, lambda: self._return(order, lines=[(self.chair, 1.0)]))
        self.assertIn('Office Chair is not on order', message)
        other_order = self._delivered_order(lines=[(self.lamp, 5.0)])
        self._refused(ValidationError, lambda: self.Return.create({
            'order_id': order.id, 'reason': 'defect',
            'line_ids': [Command.create({'sale_line_id': other_order.order_line.id, 'quantity': 1.0})],
        }))

    def test_services_are_not_returned(self):
        service = self.env['product.product'].create({'name': 'Installation', 'type': 'service'})
        order = self._delivered_order(lines=[(self.lamp, 1.0), (service, 1.0)])
        message = self._refused(ValidationError, lambda: self._return(order, lines=[(service, 1.0)]))
        self.assertIn('is not goods', message)

    def test_quotations_and_cancelled_orders_are_refused(self):
        quotation = self._order(confirm=False)
        message = self._refused(ValidationError, lambda: self._return(quotation))
        self.assertIn('not a confirmed order', message)
        cancelled = self._order()
        cancelled._action_cancel()
        self._refused(ValidationError, lambda: self._return(cancelled))

    def test_an_order_of_another_company_is_refused(self):
        company_b = self.env['res.company'].create({'name': 'Return Company B'})
        order = self._delivered_order()
        message = self._refused(ValidationError, lambda: self._return(order, company_id=company_b.id))
        self.assertIn('different companies', message)

    def test_an_order_of_another_customer_is_refused(self):
        order = self._delivered_order()
        self._refused(ValidationError, lambda: self._return(order, partner_id=self.other_customer.id))

    def test_a_return_without_products_cannot_be_approved(self):
        order = self._delivered_order()
        ret = self._return(order, lines=[])
        with self.assertRaises(UserError):
            ret.action_approve()
        self.assertEqual(ret.state, 'draft')

    def test_workflow_fields_cannot_be_forged(self):
        order = self._delivered_order(invoice=True)
        invoice = order.invoice_ids
        before = self._count()
        for vals in ({'state': 'done'}, {'order_saved': True}, {'refund_move_ids': [Command.link(invoice.id)]}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self._return(order, user=self.salesperson, **vals)
        self.assertEqual(self._count(), before)
        ret = self._return(order, user=self.salesperson)
        for vals in ({'date_approved': '2026-01-01'}, {'order_saved': True},
                     {'picking_ids': [Command.link(order.picking_ids.id)]},
                     {'refund_move_ids': [Command.link(invoice.id)]}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                ret.with_user(self.salesperson).write(vals)
        self.assertRecordValues(ret, [{'state': 'draft', 'date_approved': False, 'order_saved': False}])
        self.assertFalse(ret.picking_ids)
        self.assertFalse(ret.refund_move_ids)
        with self.assertRaises(UserError):
            ret.line_ids.with_user(self.salesperson).write({'qty_reduced': 2.0})
        self.assertEqual(ret.line_ids.qty_reduced, 0.0)

    def test_lines_change_only_while_requested(self):
        order = self._delivered_order()
        ret = self._return(order, lines=[(self.lamp, 1.0)], user=self.salesperson)
        ret.line_ids.with_user(self.salesperson).write({'quantity': 2.0})
        ret.action_approve()
        for attempt in (
            lambda: ret.line_ids.with_user(self.salesperson).write({'quantity': 1.0}),
            lambda: ret.line_ids.with_user(self.salesperson).unlink(),
            lambda: self.env['customer.return.line'].with_user(self.salesperson).create({
                'return_id': ret.id, 'product_id': self.lamp.id, 'quantity': 1.0}),
        ):
            with self.assertRaises(UserError):
                attempt()
        self.assertEqual(ret.line_ids.mapped('quantity'), [2.0])
