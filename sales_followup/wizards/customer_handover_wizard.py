from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

from ..const import HANDOVER_SCOPES


class CustomerHandoverWizard(models.TransientModel):
    """Hand over a salesperson's customers, all of them or a selection, to a
    successor: each customer's open cards (with their activities),
    complaints and other open work move with it (see
    ``customer.work.mixin``), in a constant number of queries."""
    _name = 'customer.handover.wizard'
    _description = 'Hand Over Customers'

    user_id = fields.Many2one(
        comodel_name='res.users', string="Salesperson", required=True, domain=[('share', '=', False)],
        help="Whose customers are handed over.")
    successor_id = fields.Many2one(
        comodel_name='res.users', required=True,
        domain="[('share', '=', False), ('id', '!=', user_id)]",
        help="Who takes them over, with their open work.")
    scope = fields.Selection(selection=HANDOVER_SCOPES, string="Customers to Hand Over", required=True, default='all')
    partner_ids = fields.Many2many(
        comodel_name='res.partner', string="Customers",
        domain="[('user_id', '=', user_id), '|', ('is_company', '=', True), ('parent_id', '=', False)]")
    customer_count = fields.Integer(string="Customers Handed Over", compute='_compute_customer_count')

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends('user_id', 'scope', 'partner_ids')
    def _compute_customer_count(self):
        for wizard in self:
            wizard.customer_count = len(wizard._customers()) if wizard.user_id else 0

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_confirm(self):
        """Hand the customers over to the successor."""
        self.ensure_one()
        self._ensure_handover()
        customers = self._customers()
        # Each customer's chatter gets the handover message instead of a
        # tracking message, and the successor one notification instead of
        # an assignment e-mail per customer.
        customers.with_context(mail_notrack=True, mail_auto_subscribe_no_notify=True).write(
            {'user_id': self.successor_id.id})
        self.successor_id.partner_id.sudo().message_post(
            body=self.env._("%(user)s handed %(count)s of %(previous)s's customers over to you.",
                            user=self.env.user.name, count=len(customers), previous=self.user_id.name),
            message_type='notification', subtype_xmlid='mail.mt_note')
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'type': 'success',
                'message': self.env._(
                    "%(count)s customers handed over from %(user)s to %(successor)s.",
                    count=len(customers), user=self.user_id.name, successor=self.successor_id.name),
                'next': {'type': 'ir.actions.act_window_close'},
            },
        }

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    def _customers(self):
        """The commercial partners handed over."""
        self.ensure_one()
        domain = Domain([('user_id', '=', self.user_id.id),
                         '|', ('is_company', '=', True), ('parent_id', '=', False)])
        if self.scope == 'selection':
            domain &= Domain('id', 'in', self.partner_ids.ids)
        return self.env['res.partner'].search(domain)

    @api.private
    def _ensure_handover(self):
        if not self.env.user.has_group('sales_followup.group_followup_manager'):
            raise AccessError(self.env._("Only after-sales managers can hand customers over."))
        if self.user_id == self.successor_id:
            raise UserError(self.env._("Choose a successor other than the salesperson."))
        if self.successor_id.share or not self.successor_id.active:
            raise UserError(self.env._(
                "%(successor)s cannot take customers over: choose an active internal user.",
                successor=self.successor_id.name))
        if self.scope == 'selection':
            if not self.partner_ids:
                raise UserError(self.env._("Select the customers to hand over."))
            foreign = self.partner_ids.filtered(
                lambda partner: partner.user_id != self.user_id or partner.commercial_partner_id != partner)
            if foreign:
                raise UserError(self.env._(
                    "%(customer)s is not a customer of %(user)s.",
                    customer=foreign[0].display_name, user=self.user_id.name))
        customers = self._customers()
        if not customers:
            raise UserError(self.env._("%(user)s has no customers to hand over.", user=self.user_id.name))
        # Their cards and complaints live in the customers' companies.
        successor_companies = self.successor_id.sudo().company_ids
        foreign_company = customers.filtered(
            lambda partner: partner.company_id and partner.company_id not in successor_companies)
        if foreign_company:
            raise UserError(self.env._(
                "%(successor)s does not work for %(company)s, the company of %(customer)s.",
                successor=self.successor_id.name, company=foreign_company[0].company_id.name,
                customer=foreign_company[0].display_name))
