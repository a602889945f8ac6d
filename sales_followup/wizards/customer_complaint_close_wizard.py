from odoo import fields, models

from ..const import SATISFACTION_LEVELS


class CustomerComplaintCloseWizard(models.TransientModel):
    """Step 6 of the procedure: the call-back. Record how satisfied the
    customer is and, if there is one, the better offer to make them."""
    _name = 'customer.complaint.close.wizard'
    _description = 'Close Complaint'

    complaint_id = fields.Many2one(comodel_name='customer.complaint', required=True)
    satisfaction = fields.Selection(selection=SATISFACTION_LEVELS, string="Customer Satisfaction", required=True)
    better_offer = fields.Text(
        
        help="Something better we can offer this customer now; it becomes a follow-up card for the salesperson.")

    def action_confirm(self):
        """Record the customer's satisfaction and close the complaint."""
        self.ensure_one()
        complaint = self.complaint_id
        complaint._ensure_step('close', guards=False)
        complaint.write({'satisfaction': self.satisfaction, 'better_offer': self.better_offer or False})
        complaint.action_close()
        return {'type': 'ir.actions.act_window_close'}
