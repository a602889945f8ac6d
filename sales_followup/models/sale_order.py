from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, formatLang

from ..const import CREDIT_APPROVAL_STATES
from ..tools import cursor_flag, cursor_flagged

# Written by the credit check (as superuser) or by credit controllers only.
CREDIT_PROTECTED_ORDER_FIELDS = (
    'credit_approval_state', 'credit_approved_by_id', 'credit_approved_amount', 'credit_approved_partner_id',
    'credit_pending_reason', 'credit_reject_reason',
)
# What clearing an approval writes.
CREDIT_NO_APPROVAL = {
    'credit_approval_state': False, 'credit_approved_by_id': False, 'credit_approved_amount': 0.0,
    'credit_approved_partner_id': False, 'credit_pending_reason': False,
}
# Cursor keys (see tools.cursor_flag), never context keys, so that no caller
# can set them:
# - the ids of confirmed orders whose write is in progress: their lines are
#   checked once, when the order write ends;
CREDIT_DEFERRED_ORDERS = 'sales_followup.credit_deferred_orders'
# - the ids of orders that action_confirm has just passed through the credit
#   check: only their state may become 'sale' without a second check;
CREDIT_CONFIRMING_ORDERS = 'sales_followup.credit_confirming_orders'
# - set while an online payment confirms its order: the payment is taken
#   whoever runs its post-processing (a cron, the customer, an accountant),
#   so a refusal must put the order pending rather than raise and undo it.
CREDIT_PAYMENT_CONFIRMATION = 'sales_followup.credit_payment_confirmation'

# The credit checks, by what they are about:
# - 'confirmation': quotations being confirmed; their total comes on top of
#   the customer's exposure, and every rule applies;
# - 'unchecked': orders already confirmed (so already in the exposure) that
#   skipped the check: created confirmed, or moved to another customer;
# - 'growth': confirmed orders whose total grew: only the limit is checked
#   again, against the exposure that already holds them.
CREDIT_CHECKS = {
    'confirmation': {'add_total': True, 'rules': ('hold', 'overdue', 'limit')},
    'unchecked': {'add_total': False, 'rules': ('hold', 'overdue', 'limit')},
    'growth': {'add_total': False, 'rules': ('growth',)},
}


# Order changes that can win a referral, or take it back.
REFERRAL_ORDER_FIELDS = frozenset({'state', 'partner_id', 'date_order', 'company_id'})
# Ratings of the satisfaction request (1 to 5): what each one leads to.
RATING_SATISFIED = 4
RATING_UNHAPPY = 2


