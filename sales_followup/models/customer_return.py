import logging
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, float_compare

from ..const import (
    NO_RESPONSIBILITY,
    NO_SALESPERSON,
    RESPONSIBILITIES,
    RESPONSIBILITY_ADVICE,
    RETURN_CUSTOMER_DAMAGE_REASONS,
    RETURN_OPEN_STATES,
    RETURN_QUALITY_REASONS,
    RETURN_REASONS,
    RETURN_REDELIVERY_RESOLUTIONS,
    RETURN_RESOLUTIONS,
    RETURN_STATES,
    RETURN_STEPS,
    RETURN_TYPES,
)
from ..tools import cursor_flag, cursor_flagged

_logger = logging.getLogger(__name__)

# The step that leads into each state: a state written directly (RPC, other
# code) runs that step's action, with all its checks. Rejecting needs a
# reason and receiving needs the transfer: neither can be written directly.
STEP_INTO_STATE = {
    'approved': 'approve',
    'received': 'receive',
    'done': 'done',
    'rejected': 'reject',
    'cancelled': 'cancel',
}

# What each step needs beyond the right state, checked once by the step.
STEP_GUARDS = {
    'approve': ('_ensure_order_confirmed', '_ensure_lines', '_ensure_quantities', '_ensure_policy'),
    'receive': ('_ensure_transfers_done',),
    'done': ('_ensure_goods_back',),
    'reject': ('_ensure_rejection_reason',),
    'cancel': ('_ensure_may_cancel',),
    'save_order': ('_ensure_order_saved_reason', '_ensure_may_cancel'),
}

# Written by the workflow steps only: set directly (RPC, import), they would
# forge a decision, a transfer or a credit note.
WORKFLOW_FIELDS = frozenset({
    'date_approved', 'approved_by_id', 'date_done', 'rejection_reason',
    'order_saved', 'order_saved_reason', 'date_order_saved',
    'picking_ids', 'refund_move_ids', 'policy_override_by_id',
})

# Only after-sales managers may step outside the policy windows.
OVERRIDE_FIELDS = ('policy_override', 'policy_override_reason')

# What the policy windows read: once a manager has overridden them, only a
# manager may change these.
POLICY_FIELDS = frozenset({'reason', 'responsibility', 'resolution', 'goods_unopened', 'order_id'})

# Fields a return keeps from its request once it is decided.
DRAFT_ONLY_FIELDS = frozenset({
    'order_id', 'partner_id', 'company_id', 'reason', 'resolution', 'goods_unopened',
    'policy_override', 'policy_override_reason',
})

# Cursor key holding the ids of returns a workflow step is writing.
WORKFLOW_KEY = 'sales_followup.return_workflow'

# Kanban highlight colour per resolution (Odoo colour indexes: 4 light
# blue, 2 orange, 10 green).
RESOLUTION_COLORS = {'refund': 4, 'exchange': 2, 'repair': 10}


