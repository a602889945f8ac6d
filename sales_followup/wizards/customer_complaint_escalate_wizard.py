from odoo import fields, models


class CustomerComplaintEscalateWizard(models.TransientModel):
    _name = 'customer.complaint.escalate.wizard'
    _description = 'Escalate Complaint'

    complaint_ids = fields.Many2many(comodel_name='customer.complaint', string="Complaints", required=True)
    reason = fields.Text(string="Why Escalate", required=True)

    def action_confirm(self):
        """Escalate the complaints with the reason given."""
        self.ensure_one()
        self.complaint_ids.action_escalate(reason=self.reason)
        return {'type': 'ir.actions.act_window_close'}
