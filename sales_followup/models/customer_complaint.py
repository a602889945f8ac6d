import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from pytz import timezone

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import split_every

from ..const import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    COMPLAINT_OPEN_STATES,
    COMPLAINT_SEVERITIES,
    COMPLAINT_STATES,
    COMPLAINT_STEPS,
    FOLLOWUP_OPEN_STATES,
    RESPONSIBILITIES,
    RESPONSIBILITY_ADVICE,
    SATISFACTION_LEVELS,
    SOLUTION_TYPES,
)
from ..tools import cursor_flag, cursor_flagged, ensure_plausible_date, ensure_selection_values

_logger = logging.getLogger(__name__)

# The step that leads into each state: a state written directly (kanban drag
# and drop, RPC) runs that step's action.
STEP_INTO_STATE = {target: step for step, (_sources, target) in COMPLAINT_STEPS.items()}

# What each step needs beyond the right state, checked once by the step.
STEP_GUARDS = {
    'propose': ('_ensure_solution',),
    'resolve': ('_ensure_responsibility', '_ensure_solution'),
    'close': ('_ensure_satisfaction',),
}

# Written by the workflow steps only: set directly (RPC, import), they would
# forge who escalated, or when the customer got an answer.
WORKFLOW_FIELDS = frozenset({
    'escalated', 'escalated_by_id', 'escalated_date', 'escalation_reason',
    'date_acknowledged', 'date_resolved', 'date_closed', 'overdue_alert_deadline',
    'rating_id', 'date_agreed',
})

# Cursor key holding the ids of complaints a workflow step is writing.
WORKFLOW_KEY = 'sales_followup.complaint_workflow'

# Kanban highlight colour per severity (Odoo colour indexes: 1 red,
# 2 orange, 4 light blue, 10 green).
SEVERITY_COLORS = {'critical': 1, 'high': 2, 'normal': 4, 'low': 10}

# Company field holding the reply deadline, in working days, per severity.
REPLY_DAYS_FIELDS = {
    'critical': 'followup_complaint_reply_days_critical',
    'high': 'followup_complaint_reply_days_high',
    'normal': 'followup_complaint_reply_days_normal',
    'low': 'followup_complaint_reply_days_low',
}

# Complaints handled per transaction by the daily overdue check.
OVERDUE_BATCH_SIZE = 200

# A complaint closed with at least this satisfaction is a chance to ask for
# a referral.
REFERRAL_ASK_SATISFACTION = 4


