from odoo import models


class MailActivity(models.Model):
    _inherit = 'mail.activity'

    def _action_done(self, feedback=False, attachment_ids=None):
        # Capture the cards first: once done, the activities are archived.
        activity_type = self.env.ref('sales_followup.mail_activity_type_followup', raise_if_not_found=False)
        card_ids = [
            activity.res_id for activity in self
            if activity.res_model == 'customer.followup' and activity.activity_type_id == activity_type
        ]
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if card_ids and not self.env.context.get('followup_skip_activity_sync'):
            cards = self.env['customer.followup'].browse(card_ids).exists()
            # Whoever may mark the activity done may close its card: the
            # activity is the card's to-do for that user.
            cards.sudo().filtered(lambda c: c.state in ('todo', 'in_progress', 'waiting')).with_context(
                followup_skip_activity_sync=True,
            ).action_mark_done(outcome=feedback)
        return result