class SaleOrder(models.Model):
    _name = 'sale.order'
    # rating.mixin extends mail.thread, so it comes first.
    _inherit = ['rating.mixin', 'sale.order']

    followup_lost_reason = fields.Text(string="Lost Reason", copy=False, tracking=True)
    followup_new_approach = fields.Text(
        string="Planned New Approach", copy=False, tracking=True,
        help="How the revisit will differ from the pitch that lost the quotation.")
    followup_cancel_date = fields.Date(
        string="Quotation Cancelled On", copy=False, readonly=True,
        help="Set when a quotation (never confirmed) is cancelled; a revisit card follows.")

    credit_approval_state = fields.Selection(
        selection=CREDIT_APPROVAL_STATES, string="Credit Approval", copy=False, readonly=True,
        tracking=True, index='btree_not_null',
        help="Empty when the order needed no credit approval.")
    credit_approved_by_id = fields.Many2one(
        comodel_name='res.users', copy=False, readonly=True, tracking=True)
    credit_approved_amount = fields.Monetary(
        string="Credit Approved Up To", currency_field='currency_id', copy=False, readonly=True,
        help="The approval covers the order up to this total; beyond it, the credit check applies again.")
    credit_approved_partner_id = fields.Many2one(
        comodel_name='res.partner', string="Credit Approved For", copy=False, readonly=True,
        help="The customer the approval was given for: it covers no other.")
    credit_pending_reason = fields.Text(
        string="Why Credit Approval Is Needed", copy=False, readonly=True)
    credit_reject_reason = fields.Text(string="Credit Rejection Reason", copy=False, readonly=True)
    # Banner figures: computed from SQL, so salespeople see them without
    # accounting rights.
    credit_currency_id = fields.Many2one(
        comodel_name='res.currency', string="Company Currency", related='company_id.currency_id')
    credit_check_active = fields.Boolean(compute='_compute_credit_banner')
    credit_exposure = fields.Monetary(
        currency_field='credit_currency_id', compute='_compute_credit_banner',
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
    customer_return_ids = fields.One2many(
        comodel_name='customer.return', inverse_name='order_id', string="Customer Returns",
        groups='sales_followup.group_followup_user')
    customer_return_count = fields.Integer(
        string="Returns", compute='_compute_customer_return_count', groups='sales_followup.group_followup_user')

    followup_rating_requested = fields.Datetime(
        string="Rating Requested On", copy=False, readonly=True,
        help="When the customer was thanked and asked to rate the purchase: once per order.")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

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

    def _compute_customer_return_count(self):
        counts = dict(self.env['customer.return']._read_group(
            [('order_id', 'in', self.ids)], ['order_id'], ['__count']))
        for order in self:
            order.customer_return_count = counts.get(order, 0)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if any(fname in vals for vals in vals_list for fname in CREDIT_PROTECTED_ORDER_FIELDS):
            self.env['credit.exposure']._ensure_controller()
        orders = super().create(vals_list)
        if not self.env.su:
            # An order created directly as confirmed (RPC) skipped action_confirm.
            orders.filtered(lambda order: order.state == 'sale')._credit_check('unchecked', strict=True)
        self.env['customer.referral']._invalidate_revenue()
        confirmed = orders.filtered(lambda order: order.state == 'sale')
        if confirmed:
            self.env['customer.referral']._sync_with_orders(confirmed.partner_id.commercial_partner_id.ids)
        return orders

    def write(self, vals):
        if any(fname in vals for fname in CREDIT_PROTECTED_ORDER_FIELDS):
            self.env['credit.exposure']._ensure_controller()
        direct_confirm = self.browse()
        if vals.get('state') == 'sale' and not self.env.su:
            confirming = cursor_flagged(self.env, CREDIT_CONFIRMING_ORDERS)
            direct_confirm = self.filtered(lambda order: order.state != 'sale' and order.id not in confirming)
        # A confirmed order moved to another customer's invoice address adds
        # to that customer's exposure: it is a new sale for them.
        customers = {
            order.id: order.partner_invoice_id.commercial_partner_id for order in self
        } if {'partner_id', 'partner_invoice_id'} & vals.keys() else {}
        totals = self._credit_confirmed_totals()
        referral_partners = self.partner_id.commercial_partner_id if REFERRAL_ORDER_FIELDS & vals.keys() else None
        with cursor_flag(self.env, CREDIT_DEFERRED_ORDERS, totals):
            result = super().write(vals)
        self.env['customer.referral']._invalidate_revenue()
        if referral_partners is not None:
            self.env['customer.referral']._sync_with_orders(
                (referral_partners | self.partner_id.commercial_partner_id).ids)
        if totals:
            self.browse(list(totals))._credit_check_growth(totals)
        moved = self.filtered(lambda order: order.id in customers
                              and order.partner_invoice_id.commercial_partner_id != customers[order.id])
        if moved:
            # An approval was given for the previous customer only.
            moved._credit_void_approval()
            moved.filtered(lambda order: order.state == 'sale')._credit_check('unchecked')
        if direct_confirm:
            direct_confirm._credit_check('unchecked', strict=True)
        return result

    def action_cancel(self):
        """Cancel; a quotation cancelled from its form first says why it was lost."""
        # Only the form's Cancel button asks (its context carries the flag):
        # programmatic cancellations keep Odoo's behaviour.
        if self.env.context.get('followup_ask_lost_reason') and any(
            order.state in ('draft', 'sent') and not order.followup_lost_reason for order in self
        ):
            action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_sale_order_lost_wizard')
            action['context'] = {'default_order_ids': self.ids}
            return action
        return super().action_cancel()

    def _action_cancel(self):
        quotations = self.filtered(lambda order: order.state in ('draft', 'sent'))
        # Confirmed again later, the order is checked again in full.
        self._credit_void_approval()
        result = super()._action_cancel()
        quotations.write({'followup_cancel_date': fields.Date.context_today(self)})
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_draft(self):
        """Set back to quotation; a credit approval given before does not carry over."""
        self._credit_void_approval()
        return super().action_draft()

    def action_confirm(self):
        """Confirm the quotations that pass the credit check; the others wait for approval."""
        quotations = self.filtered(lambda order: order.state in ('draft', 'sent'))
        allowed = quotations._credit_check('confirmation')
        refused = quotations - allowed
        with cursor_flag(self.env, CREDIT_CONFIRMING_ORDERS, allowed.ids):
            if not refused:
                return super().action_confirm()
            if self - refused:
                super(SaleOrder, self - refused).action_confirm()
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
        """Approve the orders above the credit limit and confirm them."""
        self.env['credit.exposure']._ensure_controller()
        self._credit_ensure_pending()
        for order in self:
            order.sudo().write({
                'credit_approval_state': 'approved',
                'credit_approved_by_id': self.env.user.id,
                'credit_approved_amount': order.amount_total,
                'credit_approved_partner_id': order.partner_invoice_id.commercial_partner_id.id,
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
        """Ask why the credit is rejected."""
        self.env['credit.exposure']._ensure_controller()
        self._credit_ensure_pending()
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_credit_reject_wizard')
        action['context'] = {'default_order_ids': self.ids}
        return action

    def action_create_customer_return(self):
        """Open a new return of the order, its lines filled with what can still be returned."""
        self.ensure_one()
        if self.state != 'sale':
            raise UserError(self.env._("Only confirmed orders can be returned."))
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_return_new')
        action['context'] = {'default_order_id': self.id}
        return action

    def action_view_customer_returns(self):
        """Open the order's returns."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_return')
        action['domain'] = [('order_id', '=', self.id)]
        action['context'] = {'default_order_id': self.id}
        return action

    def rating_apply(self, rate, token=None, rating=None, feedback=None, subtype_xmlid=None, notify_delay_send=False):
        rating = super().rating_apply(
            rate, token=token, rating=rating, feedback=feedback, subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send)
        self._followup_on_rating(rating)
        return rating

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.private
    def _followup_send_rating_requests(self):
        """Thank the customers of ``self`` (confirmed orders) and ask them to
        rate their purchase from 1 to 5, through the rating links of the
        e-mail: once per order, where the company asks for it and the
        customer has an e-mail address."""
        template = self.env.ref('sales_followup.mail_template_satisfaction_request', raise_if_not_found=False)
        orders = self.sudo().filtered(lambda order: (
            order.state == 'sale' and not order.followup_rating_requested
            and order.company_id.followup_satisfaction_request and order.partner_id.email
        ))
        if not template or not orders:
            return orders
        orders.followup_rating_requested = fields.Datetime.now()
        for user, user_orders in orders.grouped('user_id').items():
            user_orders.message_post_with_source(
                template,
                email_layout_xmlid='mail.mail_notification_light',
                subtype_xmlid='mail.mt_note',
                author_id=user.partner_id.id or self.env.user.partner_id.id,
            )
        return orders

    @api.private
    def _followup_on_rating(self, rating):
        """What the customer's rating leads to: a satisfied customer is
        asked for a referral and a testimonial, an unhappy one gets a
        complaint opened for the salesperson, with their comment."""
        self.ensure_one()
        score = round(rating.rating)
        order = self.sudo()
        user = order.user_id or order.partner_id.commercial_partner_id.user_id
        if score >= RATING_SATISFIED:
            self.env['customer.followup'].sudo()._create_occasion_cards([{
                'kind': 'referral_ask',
                'partner_id': order.partner_id.id,
                'order_id': order.id,
                'user_id': user.id,
                'company_id': order.company_id.id,
                'occasion_key': 'rating.rating,%s' % rating.id,
                'date_due': fields.Date.context_today(self),
                'note': self.env._(
                    "The customer rated order %(order)s %(score)s/5: ask them for a referral and a testimonial.",
                    order=order.name, score=score),
            }])
        elif score <= RATING_UNHAPPY:
            Complaint = self.env['customer.complaint'].sudo()
            if Complaint.search_count([('rating_id', '=', rating.id)], limit=1):
                return
            comment = (rating.feedback or '').strip()
            complaint = Complaint.create({
                'partner_id': order.partner_id.id,
                'order_id': order.id,
                'user_id': user.id,
                'company_id': order.company_id.id,
                'rating_id': rating.id,
                'channel': 'email',
                'description': comment or self.env._(
                    "The customer rated order %(order)s %(score)s/5 without a comment.",
                    order=order.name, score=score),
            })
            if complaint.user_id:
                complaint.activity_schedule(
                    'mail.mail_activity_data_todo',
                    date_deadline=complaint.reply_deadline or fields.Date.context_today(self),
                    summary=self.env._("Unhappy customer rating: listen and acknowledge"),
                    user_id=complaint.user_id.id,
                )

    @api.private
    def _credit_reject(self, reason):
        """Reject the pending orders with ``reason`` and tell their salespeople."""
        self.env['credit.exposure']._ensure_controller()
        self._credit_ensure_pending()
        if not (reason or '').strip():
            raise UserError(self.env._("Give the reason of the credit rejection."))
        for order in self:
            order.sudo().write(dict(CREDIT_NO_APPROVAL, credit_approval_state='rejected', credit_reject_reason=reason))
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
        """An approval covers this order, for the customer it was given
        for, up to the total approved."""
        self.ensure_one()
        return (
            self.credit_approval_state == 'approved'
            and self.credit_approved_partner_id == self.partner_invoice_id.commercial_partner_id
            and float_compare(self.amount_total, self.credit_approved_amount,
                              precision_rounding=self.currency_id.rounding) <= 0
        )

    @api.private
    def _credit_void_approval(self):
        """Forget the credit decisions taken on ``self``: the next
        confirmation is checked again, in full."""
        decided = self.filtered('credit_approval_state')
        for order in decided.filtered(lambda order: order.credit_approval_state == 'pending'):
            order._credit_close_activities(self.env._("No longer needed"))
        if decided:
            decided.sudo().write(dict(CREDIT_NO_APPROVAL, credit_reject_reason=False))

    @api.private
    def _credit_confirmed_totals(self):
        """Totals of the confirmed orders of self that are not already
        watched by an outer write, to detect a total that grows."""
        deferred = cursor_flagged(self.env, CREDIT_DEFERRED_ORDERS)
        return {
            order.id: order.amount_total
            for order in self
            if order.state == 'sale' and order.id not in deferred
        }

    @api.private
    def _credit_check_growth(self, totals):
        """Check again the confirmed orders whose total grew beyond ``totals``."""
        grown = self.filtered(lambda order: order.id in totals and float_compare(
            order.amount_total, totals[order.id], precision_rounding=order.currency_id.rounding) > 0)
        if grown:
            grown._credit_check('growth')

    @api.private
    def _credit_check(self, check, strict=False):
        """Apply each company's credit mode to ``self`` for ``check`` (a key of
        ``CREDIT_CHECKS``) and return the orders that may go on.

        A refused order raises a UserError in *block* mode when an employee
        confirms it at the desk, and always with ``strict`` (paths that cannot
        leave an order pending, such as a direct state write). Otherwise (the
        *approval* mode, portal signatures, online payments, superuser code)
        it goes pending and the credit controllers are notified: nothing
        fails silently and nothing passes the limit."""
        to_check = self._credit_orders_to_check()
        allowed = self - to_check
        for _company, orders in sorted(to_check.grouped('company_id').items(), key=lambda item: item[0].id):
            allowed |= orders._credit_check_company(check, strict)
        if check != 'growth':
            allowed._credit_drop_stale_requests()
        return allowed

    @api.private
    def _credit_orders_to_check(self):
        """The orders of ``self`` that a credit check applies to: their
        company blocks or asks for approval, and no approval covers them."""
        Exposure = self.env['credit.exposure']
        return self.filtered(lambda order: (
            Exposure._get_limit_settings(order.company_id)['mode'] not in ('off', 'warn')
            and not order._credit_approval_covers()
        ))

    @api.private
    def _credit_check_company(self, check, strict):
        """Check the orders of ``self``, all of one company, customer by
        customer under the customer's credit lock; return those that pass."""
        company = self.company_id
        rules = CREDIT_CHECKS[check]
        settings = self.env['credit.exposure']._get_limit_settings(company)
        order_partner = self.env['credit.lock']._acquire_for_orders(self.ids, company.id)
        figures = self.env['credit.exposure']._get_figures(set(order_partner.values()), company)
        allowed = self.browse()
        added = defaultdict(float)  # orders of this batch count together
        for order in self.sorted('id'):
            partner_id = order_partner[order.id]
            amount = order._credit_amount_company() if rules['add_total'] else 0.0
            exposure = figures[partner_id]['exposure'] + added[partner_id] + amount
            problem = order._credit_problem(figures[partner_id], exposure, settings, rules['rules'])
            if not problem:
                added[partner_id] += amount
                allowed |= order
                continue
            reason = order._credit_refusal_message(problem, partner_id, figures[partner_id], exposure, settings)
            order._credit_refuse(reason, settings, strict)
        return allowed

    @api.private
    def _credit_refuse(self, reason, settings, strict):
        """Raise ``reason`` to an employee at the desk in block mode (or
        always, with ``strict``); otherwise put the order pending."""
        self.ensure_one()
        at_the_desk = not (self.env.su or not self.env.user._is_internal()
                           or cursor_flagged(self.env, CREDIT_PAYMENT_CONFIRMATION))
        if strict or (settings['mode'] == 'block' and at_the_desk):
            raise UserError(reason)
        self._credit_request_approval(reason)

    @api.private
    def _credit_drop_stale_requests(self):
        """An order that now fits (the customer paid, the amount went down)
        needs no pending approval any more."""
        stale = self.filtered(lambda order: order.credit_approval_state in ('pending', 'rejected'))
        for order in stale:
            order._credit_close_activities(self.env._("No longer needed"))
        stale.sudo().write(dict(CREDIT_NO_APPROVAL, credit_reject_reason=False))

    @api.private
    def _credit_problem(self, figures, exposure, settings, rules):
        """The first of ``rules`` ('hold', 'overdue', 'limit', 'growth') that
        the order breaks, or False."""
        self.ensure_one()
        if 'hold' in rules and figures['hold']:
            return 'hold'
        if ('overdue' in rules and settings['overdue_days']
                and figures['overdue_days'] > settings['overdue_days']):
            return 'overdue'
        limit = figures['limit']
        ceiling = limit * (1 + settings['tolerance'] / 100.0)
        over = limit and float_compare(
            exposure, ceiling, precision_rounding=self.company_id.currency_id.rounding) > 0
        for rule in ('limit', 'growth'):
            if rule in rules and over:
                return rule
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
        if order.credit_approval_state == 'pending':
            # Asked already: the controllers have the note and the activity.
            return
        order.write(dict(CREDIT_NO_APPROVAL, credit_approval_state='pending', credit_pending_reason=reason,
                         credit_reject_reason=False))
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

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------

    @api.model
    def _demo_invoice(self, order_ids, paid_order_ids):
        """Invoice each of the demo orders ``order_ids``: the customers of
        ``paid_order_ids`` pay in full, the others still owe the invoice."""
        invoices = self.browse(order_ids)._create_invoices(grouped=True)
        invoices.action_post()
        paid = invoices.filtered(
            lambda move: set(move.invoice_line_ids.sale_line_ids.order_id.ids) & set(paid_order_ids))
        if paid:
            self.env['account.payment.register'].with_context(
                active_model='account.move', active_ids=paid.ids,
            ).create({'group_payment': False})._create_payments()
