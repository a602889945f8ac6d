from odoo import fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    customer_return_ids = fields.Many2many(
        comodel_name='customer.return', relation='customer_return_stock_picking_rel',
        column1='picking_id', column2='return_id', string="Customer Returns", readonly=True, copy=False,
        groups='sales_followup.group_followup_user')

    def _action_done(self):
        # Whatever validates the delivery (the button, RPC, a scheduled
        # action), goods do not leave while their order waits for a credit
        # decision.
        self._ensure_no_pending_credit()
        result = super()._action_done()
        self._customer_returns_transfers_done()
        return result

    def _ensure_no_pending_credit(self):
        held = self.filtered(lambda picking: picking.picking_type_code == 'outgoing'
                             and picking.sale_id.sudo().credit_approval_state == 'pending')
        if held:
            order = held[0].sale_id.sudo()
            raise UserError(self.env._(
                "Delivery %(delivery)s cannot be validated: its order %(order)s waits for a credit "
                "controller's approval. %(reason)s",
                delivery=held[0].name, order=order.name, reason=order.credit_pending_reason or ''))

    def _customer_returns_transfers_done(self):
        """Validating a return transfer receives its customer returns; a
        backorder of the transfer stays with the same returns."""
        # Warehouse users validate transfers without access to returns.
        pickings = self.sudo().filtered('customer_return_ids')
        for picking in pickings:
            backorders = picking.backorder_ids.filtered(lambda backorder: not backorder.customer_return_ids)
            if backorders:
                picking.customer_return_ids.write({
                    'picking_ids': [fields.Command.link(backorder.id) for backorder in backorders]})
        pickings.customer_return_ids._on_transfers_done()
