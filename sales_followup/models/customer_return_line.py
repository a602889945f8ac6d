from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..const import NO_PRODUCT, NO_RESPONSIBILITY, NO_SALESPERSON
from ..tools import cursor_flagged
from .customer_return import WORKFLOW_KEY

# Written by the workflow only: how much the return took off the order.
WORKFLOW_LINE_FIELDS = frozenset({'qty_reduced'})


class CustomerReturnLine(models.Model):
    """A product of the order and the quantity that comes back. The return's
    figures are repeated here (stored) so that returns can be analysed per
    product."""
    _name = 'customer.return.line'
    _description = 'Customer Return Line'
    _order = 'return_id, id'

    return_id = fields.Many2one(
        comodel_name='customer.return', required=True, index=True, ondelete='cascade')
    sale_line_id = fields.Many2one(
        comodel_name='sale.order.line', string="Order Line", index=True,
        compute='_compute_sale_line_id', store=True, readonly=False, precompute=True,
        domain="[('order_id', '=', order_id), ('display_type', '=', False), ('is_downpayment', '=', False)]")
    product_id = fields.Many2one(
        comodel_name='product.product', index=True,
        compute='_compute_product_id', store=True, readonly=False, precompute=True, falsy_value_label=NO_PRODUCT)
    quantity = fields.Float(digits='Product Unit', required=True, default=1.0)
    product_uom_id = fields.Many2one(
        comodel_name='uom.uom', string="Unit", related='sale_line_id.product_uom_id')
    price_unit = fields.Float(
        string="Unit Price", digits='Product Price', compute='_compute_price_unit', store=True, precompute=True,
        help="Untaxed price of one unit on the order, discount included.")
    price_subtotal = fields.Monetary(
        string="Value", currency_field='currency_id', compute='_compute_price_subtotal', store=True,
        help="Untaxed value of the returned quantity at the order's price.")
    qty_returnable = fields.Float(
        string="Returnable", digits='Product Unit', compute='_compute_qty_returnable',
        help="What can still be returned: delivered minus returns on their way back (after delivery), "
             "or not yet delivered (before delivery).")
    qty_received = fields.Float(
        string="Received", digits='Product Unit', compute='_compute_qty_received',
        help="The quantity the validated return transfers brought back.")
    qty_reduced = fields.Float(
        string="Taken off the Order", digits='Product Unit', readonly=True, copy=False,
        help="How much the return reduced the ordered quantity.")
    # The return's figures, stored for the analysis and the record rules.
    order_id = fields.Many2one(related='return_id.order_id', store=True, string="Sales Order")
    company_id = fields.Many2one(related='return_id.company_id', store=True, index=True)
    currency_id = fields.Many2one(related='return_id.currency_id')
    user_id = fields.Many2one(
        related='return_id.user_id', store=True, string="Salesperson", falsy_value_label=NO_SALESPERSON)
    commercial_partner_id = fields.Many2one(
        related='return_id.commercial_partner_id', store=True, string="Customer")
    state = fields.Selection(related='return_id.state', store=True, string="Status")
    return_type = fields.Selection(related='return_id.return_type', store=True, string="Type")
    reason = fields.Selection(related='return_id.reason', store=True)
    responsibility = fields.Selection(
        related='return_id.responsibility', store=True, falsy_value_label=NO_RESPONSIBILITY)
    resolution = fields.Selection(related='return_id.resolution', store=True)
    date_requested = fields.Date(related='return_id.date_requested', store=True, string="Requested On")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends('product_id', 'return_id.order_id')
    def _compute_sale_line_id(self):
        for line in self:
            order = line.return_id.order_id
            if line.sale_line_id.order_id == order and line.sale_line_id.product_id == line.product_id:
                continue
            candidates = order.order_line.filtered(
                lambda sl, product=line.product_id: sl.product_id == product and not sl.display_type)
            line.sale_line_id = candidates[:1] if line.product_id else line.sale_line_id

    @api.depends('sale_line_id')
    def _compute_product_id(self):
        for line in self:
            if line.sale_line_id:
                line.product_id = line.sale_line_id.product_id

    @api.depends('sale_line_id')
    def _compute_price_unit(self):
        for line in self:
            sale_line = line.sale_line_id.sudo()
            line.price_unit = sale_line.price_subtotal / sale_line.product_uom_qty if sale_line.product_uom_qty else 0.0

    @api.depends('price_unit', 'quantity')
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.currency_id.round(line.price_unit * line.quantity) if line.currency_id else (
                line.price_unit * line.quantity)

    @api.depends('sale_line_id', 'return_id.return_type')
    def _compute_qty_returnable(self):
        for line in self:
            returnable = self._returnable_quantities(line.sale_line_id, line.return_id.return_type)
            line.qty_returnable = returnable.get(line.sale_line_id.id, 0.0)

    @api.depends('return_id.picking_ids.state')
    def _compute_qty_received(self):
        for line in self:
            moves = line.return_id._return_transfers().move_ids.filtered(
                lambda move, sl=line.sale_line_id: move.state == 'done' and move.sale_line_id == sl)
            total = sum(move.product_uom._compute_quantity(move.quantity, line.product_uom_id) for move in moves)
            # Several lines of one order line share what came back, in order.
            previous = line.return_id.line_ids.filtered(
                lambda other, sl=line.sale_line_id, current=line: other.sale_line_id == sl and other.id < current.id)
            total -= sum(previous.mapped('quantity'))
            line.qty_received = max(min(total, line.quantity), 0.0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains('sale_line_id', 'product_id', 'return_id')
    def _check_sale_line(self):
        for line in self:
            sale_line = line.sale_line_id.sudo()
            order = line.return_id.order_id
            if not sale_line or sale_line.order_id != order or (
                    line.product_id and line.product_id != sale_line.product_id):
                raise ValidationError(self.env._(
                    "%(product)s is not on order %(order)s: only products of the order can be returned.",
                    product=(line.product_id or sale_line.product_id).display_name or self.env._("This product"),
                    order=order.name))
            if sale_line.display_type or sale_line.is_downpayment or sale_line.product_id.type != 'consu':
                raise ValidationError(self.env._(
                    "%(product)s is not goods: only delivered or deliverable goods can be returned.",
                    product=sale_line.product_id.display_name or sale_line.name))

    @api.constrains('quantity')
    def _check_quantity_positive(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(self.env._(
                    "The quantity of %(product)s to return must be positive, not %(quantity)s.",
                    product=line.product_id.display_name or line.sale_line_id.name, quantity=line.quantity))

    @api.constrains('quantity', 'sale_line_id')
    def _check_quantity(self):
        drafts = self.filtered(lambda line: line.return_id.state == 'draft')
        for ret in drafts.return_id:
            lines = drafts.filtered(lambda line, r=ret: line.return_id == r)
            returnable = self._returnable_quantities(lines.sale_line_id, ret.return_type)
            for sale_line in lines.sale_line_id:
                asked = sum(
                    ret.line_ids.filtered(lambda line, sl=sale_line: line.sale_line_id == sl).mapped('quantity'))
                lines[:1]._ensure_within(asked, returnable[sale_line.id], ret.return_type, sale_line)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.return_id._ensure_lines_editable()
        return lines

    def write(self, vals):
        if not self.env.su and WORKFLOW_LINE_FIELDS.intersection(vals) and not (
                set(self.return_id.ids) <= cursor_flagged(self.env, WORKFLOW_KEY)):
            raise UserError(self.env._("The quantity taken off the order is set by the return's workflow."))
        self.return_id._ensure_lines_editable()
        result = super().write(vals)
        if 'return_id' in vals:
            self.return_id._ensure_lines_editable()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self.return_id._ensure_lines_editable()

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.private
    def _ensure_within(self, quantity, returnable, return_type, sale_line=None):
        """Refuse ``quantity`` of the order line beyond ``returnable``."""
        sale_line = (sale_line or self.sale_line_id).sudo()
        uom = sale_line.product_uom_id
        if uom.compare(quantity, returnable) <= 0:
            return
        if return_type == 'after_delivery':
            message = self.env._(
                "Only %(returnable)s %(unit)s of %(product)s can still be returned on order %(order)s "
                "(delivered minus what other returns already take back), not %(quantity)s.",
                returnable=returnable, unit=uom.name, product=sale_line.product_id.display_name,
                order=sale_line.order_id.name, quantity=quantity)
        else:
            message = self.env._(
                "Only %(returnable)s %(unit)s of %(product)s are not delivered yet on order %(order)s, "
                "not %(quantity)s: goods already delivered are returned after delivery.",
                returnable=returnable, unit=uom.name, product=sale_line.product_id.display_name,
                order=sale_line.order_id.name, quantity=quantity)
        raise ValidationError(message)

    @api.model
    def _returnable_quantities(self, sale_lines, return_type):
        """{order line id: quantity that can still be returned}, in the
        order line's unit. After delivery: what was delivered (Odoo's
        delivered quantity, net of the returns already back) minus the
        returns still on their way. Before delivery: what is not delivered."""
        result = {}
        for sale_line in sale_lines.sudo():
            if return_type == 'before_delivery':
                quantity = sale_line.product_uom_qty - sale_line.qty_delivered
            else:
                _outgoing, incoming = sale_line._get_outgoing_incoming_moves()
                pending = sum(
                    move.product_uom._compute_quantity(move.product_uom_qty, sale_line.product_uom_id)
                    for move in incoming if move.state not in ('done', 'cancel'))
                quantity = sale_line.qty_delivered - pending
            result[sale_line.id] = max(sale_line.product_uom_id.round(quantity), 0.0)
        return result

    @api.model
    def _delivered_moves(self, sale_lines):
        """The done moves that delivered goods of ``sale_lines`` to the customer."""
        moves = self.env['stock.move']
        for sale_line in sale_lines.sudo():
            outgoing, _incoming = sale_line._get_outgoing_incoming_moves()
            moves |= outgoing.filtered(lambda move: move.state == 'done')
        return moves

    @api.model
    def _move_allocation(self, sale_line, quantity):
        """[(delivery move, quantity in the move's unit)] taking ``quantity``
        of ``sale_line`` back from its deliveries, the most recent first,
        each within what it delivered and was not returned yet."""
        sale_line = sale_line.sudo()
        uom = sale_line.product_uom_id
        allocation = []
        for move in self._delivered_moves(sale_line).sorted(lambda move: (move.date, move.id), reverse=True):
            if uom.is_zero(quantity):
                break
            returned = sum(
                returned_move.product_uom._compute_quantity(
                    returned_move.quantity if returned_move.state == 'done' else returned_move.product_uom_qty,
                    move.product_uom)
                for returned_move in move.returned_move_ids if returned_move.state != 'cancel')
            available = move.product_uom._compute_quantity(move.quantity - returned, uom)
            taken = min(available, quantity)
            if uom.compare(taken, 0.0) > 0:
                allocation.append((move, uom._compute_quantity(taken, move.product_uom)))
                quantity -= taken
        return allocation

    @api.model
    def _credit_quantity(self, sale_line, quantity):
        """How much of ``quantity`` taken off ``sale_line`` was invoiced
        beyond what stays invoiceable, hence needs a credit note."""
        sale_line = sale_line.sudo()
        left = sale_line.product_uom_qty - quantity
        if sale_line.product_id.invoice_policy != 'order':
            left = min(left, sale_line.qty_delivered)
        return sale_line.product_uom_id.round(max(min(quantity, sale_line.qty_invoiced - left), 0.0))

    @api.model
    def _invoice_allocation(self, sale_line, quantity):
        """[(customer invoice line, quantity)] crediting ``quantity`` of
        ``sale_line`` on its posted invoices, the most recent first, each
        within what it invoiced and no credit note took back yet."""
        sale_line = sale_line.sudo()
        uom = sale_line.product_uom_id
        invoice_lines = sale_line.invoice_lines.filtered(
            lambda line: line.move_id.move_type == 'out_invoice' and line.move_id.state == 'posted')
        refund_lines = sale_line.invoice_lines.filtered(
            lambda line: line.move_id.move_type == 'out_refund' and line.move_id.state != 'cancel')
        allocation = []
        for invoice_line in invoice_lines.sorted(lambda line: (line.move_id.invoice_date or line.date, line.id),
                                                 reverse=True):
            if uom.is_zero(quantity):
                break
            credited = sum(
                refund.product_uom_id._compute_quantity(refund.quantity, uom)
                for refund in refund_lines if refund.move_id.reversed_entry_id == invoice_line.move_id)
            available = invoice_line.product_uom_id._compute_quantity(invoice_line.quantity, uom) - credited
            taken = min(available, quantity)
            if uom.compare(taken, 0.0) > 0:
                allocation.append((invoice_line, uom._compute_quantity(taken, invoice_line.product_uom_id)))
                quantity -= taken
        return allocation
