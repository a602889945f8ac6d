import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import float_compare

from ..const import (
    FOLLOWUP_COLLECTION_KINDS,
    FOLLOWUP_DUE_STATUSES,
    FOLLOWUP_KINDS,
    FOLLOWUP_OPEN_STATES,
    FOLLOWUP_STATES,
    FOLLOWUP_STEPS,
)
from ..tools import cursor_flag, cursor_flagged, ensure_plausible_date, ensure_selection_values

_logger = logging.getLogger(__name__)

# The step that leads into each state: a state written directly (kanban drag
# and drop, RPC) must be reachable through one of them.
STEPS_INTO_STATE = {}
for _sources, _target in FOLLOWUP_STEPS.values():
    STEPS_INTO_STATE.setdefault(_target, set()).update(_sources)

# Cursor key holding the ids of cards whose activity is being closed by its
# own user: the card follows the activity, not the other way round.
ACTIVITY_DONE_KEY = 'sales_followup.followup_activity_done'
# Cursor key holding the ids of cards a promise to pay is being recorded on.
PROMISE_KEY = 'sales_followup.followup_promise'
# Cursor key holding the ids of cards whose activities are being created.
ACTIVITY_CREATE_KEY = 'sales_followup.followup_activity_create'

# What a card is about; it does not change once the card exists (a new
# occasion is a new card).
SOURCE_FIELDS = frozenset({'kind', 'partner_id', 'order_id', 'invoice_id', 'complaint_id'})
# Set by the card itself: the occasion from its source, the day it was done,
# the figures that raised an early warning.
INTERNAL_FIELDS = frozenset({
    'occasion_key', 'date_done', 'risk_recent_amount', 'risk_previous_amount', 'risk_drop_percent',
})
# Set only by recording a promise to pay, which checks them.
PROMISE_FIELDS = frozenset({'promise_date', 'promise_amount', 'promise_residual'})

# Cards that are themselves about referrals: a happy outcome of theirs does
# not ask for another referral.
REFERRAL_KINDS = ('referral_ask', 'referrer_thanks')

# Errors that mean "another worker already created this occasion": they are
# expected with several cron workers and are not failures.
CONFLICT_ERRORS = (pg_errors.UniqueViolation, pg_errors.SerializationFailure)


