from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, formatLang


# ----------------------------------------------------------------------
# Lost quotations (issue 4, follow-up engine). A class of its own; its
# action_cancel/_action_cancel overrides call super().
# ----------------------------------------------------------------------
class SaleOrderLostQuote(models.Model):
    _inherit = 'sale.order'

    followup_lost_reason = fields.Text(string="Lost Reason", copy=False, tracking=True)
    followup_new_approach = fields.Text(
        string="Planned New Approach", copy=False, tracking=True,
        help="How the revisit will differ from the pitch that lost the quotation.")
    followup_cancel_date = fields.Date(
        string="Quotation Cancelled On", copy=False, readonly=True,
        help="Set when a quotation (never confirmed) is cancelled; a revisit card follows.")

    def action_cancel(self):
        # Only the form's Cancel button asks (its context carries the flag):
        # programmatic cancellations keep Odoo's behaviour.
        if self.env.context.get('followup_ask_lost_reason') and any(
            order.state in ('draft', 'sent') and not order.followup_lost_reason for order in self
        ):
            return {
                'type': 'ir.actions.act_window',
                'name': self.env._("Why Was This Quotation Lost?"),
                'res_model': 'sale.order.lost.wizard',
                'view_mode': 'form',
                'target': 'new',
                'context': {'default_order_ids': self.ids},
            }
        return super().action_cancel()

    def _action_cancel(self):
        quotations = self.filtered(lambda order: order.state in ('draft', 'sent'))
        result = super()._action_cancel()
        quotations.write({'followup_cancel_date': fields.Date.context_today(self)})
        return result
# --- end lost quotations section ---------------------------------------


# ----------------------------------------------------------------------
# Credit control (issue 5). A class of its own so that its overrides of
# action_confirm and write never shadow another section's: any other
# feature overriding them must do it in its own class and call super().
# ----------------------------------------------------------------------
CREDIT_APPROVAL_STATES = [
    ('pending', 'Pending Approval'),
    ('approved', 'Approved'),
    ('rejected', 'Rejected'),
]
# Written by the credit check (as superuser) or by credit controllers only.
CREDIT_PROTECTED_ORDER_FIELDS = (
    'credit_approval_state', 'credit_approved_by_id', 'credit_approved_amount', 'credit_reject_reason',
)
# Key of env.cr.cache holding the ids of orders whose write is in progress:
# their lines are checked once, when the order write ends. A cursor
# attribute, not a context key, so no caller can set it.
CREDIT_DEFERRED_ORDERS = 'sales_followup_credit_deferred_order_ids'
# Key of env.cr.cache holding the ids of orders that action_confirm has
# just passed through the credit check: only their state may become 'sale'
# without a second check. Anything else writing the state (an RPC
# ``write({'state': 'sale'})``) is checked on its own.
CREDIT_CONFIRMING_ORDERS = 'sales_followup_credit_confirming_order_ids'
# Key of env.cr.cache set while an online payment confirms its order: the
# payment is taken whoever runs its post-processing (a cron, the customer,
# an accountant clicking "Post-process"), so a refusal must put the order
# pending rather than raise and undo the payment's processing.
CREDIT_PAYMENT_CONFIRMATION = 'sales_followup_credit_payment_confirmation'


