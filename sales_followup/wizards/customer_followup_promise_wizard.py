from odoo import api, fields, models
from odoo.exceptions import UserError

from ..const import FOLLOWUP_COLLECTION_KINDS, FOLLOWUP_OPEN_STATES


class CustomerFollowupPromiseWizard(models.TransientModel):
    _name = 'customer.followup.promise.wizard'
    _description = 'Record Promise to Pay'

    followup_id = fields.Many2one(comodel_name='customer.followup', string="Follow-up Card")
    invoice_id = fields.Many2one(comodel_name='account.move', required=True)
    currency_id = fields.Many2one(related='invoice_id.company_currency_id', string="Currency")
    amount_due = fields.Monetary(compute='_compute_amount_due', currency_field='currency_id')
    promise_date = fields.Date(string="Promised Payment Date", required=True)
    promise_amount = fields.Monetary(
        string="Promised Amount", currency_field='currency_id',
        help="Leave empty when the customer promised to pay everything that is due.")

    @api.depends('invoice_id')
    def _compute_amount_due(self):
        for wizard in self:
            wizard.amount_due = wizard.invoice_id.amount_residual_signed

    def action_confirm(self):
        """Record the promise on the collection card and wait for the customer."""
        self.ensure_one()
        self._ensure_valid_promise()
        card = self.followup_id or self._find_or_create_card()
        card._record_promise(self.promise_date, self.promise_amount, self.amount_due)
        return {'type': 'ir.actions.act_window_close'}

    def _ensure_valid_promise(self):
        self.invoice_id._ensure_promise_possible()
        if self.followup_id:
            self.followup_id._ensure_collection_card()
            if self.followup_id.invoice_id != self.invoice_id:
                raise UserError(self.env._("The card and the invoice do not match."))
        self.env['customer.followup']._ensure_valid_promise(
            self.promise_date, self.promise_amount, self.amount_due, currency=self.currency_id)

    def _find_or_create_card(self):
        invoice = self.invoice_id
        cards = self.env['customer.followup'].search([
            ('invoice_id', '=', invoice.id), ('kind', 'in', FOLLOWUP_COLLECTION_KINDS),
        ], order='id desc')
        card = cards.filtered(lambda c: c.state in FOLLOWUP_OPEN_STATES)[:1] or cards[:1]
        if card:
            return card
        today = fields.Date.context_today(self)
        kind = 'payment_due' if invoice.invoice_date_due and invoice.invoice_date_due <= today else 'payment_reminder'
        vals = {
            'kind': kind,
            'partner_id': invoice.commercial_partner_id.id,
            'invoice_id': invoice.id,
            'date_due': today,
            'user_id': (invoice.invoice_user_id or invoice.commercial_partner_id.user_id or self.env.user).id,
            'company_id': invoice.company_id.id,
        }
        Followup = self.env['customer.followup']
        occasion = Followup._occasion_tuple(dict(vals, occasion_key='account.move,%s' % invoice.id))
        if occasion in Followup._existing_occasions([occasion]):
            # The card exists but is out of this user's reach (another
            # salesperson's customer): say so rather than fail obscurely.
            raise UserError(self.env._(
                "Invoice %(invoice)s already has a collection card that you cannot access: "
                "ask its salesperson or a sales manager to record the promise.", invoice=invoice.name))
        # A plain create, not the cron's skip-on-error helper: the user must
        # see why a card cannot be created (e.g. access rights).
        return Followup.create(vals)
