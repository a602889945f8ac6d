from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.tools import SQL, format_date, formatLang

from ..const import (
    NO_SALESPERSON,
    REFERRAL_OPEN_STATES,
    REFERRAL_ORDER_STEPS,
    REFERRAL_REWARD_STATES,
    REFERRAL_REWARD_TYPES,
    REFERRAL_STATES,
    REFERRAL_STEPS,
)
from ..tools import cursor_flag, cursor_flagged

# The step that leads into each state a user may reach: a state written
# directly (kanban drag and drop, RPC, import) runs that step's action.
STEP_INTO_STATE = {target: step for step, (_sources, target) in REFERRAL_STEPS.items()}

# Set by the referred customer's orders and by granting the reward only:
# set directly (RPC, import), they would forge a win or a reward.
SYSTEM_FIELDS = frozenset({
    'date_won', 'won_order_id', 'reward_state', 'reward_granted_date', 'reward_granted_by_id',
    'reward_coupon_id',
})
# What the referrer is promised: after-sales managers decide it.
REWARD_FIELDS = frozenset({'reward_type', 'reward_amount'})
# Frozen once the reward is granted: the reward paid the referrer for them.
GRANTED_FROZEN_FIELDS = frozenset({'referrer_id', 'referred_id', 'date', 'company_id'}) | REWARD_FIELDS

# Cursor keys (see tools.cursor_flag):
# - ids of referrals whose system fields the workflow is writing;
SYSTEM_KEY = 'sales_followup.referral_system'
# - ids of commercial partners whose referred_by_id a referral is writing:
#   their write must not create a referral in turn.
PARTNER_SYNC_KEY = 'sales_followup.referral_partner_sync'

# Kanban highlight colour per reward state (Odoo colour indexes: 2 orange, 10 green).
REWARD_COLORS = {'pending': 2, 'granted': 10}