class SaleOrderCredit(models.Model):
    _inherit = 'sale.order'

    credit_approval_state = fields.Selection(
        selection=CREDIT_APPROVAL_STATES, string="Credit Approval", copy=False, readonly=True,
        tracking=True, index='btree_not_null',
        help="Empty when the order needed no credit approval.")
    credit_approved_by_id = fields.Many2one(
        comodel_name='res.users', string="Credit Approved By", copy=False, readonly=True, tracking=True)
    credit_approved_amount = fields.Monetary(
        string="Credit Approved Up To", currency_field='currency_id', copy=False, readonly=True,
        help="The approval covers the order up to this total; beyond it, the credit check applies again.")
    credit_reject_reason = fields.Text(string="Credit Rejection Reason", copy=False, readonly=True)
    # Banner figures: computed from SQL, so salespeople see them without
    # accounting rights.
    credit_currency_id = fields.Many2one(
        comodel_name='res.currency', string="Company Currency", related='company_id.currency_id')
    credit_check_active = fields.Boolean(string="Credit Check Active", compute='_compute_credit_banner')
    credit_exposure = fields.Monetary(
        string="Credit Exposure", currency_field='credit_currency_id', compute='_compute_credit_banner',
        help="Open receivables, confirmed orders not yet invoiced and this quotation, in company currency.")
    credit_limit_amount = fields.Monetary(
        string="Credit Limit", currency_field='credit_currency_id', compute='_compute_credit_banner')
    credit_available = fields.Monetary(
        string="Available Credit", currency_field='credit_currency_id', compute='_compute_credit_banner')
    credit_overdue_amount = fields.Monetary(
        string="Overdue Amount", currency_field='credit_currency_id', compute='_compute_credit_banner')
    credit_overdue_days = fields.Integer(string="Oldest Overdue (days)", compute='_compute_credit_banner')
    credit_partner_hold = fields.Boolean(string="Customer on Credit Hold", compute='_compute_credit_banner')
    credit_over_limit = fields.Boolean(string="Over Credit Limit", compute='_compute_credit_banner')
    can_credit_decide = fields.Boolean(compute='_compute_can_credit_decide')

    @api.depends('amount_total', 'currency_rate', 'partner_invoice_id', 'company_id', 'state')
    @api.depends_context('uid')
    def _compute_credit_banner(self):
        Exposure = self.env['credit.exposure']
        empty = {
            'credit_check_active': False, 'credit_exposure': 0.0, 'credit_limit_amount': 0.0,
            'credit_available': 0.0, 'credit_overdue_amount': 0.0, 'credit_overdue_days': 0,
            'credit_partner_hold': False, 'credit_over_limit': False,
        }
        by_company = defaultdict(lambda: self.browse())
        for order in self:
            settings = Exposure._get_limit_settings(order.company_id)
            if settings['mode'] == 'off' or order.state == 'cancel' or not order.partner_invoice_id:
                order.update(empty)
            else:
                by_company[order.company_id] |= order
        for company, orders in by_company.items():
            partners = orders.partner_invoice_id.commercial_partner_id
            figures = Exposure._get_figures(partners.ids, company)
            tolerance = Exposure._get_limit_settings(company)['tolerance']
            for order in orders:
                data = figures[order.partner_invoice_id.commercial_partner_id.id]
                exposure = data['exposure']
                if order.state in ('draft', 'sent'):
                    exposure += order._credit_amount_company()
                limit = data['limit']
                order.update({
                    'credit_check_active': True,
                    'credit_exposure': exposure,
                    'credit_limit_amount': limit,
                    'credit_available': limit - exposure if limit else 0.0,
                    'credit_overdue_amount': data['overdue_amount'],
                    'credit_overdue_days': data['overdue_days'],
                    'credit_partner_hold': data['hold'],
                    'credit_over_limit': bool(limit) and float_compare(
                        exposure, limit * (1 + tolerance / 100.0),
                        precision_rounding=company.currency_id.rounding) > 0,
                })

    @api.depends('credit_approval_state')
    @api.depends_context('uid')
    def _compute_can_credit_decide(self):
        is_controller = self.env['credit.exposure']._is_controller()
        for order in self:
            order.can_credit_decide = is_controller and order.credit_approval_state == 'pending'

    @api.model_create_multi
    def create(self, vals_list):
        if any(fname in vals for vals in vals_list for fname in CREDIT_PROTECTED_ORDER_FIELDS):
            self.env['credit.exposure']._ensure_controller()
        orders = super().create(vals_list)
        if not self.env.su:
            # An order created directly as confirmed (RPC) skipped action_confirm.
            orders.filtered(lambda order: order.state == 'sale')._credit_enforce(counted=True, strict=True)
        return orders

    def write(self, vals):
        if any(fname in vals for fname in CREDIT_PROTECTED_ORDER_FIELDS):
            self.env['credit.exposure']._ensure_controller()
        direct_confirm = self.browse()
        if vals.get('state') == 'sale' and not self.env.su:
            confirming = self.env.cr.cache.get(CREDIT_CONFIRMING_ORDERS, ())
            direct_confirm = self.filtered(lambda order: order.state != 'sale' and order.id not in confirming)
        # A confirmed order moved to another customer's invoice address adds
        # to that customer's exposure: it is a new sale for them.
        moved_from = {
            order.id: order.partner_invoice_id.commercial_partner_id
            for order in self if order.state == 'sale'
        } if 'partner_invoice_id' in vals else {}
        totals = self._credit_confirmed_totals()
        if not totals:
            result = super().write(vals)
        else:
            deferred = self.env.cr.cache.setdefault(CREDIT_DEFERRED_ORDERS, set())
            added = set(totals) - deferred
            deferred.update(added)
            try:
                result = super().write(vals)
            finally:
                deferred.difference_update(added)
            self.browse(list(added))._credit_check_growth(totals)
        moved = self.filtered(lambda order: order.id in moved_from and order.state == 'sale'
                              and order.partner_invoice_id.commercial_partner_id != moved_from[order.id])
        if moved:
            # An approval was given for the previous customer only.
            moved.filtered('credit_approval_state').sudo().write({
                'credit_approval_state': False, 'credit_approved_by_id': False, 'credit_approved_amount': 0.0,
            })
            moved._credit_enforce(counted=True)
        if direct_confirm:
            direct_confirm._credit_enforce(counted=True, strict=True)
        return result

    def action_confirm(self):
        quotations = self.filtered(lambda order: order.state in ('draft', 'sent'))
        allowed = quotations._credit_enforce()
        refused = quotations - allowed
        confirming = self.env.cr.cache.setdefault(CREDIT_CONFIRMING_ORDERS, set())
        marked = set(allowed.ids) - confirming
        confirming.update(marked)
        try:
            if not refused:
                return super().action_confirm()
            if self - refused:
                super(SaleOrderCredit, self - refused).action_confirm()
        finally:
            confirming.difference_update(marked)
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'type': 'warning',
                'sticky': False,
                'message': self.env._(
                    "Above the credit limit or on credit hold: %(orders)s wait for a credit controller's "
                    "approval. The credit controllers have been notified.",
                    orders=", ".join(refused.mapped('name')),
                ),
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    def action_credit_approve(self):
        self.env['credit.exposure']._ensure_controller()
        self._credit_ensure_pending()
        for order in self:
            order.sudo().write({
                'credit_approval_state': 'approved',
                'credit_approved_by_id': self.env.user.id,
                'credit_approved_amount': order.amount_total,
            })
            order._credit_close_activities(self.env._("Approved"))
            order.message_post(
                body=self.env._(
                    "Credit approved by %(user)s for an order total up to %(amount)s.",
                    user=self.env.user.name,
                    amount=formatLang(self.env, order.amount_total, currency_obj=order.currency_id),
                ),
                subtype_xmlid='mail.mt_note',
            )
        quotations = self.filtered(lambda order: order.state in ('draft', 'sent'))
        if quotations:
            quotations.action_confirm()
        return True

    def action_credit_reject(self):
        self.env['credit.exposure']._ensure_controller()
        self._credit_ensure_pending()
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Reject Credit"),
            'res_model': 'credit.reject.wizard',
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_order_ids': self.ids},
        }

    @api.private
    def _credit_reject(self, reason):
        """Reject the pending orders with ``reason`` and tell their salespeople."""
        self.env['credit.exposure']._ensure_controller()
        self._credit_ensure_pending()
        if not (reason or '').strip():
            raise UserError(self.env._("Give the reason of the credit rejection."))
        for order in self:
            order.sudo().write({
                'credit_approval_state': 'rejected',
                'credit_approved_by_id': False,
                'credit_approved_amount': 0.0,
                'credit_reject_reason': reason,
            })
            order._credit_close_activities(self.env._("Rejected: %s", reason))
            body = self.env._(
                "Credit rejected by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            salesperson = order.user_id
            order.message_post(
                body=body, subtype_xmlid='mail.mt_note',
                partner_ids=salesperson.partner_id.ids,
            )
            if salesperson:
                order.sudo().activity_schedule(
                    'mail.mail_activity_data_todo', user_id=salesperson.id,
                    summary=self.env._("Credit rejected"), note=body)

    @api.private
    def _credit_ensure_pending(self):
        if any(order.credit_approval_state != 'pending' for order in self):
            raise UserError(self.env._("Only orders waiting for credit approval can be approved or rejected."))

    @api.private
    def _credit_amount_company(self):
        """The order total in company currency, at the order's own rate."""
        self.ensure_one()
        return self.amount_total / (self.currency_rate or 1.0)

    @api.private
    def _credit_approval_covers(self):
        self.ensure_one()
        return self.credit_approval_state == 'approved' and float_compare(
            self.amount_total, self.credit_approved_amount,
            precision_rounding=self.currency_id.rounding) <= 0

    @api.private
    def _credit_confirmed_totals(self):
        """Totals of the confirmed orders of self that are not already
        watched by an outer write, to detect a total that grows."""
        deferred = self.env.cr.cache.get(CREDIT_DEFERRED_ORDERS, ())
        return {
            order.id: order.amount_total
            for order in self
            if order.state == 'sale' and order.id not in deferred
        }

    @api.private
    def _credit_check_growth(self, totals):
        grown = self.filtered(lambda order: order.id in totals and float_compare(
            order.amount_total, totals[order.id], precision_rounding=order.currency_id.rounding) > 0)
        if grown:
            grown._credit_enforce(growth=True)

    @api.private
    def _credit_enforce(self, growth=False, counted=False, strict=False):
        """Apply each company's credit mode to ``self`` and return the orders
        that may go on. In *block* mode a refused order raises a UserError; in
        *approval* mode, and whenever the caller is no employee at the desk
        (portal signature, online payment, superuser code), it goes pending
        and the credit controllers are notified: nothing fails silently and
        nothing passes the limit.

        ``growth``: the orders are confirmed and their total grew; only the
        amount is checked again, against the exposure that already holds it.
        ``counted``: the orders are already confirmed (so already in the
        exposure) without having been checked: every rule applies.
        ``strict``: a refusal raises a UserError whatever the mode, for
        paths that cannot leave an order pending (a direct state write)."""
        Exposure = self.env['credit.exposure']
        allowed = self.browse()
        to_check = defaultdict(lambda: self.browse())
        for order in self:
            settings = Exposure._get_limit_settings(order.company_id)
            if settings['mode'] in ('off', 'warn') or order._credit_approval_covers():
                allowed |= order
            else:
                to_check[order.company_id] |= order
        for company in sorted(to_check, key=lambda c: c.id):
            orders = to_check[company]
            settings = Exposure._get_limit_settings(company)
            order_partner = self.env['credit.lock']._acquire_for_orders(orders.ids, company.id)
            figures = Exposure._get_figures(set(order_partner.values()), company)
            added = defaultdict(float)  # orders of this batch count together
            for order in orders.sorted('id'):
                partner_id = order_partner[order.id]
                amount = 0.0 if growth or counted else order._credit_amount_company()
                exposure = figures[partner_id]['exposure'] + added[partner_id] + amount
                problem = order._credit_problem(figures[partner_id], exposure, settings, growth)
                if not problem:
                    added[partner_id] += amount
                    allowed |= order
                    continue
                reason = order._credit_refusal_message(
                    problem, partner_id, figures[partner_id], exposure, settings)
                # Only an employee at the desk gets the error: portal
                # signatures, online payments and superuser code go pending.
                soft = (self.env.su or not self.env.user._is_internal()
                        or self.env.cr.cache.get(CREDIT_PAYMENT_CONFIRMATION))
                if strict or (settings['mode'] == 'block' and not soft):
                    raise UserError(reason)
                order._credit_request_approval(reason)
        # An order that now fits (the customer paid, the amount went down)
        # needs no pending approval any more.
        if not growth:
            stale = allowed.filtered(lambda order: order.credit_approval_state in ('pending', 'rejected'))
            for order in stale:
                order._credit_close_activities(self.env._("No longer needed"))
            stale.sudo().write({'credit_approval_state': False})
        return allowed

    @api.private
    def _credit_problem(self, figures, exposure, settings, growth=False):
        """Why the order may not pass: 'hold', 'overdue', 'limit' or False."""
        self.ensure_one()
        if not growth and figures['hold']:
            return 'hold'
        if not growth and settings['overdue_days'] and figures['overdue_days'] > settings['overdue_days']:
            return 'overdue'
        limit = figures['limit']
        ceiling = limit * (1 + settings['tolerance'] / 100.0)
        if limit and float_compare(
                exposure, ceiling, precision_rounding=self.company_id.currency_id.rounding) > 0:
            return 'growth' if growth else 'limit'
        return False

    @api.private
    def _credit_refusal_message(self, problem, partner_id, figures, exposure, settings):
        """The message naming the exposure, the limit and the order total."""
        self.ensure_one()
        currency = self.company_id.currency_id
        limit = figures['limit']
        numbers = {
            'partner': self.env['res.partner'].sudo().browse(partner_id).name,
            'exposure': formatLang(self.env, exposure, currency_obj=currency),
            'limit': formatLang(self.env, limit, currency_obj=currency) if limit else self.env._("none"),
            'total': formatLang(self.env, self.amount_total, currency_obj=self.currency_id),
            'order': self.name,
        }
        if problem == 'hold':
            return self.env._(
                "%(partner)s is on credit hold: order %(order)s (total %(total)s) cannot be confirmed "
                "until a credit controller lifts the hold. Exposure: %(exposure)s; credit limit: %(limit)s.",
                **numbers)
        if problem == 'overdue':
            return self.env._(
                "%(partner)s has invoices overdue for %(days)s days (more than the %(max_days)s allowed), "
                "overdue amount %(overdue)s: order %(order)s (total %(total)s) cannot be confirmed. "
                "Exposure: %(exposure)s; credit limit: %(limit)s.",
                days=figures['overdue_days'], max_days=settings['overdue_days'],
                overdue=formatLang(self.env, figures['overdue_amount'], currency_obj=currency),
                **numbers)
        if problem == 'growth':
            return self.env._(
                "Order %(order)s grew to %(total)s: the exposure of %(partner)s would be %(exposure)s, "
                "above its credit limit of %(limit)s.", **numbers)
        return self.env._(
            "Credit limit exceeded for %(partner)s: the exposure would be %(exposure)s with order "
            "%(order)s (total %(total)s), above the credit limit of %(limit)s.", **numbers)

    @api.private
    def _credit_request_approval(self, reason):
        """Put the order on credit hold and ask the credit controllers."""
        self.ensure_one()
        order = self.sudo()
        order.write({
            'credit_approval_state': 'pending',
            'credit_approved_by_id': False,
            'credit_approved_amount': 0.0,
            'credit_reject_reason': False,
        })
        order.message_post(
            body=Markup("%s<br/>%s") % (self.env._("Waiting for credit approval."), reason),
            subtype_xmlid='mail.mt_note',
        )
        activity_type = self.env.ref('sales_followup.mail_activity_type_credit_approval')
        if order.activity_ids.filtered(lambda act: act.activity_type_id == activity_type):
            return
        for controller in order._credit_controllers():
            order.activity_schedule(
                'sales_followup.mail_activity_type_credit_approval',
                user_id=controller.id, note=reason,
                summary=self.env._("Credit approval: %s", order.name),
            )

    @api.private
    def _credit_controllers(self):
        self.ensure_one()
        group = self.env.ref('sales_followup.group_credit_controller').sudo()
        controllers = group.all_user_ids.filtered(
            lambda user: user.active and not user.share and self.company_id in user.company_ids)
        return controllers or self.user_id

    @api.private
    def _credit_close_activities(self, feedback):
        activity_type = self.env.ref('sales_followup.mail_activity_type_credit_approval')
        activities = self.sudo().activity_ids.filtered(lambda act: act.activity_type_id == activity_type)
        if activities:
            activities.action_feedback(feedback=feedback)
# --- end credit control section ----------------------------------------
