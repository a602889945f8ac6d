from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_return import ReturnCase


@tagged('post_install', '-at_install')
class TestReturnAfterDelivery(ReturnCase):
    """Goods come back through Odoo's return of the delivery, then are
    refunded, exchanged or repaired."""

    def test_refund_of_invoiced_goods_credits_the_returned_quantity(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0), (self.chair, 3.0)], invoice=True)
        invoice = order.invoice_ids
        delivery = order.picking_ids
        lamp_line, chair_line = self._line(order, self.lamp), self._line(order, self.chair)
        ret = self._return(order, lines=[(self.lamp, 2.0), (self.chair, 1.0)])
        self.assertRecordValues(ret, [{
            'state': 'draft', 'return_type': 'after_delivery', 'partner_id': self.customer.id,
            'user_id': self.salesperson.id, 'company_id': self.company.id, 'amount_untaxed': 180.0,
            'delivery_date': fields.Date.context_today(ret),
        }])
        self.assertTrue(ret.name.startswith('RET/'))

        ret.action_approve()
        self.assertEqual(ret.state, 'approved')
        transfer = ret.picking_ids
        self.assertRecordValues(transfer, [{
            'picking_type_code': 'incoming', 'return_id': delivery.id, 'sale_id': order.id, 'state': 'assigned',
        }])
        self.assertEqual(sorted(transfer.move_ids.mapped(lambda m: (m.product_id.name, m.product_uom_qty))),
                         [('Desk Lamp', 2.0), ('Office Chair', 1.0)])
        self.assertTrue(all(transfer.move_ids.mapped('to_refund')))
        # Nothing is back yet.
        self.assertEqual((lamp_line.qty_delivered, chair_line.qty_delivered), (5.0, 3.0))

        self._receive(ret)
        self.assertEqual(ret.state, 'received', "validating the transfer receives the return")
        self.assertEqual((lamp_line.qty_delivered, chair_line.qty_delivered), (3.0, 2.0))
        self.assertEqual(ret.line_ids.mapped('qty_received'), [2.0, 1.0])

        ret.action_done()
        self.assertEqual(ret.state, 'done')
        refund = ret.refund_move_ids
        self.assertRecordValues(refund, [{
            'move_type': 'out_refund', 'state': 'posted', 'reversed_entry_id': invoice.id,
            'partner_id': self.customer.id, 'currency_id': order.currency_id.id,
            'amount_untaxed': 180.0, 'amount_tax': 18.0,
        }])
        self.assertEqual(
            sorted(refund.invoice_line_ids.mapped(lambda line: (line.product_id.name, line.quantity, line.price_unit))),
            [('Desk Lamp', 2.0, 40.0), ('Office Chair', 1.0, 100.0)])
        self.assertEqual(refund.invoice_line_ids.tax_ids, self.tax)
        self.assertIn(refund, order.invoice_ids, "the credit note is linked to the order")
        # The order is what the customer kept: nothing more to invoice or deliver.
        self.assertRecordValues(lamp_line | chair_line, [
            {'product_uom_qty': 3.0, 'qty_delivered': 3.0, 'qty_invoiced': 3.0, 'qty_to_invoice': 0.0},
            {'product_uom_qty': 2.0, 'qty_delivered': 2.0, 'qty_invoiced': 2.0, 'qty_to_invoice': 0.0},
        ])
        self.assertEqual(ret.line_ids.mapped('qty_reduced'), [2.0, 1.0])
        self.assertFalse(order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel')))
        self.assertEqual(self.env['account.move'].search(ret.action_view_refunds()['domain']), refund)
        self.assertEqual(self.env['stock.picking'].search(ret.action_view_pickings()['domain']), transfer)

    def test_refund_of_goods_not_invoiced_lowers_what_is_to_invoice(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0), (self.chair, 3.0)])
        ret = self._return(order, lines=[(self.lamp, 2.0), (self.chair, 1.0)])
        ret.action_approve()
        self._receive(ret)
        ret.action_done()
        self.assertFalse(ret.refund_move_ids)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(order.order_line.mapped('qty_to_invoice'), [3.0, 2.0])
        invoice = self._invoice(order)
        self.assertEqual(invoice.invoice_line_ids.mapped('quantity'), [3.0, 2.0])

    def test_partly_invoiced_line_credits_only_what_was_invoiced_beyond_what_is_kept(self):
        order = self._delivered_order(lines=[(self.chair, 5.0)])
        self._deliver(order)
        invoice = order._create_invoices()
        invoice.invoice_line_ids.quantity = 4.0
        invoice.action_post()
        ret = self._return(order, lines=[(self.chair, 2.0)])
        ret.action_approve()
        self._receive(ret)
        ret.action_done()
        # Keeps 3, invoiced 4: one chair is credited.
        self.assertEqual(ret.refund_move_ids.invoice_line_ids.quantity, 1.0)
        self.assertEqual(self._line(order, self.chair).qty_to_invoice, 0.0)

    def test_exchange_delivers_the_same_goods_again_without_invoicing_them(self):
        order = self._delivered_order(lines=[(self.chair, 3.0)], invoice=True)
        line = self._line(order, self.chair)
        ret = self._return(order, lines=[(self.chair, 1.0)], resolution='exchange')
        ret.action_approve()
        self._receive(ret)
        self.assertEqual(line.qty_delivered, 2.0)
        ret.action_done()
        self.assertFalse(ret.refund_move_ids)
        replacement = ret.picking_ids.filtered(lambda p: p.picking_type_code == 'outgoing')
        self.assertEqual(len(replacement), 1)
        self.assertEqual(replacement.move_ids.mapped(lambda m: (m.product_id, m.product_uom_qty)), [(self.chair, 1.0)])
        self.assertIn(replacement, order.picking_ids)
        self._validate(replacement)
        self.assertEqual(line.qty_delivered, 3.0)
        self.assertEqual(line.qty_to_invoice, 0.0, "an exchange is not invoiced again")
        self.assertEqual(order.invoice_status, 'invoiced')
        self.assertEqual(len(order.invoice_ids), 1)
        card = self.env['customer.followup'].search([('occasion_key', '=', 'customer.return,%s' % ret.id)])
        self.assertEqual(card.kind, 'return')

    def test_repair_sends_the_goods_back_and_plans_a_check_with_the_customer(self):
        order = self._delivered_order(lines=[(self.lamp, 2.0)])
        ret = self._return(order, lines=[(self.lamp, 1.0)], resolution='repair', reason='other')
        ret.action_approve()
        self._receive(ret)
        ret.action_done()
        back = ret.picking_ids.filtered(lambda p: p.picking_type_code == 'outgoing')
        self.assertEqual(back.move_ids.mapped(lambda m: (m.product_id, m.product_uom_qty)), [(self.lamp, 1.0)])
        self.assertEqual(back.partner_id, order.partner_shipping_id)
        self.assertEqual(self._line(order, self.lamp).product_uom_qty, 2.0, "a repair does not change the order")
        card = self.env['customer.followup'].search([('occasion_key', '=', 'customer.return,%s' % ret.id)])
        self.assertRecordValues(card, [{
            'kind': 'return', 'partner_id': self.customer.id, 'order_id': order.id, 'user_id': self.salesperson.id,
            'state': 'todo',
            'date_due': fields.Date.context_today(ret) + timedelta(days=self.company.followup_complaint_followup_days),
        }])

    def test_return_spanning_two_deliveries_is_received_when_both_transfers_are(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        first = order.picking_ids
        self._validate(first, {self.lamp: 3.0}, backorder=True)
        second = order.picking_ids - first
        self.assertEqual(len(second), 1)
        self._validate(second)
        self.assertEqual(self._line(order, self.lamp).qty_delivered, 5.0)
        ret = self._return(order, lines=[(self.lamp, 4.0)])
        ret.action_approve()
        transfers = ret._return_transfers()
        self.assertEqual(len(transfers), 2)
        self.assertEqual(transfers.return_id, first | second)
        # The most recent delivery is returned in full first, then the first one.
        returned = {transfer.return_id: transfer.move_ids.product_uom_qty for transfer in transfers}
        self.assertEqual(returned, {second: 2.0, first: 2.0})
        self._validate(transfers[0])
        self.assertEqual(ret.state, 'approved')
        self._validate(transfers[1])
        self.assertEqual(ret.state, 'received')
        self.assertEqual(self._line(order, self.lamp).qty_delivered, 1.0)

    def test_partial_reception_with_backorder_waits_for_the_rest(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0)])
        ret = self._return(order, lines=[(self.lamp, 3.0)])
        ret.action_approve()
        transfer = ret.picking_ids
        self._validate(transfer, {self.lamp: 1.0}, backorder=True)
        backorder = transfer.backorder_ids
        self.assertTrue(backorder)
        self.assertIn(backorder, ret.picking_ids, "the backorder of the transfer stays with the return")
        self.assertEqual(ret.state, 'approved')
        self._validate(backorder)
        self.assertEqual(ret.state, 'received')
        self.assertEqual(ret.line_ids.qty_received, 3.0)

    def test_warehouse_user_validates_the_transfer_without_rights_on_returns(self):
        order = self._delivered_order()
        ret = self._return(order)
        ret.action_approve()
        transfer = ret.picking_ids.with_user(self.stock_manager)
        self._validate(transfer)
        self.assertEqual(ret.state, 'received')

    def test_done_needs_the_goods_back(self):
        order = self._delivered_order()
        ret = self._return(order)
        ret.action_approve()
        self.assertFalse(ret.can_done)
        with self.assertRaises(UserError):
            ret.action_done()
        with self.assertRaises(UserError):
            ret.with_user(self.sales_manager).write({'state': 'received'})
        self.assertEqual(ret.state, 'approved')
        self.assertFalse(ret.refund_move_ids)