class CustomerReferral(models.Model):
    """A customer who recommended us to someone: who referred whom, how far
    the referred customer got, the revenue they brought, and the reward owed
    to the referrer.

    ``res.partner.referred_by_id`` mirrors the referral on the referred
    commercial entity: setting one sets the other, by any path. A customer
    is referred at most once, never by itself or its own company or
    contacts, and referrals never form a cycle.

    The referral is won when the referred customer's first order since the
    referral date is confirmed (see :meth:`_sync_with_orders`); its revenue
    is always the untaxed total of the customer's confirmed orders since
    then, read from the orders themselves."""
    _name = 'customer.referral'
    _description = 'Referral'
    _inherit = ['mail.thread', 'mail.activity.mixin', 'customer.work.mixin']
    _order = 'date desc, id desc'

    _work_partner_field = 'referred_id'
    _work_user_field = 'user_id'

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default='/')
    referrer_id = fields.Many2one(
        comodel_name='res.partner', string="Referred By", required=True, index=True, tracking=True,
        help="The customer who recommended us.")
    referrer_commercial_id = fields.Many2one(
        comodel_name='res.partner', string="Referrer (Commercial Entity)",
        related='referrer_id.commercial_partner_id', store=True, index=True)
    referred_id = fields.Many2one(
        comodel_name='res.partner', string="Referred Customer", required=True, index=True, tracking=True,
        help="The customer we were recommended to.")
    referred_commercial_id = fields.Many2one(
        comodel_name='res.partner', string="Referred (Commercial Entity)",
        related='referred_id.commercial_partner_id', store=True)
    user_id = fields.Many2one(
        comodel_name='res.users', string="Salesperson", index=True, tracking=True,
        compute='_compute_user_id', store=True, readonly=False, precompute=True,
        domain=[('share', '=', False)], falsy_value_label=NO_SALESPERSON)
    company_id = fields.Many2one(
        comodel_name='res.company', required=True, index=True,
        default=lambda self: self.env.company)
    currency_id = fields.Many2one(related='company_id.currency_id', string="Currency")
    date = fields.Date(
        string="Referred On", required=True, default=fields.Date.context_today, tracking=True,
        help="Orders of the referred customer from this day on count as the referral's revenue.")
    note = fields.Text(string="How They Know Each Other")
    state = fields.Selection(
        selection=REFERRAL_STATES, string="Status", required=True, default='new', tracking=True,
        index=True, group_expand=True, copy=False)
    date_won = fields.Date(string="Won On", readonly=True, copy=False, tracking=True)
    won_order_id = fields.Many2one(
        comodel_name='sale.order', string="First Order", readonly=True, copy=False,
        help="The referred customer's first confirmed order since the referral.")
    revenue = fields.Monetary(
        currency_field='currency_id', compute='_compute_revenue', search='_search_revenue',
        aggregator='sum',
        help="Untaxed total of the referred customer's confirmed orders since the referral date, "
             "in company currency.")
    reward_type = fields.Selection(
        selection=REFERRAL_REWARD_TYPES, required=True, default='none', tracking=True,
        help="What the referrer gets once the referral is won. A discount is a coupon of Odoo's loyalty.")
    reward_amount = fields.Monetary(currency_field='currency_id', tracking=True)
    reward_state = fields.Selection(
        selection=REFERRAL_REWARD_STATES, tracking=True,
        compute='_compute_reward_state', store=True, index=True, copy=False)
    reward_color = fields.Integer(compute='_compute_reward_state', store=True)
    reward_granted_date = fields.Date(string="Reward Granted On", readonly=True, copy=False)
    reward_granted_by_id = fields.Many2one(
        comodel_name='res.users', readonly=True, copy=False)
    reward_coupon_id = fields.Many2one(
        comodel_name='loyalty.card', readonly=True, copy=False)
    reward_coupon_code = fields.Char(related='reward_coupon_id.code', string="Coupon Code")
    testimonial = fields.Text(tracking=True, help="What the customer says about us, in their words.")
    testimonial_consent = fields.Boolean(
        string="Consent to Publish", tracking=True, copy=False,
        help="The customer agreed that we quote their testimonial.")
    testimonial_consent_date = fields.Date(string="Consent Given On", tracking=True, copy=False)
    testimonial_published = fields.Boolean(string="Published", tracking=True, copy=False)
    testimonial_quote = fields.Text(
        string="Quote", compute='_compute_testimonial_quote',
        help="The testimonial ready to quote, with its author.")
    can_contact = fields.Boolean(compute='_compute_can_actions')
    can_qualify = fields.Boolean(compute='_compute_can_actions')
    can_lose = fields.Boolean(compute='_compute_can_actions')
    can_reopen = fields.Boolean(compute='_compute_can_actions')
    can_grant_reward = fields.Boolean(compute='_compute_can_actions')

    _reward_amount_positive = models.Constraint(
        'CHECK(reward_amount IS NULL OR reward_amount >= 0)',
        "A reward amount cannot be negative.",
    )
    # The rule is checked with a clear message first (see
    # _ensure_referred_once); the index settles two concurrent referrals.
    _referred_once = models.UniqueIndex(
        '(referred_commercial_id)',
        "This customer has already been referred: a customer is referred at most once.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends('referred_id')
    def _compute_user_id(self):
        for referral in self:
            if referral.user_id:
                continue
            referral.user_id = (
                referral.referred_id.user_id
                or referral.referred_id.commercial_partner_id.user_id
                or self.env.user
            )

    @api.depends('referred_commercial_id', 'company_id', 'date')
    def _compute_revenue(self):
        referrals = self.filtered('id')
        (self - referrals).revenue = 0.0
        if not referrals:
            return
        rows = self.env.execute_query(SQL(
            "SELECT r.id, %s FROM customer_referral r WHERE r.id = ANY(%s)",
            self._revenue_sql('r'), referrals.ids))
        revenue = dict(rows)
        for referral in referrals:
            referral.revenue = revenue.get(referral.id) or 0.0

    def _search_revenue(self, operator, value):
        return Domain.custom(to_sql=lambda model, alias, query: model._fields['revenue']._condition_to_sql(
            'revenue', operator, value, model, alias, query))

    @api.depends('state', 'reward_type', 'reward_granted_date')
    def _compute_reward_state(self):
        for referral in self:
            if referral.reward_granted_date:
                state = 'granted'
            elif referral.state == 'won' and referral.reward_type != 'none':
                state = 'pending'
            else:
                state = 'none'
            referral.reward_state = state
            referral.reward_color = REWARD_COLORS.get(state, 0)

    @api.depends('testimonial', 'referrer_id')
    def _compute_testimonial_quote(self):
        for referral in self:
            text = (referral.testimonial or '').strip()
            referral.testimonial_quote = text and "“%s”\n— %s" % (text, referral.referrer_id.display_name)

    @api.depends('state', 'reward_state')
    @api.depends_context('uid')
    def _compute_can_actions(self):
        is_manager = self.env.user.has_group('sales_followup.group_followup_manager')
        for referral in self:
            for step, (sources, _target) in REFERRAL_STEPS.items():
                referral[f'can_{step}'] = referral.state in sources
            referral.can_grant_reward = is_manager and referral.reward_state == 'pending'

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains('referrer_id', 'referred_id')
    def _check_no_cycle(self):
        """No chain of referrals leads back to where it started, whatever
        its length. Checked on the stored graph, so that a batch closing a
        cycle by itself (an import) is caught too."""
        self._lock_referral_chains()
        self.env.flush_all()
        rows = self.env.execute_query(SQL("""
            WITH RECURSIVE chain(referral_id, partner_id) AS (
                SELECT r.id, r.referrer_commercial_id
                  FROM customer_referral r
                 WHERE r.id = ANY(%(ids)s)
             UNION
                SELECT chain.referral_id, up.referrer_commercial_id
                  FROM chain
                  JOIN customer_referral up ON up.referred_commercial_id = chain.partner_id
            )
            SELECT r.id
              FROM customer_referral r
              JOIN chain ON chain.referral_id = r.id AND chain.partner_id = r.referred_commercial_id
             WHERE r.id = ANY(%(ids)s)
             LIMIT 1
        """, ids=self.ids))
        if rows:
            referral = self.browse(rows[0][0]).sudo()
            raise ValidationError(self.env._(
                "%(referred)s cannot be referred by %(referrer)s: %(referrer)s was itself referred, "
                "directly or through others, by %(referred)s. Referrals cannot go round in a circle.",
                referred=referral.referred_commercial_id.display_name,
                referrer=referral.referrer_commercial_id.display_name))

    @api.constrains('referrer_id', 'referred_id', 'company_id')
    def _check_partner_company(self):
        for referral in self.sudo():
            for partner in (referral.referrer_id, referral.referred_id):
                if partner.company_id and partner.company_id != referral.company_id:
                    raise ValidationError(self.env._(
                        "Referral %(referral)s belongs to %(company)s but %(partner)s belongs to another company.",
                        referral=referral.name, company=referral.company_id.name, partner=partner.display_name))

    @api.constrains('testimonial_published', 'testimonial_consent', 'testimonial')
    def _check_testimonial_consent(self):
        for referral in self:
            if referral.testimonial_published and not referral.testimonial_consent:
                raise ValidationError(self.env._(
                    "The testimonial of %(customer)s cannot be published without their consent.",
                    customer=referral.referrer_id.display_name))
            if referral.testimonial_published and not (referral.testimonial or '').strip():
                raise ValidationError(self.env._("There is no testimonial to publish on %(referral)s.",
                                                 referral=referral.name))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._testimonial_vals(dict(vals)) for vals in vals_list]
        if not self.env.su:
            for vals in vals_list:
                forged = SYSTEM_FIELDS.intersection(key for key, value in vals.items() if value)
                if forged:
                    raise UserError(self.env._(
                        "%(fields)s are set by the referred customer's orders and the reward only.",
                        fields=self._field_labels(forged)))
                if vals.get('state') == 'won':
                    raise UserError(self.env._(
                        "A referral is won when the referred customer's first order is confirmed, "
                        "not by hand."))
                if (vals.get('reward_type') or 'none') != 'none' or vals.get('reward_amount'):
                    self._ensure_reward_manager()
        self._ensure_referral_rules([
            (('new', index), vals.get('referrer_id'), vals.get('referred_id'))
            for index, vals in enumerate(vals_list)])
        unnamed = defaultdict(list)
        for vals in vals_list:
            if vals.get('name', '/') == '/':
                unnamed[vals.get('company_id') or self.env.company.id].append(vals)
        for company_id, company_vals in unnamed.items():
            references = self._next_references(self.env['res.company'].browse(company_id), len(company_vals))
            for vals, reference in zip(company_vals, references, strict=True):
                vals['name'] = reference
        referrals = super().create(vals_list)
        referrals._ensure_work_allowed()
        referrals._sync_partner_referrers()
        referrals._sync_with_orders(referrals.referred_commercial_id.ids)
        return referrals

    def write(self, vals):
        vals = self._testimonial_vals(dict(vals))
        system = self.env.su or (self.ids and set(self.ids) <= cursor_flagged(self.env, SYSTEM_KEY))
        if not system:
            forged = SYSTEM_FIELDS.intersection(vals)
            if forged:
                raise UserError(self.env._(
                    "%(fields)s are set by the referred customer's orders and the reward only.",
                    fields=self._field_labels(forged)))
            # Sending back the current reward, as forms do, is harmless.
            if any(referral._changes(vals, REWARD_FIELDS) for referral in self):
                self._ensure_reward_manager()
        frozen = GRANTED_FROZEN_FIELDS.intersection(vals)
        if frozen and not self.env.su:
            granted = self.filtered(lambda r: r.reward_state == 'granted' and r._changes(vals, frozen))
            if granted:
                raise UserError(self.env._(
                    "The reward of referral %(referral)s is granted: its referrer, customer, date and "
                    "reward can no longer change.", referral=granted[0].name))
        if 'referrer_id' in vals or 'referred_id' in vals:
            self._ensure_referral_rules([
                (referral.id, vals.get('referrer_id', referral.referrer_id.id),
                 vals.get('referred_id', referral.referred_id.id)) for referral in self])
        previous_referred = self.referred_commercial_id
        moving, step = self.browse(), None
        if not system and 'state' in vals:
            # A state written directly (kanban drag and drop, RPC, import)
            # runs the step that leads into it, so that its guard applies;
            # anything raised undoes the other values too.
            moving, step = self._step_into(vals['state'])
            vals = {name: value for name, value in vals.items() if name != 'state'}
        result = super().write(vals) if vals else True
        if moving:
            getattr(moving, f'action_{step}')()
        if not system:
            self._ensure_work_allowed(vals)
        if {'referrer_id', 'referred_id'} & vals.keys():
            self._sync_partner_referrers(previous_referred - self.referred_commercial_id)
        if {'referred_id', 'date', 'company_id'} & vals.keys():
            self._sync_with_orders((previous_referred | self.referred_commercial_id).ids)
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_won(self):
        won = self.filtered(lambda r: r.state == 'won')
        if won:
            raise UserError(self.env._(
                "Referral %(referral)s is won and cannot be deleted.", referral=won[0].name))

    def unlink(self):
        referred = self.referred_commercial_id
        result = super().unlink()
        self._clear_partner_referrers(referred)
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_contact(self):
        """The referred customer has been contacted."""
        self._ensure_step('contact')
        self._write_step('contact')
        return True

    def action_qualify(self):
        """The referred customer is a real prospect."""
        self._ensure_step('qualify')
        self._write_step('qualify')
        return True

    def action_lose(self):
        """The referred customer will not buy."""
        self._ensure_step('lose')
        self._write_step('lose')
        return True

    def action_reopen(self):
        """Work a lost referral again."""
        self._ensure_step('reopen')
        self._write_step('reopen')
        return True

    def action_grant_reward(self):
        """Grant the referrer the reward of a won referral."""
        self._ensure_reward_manager()
        self._ensure_reward_grantable()
        today = fields.Date.context_today(self)
        for referral in self:
            # Written and flushed first: a second grant running at the same
            # time conflicts on this row and is retried, then refused.
            referral._write_system({'reward_granted_date': today, 'reward_granted_by_id': self.env.user.id})
            referral.flush_recordset()
            if referral.reward_type == 'discount':
                coupon = referral._create_reward_coupon()
                referral._write_system({'reward_coupon_id': coupon.id})
                referral._send_reward_email()
            referral._post_reward_granted()
        return True

    def action_view_orders(self):
        """Open the referred customer's orders since the referral."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('sale.action_orders')
        action['domain'] = [
            ('partner_id', 'child_of', self.referred_commercial_id.id),
            ('company_id', '=', self.company_id.id),
            ('state', '=', 'sale'),
            ('date_order', '>=', fields.Datetime.to_datetime(self.date)),
        ]
        action['context'] = {'create': False}
        return action

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.model
    def _work_open_domain(self):
        return Domain('state', 'in', REFERRAL_OPEN_STATES)

    @api.private
    def _ensure_step(self, step):
        """Refuse ``step`` unless every referral of ``self`` is in a state it starts from."""
        sources, target = REFERRAL_STEPS[step]
        wrong = self.filtered(lambda referral: referral.state not in sources)
        if wrong:
            state_labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "Referral %(referral)s is %(state)s: it cannot be moved to %(target)s.",
                referral=wrong[0].name, state=state_labels[wrong[0].state], target=state_labels[target]))

    @api.private
    def _write_step(self, step):
        self._write_system({'state': REFERRAL_STEPS[step][1]})

    @api.private
    def _write_system(self, vals):
        with cursor_flag(self.env, SYSTEM_KEY, self.ids):
            return self.write(vals)

    @api.private
    def _step_into(self, target):
        """The referrals of ``self`` that writing state ``target`` moves,
        and the step that leads them there."""
        moving = self.filtered(lambda referral: referral.state != target)
        step = STEP_INTO_STATE.get(target)
        if moving and not step:
            if target == 'won':
                raise UserError(self.env._(
                    "A referral is won when the referred customer's first order is confirmed, not by hand."))
            state_labels = dict(self._fields['state']._description_selection(self.env))
            raise UserError(self.env._(
                "A referral cannot be moved to %(state)s by hand.", state=state_labels.get(target, target)))
        return moving, step

    @api.private
    def _ensure_reward_manager(self):
        if not self.env.su and not self.env.user.has_group('sales_followup.group_followup_manager'):
            raise AccessError(self.env._("Only after-sales managers decide and grant referral rewards."))

    @api.private
    def _ensure_reward_grantable(self):
        for referral in self:
            if referral.reward_state == 'granted':
                raise UserError(self.env._(
                    "The reward of referral %(referral)s was already granted on %(date)s.",
                    referral=referral.name, date=format_date(self.env, referral.reward_granted_date)))
            if referral.state != 'won':
                raise UserError(self.env._(
                    "Referral %(referral)s is not won yet: its reward is granted once the referred "
                    "customer's first order is confirmed.", referral=referral.name))
            if referral.reward_type == 'none':
                raise UserError(self.env._(
                    "Referral %(referral)s has no reward to grant: choose one first.", referral=referral.name))
            if referral.reward_type == 'discount' and referral.reward_amount <= 0:
                raise UserError(self.env._(
                    "Set the amount of the discount coupon of referral %(referral)s first.",
                    referral=referral.name))

    @api.model
    def _ensure_referral_rules(self, changes):
        """Refuse self-referrals and customers referred twice, before
        anything is written. ``changes``: (referral id, or a key of one's own
        for a new one, referrer id, referred id) for each referral created
        or changed."""
        Partner = self.env['res.partner'].sudo()
        referred_seen = {}
        for referral_id, referrer_id, referred_id in changes:
            if not referrer_id or not referred_id:
                continue
            referrer = Partner.browse(referrer_id).commercial_partner_id
            referred = Partner.browse(referred_id).commercial_partner_id
            if referrer == referred:
                raise ValidationError(self.env._(
                    "%(partner)s cannot refer itself, its own company or its own contacts.",
                    partner=Partner.browse(referred_id).display_name))
            if referred in referred_seen and referred_seen[referred] != referral_id:
                raise ValidationError(self.env._(
                    "%(partner)s is referred twice: a customer is referred at most once.",
                    partner=referred.display_name))
            referred_seen[referred] = referral_id
        if not referred_seen:
            return
        existing = self.sudo().search([
            ('referred_commercial_id', 'in', [partner.id for partner in referred_seen]),
        ])
        for referral in existing:
            if referred_seen[referral.referred_commercial_id] != referral.id:
                raise ValidationError(self.env._(
                    "%(partner)s has already been referred (%(referral)s): a customer is referred at most once.",
                    partner=referral.referred_commercial_id.display_name, referral=referral.name))

    @api.private
    def _lock_referral_chains(self):
        """Update the partner rows of each referral's customer and of the
        referrer's whole chain of referrers. Two transactions that would
        close a cycle together always share one of these rows: under
        REPEATABLE READ, the second one then fails with a serialization
        error and is retried, seeing the first one's referral."""
        self.env.flush_all()
        self.env.execute_query(SQL("""
            WITH RECURSIVE chain(partner_id) AS (
                SELECT unnest(ARRAY[r.referrer_commercial_id, r.referred_commercial_id])
                  FROM customer_referral r
                 WHERE r.id = ANY(%(ids)s)
             UNION
                SELECT up.referrer_commercial_id
                  FROM chain
                  JOIN customer_referral up ON up.referred_commercial_id = chain.partner_id
            ), locked AS (
                SELECT p.id FROM res_partner p WHERE p.id IN (SELECT partner_id FROM chain)
                 ORDER BY p.id FOR NO KEY UPDATE
            )
            UPDATE res_partner p SET referred_by_id = p.referred_by_id FROM locked WHERE p.id = locked.id
        """, ids=self.ids))

    @api.model
    def _next_references(self, company, count):
        """The next ``count`` ``REF/`` references of ``company``'s own
        sequence, created the first time a company records a referral.
        Imports record thousands of referrals: a standard sequence gives
        them all in one query."""
        Sequence = self.env['ir.sequence'].sudo()
        sequence = Sequence.search([('code', '=', self._name), ('company_id', '=', company.id)], limit=1)
        if not sequence:
            sequence = Sequence.create({
                'name': self.env._("Referral (%(company)s)", company=company.name),
                'code': self._name,
                'prefix': 'REF/%(year)s/',
                'padding': 5,
                'company_id': company.id,
            })
        if sequence.implementation != 'standard' or sequence.use_date_range:
            # An administrator's no-gap or yearly sequence keeps Odoo's own numbering.
            return [sequence._next() for _index in range(count)]
        self.env.cr.execute(SQL("SELECT nextval(%s) FROM generate_series(1, %s)",
                                f'ir_sequence_{sequence.id:03d}', count))
        numbers = [row[0] for row in self.env.cr.fetchall()]
        return [sequence.get_next_char(number) for number in numbers]

    @api.model
    def _revenue_sql(self, alias):
        """The referral's revenue, as an SQL expression on the referral row
        ``alias``: the untaxed total of the referred customer's orders
        confirmed since the referral date, in company currency."""
        Order = self.env['sale.order']
        Partner = self.env['res.partner']

        def order_column(fname):
            return SQL.identifier('so', fname, to_flush=Order._fields[fname])

        return SQL("""(SELECT COALESCE(SUM(%(untaxed)s / COALESCE(NULLIF(%(rate)s, 0), 1)), 0)
                         FROM sale_order so
                         JOIN res_partner sop ON sop.id = %(partner)s
                        WHERE %(commercial)s = %(referred)s AND %(company)s = %(referral_company)s
                          AND %(state)s = 'sale' AND %(date_order)s::date >= %(date)s)""",
                   untaxed=order_column('amount_untaxed'), rate=order_column('currency_rate'),
                   partner=order_column('partner_id'),
                   commercial=SQL.identifier('sop', 'commercial_partner_id',
                                             to_flush=Partner._fields['commercial_partner_id']),
                   referred=SQL.identifier(alias, 'referred_commercial_id',
                                           to_flush=self._fields['referred_commercial_id']),
                   company=order_column('company_id'),
                   referral_company=SQL.identifier(alias, 'company_id', to_flush=self._fields['company_id']),
                   state=order_column('state'), date_order=order_column('date_order'),
                   date=SQL.identifier(alias, 'date', to_flush=self._fields['date']))

    @api.model
    def _invalidate_revenue(self):
        """Forget the revenue read in this transaction: it is read from the
        orders, which the ORM does not know the referral depends on. Every
        change of an order or an order line calls this."""
        self.invalidate_model(['revenue'])

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr == 'revenue':
            self._check_field_access(self._fields[field_expr], 'read')
            return self._revenue_sql(alias)
        return super()._field_to_sql(alias, field_expr, query)

    @api.model
    def _testimonial_vals(self, vals):
        """Consent comes with its date; withdrawing it unpublishes."""
        if 'testimonial_consent' in vals:
            if vals['testimonial_consent']:
                vals.setdefault('testimonial_consent_date', fields.Date.context_today(self))
            else:
                vals.update(testimonial_consent_date=False, testimonial_published=False)
        return vals

    @api.private
    def _changes(self, vals, fnames):
        """Whether ``vals`` changes any of ``fnames`` on the referral ``self``."""
        self.ensure_one()
        return any(
            self._fields[fname].convert_to_cache(vals[fname], self)
            != self._fields[fname].convert_to_cache(self[fname], self)
            for fname in fnames if fname in vals)

    @api.model
    def _field_labels(self, fnames):
        return ", ".join(sorted(self._fields[fname]._description_string(self.env) for fname in fnames))

    # ------------------------------------------------------------------
    # The partner's referred_by_id
    # ------------------------------------------------------------------

    def _sync_partner_referrers(self, cleared=None):
        """Write each referral's referrer on its customer's commercial entity
        (its contacts follow), and clear it on ``cleared`` partners that no
        referral points to any more."""
        for referral in self.sudo():
            commercial = referral.referred_commercial_id
            if commercial.referred_by_id != referral.referrer_id:
                with cursor_flag(self.env, PARTNER_SYNC_KEY, commercial.ids):
                    commercial.write({'referred_by_id': referral.referrer_id.id})
        if cleared:
            self._clear_partner_referrers(cleared)

    @api.model
    def _clear_partner_referrers(self, partners):
        partners = partners.sudo().exists().filtered('referred_by_id')
        referred = set(self.sudo().search([('referred_commercial_id', 'in', partners.ids)]).referred_commercial_id.ids)
        partners = partners.filtered(lambda partner: partner.id not in referred)
        if partners:
            with cursor_flag(self.env, PARTNER_SYNC_KEY, partners.ids):
                partners.write({'referred_by_id': False})

    # ------------------------------------------------------------------
    # Won by the referred customer's orders
    # ------------------------------------------------------------------

    @api.model
    def _sync_with_orders(self, partner_ids):
        """Bring the referrals of the commercial partners ``partner_ids`` in
        line with their confirmed orders: won by the first order since the
        referral date, back to qualified when no such order is left and the
        reward was not granted yet."""
        if not partner_ids:
            return
        referrals = self.sudo().search([('referred_commercial_id', 'in', list(partner_ids))])
        if not referrals:
            return
        first_orders = referrals._first_orders()
        Order = self.env['sale.order'].sudo()
        to_win = referrals.filtered(lambda r: r.id in first_orders and r.state != 'won')
        to_unwin = referrals.filtered(
            lambda r: r.id not in first_orders and r.state == 'won' and r.reward_state != 'granted')
        for referral in referrals.filtered(lambda r: r.state == 'won' and r.id in first_orders):
            if referral.won_order_id.id != first_orders[referral.id]:
                referral._write_system({'won_order_id': first_orders[referral.id]})
        if to_win:
            to_win._win(Order.browse([first_orders[referral.id] for referral in to_win]))
        if to_unwin:
            to_unwin._unwin()

    @api.private
    def _first_orders(self):
        """``{referral id: id of the referred customer's first order
        confirmed since the referral date}``, for the referrals that have one."""
        self.env.flush_all()
        rows = self.env.execute_query(SQL("""
            SELECT DISTINCT ON (r.id) r.id, so.id
              FROM customer_referral r
              JOIN res_partner p ON p.commercial_partner_id = r.referred_commercial_id
              JOIN sale_order so ON so.partner_id = p.id AND so.company_id = r.company_id
             WHERE r.id = ANY(%s) AND so.state = 'sale' AND so.date_order::date >= r.date
          ORDER BY r.id, so.date_order, so.id
        """, self.ids))
        return dict(rows)

    @api.private
    def _win(self, orders):
        """Mark the referrals won by ``orders`` (one per referral, in order),
        and give each referrer's salesperson a card to thank them."""
        today = fields.Date.context_today(self)
        for referral, order in zip(self, orders, strict=True):
            referral._write_system({
                'state': REFERRAL_ORDER_STEPS['win'][1], 'date_won': today, 'won_order_id': order.id,
            })
            referral.message_post(body=self.env._(
                "Won: %(customer)s confirmed order %(order)s.",
                customer=referral.referred_id.display_name, order=order.name), subtype_xmlid='mail.mt_note')
        self.env['customer.followup'].sudo()._create_occasion_cards([{
            'kind': 'referrer_thanks',
            'partner_id': referral.referrer_id.id,
            'user_id': (referral.referrer_commercial_id.user_id or referral.user_id).id,
            'company_id': referral.company_id.id,
            'occasion_key': 'customer.referral,%s' % referral.id,
            'date_due': today,
            'note': self.env._(
                "%(customer)s, referred by this customer, placed a first order (%(order)s): thank them.",
                customer=referral.referred_id.display_name, order=order.name),
        } for referral, order in zip(self, orders, strict=True)])

    @api.private
    def _unwin(self):
        for referral in self:
            order_name = referral.won_order_id.name
            referral._write_system({
                'state': REFERRAL_ORDER_STEPS['unwin'][1], 'date_won': False, 'won_order_id': False,
            })
            referral.message_post(body=self.env._(
                "Order %(order)s was cancelled and no other order counts: the referral is qualified again.",
                order=order_name), subtype_xmlid='mail.mt_note')

    # ------------------------------------------------------------------
    # Rewards
    # ------------------------------------------------------------------

    @api.private
    def _reward_program(self):
        """The company's "Referral rewards" coupon program, created the first
        time a discount is granted: one coupon point is worth one unit of
        the company currency off an order."""
        self.ensure_one()
        company = self.company_id.sudo()
        program = company.followup_referral_program_id
        if program and not program.active:
            raise UserError(self.env._(
                "The coupon program %(program)s that pays referral rewards is archived: restore it first.",
                program=program.name))
        if not program:
            program = self.env['loyalty.program'].sudo().with_company(company).create({
                'name': self.env._("Referral rewards"),
                'program_type': 'coupons',
                'trigger': 'with_code',
                'applies_on': 'current',
                'company_id': company.id,
                'currency_id': company.currency_id.id,
                'rule_ids': [Command.clear()],
                'communication_plan_ids': [Command.clear()],
                'reward_ids': [Command.clear(), Command.create({
                    'reward_type': 'discount',
                    'discount_mode': 'per_point',
                    'discount': 1.0,
                    'discount_applicability': 'order',
                    'required_points': 1.0,
                    'description': self.env._("Referral reward"),
                })],
            })
            company.followup_referral_program_id = program
        return program

    @api.private
    def _create_reward_coupon(self):
        """A coupon for the referrer worth the reward amount."""
        self.ensure_one()
        program = self._reward_program()
        return self.env['loyalty.card'].sudo().with_context(loyalty_no_mail=True).create({
            'program_id': program.id,
            'partner_id': self.referrer_id.id,
            'points': self.reward_amount,
        })

    @api.private
    def _send_reward_email(self):
        template = self.env.ref('sales_followup.mail_template_referral_reward', raise_if_not_found=False)
        if not template:
            return
        for referral in self:
            referral.with_context(lang=referral.referrer_id.lang).message_post_with_source(
                template, message_type='comment', subtype_xmlid='mail.mt_comment')

    @api.private
    def _post_reward_granted(self):
        self.ensure_one()
        type_labels = dict(self._fields['reward_type']._description_selection(self.env))
        body = self.env._(
            "Reward granted by %(user)s on %(date)s: %(reward)s",
            user=self.env.user.name, date=format_date(self.env, self.reward_granted_date),
            reward=type_labels[self.reward_type])
        if self.reward_amount:
            body += " (%s)" % formatLang(self.env, self.reward_amount, currency_obj=self.currency_id)
        if self.reward_coupon_id:
            body = Markup("%s<br/>%s") % (body, self.env._(
                "Coupon code: %(code)s", code=self.reward_coupon_id.code))
        self.message_post(body=body, subtype_xmlid='mail.mt_note')
