from odoo import fields, models


class CreditRejectWizard(models.TransientModel):
    _name = 'credit.reject.wizard'
    _description = 'Reject Credit Approval'

    order_ids = fields.Many2many(comodel_name='sale.order', string="Orders", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        """Reject the credit with the reason given."""
        self.ensure_one()
        self.order_ids._credit_reject(self.reason)
        return {'type': 'ir.actions.act_window_close'}