@tagged('post_install', '-at_install')
class TestReturnBeforeDelivery(ReturnCase):

    def test_approval_reduces_the_order_and_its_pending_delivery(self):
        order = self._order(lines=[(self.lamp, 5.0), (self.chair, 2.0)])
        delivery = order.picking_ids
        ret = self._return(order, lines=[(self.lamp, 2.0)])
        self.assertEqual(ret.return_type, 'before_delivery')
        ret.action_approve()
        self.assertEqual(ret.state, 'done', "nothing comes back: the return is carried out at once")
        self.assertEqual(self._line(order, self.lamp).product_uom_qty, 3.0)
        self.assertEqual(order.state, 'sale')
        lamp_moves = delivery.move_ids.filtered(lambda m: m.product_id == self.lamp and m.state != 'cancel')
        self.assertEqual(sum(lamp_moves.mapped('product_uom_qty')), 3.0, "Odoo updated the pending delivery")
        self.assertFalse(order.picking_ids.filtered(lambda p: p.picking_type_code == 'incoming'))
        self.assertFalse(ret.picking_ids)
        self.assertFalse(ret.refund_move_ids, "nothing was invoiced")
        self.assertEqual(self._line(order, self.lamp).qty_to_invoice, 3.0)

    def test_returning_everything_cancels_the_order(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        ret = self._return(order, lines=[(self.lamp, 5.0)])
        ret.action_approve()
        self.assertEqual(ret.state, 'done')
        self.assertEqual(order.state, 'cancel')
        self.assertEqual(set(order.picking_ids.mapped('state')), {'cancel'})
        self.assertEqual(ret.line_ids.qty_reduced, 5.0)

    def test_what_was_invoiced_before_delivery_is_credited(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        invoice = self._invoice(order)
        ret = self._return(order, lines=[(self.lamp, 2.0)])
        ret.action_approve()
        self.assertRecordValues(ret.refund_move_ids, [{
            'move_type': 'out_refund', 'state': 'posted', 'reversed_entry_id': invoice.id, 'amount_untaxed': 80.0,
        }])
        self.assertEqual(self._line(order, self.lamp).qty_invoiced, 3.0)
        self.assertEqual(self._line(order, self.lamp).qty_to_invoice, 0.0)

    def test_cancelled_invoiced_order_is_credited_in_full(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        self._invoice(order)
        ret = self._return(order, lines=[(self.lamp, 5.0)])
        ret.action_approve()
        self.assertEqual(order.state, 'cancel')
        self.assertEqual(ret.refund_move_ids.amount_untaxed, 200.0)

    def test_before_delivery_returns_are_refunds(self):
        order = self._order()
        ret = self._return(order, resolution='exchange')
        with self.assertRaises(UserError):
            ret.action_approve()
        self.assertEqual(ret.state, 'draft')
        self.assertEqual(self._line(order, self.lamp).product_uom_qty, 5.0)

    def test_locked_order_is_reduced_and_stays_locked(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        order.action_lock()
        ret = self._return(order, lines=[(self.lamp, 1.0)])
        ret.action_approve()
        self.assertEqual(self._line(order, self.lamp).product_uom_qty, 4.0)
        self.assertTrue(order.locked)


@tagged('post_install', '-at_install')
class TestReturnStarts(ReturnCase):
    """Where a return starts: the order, a complaint, the portal (see
    test_return_portal)."""

    def test_order_button_opens_a_return_filled_with_what_can_be_returned(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0), (self.chair, 2.0)])
        first = self._return(order, lines=[(self.lamp, 1.0)])
        first.action_approve()
        action = order.with_user(self.salesperson).action_create_customer_return()
        self.assertEqual(action['res_model'], 'customer.return')
        form = Form(self.Return.with_user(self.salesperson).with_context(**action['context']))
        form.reason = 'defect'
        self.assertEqual(form.return_type, 'after_delivery')
        ret = form.save()
        self.assertEqual(ret.order_id, order)
        # One lamp is already on its way back.
        self.assertEqual(sorted(ret.line_ids.mapped(lambda line: (line.product_id.name, line.quantity))),
                         [('Desk Lamp', 4.0), ('Office Chair', 2.0)])
        self.assertEqual(ret.line_ids.mapped('qty_returnable'), [4.0, 2.0])

    def test_order_button_on_an_undelivered_order_offers_the_undelivered_quantities(self):
        order = self._order(lines=[(self.lamp, 5.0)])
        action = order.action_create_customer_return()
        form = Form(self.Return.with_context(**action['context']))
        form.reason = 'changed_mind'
        ret = form.save()
        self.assertEqual(ret.return_type, 'before_delivery')
        self.assertEqual(ret.line_ids.mapped('quantity'), [5.0])

    def test_only_confirmed_orders_offer_the_return_button(self):
        quotation = self._order(confirm=False)
        with self.assertRaises(UserError):
            quotation.action_create_customer_return()

    def test_complaint_creates_a_return_with_its_order_and_responsibility(self):
        order = self._delivered_order(lines=[(self.lamp, 5.0), (self.chair, 2.0)])
        complaint = self.env['customer.complaint'].create({
            'partner_id': self.customer.id, 'order_id': order.id, 'product_id': self.chair.id,
            'description': 'The chair wobbles.', 'category': 'product_quality',
        })
        complaint.action_acknowledge()
        complaint.write({'responsibility': 'product'})
        arch = self.env['customer.complaint'].with_user(self.salesperson).get_views(
            [(False, 'form')])['views']['form']['arch']
        action = self.env.ref('sales_followup.action_customer_return_new')
        self.assertIn('name="%s"' % action.id, arch, "the complaint form offers to create a return")
        form = Form(self.Return.with_user(self.salesperson).with_context(default_complaint_id=complaint.id))
        form.reason = 'defect'
        ret = form.save()
        self.assertRecordValues(ret, [{
            'complaint_id': complaint.id, 'order_id': order.id, 'partner_id': self.customer.id,
            'responsibility': 'product',
        }])
        self.assertEqual(ret.line_ids.mapped(lambda line: (line.product_id, line.quantity)), [(self.chair, 2.0)])
        # Over RPC too: the order and the responsibility come from the complaint.
        direct = self.Return.create({
            'complaint_id': complaint.id, 'reason': 'defect',
            'line_ids': [fields.Command.create({'product_id': self.chair.id, 'quantity': 1.0})],
        })
        self.assertRecordValues(direct, [{'order_id': order.id, 'responsibility': 'product'}])

    def test_every_view_opens_for_a_salesperson(self):
        order = self._delivered_order()
        ret = self._return(order, user=self.salesperson)
        Return = self.Return.with_user(self.salesperson)
        views = Return.get_views([(False, kind) for kind in (
            'kanban', 'list', 'calendar', 'pivot', 'graph', 'form', 'search', 'activity')])
        self.assertEqual(set(views['views']), {
            'kanban', 'list', 'calendar', 'pivot', 'graph', 'form', 'search', 'activity'})
        self.env['customer.return.line'].with_user(self.salesperson).get_views(
            [(False, 'pivot'), (False, 'graph'), (False, 'list'), (False, 'search')])
        with Form(ret.with_user(self.salesperson)) as form:
            form.description = 'Called back'
        self.assertEqual(ret.description, 'Called back')
        with Form(order.with_user(self.salesperson)):
            pass
        with Form(self.customer.with_user(self.salesperson)):
            pass

    def test_order_and_partner_count_their_returns(self):
        order = self._delivered_order()
        ret = self._return(order)
        self.assertEqual(order.customer_return_count, 1)
        self.assertEqual(self.customer.customer_return_count, 1)
        self.assertEqual(order.action_view_customer_returns()['domain'], [('order_id', '=', order.id)])
        action = self.customer.action_view_customer_returns()
        self.assertEqual(self.Return.search(action['domain']), ret)


@tagged('post_install', '-at_install')
class TestReturnDecisions(ReturnCase):

    def test_delivery_responsibility_reports_to_the_inventory_administrator(self):
        order = self._delivered_order()
        ret = self._return(order, responsibility='delivery', reason='damaged')
        activity = ret.activity_ids
        self.assertEqual(len(activity), 1)
        inventory_admins = self.env.ref('stock.group_stock_manager').all_user_ids.filtered(
            lambda u: not u.share and u != self.env.ref('base.user_root')).sorted('id')
        self.assertEqual(activity.user_id, inventory_admins.filtered(
            lambda user: ret.with_user(user).has_access('read'))[:1])
        self.assertNotEqual(activity.user_id, self.stock_manager, "the warehouse user could not open the return")
        self.assertIn('delivery manager', activity.summary)
        self.assertEqual(ret.responsibility_advice, "Apologise first, then report it to the delivery manager.")
        # Set later, it reports too, once.
        other = self._return(order, lines=[(self.lamp, 1.0)], responsibility='product')
        self.assertFalse(other.activity_ids)
        other.responsibility = 'delivery'
        other.responsibility = 'delivery'
        self.assertEqual(len(other.activity_ids), 1)

    def test_order_saved_cancels_the_return(self):
        order = self._delivered_order()
        ret = self._return(order, user=self.salesperson)
        with self.assertRaises(UserError):
            ret.with_user(self.salesperson).action_save_order(reason='  ')
        self.assertEqual(ret.state, 'draft')
        wizard_action = ret.with_user(self.salesperson).action_open_save_order_wizard()
        wizard = self.env['customer.return.decision.wizard'].with_user(self.salesperson).with_context(
            **wizard_action['context']).create({'reason': 'A discount on the next order'})
        wizard.action_confirm()
        self.assertRecordValues(ret, [{
            'state': 'cancelled', 'order_saved': True, 'order_saved_reason': 'A discount on the next order',
            'date_order_saved': fields.Date.context_today(ret),
        }])

    def test_order_saved_after_approval_cancels_the_transfer(self):
        order = self._delivered_order()
        ret = self._return(order)
        ret.action_approve()
        transfer = ret.picking_ids
        ret.with_user(self.sales_manager).action_save_order(reason='Kept with a free accessory')
        self.assertEqual(ret.state, 'cancelled')
        self.assertEqual(transfer.state, 'cancel')
        self.assertEqual(self._line(order, self.lamp).qty_delivered, 5.0)

    def test_rejection_needs_a_reason_and_tells_the_customer(self):
        order = self._delivered_order()
        ret = self._return(order)
        with self.assertRaises(UserError):
            ret.action_reject()
        with self.assertRaises(UserError):
            ret.with_user(self.salesperson).write({'state': 'rejected'})
        self.assertEqual(ret.state, 'draft')
        ret.action_reject(reason='The goods were used for a month.')
        self.assertRecordValues(ret, [{'state': 'rejected', 'rejection_reason': 'The goods were used for a month.'}])
        message = ret.message_ids.filtered(lambda m: m.subject and ret.name in m.subject)
        self.assertTrue(message)
        self.assertIn('used for a month', message[0].body)
        self.assertIn(self.customer, message[0].partner_ids)

    def test_approval_tells_the_customer_what_happens_next(self):
        order = self._delivered_order()
        ret = self._return(order, resolution='exchange')
        ret.action_approve()
        message = ret.message_ids.filtered(lambda m: m.subject == 'Your return %s' % ret.name)
        self.assertEqual(len(message), 1)
        self.assertIn('send you a replacement', message.body)

    def test_state_written_directly_runs_the_step_and_its_checks(self):
        order = self._delivered_order()
        ret = self._return(order)
        ret.with_user(self.salesperson).write({'state': 'approved'})
        self.assertEqual(ret.state, 'approved')
        self.assertTrue(ret.picking_ids, "the step's transfer was created")
        with self.assertRaises(UserError):
            ret.with_user(self.sales_manager).write({'state': 'draft'})
        self.assertEqual(ret.state, 'approved')

    def test_draft_and_cancelled_returns_only_can_be_deleted(self):
        order = self._delivered_order()
        ret = self._return(order)
        ret.action_approve()
        with self.assertRaises(UserError):
            ret.unlink()
        self.assertTrue(ret.exists())
