from odoo import models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    def _action_done(self):
        # Whatever validates the delivery (the button, RPC, a scheduled
        # action), goods do not leave while their order waits for a credit
        # decision.
        self._ensure_no_pending_credit()
        return super()._action_done()

    def _ensure_no_pending_credit(self):
        held = self.filtered(lambda picking: picking.picking_type_code == 'outgoing'
                             and picking.sale_id.sudo().credit_approval_state == 'pending')
        if held:
            order = held[0].sale_id.sudo()
            raise UserError(self.env._(
                "Delivery %(delivery)s cannot be validated: its order %(order)s waits for a credit "
                "controller's approval. %(reason)s",
                delivery=held[0].name, order=order.name, reason=order.credit_pending_reason or ''))