class CustomerReturn(models.Model):
    """Goods a customer gives back, before or after delivery.

    Before delivery the order is reduced (or cancelled when nothing is left)
    and what was already invoiced is credited. After delivery the goods come
    back through Odoo's own return of the delivery transfer, then are
    refunded (credit note), exchanged or repaired (a new delivery). The
    policy windows of the company decide which resolution is allowed.

    The steps and the states they lead from and to are the table
    ``RETURN_STEPS``; every way of changing the state goes through it."""
    _name = 'customer.return'
    _description = 'Customer Return'
    _inherit = ['portal.mixin', 'mail.thread', 'mail.activity.mixin', 'customer.work.mixin']
    _order = 'date_requested desc, id desc'

    _work_link_fields = ('order_id', 'complaint_id')

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default='/')
    complaint_id = fields.Many2one(
        comodel_name='customer.complaint', index='btree_not_null', tracking=True,
        help="The complaint this return settles.")
    order_id = fields.Many2one(
        comodel_name='sale.order', string="Sales Order", required=True, index=True, tracking=True,
        compute='_compute_order_id', store=True, readonly=False, precompute=True,
        domain="[('state', '=', 'sale')]")
    partner_id = fields.Many2one(
        comodel_name='res.partner', string="Customer", required=True, index=True, tracking=True,
        compute='_compute_partner_id', store=True, readonly=False, precompute=True)
    commercial_partner_id = fields.Many2one(
        comodel_name='res.partner', string="Commercial Entity", related='partner_id.commercial_partner_id',
        store=True, index=True)
    user_id = fields.Many2one(
        comodel_name='res.users', string="Salesperson", index=True, tracking=True,
        compute='_compute_user_id', store=True, readonly=False, precompute=True,
        domain=[('share', '=', False)], falsy_value_label=NO_SALESPERSON)
    company_id = fields.Many2one(
        comodel_name='res.company', required=True, index=True,
        compute='_compute_company_id', store=True, readonly=False, precompute=True)
    currency_id = fields.Many2one(
        comodel_name='res.currency', related='order_id.currency_id', string="Currency", store=True)
    date_requested = fields.Date(
        string="Requested On", required=True, default=fields.Date.context_today, copy=False)
    return_type = fields.Selection(
        selection=RETURN_TYPES, string="Type", compute='_compute_return_type', store=True, index=True,
        help="After delivery when goods of the returned lines went out, before delivery when nothing "
             "was delivered yet.")
    reason = fields.Selection(selection=RETURN_REASONS, required=True, tracking=True)
    responsibility = fields.Selection(
        selection=RESPONSIBILITIES, tracking=True,
        compute='_compute_responsibility', store=True, readonly=False, precompute=True,
        falsy_value_label=NO_RESPONSIBILITY)
    responsibility_advice = fields.Char(
        string="What to Do", compute='_compute_responsibility_advice')
    resolution = fields.Selection(
        selection=RETURN_RESOLUTIONS, required=True, default='refund', tracking=True)
    resolution_color = fields.Integer(
        string="Resolution Colour", compute='_compute_resolution_color', store=True)
    state = fields.Selection(
        selection=RETURN_STATES, string="Status", required=True, default='draft', tracking=True,
        index=True, group_expand=True, copy=False)
    description = fields.Text(string="What the Customer Says")
    goods_unopened = fields.Boolean(
        tracking=True,
        help="The goods are unopened and unused. Within the return window, only unopened goods are "
             "refunded or exchanged for a reason that is not about their quality.")
    line_ids = fields.One2many(
        comodel_name='customer.return.line', inverse_name='return_id', string="Lines", copy=True)
    picking_ids = fields.Many2many(
        comodel_name='stock.picking', relation='customer_return_stock_picking_rel',
        column1='return_id', column2='picking_id', string="Transfers", readonly=True, copy=False,
        help="The return transfer bringing the goods back and the deliveries sending goods to the customer.")
    refund_move_ids = fields.Many2many(
        comodel_name='account.move', relation='customer_return_account_move_rel',
        column1='return_id', column2='move_id', string="Credit Notes", readonly=True, copy=False)
    picking_count = fields.Integer(string="Transfer Count", compute='_compute_document_counts')
    refund_count = fields.Integer(string="Credit Note Count", compute='_compute_document_counts')
    amount_untaxed = fields.Monetary(
        string="Returned Amount", currency_field='currency_id', compute='_compute_amount_untaxed',
        store=True, help="Untaxed value of the returned quantities at the order's prices.")
    delivery_date = fields.Date(
        compute='_compute_delivery_date', store=True,
        help="When the returned goods were delivered: the date of the latest delivery transfer of "
             "their order lines. The policy windows count from it.")
    days_since_delivery = fields.Integer(compute='_compute_policy')
    policy_warning = fields.Char(
        string="Outside the Policy", compute='_compute_policy',
        help="Why the policy windows refuse this return as it is, and what they still allow.")
    policy_override = fields.Boolean(
        tracking=True, copy=False,
        help="An after-sales manager lets this return through although the policy windows refuse it.")
    policy_override_reason = fields.Text(tracking=True, copy=False)
    policy_override_by_id = fields.Many2one(
        comodel_name='res.users', string="Overridden By", readonly=True, copy=False)
    can_override = fields.Boolean(compute='_compute_can_override')
    date_approved = fields.Date(string="Approved On", readonly=True, copy=False)
    approved_by_id = fields.Many2one(comodel_name='res.users', readonly=True, copy=False)
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    rejection_reason = fields.Text(readonly=True, copy=False, tracking=True)
    order_saved = fields.Boolean(
        readonly=True, copy=False, tracking=True,
        help="The customer kept the goods after all: the return was cancelled and the order saved.")
    order_saved_reason = fields.Text(
        string="How the Order Was Saved", readonly=True, copy=False)
    date_order_saved = fields.Date(string="Order Saved On", readonly=True, copy=False)
    is_open = fields.Boolean(
        string="Open", compute='_compute_is_open', store=True, help="The return still needs work from us.")
    can_approve = fields.Boolean(compute='_compute_can_actions')
    can_done = fields.Boolean(compute='_compute_can_actions')
    can_reject = fields.Boolean(compute='_compute_can_actions')
    can_cancel = fields.Boolean(compute='_compute_can_actions')
    can_save_order = fields.Boolean(compute='_compute_can_actions')

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends('complaint_id')
    def _compute_order_id(self):
        for ret in self:
            if not ret.order_id and ret.complaint_id.order_id:
                ret.order_id = ret.complaint_id.order_id

    @api.depends('order_id', 'complaint_id')
    def _compute_partner_id(self):
        for ret in self:
            source = ret.order_id.partner_id or ret.complaint_id.partner_id
            if source and ret.partner_id.commercial_partner_id != source.commercial_partner_id:
                ret.partner_id = source

    @api.depends('order_id', 'partner_id')
    def _compute_user_id(self):
        for ret in self:
            if ret.user_id:
                continue
            ret.user_id = (
                ret.order_id.user_id
                or ret.partner_id.user_id
                or ret.partner_id.commercial_partner_id.user_id
            )

    @api.depends('order_id')
    def _compute_company_id(self):
        for ret in self:
            ret.company_id = ret.order_id.company_id or ret.company_id or self.env.company

    @api.depends('complaint_id')
    def _compute_responsibility(self):
        for ret in self:
            if not ret.responsibility and ret.complaint_id.responsibility:
                ret.responsibility = ret.complaint_id.responsibility

    @api.depends('responsibility')
    @api.depends_context('lang')
    def _compute_responsibility_advice(self):
        for ret in self:
            advice = RESPONSIBILITY_ADVICE.get(ret.responsibility)
            ret.responsibility_advice = advice and advice._translate(self.env.lang or 'en_US')

    @api.depends('resolution')
    def _compute_resolution_color(self):
        for ret in self:
            ret.resolution_color = RESOLUTION_COLORS.get(ret.resolution, 0)

    @api.depends('line_ids.sale_line_id.qty_delivered', 'order_id.order_line.qty_delivered')
    def _compute_return_type(self):
        precision = self.env['decimal.precision'].precision_get('Product Unit')
        for ret in self:
            # Once decided, the type is what the decision was made on.
            if ret.state not in ('draft', False) and ret.return_type:
                continue
            sale_lines = ret.line_ids.sale_line_id or ret.order_id.order_line
            delivered = any(
                float_compare(line.qty_delivered, 0.0, precision_digits=precision) > 0 for line in sale_lines)
            ret.return_type = 'after_delivery' if delivered else 'before_delivery'

    @api.depends('line_ids.sale_line_id.move_ids.state', 'line_ids.sale_line_id.move_ids.date')
    @api.depends_context('tz')
    def _compute_delivery_date(self):
        Line = self.env['customer.return.line']
        for ret in self:
            if ret.state not in ('draft', False) and ret.delivery_date:
                continue
            dates = Line._delivered_moves(ret.line_ids.sale_line_id).mapped('date')
            ret.delivery_date = (
                fields.Datetime.context_timestamp(ret, max(dates)).date() if dates else False)

    @api.depends('line_ids.price_subtotal')
    def _compute_amount_untaxed(self):
        for ret in self:
            ret.amount_untaxed = sum(ret.line_ids.mapped('price_subtotal'))

    @api.depends('picking_ids', 'refund_move_ids')
    def _compute_document_counts(self):
        for ret in self:
            ret.picking_count = len(ret.picking_ids)
            ret.refund_count = len(ret.refund_move_ids)

    @api.depends('return_type', 'delivery_date', 'reason', 'responsibility', 'resolution',
                 'goods_unopened', 'company_id', 'policy_override')
    @api.depends_context('tz')
    def _compute_policy(self):
        today = fields.Date.context_today(self)
        for ret in self:
            ret.days_since_delivery = (today - ret.delivery_date).days if ret.delivery_date else 0
            allowed, why = ret._policy_decision()
            ret.policy_warning = (
                ret._policy_refusal(allowed, why)
                if ret.resolution and ret.resolution not in allowed and ret.state == 'draft' else False)

    @api.depends_context('uid')
    def _compute_can_override(self):
        can_override = self.env.user.has_group('sales_followup.group_followup_manager')
        for ret in self:
            ret.can_override = can_override

    @api.depends('state')
    def _compute_is_open(self):
        for ret in self:
            ret.is_open = ret.state in RETURN_OPEN_STATES

    @api.depends('state', 'return_type')
    @api.depends_context('uid')
    def _compute_can_actions(self):
        is_manager = self.env.user.has_group('sales_followup.group_followup_manager')
        for ret in self:
            for step, (sources, _target) in RETURN_STEPS.items():
                if step != 'receive':
                    ret[f'can_{step}'] = ret.state in sources
            ret.can_done = ret.state == 'received' or (
                ret.state == 'approved' and ret.return_type == 'before_delivery')
            if not is_manager:
                ret.can_cancel = ret.state == 'draft'
                ret.can_save_order = ret.state == 'draft'

    @api.onchange('order_id')
    def _onchange_order_id_fill_lines(self):
        """A new request starts with everything the order can still return
        (the complaint's product only, when the return settles a complaint)."""
        order = self.order_id
        if not order or self.state != 'draft' or (
                self.line_ids and all(line.sale_line_id.order_id == order for line in self.line_ids)):
            return
        goods = order.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment and line.product_id.type == 'consu')
        product = self.complaint_id.product_id
        goods = goods.filtered(lambda line: line.product_id == product) or goods if product else goods
        precision = self.env['decimal.precision'].precision_get('Product Unit')
        delivered = any(float_compare(line.qty_delivered, 0.0, precision_digits=precision) > 0 for line in goods)
        returnable = self.env['customer.return.line']._returnable_quantities(
            goods, 'after_delivery' if delivered else 'before_delivery')
        self.line_ids = [Command.clear()] + [
            Command.create({'sale_line_id': line.id, 'product_id': line.product_id.id, 'quantity': returnable[line.id]})
            for line in goods if float_compare(returnable[line.id], 0.0, precision_digits=precision) > 0
        ]

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for ret in self:
            ret.access_url = '/my/returns/%s' % ret.id
        return result

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains('order_id', 'partner_id', 'company_id')
    def _check_order(self):
        for ret in self:
            order = ret.order_id
            if order.partner_id.commercial_partner_id != ret.commercial_partner_id:
                raise ValidationError(self.env._(
                    "Order %(order)s belongs to another customer than %(customer)s.",
                    order=order.name, customer=ret.partner_id.display_name))
            if order.company_id != ret.company_id:
                raise ValidationError(self.env._(
                    "Return %(reference)s and its order %(order)s belong to different companies.",
                    reference=ret.name, order=order.name))
            if ret.state == 'draft' and order.state != 'sale':
                raise ValidationError(self.env._(
                    "Order %(order)s is not a confirmed order: only confirmed orders can be returned.",
                    order=order.name))

    @api.constrains('complaint_id', 'partner_id', 'order_id')
    def _check_complaint(self):
        for ret in self:
            complaint = ret.complaint_id.sudo()
            if not complaint:
                continue
            if complaint.commercial_partner_id != ret.commercial_partner_id or complaint.company_id != ret.company_id:
                raise ValidationError(self.env._(
                    "Complaint %(complaint)s is about another customer or company than return %(reference)s.",
                    complaint=complaint.name, reference=ret.name))
            if complaint.order_id and complaint.order_id != ret.order_id:
                raise ValidationError(self.env._(
                    "Complaint %(complaint)s is about order %(order)s, not %(other)s.",
                    complaint=complaint.name, order=complaint.order_id.name, other=ret.order_id.name))

    @api.constrains('policy_override', 'policy_override_reason')
    def _check_policy_override_reason(self):
        for ret in self:
            if ret.policy_override and not (ret.policy_override_reason or '').strip():
                raise ValidationError(self.env._(
                    "Say why the policy windows are overridden on return %(reference)s.", reference=ret.name))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get('state', 'draft') != 'draft' or any(vals.get(name) for name in WORKFLOW_FIELDS):
                    raise UserError(self.env._(
                        "A return starts as a request: use the workflow buttons to move it on."))
                self._ensure_may_override(vals)
        for vals in vals_list:
            if vals.get('name', '/') == '/':
                vals['name'] = self._next_reference(vals)
        returns = super().create(vals_list)
        returns._ensure_work_allowed()
        returns.filtered('policy_override')._log_policy_override()
        returns.filtered(lambda ret: ret.responsibility == 'delivery')._schedule_delivery_report()
        return returns

    def write(self, vals):
        # Superuser code (never reachable over RPC) and the workflow steps
        # are trusted; anything else goes through the checks and the steps.
        trusted = self.env.su or (self.ids and set(self.ids) <= cursor_flagged(self.env, WORKFLOW_KEY))
        if not trusted:
            forged = WORKFLOW_FIELDS.intersection(vals)
            if forged:
                raise UserError(self.env._(
                    "%(fields)s can only be set by the return's workflow buttons.",
                    fields=', '.join(sorted(
                        self._fields[name]._description_string(self.env) for name in forged))))
            self._ensure_may_override(vals)
            self._ensure_draft_fields(vals)
            self._ensure_override_kept(vals)
        to_delivery = self.filtered(lambda ret: ret.responsibility != 'delivery') if 'responsibility' in vals else None
        not_overridden = self.filtered(lambda ret: not ret.policy_override) if vals.get('policy_override') else None
        other_vals = vals if trusted else {name: value for name, value in vals.items() if name != 'state'}
        if other_vals:
            super().write(other_vals)
            if not trusted:
                self._ensure_work_allowed(other_vals)
        if to_delivery:
            to_delivery.filtered(lambda ret: ret.responsibility == 'delivery')._schedule_delivery_report()
        if not_overridden:
            not_overridden.filtered('policy_override')._log_policy_override()
        if 'state' in vals and not trusted:
            self._write_state(vals['state'])
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        if any(ret.state not in ('draft', 'cancelled') for ret in self):
            raise UserError(self.env._(
                "Only requested or cancelled returns can be deleted; cancel the return instead."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_approve(self):
        """Accept the return: take the goods back, or reduce the order before delivery."""
        self._ensure_step('approve')
        after = self.filtered(lambda ret: ret.return_type == 'after_delivery')
        before = self - after
        for ret in after:
            pickings = ret._create_return_pickings()
            ret._write_step('approve', ret._approval_values(picking_ids=[Command.link(p.id) for p in pickings]))
        for ret in before:
            ret._write_step('approve', ret._approval_values())
        self._log_policy_exceptions()
        after._send_customer_email('sales_followup.mail_template_return_outcome')
        # Nothing comes back before delivery: the return is carried out at once.
        before.action_done()
        return True

    def action_done(self):
        """Carry out the resolution: credit note, exchange or repair delivery."""
        self._ensure_step('done')
        for ret in self:
            if ret.return_type == 'before_delivery':
                ret._reduce_order(ret._line_quantities('quantity'), cancel_empty=True)
            elif ret.resolution == 'refund':
                ret._reduce_order(ret._line_quantities('qty_received'), cancel_empty=False)
            else:
                ret._send_goods_back()
            ret._write_step('done', {'date_done': fields.Date.context_today(ret)})
        self.filtered(lambda ret: ret.resolution in RETURN_REDELIVERY_RESOLUTIONS)._create_check_cards()
        self._send_customer_email('sales_followup.mail_template_return_outcome')
        return True

    def action_reject(self, reason=False):
        """Refuse the return and tell the customer why."""
        reason = (reason or '').strip()
        if reason:
            self._ensure_step('reject', guards=False)
            self._write_workflow_fields({'rejection_reason': reason})
        self._ensure_step('reject')
        self._write_step('reject')
        self.activity_unlink(['mail.mail_activity_data_todo'])
        self._send_customer_email('sales_followup.mail_template_return_outcome')
        return True

    def action_cancel(self):
        """Cancel the return; a transfer not yet done is cancelled with it."""
        self._ensure_step('cancel')
        self._cancel_pending_transfers()
        self._write_step('cancel')
        self.activity_unlink(['mail.mail_activity_data_todo'])
        return True

    def action_save_order(self, reason=False):
        """The customer keeps the goods after all: cancel the return, the order is saved."""
        reason = (reason or '').strip()
        if reason:
            self._ensure_step('save_order', guards=False)
            self._ensure_may_cancel()
            self._write_workflow_fields({'order_saved_reason': reason})
        self._ensure_step('save_order')
        self._cancel_pending_transfers()
        self._write_step('save_order', {
            'order_saved': True, 'date_order_saved': fields.Date.context_today(self),
        })
        self.activity_unlink(['mail.mail_activity_data_todo'])
        for ret in self:
            ret.message_post(
                body=self.env._("Order saved: %(reason)s", reason=ret.order_saved_reason),
                subtype_xmlid='mail.mt_note')
        return True

    def action_open_reject_wizard(self):
        """Ask why the return is rejected."""
        return self._open_decision_wizard('reject')

    def action_open_save_order_wizard(self):
        """Ask how the order was saved."""
        return self._open_decision_wizard('save_order')

    def action_view_pickings(self):
        """Open the return's transfers."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('stock.action_picking_tree_all')
        action.update({
            'domain': [('id', 'in', self.picking_ids.ids)],
            'context': {'create': False},
        })
        return action

    def action_view_refunds(self):
        """Open the return's credit notes."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account.action_move_out_refund_type')
        action.update({
            'domain': [('id', 'in', self.refund_move_ids.ids)],
            'context': {'create': False, 'default_move_type': 'out_refund'},
        })
        return action

    # ------------------------------------------------------------------
    # Business helpers: workflow
    # ------------------------------------------------------------------

    @api.model
    def _work_open_domain(self):
        return Domain('state', 'in', RETURN_OPEN_STATES)

    @api.private
    def _ensure_step(self, step, guards=True):
        """Refuse ``step`` unless every return of ``self`` is in a state it
        starts from and, with ``guards``, has what the step needs."""
        sources, target = RETURN_STEPS[step]
        wrong = self.filtered(lambda ret: ret.state not in sources)
        if wrong:
            state_labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "Return %(reference)s is %(state)s: it cannot be moved to %(target)s.",
                reference=wrong[0].name, state=state_labels[wrong[0].state], target=state_labels[target]))
        if guards:
            for guard in STEP_GUARDS.get(step, ()):
                getattr(self, guard)()

    @api.private
    def _write_step(self, step, vals=None):
        """Write the state ``step`` leads to, with ``vals``; the step's
        checks (:meth:`_ensure_step`) have passed."""
        self._write_workflow_fields(dict(vals or {}, state=RETURN_STEPS[step][1]))

    @api.private
    def _write_workflow_fields(self, vals):
        with cursor_flag(self.env, WORKFLOW_KEY, self.ids):
            return self.write(vals)

    @api.private
    def _write_state(self, target):
        """A state written directly (RPC, kanban, other code) runs the step
        that leads into it. Anything raised undoes the other values too."""
        moving = self.filtered(lambda ret: ret.state != target)
        if not moving:
            return
        step = STEP_INTO_STATE.get(target)
        if step == 'receive':
            moving._ensure_step('receive')
            moving._write_step('receive')
        elif step:
            getattr(moving, f'action_{step}')()
        else:
            state_labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "A return cannot be moved back to %(state)s.", state=state_labels.get(target, target)))

    @api.private
    def _approval_values(self, **vals):
        return dict(vals, date_approved=fields.Date.context_today(self), approved_by_id=self.env.user.id)

    def _open_decision_wizard(self, decision):
        self.ensure_one()
        self._ensure_step(decision, guards=False)
        if decision in ('cancel', 'save_order'):
            self._ensure_may_cancel()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'sales_followup.action_customer_return_decision_wizard')
        action['context'] = {'default_return_id': self.id, 'default_decision': decision}
        return action

    # ------------------------------------------------------------------
    # Business helpers: checks
    # ------------------------------------------------------------------

    @api.private
    def _ensure_may_override(self, vals):
        if self.env.su or not any(vals.get(fname) for fname in OVERRIDE_FIELDS):
            return
        if not self.env.user.has_group('sales_followup.group_followup_manager'):
            raise AccessError(self.env._("Only after-sales managers can override the return policy windows."))

    @api.private
    def _ensure_draft_fields(self, vals):
        changed = DRAFT_ONLY_FIELDS.intersection(vals)
        if not changed:
            return
        decided = self.filtered(lambda ret: ret.state != 'draft' and any(
            ret._fields[fname].convert_to_write(ret[fname], ret) != vals[fname] for fname in changed))
        if decided:
            raise UserError(self.env._(
                "Return %(reference)s is decided: its order, customer, reason, resolution and policy "
                "can no longer change.", reference=decided[0].name))

    @api.private
    def _ensure_override_kept(self, vals):
        """An override was given for the return as the manager saw it."""
        if not POLICY_FIELDS.intersection(vals) or self.env.user.has_group(
                'sales_followup.group_followup_manager'):
            return
        overridden = self.filtered('policy_override')
        if overridden:
            raise AccessError(self.env._(
                "A manager overrode the policy windows of return %(reference)s: only an after-sales "
                "manager can change its reason, responsibility, resolution or condition now.",
                reference=overridden[0].name))

    @api.private
    def _ensure_lines_editable(self):
        """The products of a return are the request: they change only
        while it waits for a decision."""
        if self.env.su:
            return
        decided = self.filtered(lambda ret: ret.state != 'draft')
        if decided:
            raise UserError(self.env._(
                "Return %(reference)s is decided: its products and quantities can no longer change.",
                reference=decided[0].name))

    @api.private
    def _ensure_order_confirmed(self):
        for ret in self:
            if ret.order_id.state != 'sale':
                raise UserError(self.env._(
                    "Order %(order)s is not a confirmed order any more: return %(reference)s cannot be approved.",
                    order=ret.order_id.name, reference=ret.name))

    @api.private
    def _ensure_lines(self):
        for ret in self:
            if not ret.line_ids:
                raise UserError(self.env._(
                    "Return %(reference)s has no products: add the products and quantities that come back.",
                    reference=ret.name))
            if ret.return_type == 'before_delivery' and ret.resolution != 'refund':
                raise UserError(self.env._(
                    "Nothing of return %(reference)s was delivered yet: it can only reduce or cancel the order "
                    "(resolution Refund), not be exchanged or repaired.", reference=ret.name))

    @api.private
    def _ensure_quantities(self):
        """No line may exceed what can still be returned.

        The order lines are bumped (updated, not only locked) first: two
        approvals of the same goods wait for each other, and under Odoo's
        REPEATABLE READ isolation the one whose snapshot predates the other's
        commit fails with a serialization error and is retried, so that it
        sees the goods already on their way back instead of ignoring them.
        Rows are taken in id order, so two approvals never deadlock."""
        sale_lines = self.line_ids.sale_line_id
        if sale_lines:
            self.env.cr.execute(SQL(
                """UPDATE sale_order_line SET write_date = write_date
                    WHERE id IN (SELECT id FROM sale_order_line WHERE id = ANY(%s) ORDER BY id FOR UPDATE)""",
                sale_lines.ids))
        Line = self.env['customer.return.line']
        for ret in self:
            returnable = Line._returnable_quantities(ret.line_ids.sale_line_id, ret.return_type)
            asked = defaultdict(float)
            for line in ret.line_ids:
                asked[line.sale_line_id] += line.quantity
            for sale_line, quantity in asked.items():
                line = ret.line_ids.filtered(lambda rl, sl=sale_line: rl.sale_line_id == sl)[:1]
                line._ensure_within(quantity, returnable[sale_line.id], ret.return_type)

    @api.private
    def _ensure_policy(self):
        for ret in self:
            if ret.policy_override:
                continue
            allowed, why = ret._policy_decision()
            if ret.resolution not in allowed:
                raise UserError(ret._policy_refusal(allowed, why))

    @api.private
    def _ensure_transfers_done(self):
        for ret in self:
            transfers = ret._return_transfers()
            if not transfers or any(picking.state not in ('done', 'cancel') for picking in transfers) or all(
                    picking.state == 'cancel' for picking in transfers):
                raise UserError(self.env._(
                    "The goods of return %(reference)s are not back yet: validate its return transfer first.",
                    reference=ret.name))

    @api.private
    def _ensure_goods_back(self):
        for ret in self:
            if ret.return_type == 'after_delivery' and ret.state != 'received':
                raise UserError(self.env._(
                    "The goods of return %(reference)s are not back yet: validate its return transfer first.",
                    reference=ret.name))

    @api.private
    def _ensure_rejection_reason(self):
        missing = self.filtered(lambda ret: not (ret.rejection_reason or '').strip())
        if missing:
            raise UserError(self.env._(
                "Say why return %(reference)s is rejected: the customer will read it.", reference=missing[0].name))

    @api.private
    def _ensure_order_saved_reason(self):
        missing = self.filtered(lambda ret: not (ret.order_saved_reason or '').strip())
        if missing:
            raise UserError(self.env._(
                "Say how the order of return %(reference)s was saved.", reference=missing[0].name))

    @api.private
    def _ensure_may_cancel(self):
        """Salespeople cancel requests; once approved, only a manager can
        call the goods off. Goods already back cannot be called off."""
        decided = self.filtered(lambda ret: ret.state != 'draft')
        if decided and not (self.env.su or self.env.user.has_group('sales_followup.group_followup_manager')):
            raise AccessError(self.env._(
                "Return %(reference)s is approved: only an after-sales manager can cancel it now.",
                reference=decided[0].name))
        received = decided.filtered(lambda ret: any(p.state == 'done' for p in ret._return_transfers()))
        if received:
            raise UserError(self.env._(
                "Goods of return %(reference)s are already back in stock: finish the return instead.",
                reference=received[0].name))

    # ------------------------------------------------------------------
    # Business helpers: policy windows
    # ------------------------------------------------------------------

    @api.private
    def _policy_decision(self):
        """The resolutions the company's windows allow for this return, and
        the rule that decided: 'before_delivery', 'customer_damage',
        'return_window', 'opened', 'exchange_window', 'not_quality' or
        'too_late'."""
        self.ensure_one()
        everything = {key for key, _label in RETURN_RESOLUTIONS}
        if self.return_type != 'after_delivery':
            return everything, 'before_delivery'
        if self.responsibility == 'customer' and self.reason in RETURN_CUSTOMER_DAMAGE_REASONS:
            return {'repair'}, 'customer_damage'
        company = self.company_id or self.env.company
        days = self.days_since_delivery
        quality = self.reason in RETURN_QUALITY_REASONS
        if days <= company.followup_return_days:
            if quality or self.goods_unopened:
                return everything, 'return_window'
            return {'repair'}, 'opened'
        if days <= company.followup_exchange_days:
            return (everything, 'exchange_window') if quality else ({'repair'}, 'not_quality')
        return {'repair'}, 'too_late'

    @api.private
    def _policy_refusal(self, allowed, why):
        """The message refusing the return's resolution: it names the
        window, the days since delivery and what is still allowed."""
        self.ensure_one()
        company = self.company_id or self.env.company
        labels = dict(self._fields['resolution']._description_selection(self.env))
        reason_labels = dict(self._fields['reason']._description_selection(self.env))
        values = {
            'reference': self.name,
            'resolution': labels.get(self.resolution, self.resolution),
            'days': self.days_since_delivery,
            'return_days': company.followup_return_days,
            'exchange_days': company.followup_exchange_days,
            'reason': reason_labels.get(self.reason, self.reason or ''),
            'allowed': ', '.join(labels[key] for key, _label in RETURN_RESOLUTIONS if key in allowed),
        }
        if why == 'customer_damage':
            explanation = self.env._(
                "Return %(reference)s cannot be approved as a %(resolution)s: the customer caused the damage, "
                "which is repaired only (parts at cost), whatever the age of the goods.", **values)
        elif why == 'opened':
            explanation = self.env._(
                "Return %(reference)s cannot be approved as a %(resolution)s: the goods were delivered %(days)s "
                "days ago, within the %(return_days)s-day return window, but they are not unopened and unused, "
                "and %(reason)s is not a quality reason.", **values)
        elif why == 'not_quality':
            explanation = self.env._(
                "Return %(reference)s cannot be approved as a %(resolution)s: the goods were delivered %(days)s "
                "days ago, beyond the %(return_days)s-day return window; up to %(exchange_days)s days only "
                "quality reasons (defect, wrong item, damaged in transit, not as described) are refunded or "
                "exchanged, and %(reason)s is not one.", **values)
        else:
            explanation = self.env._(
                "Return %(reference)s cannot be approved as a %(resolution)s: the goods were delivered %(days)s "
                "days ago, beyond the %(exchange_days)s-day exchange window.", **values)
        return self.env._(
            "%(explanation)s Still allowed: %(allowed)s. An after-sales manager can override the window "
            "with a reason.", explanation=explanation, allowed=values['allowed'])

    @api.private
    def _log_policy_override(self):
        for ret in self:
            ret._write_workflow_fields({'policy_override_by_id': self.env.user.id})
            ret.message_post(
                body=self.env._(
                    "Policy windows overridden by %(user)s: %(reason)s",
                    user=self.env.user.name, reason=ret.policy_override_reason),
                subtype_xmlid='mail.mt_note')

    @api.private
    def _log_policy_exceptions(self):
        """Approvals the windows alone would have refused say so in the chatter."""
        for ret in self.filtered('policy_override'):
            allowed, _why = ret._policy_decision()
            if ret.resolution not in allowed:
                ret.message_post(
                    body=self.env._(
                        "Approved by %(approver)s outside the policy windows, on the override of %(manager)s: "
                        "%(reason)s",
                        approver=self.env.user.name, manager=ret.policy_override_by_id.name or '',
                        reason=ret.policy_override_reason),
                    subtype_xmlid='mail.mt_note')

    # ------------------------------------------------------------------
    # Business helpers: stock and accounting
    # ------------------------------------------------------------------

    @api.private
    def _line_quantities(self, fname):
        """{order line: quantity} of the return's lines, from ``fname``."""
        quantities = defaultdict(float)
        for line in self.line_ids:
            quantities[line.sale_line_id] += line[fname]
        return quantities

    @api.private
    def _return_transfers(self):
        """The transfers bringing the goods back (Odoo's returns of the
        deliveries, and their backorders)."""
        return self.sudo().picking_ids.filtered(lambda picking: picking.location_id.usage == 'customer')

    @api.private
    def _create_return_pickings(self):
        """Odoo's own return of each delivery that delivered the goods, so
        that the delivered quantity falls when the transfer is validated.
        The most recent deliveries are returned first."""
        self.ensure_one()
        Line = self.env['customer.return.line']
        per_picking = defaultdict(dict)
        for sale_line, quantity in self._line_quantities('quantity').items():
            for move, move_qty in Line._move_allocation(sale_line, quantity):
                per_picking[move.picking_id][move] = move_qty
        pickings = self.env['stock.picking']
        for picking, move_quantities in sorted(per_picking.items(), key=lambda item: item[0].id):
            picking = picking.with_company(picking.company_id)
            wizard = self.env['stock.return.picking'].sudo().with_company(picking.company_id).with_context(
                active_model='stock.picking', active_id=picking.id, active_ids=picking.ids,
            ).create({'picking_id': picking.id})
            for wizard_line in wizard.product_return_moves:
                wizard_line.write({
                    'quantity': move_quantities.get(wizard_line.move_id, 0.0),
                    'to_refund': True,
                })
            new_picking = wizard._create_return()
            new_picking.message_post(
                body=self.env._("Goods of customer return %(reference)s.", reference=self.name),
                subtype_xmlid='mail.mt_note')
            pickings |= new_picking
        return pickings

    @api.private
    def _cancel_pending_transfers(self):
        pending = self._return_transfers().filtered(lambda picking: picking.state not in ('done', 'cancel'))
        if pending:
            pending.action_cancel()

    @api.private
    def _reduce_order(self, quantities, cancel_empty):
        """Take ``quantities`` ({order line: quantity}) off the order: Odoo
        adapts the pending delivery. Credit what was already invoiced
        beyond what is left; with ``cancel_empty``, cancel an order that
        has nothing left."""
        self.ensure_one()
        Line = self.env['customer.return.line']
        order = self.order_id.sudo().with_company(self.company_id)
        quantities = {line.sudo(): qty for line, qty in quantities.items() if not line.product_uom_id.is_zero(qty)}
        credits = {line: Line._credit_quantity(line, qty) for line, qty in quantities.items()}
        remaining = {line: line.product_uom_id.round(line.product_uom_qty - qty) for line, qty in quantities.items()}
        nothing_left = cancel_empty and all(
            line.product_uom_id.is_zero(remaining.get(line, line.product_uom_qty))
            for line in order.order_line.filtered(lambda line: not line.display_type and not line.is_downpayment))
        if nothing_left:
            order._action_cancel()
        else:
            # A locked order refuses new quantities; the return is the
            # sanctioned way to change them.
            locked = order.locked
            if locked:
                order.locked = False
            for line, qty in remaining.items():
                line.product_uom_qty = qty
            if locked:
                order.locked = True
        for line in self.line_ids:
            line.sudo().qty_reduced = min(line.quantity, quantities.get(line.sale_line_id.sudo(), 0.0))
        self._create_refunds({line: qty for line, qty in credits.items() if qty > 0})
        if nothing_left:
            order.message_post(
                body=self.env._("Cancelled by customer return %(reference)s: nothing is left to deliver.",
                                reference=self.name),
                subtype_xmlid='mail.mt_note')

    @api.private
    def _create_refunds(self, quantities):
        """Credit ``quantities`` ({order line: quantity}) through Odoo's
        reversal of the customer invoices that invoiced them: each credit
        note keeps the invoice lines' prices, taxes and currency, limited to
        the returned quantities, and stays linked to the order."""
        self.ensure_one()
        Line = self.env['customer.return.line']
        per_invoice = defaultdict(dict)
        for sale_line, quantity in quantities.items():
            for invoice_line, qty in Line._invoice_allocation(sale_line, quantity):
                per_invoice[invoice_line.move_id][invoice_line] = qty
        refunds = self.env['account.move']
        reason = self.env._("Customer return %(reference)s", reference=self.name)
        for invoice, line_quantities in sorted(per_invoice.items(), key=lambda item: item[0].id):
            invoice = invoice.with_company(invoice.company_id)
            wizard = self.env['account.move.reversal'].sudo().with_company(invoice.company_id).with_context(
                active_model='account.move', active_ids=invoice.ids,
            ).create({
                'move_ids': [Command.set(invoice.ids)],
                'journal_id': invoice.journal_id.id,
                'reason': reason,
                'date': fields.Date.context_today(self),
            })
            wizard.refund_moves()
            refund = wizard.new_move_ids
            self._keep_refund_quantities(refund, line_quantities)
            refund.action_post()
            refunds |= refund
        if refunds:
            self._write_workflow_fields({'refund_move_ids': [Command.link(move.id) for move in refunds]})
        return refunds

    @api.model
    def _keep_refund_quantities(self, refund, line_quantities):
        """Limit the draft credit note ``refund``, a full reversal of its
        invoice, to ``line_quantities`` ({invoice line: quantity}): each
        returned line keeps its quantity, the others go."""
        reversed_lines = {line: line for line in line_quantities}
        commands = []
        for refund_line in refund.invoice_line_ids:
            origin = next((line for line in reversed_lines if refund_line.sale_line_ids == line.sale_line_ids
                           and refund_line.product_id == line.product_id), None)
            if origin is None:
                commands.append(Command.delete(refund_line.id))
            else:
                commands.append(Command.update(refund_line.id, {'quantity': line_quantities[origin]}))
                del reversed_lines[origin]
        refund.write({'invoice_line_ids': commands})

    @api.private
    def _send_goods_back(self):
        """Deliver the received quantities again through the order's own
        procurement: the exchanged or repaired goods leave on a new outgoing
        transfer of the order, which nobody invoices again."""
        self.ensure_one()
        quantities = {line.sudo(): qty for line, qty in self._line_quantities('qty_received').items() if qty > 0}
        if not quantities:
            return self.env['stock.picking']
        sale_lines = self.env['sale.order.line'].sudo().concat(*quantities)
        before = sale_lines.move_ids
        procurements = []
        for line, quantity in quantities.items():
            line = line.with_company(line.company_id)
            procurements += line._create_procurements(quantity, line.product_uom_id, line._prepare_procurement_values())
        self.env['stock.rule'].sudo().with_company(self.company_id).run(procurements)
        pickings = (sale_lines.move_ids - before).picking_id
        pickings.filtered(lambda picking: picking.state == 'draft').action_confirm()
        self._write_workflow_fields({'picking_ids': [Command.link(picking.id) for picking in pickings]})
        return pickings

    @api.private
    def _on_transfers_done(self):
        """A return transfer was validated: the goods of every approved
        return whose transfers are all done are received."""
        for ret in self.filtered(lambda ret: ret.state == 'approved'):
            transfers = ret._return_transfers()
            if transfers and all(p.state in ('done', 'cancel') for p in transfers) and any(
                    p.state == 'done' for p in transfers):
                ret._write_step('receive')
                ret.message_post(
                    body=self.env._("The goods are back: the return transfer was validated."),
                    subtype_xmlid='mail.mt_note')

    # ------------------------------------------------------------------
    # Business helpers: people
    # ------------------------------------------------------------------

    @api.model
    def _next_reference(self, vals):
        """The next ``RET/`` reference of the return's company: each company
        numbers its returns on its own sequence."""
        company = self.env['res.company'].browse(vals.get('company_id'))
        if not company and vals.get('order_id'):
            company = self.env['sale.order'].browse(vals['order_id']).sudo().company_id
        company = company or self.env.company
        IrSequence = self.env['ir.sequence'].sudo()
        if not IrSequence.search_count([('code', '=', 'customer.return'), ('company_id', '=', company.id)]):
            template = self.env.ref('sales_followup.seq_customer_return', raise_if_not_found=False)
            if template:
                template.sudo().copy({
                    'name': '%s (%s)' % (template.name, company.name),
                    'code': 'customer.return',
                    'company_id': company.id,
                    'number_next': 1,
                })
        return IrSequence.with_company(company).next_by_code('customer.return') or '/'

    def _send_customer_email(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for ret in self.sudo():
            ret.with_context(lang=ret.partner_id.lang).message_post_with_source(
                template, message_type='comment', subtype_xmlid='mail.mt_comment')

    @api.private
    def _inventory_manager(self):
        """Who hears about goods the delivery staff damaged: the company's
        first inventory administrator, preferably one who can open the
        return."""
        self.ensure_one()
        root = self.env.ref('base.user_root')
        managers = self.env.ref('stock.group_stock_manager').sudo().all_user_ids.filtered(
            lambda user: user.active and not user.share and user != root
            and self.company_id in user.company_ids).sorted('id')
        readers = managers.filtered(lambda user: self.with_user(user).has_access('read'))
        return (readers or managers)[:1]

    @api.private
    def _schedule_delivery_report(self):
        """Delivery staff were responsible: report it to the delivery manager."""
        for ret in self:
            manager = ret._inventory_manager()
            if not manager:
                _logger.warning("Return %s: no inventory administrator to report to", ret.name)
                continue
            ret.sudo().activity_schedule(
                'mail.mail_activity_data_todo',
                date_deadline=fields.Date.context_today(ret),
                summary=self.env._("Delivery incident: report it to the delivery manager"),
                note=self.env._(
                    "Return %(reference)s of %(customer)s (order %(order)s) was caused by the delivery staff.",
                    reference=ret.name, customer=ret.partner_id.display_name, order=ret.order_id.name),
                user_id=manager.id,
            )

    @api.private
    def _notify_new_portal_return(self):
        """A return requested on the portal waits for its salesperson."""
        for ret in self.filtered('user_id'):
            ret.activity_schedule(
                'mail.mail_activity_data_todo',
                date_deadline=fields.Date.context_today(ret),
                summary=self.env._("Return requested on the portal: approve or reject it"),
                user_id=ret.user_id.id,
            )

    @api.private
    def _create_check_cards(self):
        """Exchanged or repaired goods: check with the customer, within the
        complaint call-back delay, that they work."""
        today = fields.Date.context_today(self)
        vals_list = [{
            'kind': 'return',
            'partner_id': ret.partner_id.id,
            'order_id': ret.order_id.id,
            'user_id': ret.user_id.id,
            'company_id': ret.company_id.id,
            'occasion_key': 'customer.return,%s' % ret.id,
            'date_due': today + timedelta(days=ret.company_id.followup_complaint_followup_days),
            'note': self.env._(
                "Check with the customer that the goods of return %(reference)s work again.", reference=ret.name),
        } for ret in self]
        # Cards are a side effect of the return: the salesperson finishing it
        # may not be allowed to create cards for a colleague.
        return self.env['customer.followup'].sudo()._create_occasion_cards(vals_list)

    # ------------------------------------------------------------------
    # Business helpers: demo data
    # ------------------------------------------------------------------

    @api.model
    def _demo_deliver_orders(self, order_ids):
        """Deliver the demo orders ``order_ids`` in full, as a warehouse would."""
        pickings = self.env['sale.order'].browse(order_ids).picking_ids.filtered(
            lambda picking: picking.state not in ('done', 'cancel'))
        self._demo_validate(pickings)

    def _demo_receive_goods(self):
        """Validate the return transfers of the demo returns ``self``."""
        self._demo_validate(self._return_transfers().filtered(lambda p: p.state not in ('done', 'cancel')))

    @api.model
    def _demo_validate(self, pickings):
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
        pickings.move_ids.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()
