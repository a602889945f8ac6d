from odoo import Command

from .common import SalesFollowupCase


class ReturnCase(SalesFollowupCase):
    """Fixtures of the returns: a warehouse with stock, a lamp invoiced on
    ordered quantities and a chair invoiced on delivered quantities, a
    second salesperson with a customer of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Return = cls.env['customer.return']
        cls.customer.email = 'lotus@example.com'
        cls.warehouse = cls.env['stock.warehouse'].search([('company_id', '=', cls.company.id)], limit=1)
        cls.tax = cls.env['account.tax'].create({'name': 'Return VAT 10%', 'amount': 10.0, 'amount_type': 'percent'})
        cls.lamp = cls.env['product.product'].create({
            'name': 'Desk Lamp', 'is_storable': True, 'list_price': 40.0, 'invoice_policy': 'order',
            'taxes_id': [Command.set(cls.tax.ids)],
        })
        cls.chair = cls.env['product.product'].create({
            'name': 'Office Chair', 'is_storable': True, 'list_price': 100.0, 'invoice_policy': 'delivery',
            'taxes_id': [Command.set(cls.tax.ids)],
        })
        for product in (cls.lamp, cls.chair):
            cls.env['stock.quant']._update_available_quantity(product, cls.warehouse.lot_stock_id, 1000.0)
        cls.other_salesperson = cls.env['res.users'].create({
            'name': 'Otto Other', 'login': 'sf_return_other',
            'group_ids': [Command.link(cls.env.ref('sales_team.group_sale_salesman').id)],
        })
        cls.other_customer = cls.env['res.partner'].create({
            'name': 'Maple Goods', 'is_company': True, 'email': 'maple@example.com',
            'user_id': cls.other_salesperson.id,
        })
        cls.stock_manager = cls.env['res.users'].create({
            'name': 'Wanda Warehouse', 'login': 'sf_return_stock_manager', 'email': 'wanda@example.com',
            'group_ids': [Command.link(cls.env.ref('stock.group_stock_manager').id)],
        })
        cls.company.write({'followup_return_days': 10, 'followup_exchange_days': 30})

    # ------------------------------------------------------------------
    # Orders, deliveries, invoices
    # ------------------------------------------------------------------

    @classmethod
    def _order(cls, partner=None, lines=None, user=None, confirm=True):
        partner = partner or cls.customer
        lines = lines or [(cls.lamp, 5.0)]
        order = cls.env['sale.order'].create({
            'partner_id': partner.id,
            'user_id': (user or partner.user_id).id,
            'order_line': [Command.create({
                'product_id': product.id, 'product_uom_qty': qty, 'price_unit': product.list_price,
            }) for product, qty in lines],
        })
        if confirm:
            order.action_confirm()
        return order

    @staticmethod
    def _validate(pickings, quantities=None, backorder=False):
        """Validate ``pickings``, with ``quantities`` ({product: qty}) or in
        full; what is left goes to a backorder with ``backorder``."""
        for move in pickings.move_ids:
            move.quantity = (quantities or {}).get(move.product_id, move.product_uom_qty)
        pickings.move_ids.picked = True
        return pickings.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=[] if backorder else pickings.ids,
        ).button_validate()

    @classmethod
    def _deliver(cls, order, quantities=None):
        pickings = order.picking_ids.filtered(
            lambda p: p.picking_type_code == 'outgoing' and p.state not in ('done', 'cancel'))
        cls._validate(pickings, quantities)
        return pickings

    @staticmethod
    def _invoice(order):
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    @classmethod
    def _delivered_order(cls, lines=None, partner=None, invoice=False):
        order = cls._order(partner=partner, lines=lines)
        cls._deliver(order)
        if invoice:
            cls._invoice(order)
        return order

    # ------------------------------------------------------------------
    # Returns
    # ------------------------------------------------------------------

    @classmethod
    def _return(cls, order, lines=None, user=None, **vals):
        """A requested return of ``order``: ``lines`` is [(product, qty)]."""
        lines = lines if lines is not None else [(cls.lamp, 2.0)]
        values = {
            'order_id': order.id,
            'reason': 'defect',
            'resolution': 'refund',
            'line_ids': [Command.create({'product_id': product.id, 'quantity': qty}) for product, qty in lines],
        }
        values.update(vals)
        Return = cls.env['customer.return']
        if user:
            Return = Return.with_user(user)
        return Return.create(values)

    @classmethod
    def _receive(cls, customer_return, quantities=None):
        """Validate the return transfers of ``customer_return``."""
        return cls._validate(customer_return._return_transfers(), quantities)

    @staticmethod
    def _line(order, product):
        return order.order_line.filtered(lambda line: line.product_id == product)
