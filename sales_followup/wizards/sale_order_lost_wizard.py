from odoo import fields, models
from odoo.exceptions import UserError


def _normalized(text):
    return ' '.join((text or '').lower().split())


class SaleOrderLostWizard(models.TransientModel):
    _name = 'sale.order.lost.wizard'
    _description = 'Lost Quotation: Reason and New Approach'

    order_ids = fields.Many2many(comodel_name='sale.order', string="Quotations", required=True)
    lost_reason = fields.Text(string="Why Was It Lost?", required=True)
    new_approach = fields.Text(
        string="Planned New Approach", required=True,
        help="What you will do differently at the revisit: the same pitch again is not a revisit.")

    def action_confirm(self):
        """Record why the quotations were lost and how to revisit, then cancel them."""
        self.ensure_one()
        self._ensure_new_approach()
        self.order_ids.write({
            'followup_lost_reason': self.lost_reason.strip(),
            'followup_new_approach': self.new_approach.strip(),
        })
        self.order_ids.action_cancel()
        return {'type': 'ir.actions.act_window_close'}

    def _ensure_new_approach(self):
        reason, approach = _normalized(self.lost_reason), _normalized(self.new_approach)
        if not reason or not approach:
            raise UserError(self.env._("Give both the reason the quotation was lost and the new approach."))
        if approach == reason:
            raise UserError(self.env._("The new approach cannot just repeat the lost reason."))
        previous = self.env['sale.order'].search([
            ('partner_id', 'child_of', self.order_ids.partner_id.commercial_partner_id.ids),
            ('id', 'not in', self.order_ids.ids),
            ('followup_new_approach', '!=', False),
        ], order='followup_cancel_date desc, id desc', limit=1)
        if previous and _normalized(previous.followup_new_approach) == approach:
            raise UserError(self.env._(
                "This is the approach already planned after %(order)s: the same pitch again is not a "
                "revisit. Plan a different approach.", order=previous.name))
