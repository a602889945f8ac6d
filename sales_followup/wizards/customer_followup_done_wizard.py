from odoo import fields, models
from odoo.exceptions import UserError


class CustomerFollowupDoneWizard(models.TransientModel):
    _name = 'customer.followup.done.wizard'
    _description = 'Mark Follow-up Done'

    followup_ids = fields.Many2many(comodel_name='customer.followup', string="Follow-up Cards", required=True)
    outcome = fields.Text(required=True, help="What came out of it: kept for the next person.")
    satisfied = fields.Boolean(
        string="Customer Satisfied", help="The customer was happy: they will be asked for a referral.")

    def action_confirm(self):
        """Mark the cards done with their outcome."""
        self.ensure_one()
        if not (self.outcome or '').strip():
            raise UserError(self.env._("Describe the outcome before marking the card done."))
        self.followup_ids.action_mark_done(outcome=self.outcome.strip(), satisfied=self.satisfied)
        return {'type': 'ir.actions.act_window_close'}
