from odoo import models

from ..const import FOLLOWUP_OPEN_STATES
from ..tools import cursor_flag
from .customer_followup import ACTIVITY_DONE_KEY


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
        cards = self.env['customer.followup'].browse(card_ids).exists().sudo().filtered(
            lambda card: card.state in FOLLOWUP_OPEN_STATES)
        if cards:
            # Whoever may mark the activity done may close its card: the
            # activity is the card's to-do for that user.
            with cursor_flag(self.env, ACTIVITY_DONE_KEY, cards.ids):
                cards.action_mark_done(outcome=feedback)
        return result