class CustomerComplaint(models.Model):
    """A customer's dissatisfaction after a purchase, worked through the
    after-sales procedure: acknowledge, investigate, propose, resolve, and
    close once the customer confirmed the problem is solved.

    The steps and the states they lead from and to are the table
    ``COMPLAINT_STEPS``; every way of changing the state goes through it."""
    _name = 'customer.complaint'
    _description = 'Customer Complaint'
    _inherit = ['portal.mixin', 'mail.thread', 'mail.activity.mixin', 'customer.work.mixin']
    _order = 'date_received desc, id desc'
    _work_link_fields = ('order_id',)

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default='/')
    partner_id = fields.Many2one(
        comodel_name='res.partner', string="Customer", required=True, index=True, tracking=True)
    commercial_partner_id = fields.Many2one(
        comodel_name='res.partner', string="Commercial Entity", related='partner_id.commercial_partner_id',
        store=True, index=True)
    order_id = fields.Many2one(
        comodel_name='sale.order', string="Sales Order", index='btree_not_null', tracking=True,
        domain="[('partner_id', 'child_of', commercial_partner_id), ('state', '=', 'sale')]")
    product_id = fields.Many2one(
        comodel_name='product.product', index='btree_not_null', tracking=True)
    user_id = fields.Many2one(
        comodel_name='res.users', string="Salesperson", index=True, tracking=True,
        compute='_compute_user_id', store=True, readonly=False, precompute=True,
        domain=[('share', '=', False)])
    company_id = fields.Many2one(
        comodel_name='res.company', required=True, index=True,
        default=lambda self: self.env.company)
    currency_id = fields.Many2one(related='company_id.currency_id', string="Currency")
    category = fields.Selection(
        selection=COMPLAINT_CATEGORIES, required=True, default='other', tracking=True)
    severity = fields.Selection(
        selection=COMPLAINT_SEVERITIES, required=True, default='normal', tracking=True)
    severity_color = fields.Integer(
        string="Severity Colour", compute='_compute_severity_color', store=True)
    channel = fields.Selection(selection=COMPLAINT_CHANNELS, default='phone')
    description = fields.Text(string="What the Customer Says", required=True)
    internal_note = fields.Html(string="Internal Notes", groups='base.group_user')
    state = fields.Selection(
        selection=COMPLAINT_STATES, string="Status", required=True, default='new', tracking=True,
        index=True, group_expand=True, copy=False)
    responsibility = fields.Selection(
        selection=RESPONSIBILITIES, tracking=True, copy=False)
    responsibility_advice = fields.Char(
        string="What to Do", compute='_compute_responsibility_advice')
    solution_type = fields.Selection(
        selection=SOLUTION_TYPES, tracking=True, copy=False)
    solution = fields.Text(string="Agreed Solution", copy=False)
    compensation_amount = fields.Monetary(
        string="Compensation", currency_field='currency_id', copy=False)
    date_received = fields.Date(
        string="Received On", required=True, default=fields.Date.context_today, copy=False)
    reply_deadline = fields.Date(
        compute='_compute_reply_deadline', store=True, readonly=False,
        precompute=True, tracking=True, copy=False, index=True,
        help="The date by which the customer was promised an answer. Computed from the severity "
             "in working days; change it to the date actually promised to the customer.")
    date_acknowledged = fields.Datetime(string="Acknowledged On", readonly=True, copy=False)
    date_agreed = fields.Datetime(
        string="Customer Agreed On", readonly=True, copy=False,
        help="When the solution was proposed and the customer agreed to it: only then can the "
             "complaint be resolved.")
    date_resolved = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    resolution_days = fields.Float(
        string="Resolution Time (days)", compute='_compute_resolution_days', store=True,
        aggregator='avg', digits=(16, 1),
        help="Days from reception to resolution.")
    satisfaction = fields.Selection(
        selection=SATISFACTION_LEVELS, tracking=True, copy=False)
    satisfaction_score = fields.Integer(
        compute='_compute_satisfaction_score', store=True, aggregator='avg')
    better_offer = fields.Text(
        copy=False, groups='base.group_user',
        help="An offer the salesperson can make after the complaint; it becomes a follow-up card.")
    send_acknowledgement = fields.Boolean(
        string="Send Acknowledgement Email", default=True,
        help="Email the customer when the complaint is acknowledged.")
    escalated = fields.Boolean(readonly=True, copy=False, tracking=True)
    escalated_by_id = fields.Many2one(
        comodel_name='res.users', readonly=True, copy=False, groups='base.group_user')
    escalated_date = fields.Datetime(
        string="Escalated On", readonly=True, copy=False, groups='base.group_user')
    escalation_reason = fields.Text(
        readonly=True, copy=False, groups='base.group_user')
    overdue_alert_deadline = fields.Date(
        string="Overdue Alert Sent For", readonly=True, copy=False, groups='base.group_user',
        help="The reply deadline the manager was last alerted about, so that the daily check "
             "alerts once per missed deadline.")
    followup_ids = fields.One2many(
        comodel_name='customer.followup', inverse_name='complaint_id', string="Follow-up Cards")
    rating_id = fields.Many2one(
        comodel_name='rating.rating', string="Customer Rating", readonly=True, copy=False,
        index='btree_not_null', groups='base.group_user',
        help="The unhappy rating of an order that opened this complaint.")
    is_open = fields.Boolean(
        string="Open", compute='_compute_is_open', store=True,
        help="The complaint still waits for us.")
    is_overdue = fields.Boolean(
        string="Overdue", compute='_compute_is_overdue', search='_search_is_overdue')
    can_acknowledge = fields.Boolean(compute='_compute_can_actions')
    can_investigate = fields.Boolean(compute='_compute_can_actions')
    can_propose = fields.Boolean(compute='_compute_can_actions')
    can_resolve = fields.Boolean(compute='_compute_can_actions')
    can_close = fields.Boolean(compute='_compute_can_actions')
    can_cancel = fields.Boolean(compute='_compute_can_actions')
    can_escalate = fields.Boolean(compute='_compute_can_actions')

    _compensation_positive = models.Constraint(
        'CHECK(compensation_amount IS NULL OR compensation_amount >= 0)',
        "A compensation cannot be negative.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends('partner_id', 'order_id')
    def _compute_user_id(self):
        for complaint in self:
            if complaint.user_id:
                continue
            complaint.user_id = (
                complaint.order_id.user_id
                or complaint.partner_id.user_id
                or complaint.partner_id.commercial_partner_id.user_id
            )

    @api.depends('responsibility')
    @api.depends_context('lang')
    def _compute_responsibility_advice(self):
        for complaint in self:
            advice = RESPONSIBILITY_ADVICE.get(complaint.responsibility)
            complaint.responsibility_advice = advice and advice._translate(self.env.lang or 'en_US')

    @api.depends('severity')
    def _compute_severity_color(self):
        for complaint in self:
            complaint.severity_color = SEVERITY_COLORS.get(complaint.severity, 0)

    @api.depends('severity', 'date_received', 'company_id')
    def _compute_reply_deadline(self):
        # Complaints received the same day with the same severity share a
        # deadline: plan it once, the calendar reads the holidays each time.
        deadlines = {}
        for complaint in self:
            # Once acknowledged, the date was promised to the customer: a
            # later change of severity must not move it.
            if complaint.state not in ('new', False) and complaint.reply_deadline:
                continue
            key = (complaint.date_received, complaint.severity, complaint.company_id)
            if key not in deadlines:
                deadlines[key] = complaint._severity_reply_deadline()
            complaint.reply_deadline = deadlines[key]

    @api.depends('date_received', 'date_resolved')
    def _compute_resolution_days(self):
        for complaint in self:
            if not complaint.date_resolved or not complaint.date_received:
                complaint.resolution_days = 0.0
                continue
            received = fields.Datetime.to_datetime(complaint.date_received)
            delta = complaint.date_resolved - received
            complaint.resolution_days = max(delta.total_seconds() / 86400.0, 0.0)

    @api.depends('satisfaction')
    def _compute_satisfaction_score(self):
        for complaint in self:
            complaint.satisfaction_score = int(complaint.satisfaction or 0)

    @api.depends('state')
    def _compute_is_open(self):
        for complaint in self:
            complaint.is_open = complaint.state in COMPLAINT_OPEN_STATES

    @api.depends('state', 'reply_deadline')
    @api.depends_context('tz')
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for complaint in self:
            complaint.is_overdue = bool(
                complaint.state in COMPLAINT_OPEN_STATES
                and complaint.reply_deadline and complaint.reply_deadline < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        overdue = Domain([
            ('state', 'in', COMPLAINT_OPEN_STATES),
            ('reply_deadline', '<', fields.Date.context_today(self)),
        ])
        return overdue if (operator == 'in') == (True in value) else ~overdue

    @api.depends('state', 'escalated')
    def _compute_can_actions(self):
        for complaint in self:
            for step, (sources, _target) in COMPLAINT_STEPS.items():
                complaint[f'can_{step}'] = complaint.state in sources
            complaint.can_escalate = complaint.state in COMPLAINT_OPEN_STATES and not complaint.escalated

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = '/my/complaints/%s' % complaint.id
        return result

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains('order_id', 'partner_id')
    def _check_order_partner(self):
        for complaint in self:
            order = complaint.order_id
            if order and order.partner_id.commercial_partner_id != complaint.commercial_partner_id:
                raise ValidationError(self.env._(
                    "Order %(order)s belongs to another customer than %(customer)s.",
                    order=order.name, customer=complaint.partner_id.display_name))

    @api.constrains('order_id', 'company_id')
    def _check_order_company(self):
        for complaint in self:
            if complaint.order_id and complaint.order_id.company_id != complaint.company_id:
                raise ValidationError(self.env._(
                    "Complaint %(complaint)s and its order %(order)s belong to different companies.",
                    complaint=complaint.name, order=complaint.order_id.name))

    @api.constrains('description')
    def _check_description(self):
        for complaint in self:
            if not (complaint.description or '').strip():
                raise ValidationError(self.env._("Write down what the customer says: the description is empty."))

    @api.constrains('date_received', 'reply_deadline')
    def _check_dates(self):
        for complaint in self:
            ensure_plausible_date(complaint, 'date_received')
            ensure_plausible_date(complaint, 'reply_deadline')
            if complaint.reply_deadline and complaint.reply_deadline < complaint.date_received:
                raise ValidationError(self.env._(
                    "The reply deadline of %(complaint)s (%(deadline)s) cannot come before the complaint "
                    "was received (%(received)s).", complaint=complaint.name,
                    deadline=complaint.reply_deadline, received=complaint.date_received))

    @api.constrains('partner_id', 'company_id')
    def _check_partner_company(self):
        for complaint in self:
            partner_company = complaint.partner_id.company_id
            if partner_company and partner_company != complaint.company_id:
                raise ValidationError(self.env._(
                    "Complaint %(complaint)s belongs to %(company)s but its customer belongs to another company.",
                    complaint=complaint.name, company=complaint.company_id.name))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            ensure_selection_values(self, vals)
        self._ensure_work_companies(vals_list)
        if not self.env.su:
            for vals in vals_list:
                if vals.get('state', 'new') != 'new' or any(vals.get(name) for name in WORKFLOW_FIELDS):
                    raise UserError(self.env._(
                        "A complaint starts as New: use the workflow buttons to move it on."))
        for vals in vals_list:
            if vals.get('name', '/') == '/':
                company = self.env['res.company'].browse(vals.get('company_id')) or self.env.company
                vals['name'] = self.env['ir.sequence'].with_company(company).next_by_code(
                    'customer.complaint') or '/'
        complaints = super().create(vals_list)
        complaints._ensure_work_allowed()
        return complaints

    def write(self, vals):
        ensure_selection_values(self, vals)
        # Superuser code (never reachable over RPC) is trusted, like the
        # workflow steps themselves.
        if self.env.su or (self.ids and set(self.ids) <= cursor_flagged(self.env, WORKFLOW_KEY)):
            return super().write(vals)
        forged = WORKFLOW_FIELDS.intersection(vals)
        if forged:
            raise UserError(self.env._(
                "%(fields)s can only be set by the complaint's workflow buttons.",
                fields=', '.join(sorted(self._fields[name]._description_string(self.env) for name in forged))))
        if 'state' not in vals:
            result = super().write(vals)
            self._ensure_work_allowed(vals)
            return result
        # A state set directly (kanban drag and drop, RPC, other code) runs
        # the step that leads into it, so that its guards, dates, emails and
        # cards all follow. Anything raised undoes the other values too.
        target = vals['state']
        step = STEP_INTO_STATE.get(target)
        moving = self.filtered(lambda complaint: complaint.state != target)
        if moving and not step:
            state_labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "A complaint cannot be moved back to %(state)s.", state=state_labels.get(target, target)))
        other_vals = {name: value for name, value in vals.items() if name != 'state'}
        if other_vals:
            super().write(other_vals)
            self._ensure_work_allowed(other_vals)
        if moving:
            getattr(moving, f'action_{step}')()
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_only_new_or_cancelled(self):
        if any(complaint.state not in ('new', 'cancelled') for complaint in self):
            raise UserError(self.env._(
                "Only new or cancelled complaints can be deleted; cancel the complaint instead."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        """Listen and acknowledge: tell the customer by when they get an answer."""
        self._ensure_step('acknowledge')
        for complaint in self:
            complaint._write_step('acknowledge', {
                'date_acknowledged': fields.Datetime.now(),
                'reply_deadline': complaint.reply_deadline or complaint._severity_reply_deadline(),
            })
        self.filtered('send_acknowledgement')._send_customer_email(
            'sales_followup.mail_template_complaint_acknowledged')
        return True

    def action_investigate(self):
        """Establish the facts and who is responsible."""
        self._ensure_step('investigate')
        self._write_step('investigate')
        return True

    def action_propose(self):
        """Propose the solution to the customer, who agreed to it."""
        self._ensure_step('propose')
        self._write_step('propose', {'date_agreed': fields.Datetime.now()})
        return True

    def action_resolve(self):
        """Carry out the agreed solution and tell the customer."""
        self._ensure_step('resolve')
        self._write_step('resolve', {'date_resolved': fields.Datetime.now()})
        self._create_complaint_followups()
        self._send_customer_email('sales_followup.mail_template_complaint_resolved')
        return True

    def action_close(self):
        """Close once the customer confirmed the problem is solved."""
        self._ensure_step('close')
        self._write_step('close', {'date_closed': fields.Datetime.now()})
        self._on_complaints_closed()
        return True

    def action_cancel(self):
        """Cancel a complaint that needs no more work."""
        self._ensure_step('cancel')
        self._write_step('cancel')
        self.activity_unlink(['mail.mail_activity_data_todo'])
        return True

    def action_escalate(self, reason=False):
        """Hand the complaint to a higher level and tell the sales manager."""
        self._ensure_can_escalate()
        reasons = {complaint: (reason or complaint.escalation_reason or '').strip() for complaint in self}
        for complaint, why in reasons.items():
            if not why:
                raise UserError(self.env._(
                    "Say why complaint %(complaint)s is escalated.", complaint=complaint.name))
        for complaint, why in reasons.items():
            complaint._write_workflow_fields({
                'escalated': True,
                'escalated_by_id': self.env.user.id,
                'escalated_date': fields.Datetime.now(),
                'escalation_reason': why,
            })
            complaint._schedule_manager_activity(
                self.env._("Escalated complaint %(complaint)s", complaint=complaint.name), why)
        return True

    def action_open_escalate_wizard(self):
        """Ask why the complaint is escalated."""
        self._ensure_can_escalate()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'sales_followup.action_customer_complaint_escalate_wizard')
        action['context'] = {'default_complaint_ids': self.ids}
        return action

    def action_open_close_wizard(self):
        """Ask for the customer's satisfaction, then close."""
        self.ensure_one()
        self._ensure_step('close', guards=False)
        action = self.env['ir.actions.act_window']._for_xml_id(
            'sales_followup.action_customer_complaint_close_wizard')
        action['context'] = {'default_complaint_id': self.id}
        return action

    def action_view_followups(self):
        """Open the complaint's follow-up cards."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_followup_board')
        action.update({
            'name': self.env._("Follow-up Cards"),
            'view_mode': 'list,form',
            'views': [(False, 'list'), (False, 'form')],
            'domain': [('complaint_id', '=', self.id)],
            'context': {'default_complaint_id': self.id, 'default_partner_id': self.partner_id.id},
        })
        return action

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.model
    def _work_open_domain(self):
        return Domain('state', 'in', COMPLAINT_OPEN_STATES)

    @api.private
    def _ensure_step(self, step, guards=True):
        """Refuse ``step`` unless every complaint of ``self`` is in a state it
        starts from and, with ``guards``, has what the step needs."""
        sources, target = COMPLAINT_STEPS[step]
        wrong = self.filtered(lambda complaint: complaint.state not in sources)
        if wrong:
            state_labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "Complaint %(complaint)s is %(state)s: it cannot be moved to %(target)s.",
                complaint=wrong[0].name, state=state_labels[wrong[0].state], target=state_labels[target]))
        if guards:
            for guard in STEP_GUARDS.get(step, ()):
                getattr(self, guard)()

    @api.private
    def _write_step(self, step, vals=None):
        """Write the state ``step`` leads to, with ``vals``; the step's
        checks (:meth:`_ensure_step`) have passed."""
        self._write_workflow_fields(dict(vals or {}, state=COMPLAINT_STEPS[step][1]))

    @api.private
    def _write_workflow_fields(self, vals):
        # The chatter keeps the trace of every step, whatever the caller's
        # context says.
        with cursor_flag(self.env, WORKFLOW_KEY, self.ids):
            return self.with_context(tracking_disable=False, mail_notrack=False).write(vals)

    @api.private
    def _ensure_can_escalate(self):
        if not all(self.mapped('is_open')):
            raise UserError(self.env._("Only open complaints can be escalated."))
        escalated = self.filtered('escalated')
        if escalated:
            raise UserError(self.env._(
                "Complaint %(complaint)s is already escalated.", complaint=escalated[0].name))

    @api.private
    def _ensure_solution(self):
        missing = self.filtered(lambda c: not (c.solution or '').strip())
        if missing:
            raise UserError(self.env._(
                "Describe the solution agreed with the customer on complaint %(complaint)s first.",
                complaint=missing[0].name))

    @api.private
    def _ensure_responsibility(self):
        missing = self.filtered(lambda c: not c.responsibility)
        if missing:
            raise UserError(self.env._(
                "Establish who is responsible for complaint %(complaint)s before resolving it.",
                complaint=missing[0].name))

    @api.private
    def _ensure_satisfaction(self):
        missing = self.filtered(lambda c: not c.satisfaction)
        if missing:
            raise UserError(self.env._(
                "Record the customer's satisfaction (1 to 5) before closing complaint %(complaint)s.",
                complaint=missing[0].name))

    def _severity_reply_deadline(self):
        """The reply deadline the severity gives, in working days of the
        company's calendar (Monday to Friday without a calendar)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        start = self.date_received or fields.Date.context_today(self)
        days = company[REPLY_DAYS_FIELDS.get(self.severity, REPLY_DAYS_FIELDS['normal'])]
        return self._add_working_days(start, days, company)

    @api.model
    def _add_working_days(self, start, days, company):
        """``start`` plus ``days`` working days of the company's calendar,
        public holidays excluded."""
        calendar = company.resource_calendar_id
        if days > 0 and calendar:
            tz = timezone(calendar.tz or 'UTC')
            # plan_days counts its first day when it is worked: start the day
            # after reception, which is not a day of work on the answer yet.
            first = tz.localize(datetime.combine(start + timedelta(days=1), time.min))
            end = calendar.plan_days(days, first, compute_leaves=True)
            if end:
                return end.astimezone(tz).date()
        working_weekdays = {int(day) for day in calendar.attendance_ids.mapped('dayofweek')} or {0, 1, 2, 3, 4}
        date = start
        while days > 0:
            date += timedelta(days=1)
            if date.weekday() in working_weekdays:
                days -= 1
        return date

    def _send_customer_email(self, template_xmlid):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for complaint in self:
            complaint.with_context(lang=complaint.partner_id.lang).message_post_with_source(
                template, message_type='comment', subtype_xmlid='mail.mt_comment')

    def _create_complaint_followups(self):
        """The call-back of step 6: check with the customer, within
        ``complaint_followup_days``, that the problem is really solved."""
        today = fields.Date.context_today(self)
        vals_list = [{
            'kind': 'complaint',
            'partner_id': complaint.partner_id.id,
            'complaint_id': complaint.id,
            'order_id': complaint.order_id.id,
            'user_id': complaint.user_id.id,
            'company_id': complaint.company_id.id,
            'occasion_key': 'customer.complaint,%s' % complaint.id,
            'date_due': today + timedelta(days=complaint.company_id.followup_complaint_followup_days),
            'note': self.env._(
                "Check with the customer that complaint %(complaint)s is really solved, "
                "and record their satisfaction.", complaint=complaint.name),
        } for complaint in self]
        # Cards are a side effect of the resolution: the salesperson resolving
        # may not be allowed to create cards for a colleague.
        return self.env['customer.followup'].sudo()._create_occasion_cards(vals_list)

    def _on_complaints_closed(self):
        Followup = self.env['customer.followup'].sudo()
        today = fields.Date.context_today(self)
        satisfaction_labels = dict(SATISFACTION_LEVELS)
        for complaint in self:
            # The call-back is what closing records: its card is done.
            callbacks = Followup.search([
                ('complaint_id', '=', complaint.id), ('kind', '=', 'complaint'),
                ('state', 'in', FOLLOWUP_OPEN_STATES),
                ('occasion_key', '=', 'customer.complaint,%s' % complaint.id),
            ])
            if callbacks:
                callbacks.action_mark_done(outcome=self.env._(
                    "Complaint closed; customer satisfaction: %(level)s/5 (%(label)s)",
                    level=complaint.satisfaction,
                    label=satisfaction_labels[complaint.satisfaction]))
        satisfied = self.filtered(lambda c: int(c.satisfaction or 0) >= REFERRAL_ASK_SATISFACTION)
        if satisfied:
            # Not linked through complaint_id: the complaint's own cards are
            # its call-back and better offer.
            Followup._create_occasion_cards([{
                'kind': 'referral_ask',
                'partner_id': complaint.partner_id.id,
                'order_id': complaint.order_id.id,
                'user_id': complaint.user_id.id,
                'company_id': complaint.company_id.id,
                'occasion_key': 'customer.complaint,%s' % complaint.id,
                'date_due': today,
                'note': self.env._(
                    "The customer is satisfied with how complaint %(complaint)s was handled: "
                    "ask them for a referral and a testimonial.", complaint=complaint.name),
            } for complaint in satisfied])
        offers = self.sudo().filtered(lambda c: (c.better_offer or '').strip())
        if offers:
            Followup._create_occasion_cards([{
                'kind': 'complaint',
                'partner_id': complaint.partner_id.id,
                'complaint_id': complaint.id,
                'order_id': complaint.order_id.id,
                'user_id': complaint.user_id.id,
                'company_id': complaint.company_id.id,
                'occasion_key': 'customer.complaint,%s,better_offer' % complaint.id,
                'date_due': today,
                'note': self.env._(
                    "Better offer after complaint %(complaint)s: %(offer)s",
                    complaint=complaint.name, offer=complaint.better_offer.strip()),
            } for complaint in offers])

    def _escalation_manager(self):
        """Who hears about an escalated or overdue complaint: the leader of
        the sales team, else the company's first sales administrator."""
        self.ensure_one()
        team = self.order_id.team_id or self.user_id.sale_team_id
        # A leader who cannot open this company's records cannot act on it.
        if team.user_id and self.company_id in team.user_id.sudo().company_ids:
            return team.user_id
        managers = self.env.ref('sales_team.group_sale_manager').sudo().all_user_ids.filtered(
            lambda u: not u.share and u.active and self.company_id in u.company_ids
            and u.id != self.env.ref('base.user_root').id)
        return managers.sorted('id')[:1]

    def _schedule_manager_activity(self, summary, note):
        self.ensure_one()
        manager = self._escalation_manager()
        if not manager:
            _logger.warning("Complaint %s: no sales manager to notify", self.name)
            return self.env['mail.activity']
        return self.sudo().activity_schedule(
            'mail.mail_activity_data_todo',
            date_deadline=fields.Date.context_today(self),
            summary=summary,
            note=note,
            user_id=manager.id,
        )

    def _notify_new_portal_complaint(self):
        """A complaint filed on the portal has nobody listening yet: put it
        in the salesperson's activities, due by the reply deadline."""
        for complaint in self.filtered('user_id'):
            complaint.activity_schedule(
                'mail.mail_activity_data_todo',
                date_deadline=complaint.reply_deadline or fields.Date.context_today(complaint),
                summary=self.env._("New complaint from the portal: listen and acknowledge"),
                user_id=complaint.user_id.id,
            )

    @api.model
    def _cron_alert_overdue_complaints(self):
        """Daily: give the manager an activity for each open complaint past
        its reply deadline that nobody escalated yet (once per deadline)."""
        complaints = self.search(self._overdue_alert_domain())
        IrCron = self.env['ir.cron']
        remaining = len(complaints)
        IrCron._commit_progress(remaining=remaining)
        for batch in split_every(OVERDUE_BATCH_SIZE, complaints.ids, self.browse):
            batch._alert_overdue()
            remaining -= len(batch)
            if not IrCron._commit_progress(len(batch), remaining=remaining) and remaining:
                break

    @api.model
    def _overdue_alert_domain(self):
        return [
            ('state', 'in', COMPLAINT_OPEN_STATES),
            ('escalated', '=', False),
            ('reply_deadline', '<', fields.Date.context_today(self)),
        ]

    @api.private
    def _alert_overdue(self):
        # Re-read the conditions: another worker may have handled the batch.
        complaints = self.filtered_domain(self._overdue_alert_domain()).filtered(
            lambda c: c.overdue_alert_deadline != c.reply_deadline)
        if not complaints:
            return complaints
        activity_type = self.env.ref('mail.mail_activity_data_todo')
        model_id = self.env['ir.model']._get_id(self._name)
        today = fields.Date.context_today(self)
        managers = {}
        vals_list = []
        for complaint in complaints:
            key = (complaint.order_id.team_id, complaint.user_id, complaint.company_id)
            if key not in managers:
                managers[key] = complaint._escalation_manager()
            if not managers[key]:
                _logger.warning("Complaint %s: no sales manager to notify", complaint.name)
                continue
            vals_list.append({
                'activity_type_id': activity_type.id,
                'res_model_id': model_id,
                'res_id': complaint.id,
                'user_id': managers[key].id,
                'date_deadline': today,
                'summary': self.env._("Overdue complaint %(complaint)s", complaint=complaint.name),
                'note': self.env._(
                    "The customer was promised an answer by %(deadline)s and the complaint is still open.",
                    deadline=complaint.reply_deadline),
            })
        # One email per overdue complaint would bury the manager: the
        # activity menu is the notification.
        self.env['mail.activity'].sudo().with_context(mail_activity_quick_update=True).create(vals_list)
        by_deadline = defaultdict(lambda: self.browse())
        for complaint in complaints:
            by_deadline[complaint.reply_deadline] |= complaint
        for deadline, group in by_deadline.items():
            group._write_workflow_fields({'overdue_alert_deadline': deadline})
        return complaints
