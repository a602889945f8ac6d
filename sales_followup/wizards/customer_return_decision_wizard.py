from odoo import fields, models

from ..const import RETURN_DECISIONS


class CustomerReturnDecisionWizard(models.TransientModel):
    """Asks the reason of a decision that needs one: why a return is
    rejected, or how the order was saved."""
    _name = 'customer.return.decision.wizard'
    _description = 'Return Decision'

    return_id = fields.Many2one(comodel_name='customer.return', required=True, ondelete='cascade')
    decision = fields.Selection(
        selection=RETURN_DECISIONS, required=True, default='reject')
    reason = fields.Text(required=True)

    def action_confirm(self):
        """Record the decision on the return."""
        self.ensure_one()
        if self.decision == 'save_order':
            self.return_id.action_save_order(reason=self.reason)
        else:
            self.return_id.action_reject(reason=self.reason)
        return {'type': 'ir.actions.act_window_close'}