class CustomerFollowup(models.Model):
    """A follow-up card: one piece of after-sales work on the board.

    Cards are created by the daily cron (see ``customer.followup.generator``)
    or by other features through :meth:`_create_occasion_cards`, which is the
    one public entry point for creating cards in bulk::

        self.env['customer.followup']._create_occasion_cards([{
            'kind': 'complaint',
            'partner_id': partner.id,
            'occasion_key': 'customer.complaint,%s' % complaint.id,
            'date_due': date,
            ...  # any other field (user_id, order_id, note, ...)
        }])

    An *occasion* is identified by (kind, partner, occasion_key, company): the
    source record (``'sale.order,42'``) or the period (``'birthday:2026'``).
    A UNIQUE constraint guarantees that an occasion never gives two cards;
    :meth:`_create_occasion_cards` silently skips occasions that already
    exist, including ones created at the same moment by another worker.
    """
    _name = 'customer.followup'
    _description = 'Follow-up Card'
    _inherit = ['mail.thread', 'mail.activity.mixin', 'customer.work.mixin']
    _order = 'date_due, id'
    _work_link_fields = ('order_id', 'invoice_id', 'complaint_id')

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default='/')
    kind = fields.Selection(selection=FOLLOWUP_KINDS, required=True, tracking=True, index=True)
    partner_id = fields.Many2one(
        comodel_name='res.partner', string="Customer", required=True, index=True, tracking=True)
    commercial_partner_id = fields.Many2one(
        comodel_name='res.partner', string="Commercial Entity", related='partner_id.commercial_partner_id',
        store=True, index=True)
    customer_grade = fields.Selection(
        string="Grade", related='commercial_partner_id.customer_grade')
    order_id = fields.Many2one(comodel_name='sale.order', string="Sales Order", index='btree_not_null')
    invoice_id = fields.Many2one(
        comodel_name='account.move', index='btree_not_null',
        domain=[('move_type', '=', 'out_invoice')])
    complaint_id = fields.Many2one(
        comodel_name='customer.complaint', index='btree_not_null', ondelete='cascade')
    user_id = fields.Many2one(
        comodel_name='res.users', string="Salesperson", index=True, tracking=True,
        default=lambda self: self.env.user)
    company_id = fields.Many2one(
        comodel_name='res.company', required=True, index=True,
        default=lambda self: self.env.company)
    currency_id = fields.Many2one(related='company_id.currency_id', string="Currency")
    date_due = fields.Date(
        string="Due Date", required=True, index=True, tracking=True,
        default=fields.Date.context_today)
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    state = fields.Selection(
        selection=FOLLOWUP_STATES, string="Status", required=True, default='todo',
        tracking=True, index=True, group_expand=True, copy=False)
    note = fields.Text(string="Notes")
    outcome = fields.Text(tracking=True, copy=False)
    outcome_satisfied = fields.Boolean(
        string="Customer Satisfied", tracking=True, copy=False,
        help="The customer was happy: a good moment to ask them for a referral.")
    occasion_key = fields.Char(
        string="Occasion", required=True, readonly=True, copy=False,
        default=lambda self: self._default_occasion_key(),
        help="What this card is about: the source record or the period. "
             "The same occasion never gives two cards.")
    source_document = fields.Char(compute='_compute_source_document')
    promise_date = fields.Date(string="Promised Payment Date", tracking=True, copy=False)
    promise_amount = fields.Monetary(string="Promised Amount", currency_field='currency_id', copy=False)
    promise_residual = fields.Monetary(
        string="Amount Due When Promised", currency_field='currency_id', copy=False, readonly=True,
        help="The invoice's amount due when the promise was recorded; the promise is kept once "
             "the customer has paid the promised amount from there.")
    invoice_residual = fields.Monetary(
        string="Invoice Amount Due", related='invoice_id.amount_residual', currency_field='currency_id')
    lost_reason = fields.Text(string="Lost Reason", related='order_id.followup_lost_reason')
    new_approach = fields.Text(string="New Approach", related='order_id.followup_new_approach')
    suggested_product_ids = fields.Many2many(
        comodel_name='product.product', string="Suggested Products", copy=False)
    due_status = fields.Selection(selection=FOLLOWUP_DUE_STATUSES, compute='_compute_due_status')
    is_open = fields.Boolean(string="Open", compute='_compute_is_open', search='_search_is_open')
    is_overdue = fields.Boolean(string="Overdue", compute='_compute_due_status', search='_search_is_overdue')
    is_collection = fields.Boolean(
        string="Collection", compute='_compute_is_collection', search='_search_is_collection',
        help="A card about collecting an invoice.")
    risk_recent_amount = fields.Monetary(
        string="Revenue, Last Period", currency_field='currency_id', readonly=True, copy=False,
        help="Confirmed revenue of the last period when the drop was found, in company currency.")
    risk_previous_amount = fields.Monetary(
        string="Revenue, Period Before", currency_field='currency_id', readonly=True, copy=False,
        help="Confirmed revenue of the period of the same length before it.")
    risk_drop_percent = fields.Float(string="Drop (%)", readonly=True, copy=False, digits=(16, 1))
    man_profile = fields.Char(string="MAN Profile", related='commercial_partner_id.man_profile')
    man_recommendation = fields.Char(
        string="Recommended Action", related='commercial_partner_id.man_recommendation')
    can_start = fields.Boolean(compute='_compute_can_actions')
    can_wait = fields.Boolean(compute='_compute_can_actions')
    can_done = fields.Boolean(compute='_compute_can_actions')
    can_cancel = fields.Boolean(compute='_compute_can_actions')
    can_promise = fields.Boolean(compute='_compute_can_actions')

    _occasion_uniq = models.Constraint(
        'UNIQUE(kind, partner_id, occasion_key, company_id)',
        "This occasion already has a follow-up card.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.model
    def _default_occasion_key(self):
        # Cards made by hand are their own occasion: a fresh key per card.
        return 'manual:%s' % uuid.uuid4().hex

    @api.depends('order_id', 'invoice_id')
    def _compute_source_document(self):
        for card in self:
            card.source_document = card.invoice_id.name or card.order_id.name or False

    @api.depends('state', 'date_due')
    @api.depends_context('tz')
    def _compute_due_status(self):
        today = fields.Date.context_today(self)
        for card in self:
            if card.state not in FOLLOWUP_OPEN_STATES:
                card.due_status = 'closed'
            elif card.date_due < today:
                card.due_status = 'overdue'
            elif card.date_due == today:
                card.due_status = 'today'
            else:
                card.due_status = 'planned'
            card.is_overdue = card.due_status == 'overdue'

    def _search_is_overdue(self, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        overdue = Domain([('state', 'in', FOLLOWUP_OPEN_STATES), ('date_due', '<', fields.Date.context_today(self))])
        return overdue if (operator == 'in') == (True in value) else ~overdue

    @api.depends('state')
    def _compute_is_open(self):
        for card in self:
            card.is_open = card.state in FOLLOWUP_OPEN_STATES

    def _search_is_open(self, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        is_open = Domain('state', 'in', FOLLOWUP_OPEN_STATES)
        return is_open if (operator == 'in') == (True in value) else ~is_open

    @api.depends('kind')
    def _compute_is_collection(self):
        for card in self:
            card.is_collection = card.kind in FOLLOWUP_COLLECTION_KINDS

    def _search_is_collection(self, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        collection = Domain('kind', 'in', FOLLOWUP_COLLECTION_KINDS)
        return collection if (operator == 'in') == (True in value) else ~collection

    @api.depends('state', 'kind', 'invoice_id')
    def _compute_can_actions(self):
        for card in self:
            is_open = card.state in FOLLOWUP_OPEN_STATES
            for step, (sources, _target) in FOLLOWUP_STEPS.items():
                card[f'can_{step}'] = card.state in sources
            card.can_promise = is_open and card.kind in FOLLOWUP_COLLECTION_KINDS and bool(card.invoice_id)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains('promise_amount')
    def _check_promise_amount(self):
        for card in self:
            if card.promise_amount < 0:
                raise ValidationError(self.env._("A promised amount cannot be negative."))

    @api.constrains('date_due', 'promise_date')
    def _check_dates(self):
        for card in self:
            ensure_plausible_date(card, 'date_due')
            ensure_plausible_date(card, 'promise_date')

    @api.constrains('partner_id', 'company_id')
    def _check_partner_company(self):
        for card in self:
            if card.partner_id.company_id and card.partner_id.company_id != card.company_id:
                raise ValidationError(self.env._(
                    "Card %(card)s belongs to %(company)s but its customer belongs to another company.",
                    card=card.name, company=card.company_id.name))

    @api.constrains('order_id', 'invoice_id', 'company_id')
    def _check_documents_company(self):
        # A card of one company pointing at another company's order or
        # invoice would leak that document to the other company's board.
        # Read as superuser: the check must not depend on who creates the card.
        for card in self.sudo():
            for document in (card.order_id, card.invoice_id):
                if document and document.company_id != card.company_id:
                    raise ValidationError(self.env._(
                        "Card %(card)s belongs to %(company)s but %(document)s belongs to another company.",
                        card=card.name, company=card.company_id.name, document=document.display_name))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            ensure_selection_values(self, vals)
        if not self.env.su:
            self._ensure_work_companies(vals_list)
            vals_list = [self._prepare_hand_card(vals) for vals in vals_list]
        missing = [vals for vals in vals_list if vals.get('name', '/') == '/']
        if missing:
            for vals, name in zip(missing, self._next_card_names(len(missing)), strict=True):
                vals['name'] = name
        cards = super().create(vals_list)
        cards._ensure_work_allowed()
        cards._schedule_card_activities()
        # The day a thank-you card is created, the customer is thanked by
        # e-mail and asked to rate the purchase.
        cards.filtered(lambda card: card.kind == 'thank_you').order_id._followup_send_rating_requests()
        return cards

    def write(self, vals):
        ensure_selection_values(self, vals)
        if not self.env.su:
            self._ensure_hand_write(vals)
        if 'state' in vals:
            self._ensure_reachable(vals['state'])
        newly_done = self.browse()
        if vals.get('state') == 'done':
            newly_done = self.filtered(lambda c: c.state != 'done')
            if 'date_done' not in vals:
                vals = dict(vals, date_done=fields.Date.context_today(self))
        res = super().write(vals)
        newly_done._on_cards_done()
        if 'state' in vals:
            if vals['state'] == 'done':
                # A card closed from its activity already has it done.
                closing = cursor_flagged(self.env, ACTIVITY_DONE_KEY)
                self.filtered(lambda card: card.id not in closing)._followup_activities()._action_done(
                    feedback=vals.get('outcome') or False)
            elif vals['state'] == 'cancelled':
                self._followup_activities().unlink()
            else:
                self._schedule_card_activities()
        if {'user_id', 'date_due', 'promise_date'} & vals.keys():
            self._sync_activity_fields()
        self._ensure_work_allowed(vals)
        return res

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # A card's activity reminds its user; making them a follower of every
        # card the daily run creates as well would cost a follower row (and
        # its subtypes) per card for no more reminders.
        if self.ids and set(self.ids) <= cursor_flagged(self.env, ACTIVITY_CREATE_KEY):
            return True
        return super().message_subscribe(partner_ids=partner_ids, subtype_ids=subtype_ids)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_start(self):
        """Start working on the card."""
        self._ensure_step('start')
        self.write({'state': 'in_progress'})

    def action_wait(self):
        """Wait for the customer's answer."""
        self._ensure_step('wait')
        self.write({'state': 'waiting'})

    def action_cancel(self):
        """Drop a card that needs no more work."""
        self._ensure_step('cancel')
        self.write({'state': 'cancelled'})

    def action_open_done_wizard(self):
        """Ask for the outcome, then mark the cards done."""
        self._ensure_step('done')
        action = self.env['ir.actions.act_window']._for_xml_id(
            'sales_followup.action_customer_followup_done_wizard')
        action['context'] = {'default_followup_ids': self.ids}
        return action

    def action_open_promise_wizard(self):
        """Record the date and amount the customer promised to pay."""
        self.ensure_one()
        self._ensure_collection_card()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'sales_followup.action_customer_followup_promise_wizard')
        action['context'] = {'default_followup_id': self.id, 'default_invoice_id': self.invoice_id.id}
        return action

    def action_mark_done(self, outcome=False, satisfied=False):
        """Close open cards with an optional outcome (used by the wizard and
        when the card's activity is marked done)."""
        self._ensure_step('done')
        vals = {'state': 'done'}
        if outcome:
            vals['outcome'] = outcome
        if satisfied:
            vals['outcome_satisfied'] = True
        self.write(vals)
        return True

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.model
    def _work_open_domain(self):
        return Domain('state', 'in', FOLLOWUP_OPEN_STATES)

    @api.private
    def _ensure_step(self, step):
        """Refuse ``step`` unless every card of ``self`` is in a state it starts from."""
        sources, target = FOLLOWUP_STEPS[step]
        self._ensure_states(sources, target)

    @api.private
    def _ensure_reachable(self, target):
        """Refuse to write ``target`` on a card that no step leads from its
        state to ``target``: a closed card is not reopened by a write."""
        self.filtered(lambda card: card.state != target)._ensure_states(STEPS_INTO_STATE.get(target, ()), target)

    @api.private
    def _ensure_states(self, sources, target):
        wrong = self.filtered(lambda card: card.state not in sources)
        if wrong:
            state_labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "Card %(card)s is %(state)s: it cannot be moved to %(target)s.",
                card=wrong[0].name, state=state_labels[wrong[0].state], target=state_labels.get(target, target)))

    @api.model
    def _prepare_hand_card(self, vals):
        """The values of a card a user creates: its occasion comes from its
        source (kind, customer and order, invoice or complaint), so that the
        database refuses a second card for the same occasion, and nobody can
        take the occasion of a card the daily run will create."""
        forbidden = (INTERNAL_FIELDS | PROMISE_FIELDS).intersection(name for name, value in vals.items() if value)
        if forbidden:
            raise UserError(self.env._(
                "%(fields)s cannot be set on a new card: the occasion comes from the card's source and a "
                "promise to pay is recorded with its button.",
                fields=", ".join(sorted(self._fields[name]._description_string(self.env) for name in forbidden))))
        vals = dict(vals)
        source = next(((model, vals[fname]) for fname, model in (
            ('complaint_id', 'customer.complaint'), ('invoice_id', 'account.move'), ('order_id', 'sale.order'),
        ) if vals.get(fname)), None)
        if source:
            vals['occasion_key'] = '%s,%s' % source
            kind, partner_id = vals.get('kind'), vals.get('partner_id')
            company_id = vals.get('company_id') or self.env.company.id
            if kind and partner_id and self._existing_occasions([(kind, partner_id, vals['occasion_key'], company_id)]):
                existing = self.sudo().search([
                    ('kind', '=', kind), ('partner_id', '=', partner_id),
                    ('occasion_key', '=', vals['occasion_key']), ('company_id', '=', company_id),
                ], limit=1)
                raise ValidationError(self.env._(
                    "This occasion already has a follow-up card (%(card)s): work on that one.",
                    card=existing.name))
        return vals

    @api.private
    def _ensure_hand_write(self, vals):
        """Refuse what a user may not change on an existing card."""
        names = set(vals)
        if PROMISE_FIELDS & names and not (self.ids and set(self.ids) <= cursor_flagged(self.env, PROMISE_KEY)):
            raise UserError(self.env._("Record a promise to pay with the Record Promise to Pay button."))
        if INTERNAL_FIELDS & names:
            raise UserError(self.env._(
                "The occasion of a card, the day it was done and the figures behind it are set by the card itself."))
        changed = {fname for fname in SOURCE_FIELDS & names
                   if any(card[fname] != card._fields[fname].convert_to_record(
                       card._fields[fname].convert_to_cache(vals[fname], card), card) for card in self)}
        if changed:
            raise UserError(self.env._(
                "A card stays about what it was created for; create a new card for another occasion "
                "(%(fields)s cannot change).",
                fields=", ".join(sorted(self._fields[name]._description_string(self.env) for name in changed))))

    @api.private
    def _record_promise(self, promise_date, promise_amount, amount_due):
        """Record the customer's promise to pay ``promise_amount`` of the
        ``amount_due`` of the card's invoice by ``promise_date``, and wait."""
        self.ensure_one()
        self._ensure_collection_card()
        self._ensure_valid_promise(promise_date, promise_amount, amount_due)
        with cursor_flag(self.env, PROMISE_KEY, self.ids):
            self.write({
                'promise_date': promise_date,
                'promise_amount': promise_amount or amount_due,
                'promise_residual': amount_due,
                'state': FOLLOWUP_STEPS['wait'][1],
            })
        self.message_post(body=self.env._(
            "Promise to pay %(amount)s by %(date)s.",
            amount=self.currency_id.format(self.promise_amount),
            date=fields.Date.to_string(promise_date)))

    @api.private
    def _ensure_valid_promise(self, promise_date, promise_amount, amount_due, currency=None):
        """Shared by the card and the promise wizard."""
        currency = currency or self.currency_id or self.env.company.currency_id
        if not promise_date or promise_date < fields.Date.context_today(self):
            raise UserError(self.env._("A promise to pay needs a date from today on, not in the past."))
        if (promise_date - fields.Date.context_today(self)).days > 366:
            raise UserError(self.env._("A promise to pay more than a year ahead is no promise: agree a firm date."))
        if (promise_amount or 0.0) < 0:
            raise UserError(self.env._("A promised amount cannot be negative."))
        if float_compare(promise_amount or 0.0, amount_due, precision_rounding=currency.rounding) > 0:
            raise UserError(self.env._(
                "The promised amount (%(promised)s) is more than the amount due (%(due)s).",
                promised=currency.format(promise_amount), due=currency.format(amount_due)))

    @api.private
    def _ensure_collection_card(self):
        for card in self:
            if card.kind not in FOLLOWUP_COLLECTION_KINDS or not card.invoice_id:
                raise UserError(self.env._(
                    "A promise to pay can only be recorded on a collection card with an invoice."))
            if card.state not in FOLLOWUP_OPEN_STATES:
                raise UserError(self.env._("This card is already closed."))

    @api.model
    def _next_card_names(self, count):
        """``count`` sequence names in one query: the cron creates thousands of
        cards and must not pay a query per name."""
        sequence = self.env['ir.sequence'].sudo().search([
            ('code', '=', 'customer.followup'),
            ('company_id', 'in', [self.env.company.id, False]),
        ], order='company_id', limit=1)
        if not sequence:
            return ['/'] * count
        if sequence.implementation == 'standard' and not sequence.use_date_range:
            self.env.cr.execute(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                ['ir_sequence_%03d' % sequence.id, count])
            numbers = self.env.cr.fetchall()
            # What get_next_char does, with the prefix and suffix read once
            # rather than once per card.
            prefix, suffix = sequence._get_prefix_suffix()
            return [f'{prefix}{number:0{sequence.padding}d}{suffix}' for number, in numbers]
        return [sequence._next() for _i in range(count)]

    def _followup_activities(self):
        activity_type = self.env.ref('sales_followup.mail_activity_type_followup', raise_if_not_found=False)
        return self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def _schedule_card_activities(self):
        """Give each open card with a user exactly one follow-up activity."""
        activity_type = self.env.ref('sales_followup.mail_activity_type_followup', raise_if_not_found=False)
        if not activity_type:
            return
        cards = self.filtered(lambda c: c.state in FOLLOWUP_OPEN_STATES and c.user_id)
        if not cards:
            return
        has_activity = self.env['mail.activity'].sudo().search([
            ('res_model', '=', self._name), ('res_id', 'in', cards.ids),
            ('activity_type_id', '=', activity_type.id),
        ]).mapped('res_id')
        kinds = dict(self._fields['kind']._description_selection(self.env))
        model_id = self.env['ir.model']._get_id(self._name)
        vals_list = [{
            'activity_type_id': activity_type.id,
            'summary': '%s: %s' % (kinds[card.kind], card.partner_id.display_name),
            'automated': True,
            'date_deadline': card.promise_date or card.date_due,
            'res_model_id': model_id,
            'res_id': card.id,
            'user_id': card.user_id.id,
        } for card in cards if card.id not in has_activity]
        if vals_list:
            # Notifying by mail for thousands of cron cards would spam the team:
            # the activity menu is the notification. For the same reason the
            # user does not follow each card (see message_subscribe).
            with cursor_flag(self.env, ACTIVITY_CREATE_KEY, cards.ids):
                self.env['mail.activity'].sudo().with_context(mail_activity_quick_update=True).create(vals_list)

    def _sync_activity_fields(self):
        """Keep each card's follow-up activity on the card's user and due
        date, in one write per distinct value: a handover moves the cards of
        many customers at once."""
        activities = self._followup_activities()
        cards = {card.id: card for card in self}
        # Nobody to remind: like a card created without a user, an
        # unassigned card carries no activity.
        unassigned = activities.filtered(lambda activity: not cards[activity.res_id].user_id)
        by_user, by_deadline = defaultdict(list), defaultdict(list)
        for activity in activities - unassigned:
            card = cards[activity.res_id]
            if activity.user_id != card.user_id:
                by_user[card.user_id.id].append(activity.id)
            deadline = card.promise_date or card.date_due
            if activity.date_deadline != deadline:
                by_deadline[deadline].append(activity.id)
        with_activity = set(activities.mapped('res_id'))
        unassigned.unlink()
        Activity = activities.with_context(mail_activity_quick_update=True)
        for user_id, ids in by_user.items():
            Activity.browse(ids).write({'user_id': user_id})
        for deadline, ids in by_deadline.items():
            Activity.browse(ids).write({'date_deadline': deadline})
        self.filtered(lambda card: card.id not in with_activity)._schedule_card_activities()

    def _on_cards_done(self):
        """Side effects of finishing a card, whichever way it was finished."""
        today = fields.Date.context_today(self)
        satisfied = self.filtered(lambda c: c.outcome_satisfied and c.kind not in REFERRAL_KINDS)
        if satisfied:
            # A side effect of the card: its user may not create cards for
            # every customer's salesperson.
            self.sudo()._create_occasion_cards([{
                'kind': 'referral_ask',
                'partner_id': card.partner_id.id,
                'order_id': card.order_id.id,
                'user_id': card.user_id.id,
                'company_id': card.company_id.id,
                'occasion_key': 'customer.followup,%s' % card.id,
                'date_due': today,
                'note': self.env._(
                    "Follow-up %(card)s ended well: ask the customer for a referral and a testimonial.",
                    card=card.name),
            } for card in satisfied])
        for card in self.filtered(lambda c: c.kind == 'review'):
            partner = card.commercial_partner_id.sudo().with_company(card.company_id)
            cadence = card._review_cadence_days()
            if not cadence or (partner.next_review_date and partner.next_review_date > card.date_due):
                continue
            next_date = (partner.next_review_date or card.date_due) + timedelta(days=cadence)
            # After a long absence, do not pile up catch-up reviews: restart
            # the cadence from today.
            if next_date <= today:
                next_date = today + timedelta(days=cadence)
            partner.next_review_date = next_date

    def _review_cadence_days(self):
        self.ensure_one()
        grade = self.commercial_partner_id.with_company(self.company_id).customer_grade
        if not grade:
            return 0
        return self.company_id['followup_review_days_%s' % grade]

    @api.model
    def _create_occasion_cards(self, vals_list):
        """Create the cards of ``vals_list``, skipping occasions that already
        have a card (also when another worker creates them concurrently).

        Each dict needs ``kind``, ``partner_id``, ``occasion_key`` and
        ``date_due``; ``company_id`` defaults to the current company. A record
        that raises is logged and skipped; if every record of a batch of
        several fails, the error is systematic and is raised.

        :return: the created cards
        """
        company_id = self.env.company.id
        todo, seen = [], set()
        for vals in vals_list:
            vals = dict(vals, company_id=vals.get('company_id') or company_id)
            key = self._occasion_tuple(vals)
            if key not in seen:
                seen.add(key)
                todo.append(vals)
        existing = self._existing_occasions([self._occasion_tuple(vals) for vals in todo])
        todo = [vals for vals in todo if self._occasion_tuple(vals) not in existing]
        if not todo:
            return self.browse()
        cards = self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True, tracking_disable=True)
        try:
            with self.env.cr.savepoint():
                return cards.create(todo)
        except Exception:  # noqa: BLE001 - retried record by record below to isolate the culprit
            _logger.info("Follow-up batch of %s cards failed, retrying card by card", len(todo))
        created = self.browse()
        failures = []
        for vals in todo:
            try:
                with self.env.cr.savepoint():
                    created |= cards.create([vals])
            except CONFLICT_ERRORS:
                _logger.info("Follow-up occasion %s already created by another worker", self._occasion_tuple(vals))
            except Exception as error:
                _logger.exception("Follow-up occasion %s skipped", self._occasion_tuple(vals))
                failures.append(error)
        if failures and len(failures) == len(todo) and len(todo) > 1:
            raise failures[0]
        return created

    @api.model
    def _occasion_tuple(self, vals):
        return (vals['kind'], vals['partner_id'], vals['occasion_key'], vals['company_id'])

    @api.model
    def _existing_occasions(self, occasions):
        if not occasions:
            return set()
        self.env.cr.execute("""
            SELECT f.kind, f.partner_id, f.occasion_key, f.company_id
              FROM customer_followup f
              JOIN (SELECT * FROM unnest(%s::varchar[], %s::int[], %s::varchar[], %s::int[]))
                AS o(kind, partner_id, occasion_key, company_id)
                ON f.kind = o.kind AND f.partner_id = o.partner_id
               AND f.occasion_key = o.occasion_key AND f.company_id = o.company_id
        """, [list(column) for column in zip(*occasions, strict=True)])
        return set(self.env.cr.fetchall())

    @api.model
    def _cron_generate_followups(self):
        self.env['customer.followup.generator']._generate_followups()
