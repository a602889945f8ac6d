from odoo import fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = 'account.move'

    followup_ids = fields.One2many(
        comodel_name='customer.followup', inverse_name='invoice_id', string="Follow-up Cards")
    followup_count = fields.Integer(string="Follow-ups", compute='_compute_followup_count')
    can_record_promise = fields.Boolean(compute='_compute_can_record_promise')

    def _compute_followup_count(self):
        counts = dict(self.env['customer.followup']._read_group(
            [('invoice_id', 'in', self.ids)], ['invoice_id'], ['__count']))
        for move in self:
            move.followup_count = counts.get(move, 0)

    def _compute_can_record_promise(self):
        for move in self:
            move.can_record_promise = move._is_promise_possible()

    def action_open_promise_wizard(self):
        """Record the date and amount the customer promised to pay."""
        self.ensure_one()
        self._ensure_promise_possible()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'sales_followup.action_customer_followup_promise_wizard')
        action['context'] = {'default_invoice_id': self.id}
        return action

    def action_view_followups(self):
        """Open the invoice's follow-up cards."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_followup_board')
        action.update({
            'name': self.env._("Follow-up Cards"),
            'view_mode': 'list,form',
            'views': [(False, 'list'), (False, 'form')],
            'domain': [('invoice_id', '=', self.id)],
            'context': {'create': False},
        })
        return action

    def _is_promise_possible(self):
        self.ensure_one()
        return (
            self.move_type == 'out_invoice' and self.state == 'posted'
            and self.payment_state in ('not_paid', 'partial')
        )

    def _ensure_promise_possible(self):
        for move in self:
            if not move._is_promise_possible():
                raise UserError(self.env._(
                    "A promise to pay can only be recorded on a posted customer invoice that is not paid yet."))
