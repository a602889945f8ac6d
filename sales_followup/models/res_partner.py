from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, split_every
from odoo.tools.safe_eval import safe_eval

from ..const import (
    CARD_COMPLETENESS_FIELDS,
    CUSTOMER_GRADES,
    CUSTOMER_KINDS,
    CUSTOMER_LIFECYCLES,
    CUSTOMER_POTENTIALS,
    CUSTOMER_SIZES,
    FOLLOWUP_OPEN_STATES,
    MAN_RECOMMENDATIONS,
    REFERRAL_CENTER_OVERRIDES,
)
from ..tools import cursor_flag, cursor_flagged
from .customer_referral import PARTNER_SYNC_KEY

# Per-company figures kept in res.partner.grading, one row per commercial
# partner and company, under the same names on both models.
GRADING_FIELDS = (
    'customer_grade', 'customer_grade_locked', 'customer_lifecycle', 'grade_revenue',
    'grade_order_count', 'first_order_date', 'last_order_date', 'next_review_date',
)
# Figures only the grading engine computes: nobody sets them by hand.
ENGINE_FIELDS = frozenset({
    'customer_lifecycle', 'grade_revenue', 'grade_order_count', 'first_order_date', 'last_order_date',
})
# Only after-sales managers may set these by hand.
GRADING_MANAGER_FIELDS = frozenset({'customer_grade', 'customer_grade_locked', 'next_review_date'})
# Only credit controllers may set these.
CREDIT_PROTECTED_FIELDS = frozenset({'credit_limit', 'credit_hold'})
# Only after-sales managers may decide who is a centre of influence.
REFERRAL_MANAGER_FIELDS = frozenset({'is_referral_center', 'referral_center_override', 'referral_center_reason'})
# Computed from the card itself: nobody sets them by hand.
CARD_COMPUTED_FIELDS = frozenset({'card_completeness', 'man_profile_date'})
PROTECTED_FIELDS = (ENGINE_FIELDS | GRADING_MANAGER_FIELDS | CREDIT_PROTECTED_FIELDS | REFERRAL_MANAGER_FIELDS
                    | CARD_COMPUTED_FIELDS)
# Values owned by the commercial entity and copied onto its contacts, so a
# contact shows its company's card (birthday and personal notes stay personal).
# The grading figures need no copy: contacts read their commercial partner's.
COMMERCIAL_FIELDS = [
    'customer_kind', 'man_money', 'man_authority', 'man_need',
    'customer_size', 'customer_potential', 'customer_service_area',
    'customer_relationship_notes', 'credit_hold',
    'referred_by_id', 'is_influential', 'referral_center_override', 'referral_center_reason',
]

# Personal data (public field -> the field that stores it, which only the
# system reads): readable and writable by the customer's salesperson and
# after-sales managers only.
PERSONAL_FIELDS = {
    'birthday': 'personal_birthday',
    'customer_interests': 'personal_interests',
    'customer_family_notes': 'personal_family_notes',
}
# Cursor flag of the card import: the personal values of the customers it
# creates were checked row by row, before they had their salesperson.
PERSONAL_IMPORT_KEY = 'sales_followup.personal_import'

# The weekly card review lists this many customers per salesperson and
# counts the rest; managers get their activity in batches of this size.
CARD_REVIEW_LISTED = 20
CARD_REVIEW_BATCH_SIZE = 50


class ResPartner(models.Model):
    _inherit = 'res.partner'

    customer_kind = fields.Selection(selection=CUSTOMER_KINDS, tracking=True)
    # Per company: a partner shared by two companies can be key to one and
    # occasional to the other. Each reads the row of res.partner.grading for
    # the commercial partner and the current company; searching, grouping and
    # sorting go through the same row in SQL (_field_to_sql).
    customer_grade = fields.Selection(
        selection=CUSTOMER_GRADES, string="Grade", tracking=True,
        compute='_compute_grading', inverse='_inverse_customer_grade', search='_search_customer_grade',
        group_expand='_group_expand_customer_grade',
        help="A: key customer, B: general customer, C: occasional customer. Prospects have no grade.")
    customer_grade_locked = fields.Boolean(
        string="Grade Locked", tracking=True,
        compute='_compute_grading', inverse='_inverse_customer_grade_locked', search='_search_customer_grade_locked',
        help="A locked grade is never changed by the automatic grading.")
    customer_lifecycle = fields.Selection(
        selection=CUSTOMER_LIFECYCLES, string="Lifecycle",
        compute='_compute_grading', inverse='_inverse_customer_lifecycle', search='_search_customer_lifecycle')
    grading_ids = fields.One2many(
        comodel_name='res.partner.grading', inverse_name='partner_id', string="Grading per Company",
        groups='sales_followup.group_followup_user')
    grading_currency_id = fields.Many2one(
        comodel_name='res.currency', compute='_compute_grading_currency_id')
    grade_revenue = fields.Monetary(
        string="Revenue (grading window)", currency_field='grading_currency_id', aggregator='sum',
        compute='_compute_grading', inverse='_inverse_grade_revenue', search='_search_grade_revenue',
        help="Untaxed revenue of confirmed orders in the grading window, in company currency.")
    grade_order_count = fields.Integer(
        string="Orders (grading window)", aggregator='sum',
        compute='_compute_grading', inverse='_inverse_grade_order_count', search='_search_grade_order_count')
    first_order_date = fields.Date(
        string="First Order",
        compute='_compute_grading', inverse='_inverse_first_order_date', search='_search_first_order_date')
    last_order_date = fields.Date(
        string="Last Order",
        compute='_compute_grading', inverse='_inverse_last_order_date', search='_search_last_order_date')
    next_review_date = fields.Date(
        string="Next Review",
        compute='_compute_grading', inverse='_inverse_next_review_date', search='_search_next_review_date')
    man_money = fields.Boolean(string="Money", help="The prospect can pay.")
    man_authority = fields.Boolean(string="Authority", help="The contact decides.")
    man_need = fields.Boolean(string="Need", help="The prospect needs the product.")
    man_profile = fields.Char(
        string="MAN Profile", compute='_compute_man_profile', store=True, index='btree_not_null')
    man_recommendation = fields.Char(string="Recommended Action", compute='_compute_man_recommendation')
    # Personal data: only the customer's salesperson and after-sales managers
    # read or write it. The values live in fields nobody but the system
    # reads; these computed fields show them to those allowed, per record,
    # and searching, grouping and sorting go through the same check in SQL
    # (_field_to_sql).
    birthday = fields.Date(
        compute='_compute_personal', inverse='_inverse_birthday', search='_search_birthday',
        help="Personal data: only the customer's salesperson and after-sales managers see it.")
    customer_interests = fields.Text(
        string="Interests",
        compute='_compute_personal', inverse='_inverse_customer_interests', search='_search_customer_interests')
    customer_family_notes = fields.Text(
        string="Family Notes",
        compute='_compute_personal', inverse='_inverse_customer_family_notes',
        search='_search_customer_family_notes')
    personal_birthday = fields.Date(string="Stored Birthday", groups='base.group_system', copy=False)
    personal_interests = fields.Text(string="Stored Interests", groups='base.group_system', copy=False)
    personal_family_notes = fields.Text(string="Stored Family Notes", groups='base.group_system', copy=False)
    is_individual = fields.Boolean(
        string="Individual", compute='_compute_is_individual',
        help="A person, or a customer of the individual kind: never a company or a government body.")
    can_access_personal = fields.Boolean(compute='_compute_can_access_personal')
    customer_size = fields.Selection(selection=CUSTOMER_SIZES, string="Size")
    customer_potential = fields.Selection(selection=CUSTOMER_POTENTIALS, string="Potential")
    customer_service_area = fields.Char(string="Service Area")
    customer_relationship_notes = fields.Text(string="Relationship Notes")
    can_lock_grade = fields.Boolean(compute='_compute_can_lock_grade')

    referred_by_id = fields.Many2one(
        comodel_name='res.partner', index='btree_not_null', tracking=True, copy=False,
        help="The customer who recommended this one. Setting it records a referral.")
    referral_count = fields.Integer(
        string="Referrals", compute='_compute_referral_stats', groups='sales_followup.group_followup_user',
        help="Referrals made by this customer in the current company.")
    referral_revenue = fields.Monetary(
        compute='_compute_referral_stats', currency_field='grading_currency_id',
        groups='sales_followup.group_followup_user',
        help="Revenue brought by this customer's referrals in the current company, in company currency.")
    satisfaction_avg = fields.Float(
        string="Satisfaction", compute='_compute_influence', digits=(16, 1),
        groups='sales_followup.group_followup_user',
        help="Average of the customer's order ratings and closed complaints' satisfaction (1 to 5), "
             "in the current company.")
    satisfaction_count = fields.Integer(
        string="Satisfaction Ratings", compute='_compute_influence', groups='sales_followup.group_followup_user')
    is_influential = fields.Boolean(
        string="Influential", tracking=True,
        help="Opinion leader whose word carries weight with others: one of the four traits of a "
             "centre of influence.")
    is_referral_center = fields.Boolean(
        string="Centre of Influence", compute='_compute_influence', inverse='_inverse_is_referral_center',
        search='_search_is_referral_center', groups='sales_followup.group_followup_user',
        help="Very satisfied, trusts the salesperson, influential and broadly connected; an after-sales "
             "manager may decide otherwise.")
    referral_center_override = fields.Selection(
        selection=REFERRAL_CENTER_OVERRIDES, string="Manager's Decision", tracking=True, copy=False,
        help="Set by an after-sales manager, wins over the computed centre of influence.")
    referral_center_reason = fields.Text(
        string="Reason for the Decision", tracking=True, copy=False)
    # Odoo's own limit (company-dependent, the company default is its
    # fallback): credit controllers may edit it without accounting rights,
    # and every change shows in the chatter.
    credit_limit = fields.Float(
        groups='account.group_account_invoice,account.group_account_readonly,'
               'sales_followup.group_credit_controller',
        tracking=True)
    credit_hold = fields.Boolean(
        copy=False, tracking=True,
        help="Blocks new orders of this customer whatever the amount, until a credit controller lifts it.")
    # Credit figures are in the currency of the company whose limit applies.
    credit_currency_id = fields.Many2one(
        comodel_name='res.currency', compute='_compute_credit_currency_id')
    # Readable by salespeople: computed from SQL, no accounting rights needed.
    credit_limit_amount = fields.Monetary(
        string="Credit Limit Applied", compute='_compute_credit_figures', currency_field='credit_currency_id')
    credit_exposure = fields.Monetary(
        compute='_compute_credit_figures', currency_field='credit_currency_id',
        help="Open receivables plus confirmed orders not yet invoiced, in company currency.")
    credit_available = fields.Monetary(
        string="Available Credit", compute='_compute_credit_figures', currency_field='credit_currency_id',
        help="Credit limit minus exposure. Zero when no limit applies.")
    credit_overdue_amount = fields.Monetary(
        string="Overdue Amount", compute='_compute_credit_figures', currency_field='credit_currency_id')
    credit_overdue_days = fields.Integer(
        string="Oldest Overdue (days)", compute='_compute_credit_figures')

    complaint_count = fields.Integer(
        string="Complaints", compute='_compute_complaint_stats',
        groups='sales_followup.group_followup_user',
        help="Complaints of the commercial entity and its contacts.")
    complaint_satisfaction_avg = fields.Float(
        string="Complaint Satisfaction", compute='_compute_complaint_stats', digits=(16, 1),
        groups='sales_followup.group_followup_user',
        help="Average satisfaction (1 to 5) the customer gave when their complaints were closed.")
    customer_return_count = fields.Integer(
        string="Returns", compute='_compute_customer_return_count',
        groups='sales_followup.group_followup_user',
        help="Returns of the commercial entity and its contacts.")

    man_profile_date = fields.Date(
        string="MAN Profile Set On", compute='_compute_man_profile_date', store=True, precompute=True, copy=False,
        help="The day the MAN profile was last changed: a qualified prospect's first review falls due that day.")
    prospect_review_date = fields.Date(
        string="Next Prospect Review", compute='_compute_prospect_review_date',
        help="The more of money, authority and need, the more often a prospect is reviewed: "
             "three on the A cadence, two on the B cadence, one on the C cadence, none never.")
    card_completeness = fields.Integer(
        string="Card Completeness (%)", compute='_compute_card_completeness', store=True, aggregator='avg',
        help="Share of the customer-card fields that matter for this kind of customer that are filled in.")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends('man_money', 'man_authority', 'man_need')
    def _compute_man_profile(self):
        for partner in self:
            profile = '+'.join([
                'M' if partner.man_money else 'm',
                'A' if partner.man_authority else 'a',
                'N' if partner.man_need else 'n',
            ])
            partner.man_profile = profile

    @api.depends('man_profile')
    @api.depends_context('lang')
    def _compute_man_recommendation(self):
        for partner in self:
            recommendation = MAN_RECOMMENDATIONS.get(partner.man_profile)
            partner.man_recommendation = recommendation and recommendation._translate(self.env.lang or 'en_US')

    @api.depends_context('uid')
    def _compute_can_lock_grade(self):
        self.can_lock_grade = self.env.user.has_group('sales_followup.group_followup_manager')

    @api.depends('is_company', 'parent_id', 'customer_kind')
    def _compute_is_individual(self):
        for partner in self:
            if partner.customer_kind == 'individual':
                partner.is_individual = True
            elif partner.is_company:
                partner.is_individual = False
            else:
                # A contact is a person whatever its company's kind; a
                # partner of its own is one unless its kind says otherwise.
                partner.is_individual = bool(partner.parent_id) or not partner.customer_kind

    @api.depends('commercial_partner_id.user_id')
    @api.depends_context('uid')
    def _compute_can_access_personal(self):
        allowed = self._personal_allowed()
        for partner in self:
            partner.can_access_personal = partner in allowed

    @api.depends(*PERSONAL_FIELDS.values(), 'commercial_partner_id.user_id')
    @api.depends_context('uid')
    def _compute_personal(self):
        allowed = self._personal_allowed()
        for partner in self:
            stored = partner.sudo()
            for fname, storage in PERSONAL_FIELDS.items():
                partner[fname] = stored[storage] if partner in allowed else False

    def _inverse_personal_field(self, fname):
        storage = PERSONAL_FIELDS[fname]
        # the card import checked its rows before their salesperson was set
        allowed = self if self.env.uid in cursor_flagged(self.env, PERSONAL_IMPORT_KEY) else self._personal_allowed()
        by_value = defaultdict(lambda: self.browse())
        for partner in self:
            value = partner[fname]
            if partner not in allowed:
                # What the user was shown (nothing), sent back by a form:
                # harmless, and it must not erase the stored value.
                if value:
                    partner._ensure_personal_access()
                continue
            if value != partner.sudo()[storage]:
                by_value[value] |= partner
        # Personal data is never tracked in the chatter; without tracking, a
        # write per distinct value reads nothing back (imports write thousands).
        for value, partners in by_value.items():
            partners.sudo().with_context(tracking_disable=True).write({storage: value})
        # The write above left the field alone, as it was being written; what
        # other users (and superuser code) read of it is now stale.
        self.invalidate_recordset([fname])

    def _inverse_birthday(self):
        self._inverse_personal_field('birthday')

    def _inverse_customer_interests(self):
        self._inverse_personal_field('customer_interests')

    def _inverse_customer_family_notes(self):
        self._inverse_personal_field('customer_family_notes')

    def _search_personal_field(self, fname, operator, value):
        field = self._fields[fname]
        return Domain.custom(to_sql=lambda model, alias, query: field._condition_to_sql(
            fname, operator, value, model, alias, query))

    def _search_birthday(self, operator, value):
        return self._search_personal_field('birthday', operator, value)

    def _search_customer_interests(self, operator, value):
        return self._search_personal_field('customer_interests', operator, value)

    def _search_customer_family_notes(self, operator, value):
        return self._search_personal_field('customer_family_notes', operator, value)

    def _personal_field_to_sql(self, alias, fname, query):
        """The stored personal value where the current user may read it,
        NULL elsewhere: a search, a sort or a group reveals no more than a read."""
        self._check_field_access(self._fields[fname], 'read')
        storage = self._fields[PERSONAL_FIELDS[fname]]
        value = SQL.identifier(alias, storage.name, to_flush=storage)
        if self._personal_sees_all():
            return value
        commercial = SQL.identifier(alias, 'commercial_partner_id', to_flush=self._fields['commercial_partner_id'])
        if query is None:
            owner = SQL("(SELECT c.user_id FROM %s c WHERE c.id = %s)", SQL.identifier(self._table), commercial)
        else:
            owner_alias = query.make_alias(alias, 'personal_owner')
            query.add_join('LEFT JOIN', owner_alias, self._table,
                           SQL("%s = %s", SQL.identifier(owner_alias, 'id'), commercial))
            owner = SQL.identifier(owner_alias, 'user_id', to_flush=self._fields['user_id'])
        return SQL("CASE WHEN %s = %s THEN %s END", owner, self.env.uid, value)

    @api.depends('commercial_partner_id.grading_ids.company_id',
                 *(f'commercial_partner_id.grading_ids.{fname}' for fname in GRADING_FIELDS))
    @api.depends_context('company')
    def _compute_grading(self):
        rows = self.env['res.partner.grading'].sudo().search_fetch(
            [('partner_id', 'in', self.commercial_partner_id.ids), ('company_id', '=', self.env.company.id)],
            GRADING_FIELDS)
        row_by_partner = {row.partner_id.id: row for row in rows}
        for partner in self:
            partner.update(self._grading_values(row_by_partner.get(partner.commercial_partner_id.id)))

    @api.depends_context('company')
    def _compute_grading_currency_id(self):
        self.grading_currency_id = self.env.company.currency_id

    def _inverse_grading_field(self, fname):
        # Forms send these computed values back on save (a new contact's are
        # its company's): only real differences reach the grading rows.
        Grading = self.env['res.partner.grading'].sudo()
        company = self.env.company
        rows = Grading.search([('partner_id', 'in', self.commercial_partner_id.ids),
                               ('company_id', '=', company.id)])
        row_by_partner = {row.partner_id.id: row for row in rows}
        to_create = []
        rows_by_value = defaultdict(lambda: Grading)
        for commercial, partners in self.grouped('commercial_partner_id').items():
            value = partners[-1][fname]
            row = row_by_partner.get(commercial.id)
            if value == self._grading_values(row)[fname]:
                continue
            if row:
                rows_by_value[value] |= row
            else:
                to_create.append({fname: value, 'partner_id': commercial.id, 'company_id': company.id})
        for value, value_rows in rows_by_value.items():
            value_rows[fname] = value
        Grading.create(to_create)

    @api.model
    def _grading_values(self, row):
        """The partner field values a grading row (or its absence) gives."""
        values = {fname: row[fname] if row else False for fname in GRADING_FIELDS}
        # never ordered in this company
        values['customer_lifecycle'] = values['customer_lifecycle'] or 'prospect'
        return values

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr in PERSONAL_FIELDS:
            return self._personal_field_to_sql(alias, field_expr, query)
        if field_expr not in GRADING_FIELDS:
            return super()._field_to_sql(alias, field_expr, query)
        self._check_field_access(self._fields[field_expr], 'read')
        grading = self.env['res.partner.grading']

        def same_partner_and_company(grading_alias):
            return SQL("%s = %s AND %s = %s",
                       SQL.identifier(grading_alias, 'partner_id'), SQL.identifier(alias, 'commercial_partner_id'),
                       SQL.identifier(grading_alias, 'company_id'), self.env.company.id)

        if query is None:
            # no query to join into (raw SQL callers): a correlated subquery
            value = SQL("(SELECT g.%s FROM %s g WHERE %s)", SQL.identifier(field_expr),
                        SQL.identifier(grading._table), same_partner_and_company('g'))
        else:
            grading_alias = query.make_alias(alias, f'grading_{self.env.company.id}')
            query.add_join('LEFT JOIN', grading_alias, grading._table, same_partner_and_company(grading_alias))
            value = SQL.identifier(grading_alias, field_expr, to_flush=grading._fields[field_expr])
        if field_expr == 'customer_lifecycle':
            return SQL("COALESCE(%s, 'prospect')", value)
        if field_expr == 'customer_grade_locked':
            return SQL("COALESCE(%s, FALSE)", value)
        return value

    def _search_grading_field(self, fname, operator, value):
        field = self._fields[fname]
        return Domain.custom(to_sql=lambda model, alias, query: field._condition_to_sql(
            fname, operator, value, model, alias, query))

    def _inverse_customer_grade(self):
        self._inverse_grading_field('customer_grade')

    def _inverse_customer_grade_locked(self):
        self._inverse_grading_field('customer_grade_locked')

    def _inverse_customer_lifecycle(self):
        self._inverse_grading_field('customer_lifecycle')

    def _inverse_grade_revenue(self):
        self._inverse_grading_field('grade_revenue')

    def _inverse_grade_order_count(self):
        self._inverse_grading_field('grade_order_count')

    def _inverse_first_order_date(self):
        self._inverse_grading_field('first_order_date')

    def _inverse_last_order_date(self):
        self._inverse_grading_field('last_order_date')

    def _inverse_next_review_date(self):
        self._inverse_grading_field('next_review_date')

    def _search_customer_grade(self, operator, value):
        return self._search_grading_field('customer_grade', operator, value)

    def _search_customer_grade_locked(self, operator, value):
        return self._search_grading_field('customer_grade_locked', operator, value)

    def _search_customer_lifecycle(self, operator, value):
        return self._search_grading_field('customer_lifecycle', operator, value)

    def _search_grade_revenue(self, operator, value):
        return self._search_grading_field('grade_revenue', operator, value)

    def _search_grade_order_count(self, operator, value):
        return self._search_grading_field('grade_order_count', operator, value)

    def _search_first_order_date(self, operator, value):
        return self._search_grading_field('first_order_date', operator, value)

    def _search_last_order_date(self, operator, value):
        return self._search_grading_field('last_order_date', operator, value)

    def _search_next_review_date(self, operator, value):
        return self._search_grading_field('next_review_date', operator, value)

    @api.model
    def _group_expand_customer_grade(self, values, domain):
        # The board always shows the A, B, C and "no grade" columns.
        return [value for value, __ in CUSTOMER_GRADES] + [False]

    @api.depends_context('company')
    def _compute_credit_currency_id(self):
        self.credit_currency_id = self.env.company.currency_id

    @api.depends_context('company')
    def _compute_credit_figures(self):
        company = self.env.company
        commercial = self.commercial_partner_id
        figures = self.env['credit.exposure']._get_figures(
            [pid for pid in commercial.ids if pid], company)
        for partner in self:
            data = figures.get(partner.commercial_partner_id.id)
            if not data:  # new record
                partner.update({
                    'credit_limit_amount': 0.0, 'credit_exposure': 0.0, 'credit_available': 0.0,
                    'credit_overdue_amount': 0.0, 'credit_overdue_days': 0,
                })
                continue
            limit = data['limit']
            partner.credit_limit_amount = limit
            partner.credit_exposure = data['exposure']
            partner.credit_available = limit - data['exposure'] if limit else 0.0
            partner.credit_overdue_amount = data['overdue_amount']
            partner.credit_overdue_days = data['overdue_days']

    def _compute_complaint_stats(self):
        commercial = self.commercial_partner_id
        counts = dict(self.env['customer.complaint']._read_group(
            [('commercial_partner_id', 'in', commercial.ids)],
            ['commercial_partner_id'], ['__count']))
        averages = dict(self.env['customer.complaint']._read_group(
            [('commercial_partner_id', 'in', commercial.ids), ('satisfaction', '!=', False)],
            ['commercial_partner_id'], ['satisfaction_score:avg']))
        for partner in self:
            partner.complaint_count = counts.get(partner.commercial_partner_id, 0)
            partner.complaint_satisfaction_avg = averages.get(partner.commercial_partner_id, 0.0)

    @api.depends_context('company')
    def _compute_referral_stats(self):
        commercial = self.commercial_partner_id
        rows = self.env['customer.referral']._read_group(
            [('referrer_commercial_id', 'in', commercial.ids), ('company_id', '=', self.env.company.id)],
            ['referrer_commercial_id'], ['__count', 'revenue:sum'])
        stats = {partner: (count, revenue) for partner, count, revenue in rows}
        for partner in self:
            partner.referral_count, partner.referral_revenue = stats.get(partner.commercial_partner_id, (0, 0.0))

    @api.depends('is_influential', 'referral_center_override',
                 'commercial_partner_id.is_influential', 'commercial_partner_id.referral_center_override')
    @api.depends_context('company')
    def _compute_influence(self):
        figures = self.env['customer.referral.center.report']._influence_figures(
            [pid for pid in self.commercial_partner_id.ids if isinstance(pid, int)], self.env.company)
        for partner in self:
            commercial = partner.commercial_partner_id
            row = figures.get(commercial.id)
            if row:
                partner.satisfaction_avg = row['satisfaction_avg']
                partner.satisfaction_count = row['satisfaction_count']
                partner.is_referral_center = row['is_referral_center']
            else:
                partner.satisfaction_avg = 0.0
                partner.satisfaction_count = 0
                partner.is_referral_center = commercial.referral_center_override == 'yes'

    def _inverse_is_referral_center(self):
        # Forms may send the value back unchanged: only a real change
        # becomes the manager's decision.
        figures = self.env['customer.referral.center.report']._influence_figures(
            self.commercial_partner_id.ids, self.env.company)
        for commercial, partners in self.grouped('commercial_partner_id').items():
            wanted = partners[-1].is_referral_center
            row = figures.get(commercial.id)
            current = row['is_referral_center'] if row else commercial.referral_center_override == 'yes'
            if wanted != current:
                commercial.referral_center_override = 'yes' if wanted else 'no'

    def _search_is_referral_center(self, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        Report = self.env['customer.referral.center.report']
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT f.partner_id FROM (%s) AS f WHERE f.is_referral_center",
                                Report._influence_sql(company_id=self.env.company.id)))
        centre_ids = [partner_id for partner_id, in self.env.cr.fetchall()]
        centre_ids += self.sudo().with_context(active_test=False).search(
            [('referral_center_override', '=', 'yes')]).commercial_partner_id.ids
        centres = Domain('commercial_partner_id', 'in', centre_ids)
        return centres if (operator == 'in') == (True in value) else ~centres

    def _compute_customer_return_count(self):
        counts = dict(self.env['customer.return']._read_group(
            [('commercial_partner_id', 'in', self.commercial_partner_id.ids)],
            ['commercial_partner_id'], ['__count']))
        for partner in self:
            partner.customer_return_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends('man_money', 'man_authority', 'man_need')
    def _compute_man_profile_date(self):
        today = fields.Date.context_today(self)
        for partner in self:
            qualified = partner.man_money or partner.man_authority or partner.man_need
            partner.man_profile_date = today if qualified else False

    @api.depends('man_profile_date', 'man_money', 'man_authority', 'man_need')
    @api.depends_context('company')
    def _compute_prospect_review_date(self):
        dates = self.env['customer.followup.generator']._prospect_review_dates(self.commercial_partner_id)
        for partner in self:
            partner.prospect_review_date = dates.get(partner.commercial_partner_id.id, False)

    @api.depends(*{PERSONAL_FIELDS.get(fname, fname) for fnames in CARD_COMPLETENESS_FIELDS.values()
                   for fname in fnames})
    def _compute_card_completeness(self):
        for partner in self:
            fnames = CARD_COMPLETENESS_FIELDS.get(partner.customer_kind) or CARD_COMPLETENESS_FIELDS[False]
            # personal data counts whoever triggers the computation
            filled = sum(1 for fname in fnames if partner[PERSONAL_FIELDS.get(fname, fname)])
            partner.card_completeness = round(100 * filled / len(fnames))

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains('credit_limit')
    def _check_credit_limit_not_negative(self):
        for partner in self.sudo():
            if partner.credit_limit < 0:
                raise ValidationError(self.env._(
                    "The credit limit of %(partner)s cannot be negative.", partner=partner.display_name))

    @api.constrains('referral_center_override', 'referral_center_reason')
    def _check_referral_center_reason(self):
        # Contacts carry copies of their company's decision, synced field by field.
        for partner in self.filtered(lambda p: p.commercial_partner_id == p):
            if partner.referral_center_override and not (partner.referral_center_reason or '').strip():
                raise ValidationError(self.env._(
                    "Say why %(partner)s is or is not a centre of influence.", partner=partner.display_name))

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + COMMERCIAL_FIELDS

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        res = super().fields_get(allfields, attributes)
        grade = res.get('customer_grade')
        if grade and 'selection' in grade:
            # Prospects have no grade: the board's column, list groups and
            # pivot headers name them instead of showing a blank.
            grade['selection'] = [*grade['selection'], (False, self.env._("No grade"))]
        return res

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A new contact shows (and its form sends back) its company's values.
            commercial = self.browse(vals.get('parent_id')).commercial_partner_id
            self._ensure_may_set(vals, commercial, new=True)
            self._ensure_personal_vals_allowed(vals, commercial)
        # The referral sets referred_by_id, once the partner exists.
        vals_list = [dict(vals) for vals in vals_list]
        referrers = [vals.pop('referred_by_id', False) for vals in vals_list]
        partners = super().create(vals_list)
        referred = {partner: referrer for partner, referrer in zip(partners, referrers, strict=True) if referrer}
        if referred:
            self._referral_set_referrers(referred)
        return partners

    def write(self, vals):
        for partner in self:
            partner._ensure_may_set(vals, partner)
        handovers = self._prepare_handovers(vals)
        if 'customer_grade' in vals and 'next_review_date' not in vals and any(
                partner.customer_grade != (vals['customer_grade'] or False) for partner in self):
            # A grade set by hand starts its own review cadence.
            vals = dict(vals, next_review_date=self.env['customer.grading']._review_date(
                self.env.company, vals['customer_grade']))
        referrer = None
        if 'referred_by_id' in vals and not self._referral_syncing():
            # Setting who referred a customer records the referral, which then
            # writes referred_by_id on the customer and its contacts.
            vals = dict(vals)
            referrer = vals.pop('referred_by_id')
        result = super().write(vals)
        if referrer is not None:
            self._referral_set_referrer(referrer)
        if handovers:
            self._hand_over_customers(handovers, self.env['res.users'].browse(vals['user_id']))
        if {'man_money', 'man_authority', 'man_need'} & vals.keys():
            self._cancel_prospect_reviews()
        return result

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_lock_grade(self):
        """Keep the grade set by hand: the daily grading no longer changes it."""
        self._ensure_grade_manager()
        self._ensure_grade_to_lock()
        self.commercial_partner_id.customer_grade_locked = True

    def action_unlock_grade(self):
        """Let the daily grading manage the grade again."""
        self._ensure_grade_manager()
        self.commercial_partner_id.customer_grade_locked = False

    def action_recompute_grades(self):
        """Grade every customer now."""
        # Grades every customer whatever the selection: grading is relative.
        self._ensure_grade_manager()
        self.env['customer.grading'].sudo()._grade_companies(self.env.companies)
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'type': 'success',
                'message': self.env._("Customer grades recomputed."),
                'next': {'type': 'ir.actions.client', 'tag': 'soft_reload'},
            },
        }

    @api.model
    def action_open_customer_board(self):
        """Open the customer board: a salesperson on their own customers, a manager on everyone."""
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_board')
        # Only the default filter depends on the group: the record rules
        # decide what anyone may read, whatever the filters.
        if not self.env.user.has_group('sales_followup.group_followup_manager'):
            context = safe_eval(action.get('context') or '{}', {'uid': self.env.uid})
            action['context'] = {**context, 'search_default_my_customers': 1}
        return action

    def action_view_complaints(self):
        """Open the customer's complaints."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_complaint')
        action['domain'] = [('commercial_partner_id', '=', self.commercial_partner_id.id)]
        action['context'] = {'default_partner_id': self.id}
        return action

    def action_view_customer_returns(self):
        """Open the customer's returns."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_return')
        action['domain'] = [('commercial_partner_id', '=', self.commercial_partner_id.id)]
        action['context'] = {'default_partner_id': self.id}
        return action

    def action_view_referrals(self):
        """Open the referrals this customer made."""
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_referral')
        action['domain'] = [('referrer_commercial_id', '=', self.commercial_partner_id.id),
                            ('company_id', '=', self.env.company.id)]
        action['context'] = {'default_referrer_id': self.id}
        return action

    def action_reset_referral_center(self):
        """Go back to the centre of influence computed from the four traits."""
        self._ensure_referral_manager()
        self.commercial_partner_id.write({'referral_center_override': False, 'referral_center_reason': False})
    def action_export_customer_cards(self):
        """Download the customer cards of these customers as a spreadsheet that imports back."""
        if not self:
            raise UserError(self.env._("Select the customers whose cards you want to export."))
        return self.env['customer.card.import']._export_partners(self)
    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.private
    def _prepare_handovers(self, vals):
        """The customers (commercial partners) whose salesperson ``vals``
        changes, per previous salesperson. A salesperson may hand over only
        their own customers, and take only customers nobody sells to."""
        if 'user_id' not in vals:
            return {}
        new_user = self.env['res.users'].browse(vals['user_id'] or ())
        changing = self.filtered(lambda partner: partner.user_id != new_user)
        if not changing:
            return {}
        user = self.env.user
        if not self.env.su and not user.has_group('sales_followup.group_followup_manager'):
            for partner in changing:
                owner = partner.commercial_partner_id.user_id or partner.user_id
                if owner and owner != user:
                    raise AccessError(self.env._(
                        "%(customer)s is %(salesperson)s's customer: only they or an after-sales manager "
                        "can hand it over.", customer=partner.display_name, salesperson=owner.name))
                if not owner and new_user != user:
                    raise AccessError(self.env._(
                        "%(customer)s has no salesperson: you can take it over yourself, but only an "
                        "after-sales manager can give it to %(salesperson)s.",
                        customer=partner.display_name, salesperson=new_user.name))
        handovers = defaultdict(lambda: self.browse())
        for partner in changing:
            if partner.commercial_partner_id == partner:
                handovers[partner.user_id] |= partner
        return handovers

    @api.private
    def _hand_over_customers(self, handovers, new_user):
        """Move the open work of the customers of ``handovers`` (previous
        salesperson -> customers) to ``new_user``, with their contacts that
        had the previous salesperson, and say so in each customer's chatter.
        A constant number of queries per previous salesperson."""
        if not new_user:
            return
        Work = self.env['customer.work.mixin']
        for old_user, customers in handovers.items():
            moved = Work._hand_over_work(customers, old_user, new_user)
            if old_user:
                self.sudo().search([
                    ('commercial_partner_id', 'in', customers.ids), ('id', 'not in', customers.ids),
                    ('user_id', '=', old_user.id),
                ]).write({'user_id': new_user.id})
            bodies = {}
            for customer in customers:
                took_over = (
                    self.env._("%(new)s took over from %(old)s as salesperson.", new=new_user.name, old=old_user.name)
                    if old_user else self.env._("%(new)s took over as salesperson.", new=new_user.name))
                work = moved.get(customer.id)
                bodies[customer.id] = " ".join([took_over, self.env._(
                    "Open work moved to them: %(work)s.",
                    work=", ".join(f"{description} ({count})" for description, count in sorted(work.items())),
                ) if work else self.env._("There was no open work to move.")])
            customers._message_log_batch(bodies)

    @api.private
    def _cancel_prospect_reviews(self):
        """m+a+n is no prospect: its pending prospect reviews are dropped."""
        dropped = self.commercial_partner_id.filtered(lambda partner: partner.man_profile == 'm+a+n')
        if not dropped:
            return
        cards = self.env['customer.followup'].sudo().search([
            ('kind', '=', 'prospect_review'), ('commercial_partner_id', 'in', dropped.ids),
            ('state', 'in', FOLLOWUP_OPEN_STATES),
        ])
        if cards:
            cards.write({'state': 'cancelled', 'outcome': self.env._("Not a prospect any more (m+a+n).")})

    @api.private
    def _personal_sees_all(self):
        """Whether the current user reads every partner's personal data."""
        return self.env.su or self.env.user.has_group('sales_followup.group_followup_manager')

    @api.private
    def _personal_allowed(self):
        """The partners of ``self`` whose personal data the current user may
        read and write: their own customers' (the commercial partner's
        salesperson is the user), everyone's for after-sales managers."""
        if self._personal_sees_all():
            return self
        user = self.env.user
        return self.filtered(lambda partner: partner.sudo().commercial_partner_id.user_id == user)

    @api.private
    def _ensure_personal_access(self):
        """Refuse personal data to anyone but the customer's salesperson and
        after-sales managers."""
        denied = self - self._personal_allowed()
        if denied:
            partner = denied[0]
            raise self._personal_refusal(partner.display_name, partner.sudo().commercial_partner_id.user_id)

    @api.private
    def _ensure_personal_vals_allowed(self, vals, commercial):
        """Refuse a new partner's personal data before it is inserted, on the
        salesperson it will have: its company's (``commercial``), else its own."""
        if not any(vals.get(fname) for fname in PERSONAL_FIELDS) or self._personal_sees_all() \
                or self.env.uid in cursor_flagged(self.env, PERSONAL_IMPORT_KEY):
            return
        if commercial and not vals.get('is_company'):
            salesperson = commercial.sudo().user_id
        else:
            user_id = vals['user_id'] if 'user_id' in vals else self.default_get(['user_id']).get('user_id')
            salesperson = self.env['res.users'].browse(user_id).sudo()
        if salesperson != self.env.user:
            raise self._personal_refusal(vals.get('name') or self.env._("This contact"), salesperson)

    @api.model
    def _personal_refusal(self, customer, salesperson):
        if not salesperson:
            return AccessError(self.env._(
                "%(customer)s has no salesperson: make yourself its salesperson to record its personal data "
                "(birthday, interests, family notes).", customer=customer))
        return AccessError(self.env._(
            "%(customer)s is %(salesperson)s's customer: only they and after-sales managers can change its "
            "personal data (birthday, interests, family notes).",
            customer=customer, salesperson=salesperson.name))

    @api.private
    def _ensure_grade_to_lock(self):
        # Locking an empty grade would keep the customer ungraded for ever,
        # whatever they buy later.
        ungraded = self.commercial_partner_id.filtered(lambda partner: not partner.customer_grade)
        if ungraded:
            raise UserError(self.env._(
                "Set a grade before locking it: %(partners)s has no grade.",
                partners=", ".join(ungraded.mapped('display_name'))))

    @api.private
    def _ensure_referral_manager(self):
        if not self.env.user.has_group('sales_followup.group_followup_manager'):
            raise AccessError(self.env._("Only after-sales managers decide who is a centre of influence."))

    @api.private
    def _referral_syncing(self):
        """Whether a referral is writing referred_by_id on these partners."""
        syncing = cursor_flagged(self.env, PARTNER_SYNC_KEY)
        return all(partner.commercial_partner_id.id in syncing for partner in self)

    @api.private
    def _referral_set_referrer(self, referrer_id):
        """Record that ``referrer_id`` (an id, or False) referred the
        commercial entities of ``self``: create their referral, correct its
        referrer, or delete it, with the rights of the current user."""
        self._referral_set_referrers({partner: referrer_id for partner in self})

    @api.model
    def _referral_set_referrers(self, referrer_by_partner):
        """:meth:`_referral_set_referrer` for many partners, each with its own
        referrer, in a constant number of queries (imports create thousands)."""
        Referral = self.env['customer.referral']
        partners = self.browse([partner.id for partner in referrer_by_partner])
        existing = {
            referral.referred_commercial_id: referral
            for referral in Referral.sudo().search(
                [('referred_commercial_id', 'in', partners.commercial_partner_id.ids)])
        }
        to_create = {}
        in_step = defaultdict(lambda: self.browse())
        cleared = self.browse()
        for partner, referrer_id in referrer_by_partner.items():
            referrer = self.browse(referrer_id)
            commercial = partner.commercial_partner_id
            referral = existing.get(commercial)
            if referral:
                if referral.referrer_id == referrer:
                    # a new contact of a referred company, say
                    in_step[referrer] |= partner.filtered(lambda p, r=referrer: p.referred_by_id != r)
                    continue
                referral = referral.with_env(self.env)
                if referrer:
                    referral.write({'referrer_id': referrer.id})
                else:
                    referral.unlink()
            elif referrer and commercial not in to_create:
                to_create[commercial] = {'referrer_id': referrer.id, 'referred_id': partner.id}
            if not referrer:
                cleared |= commercial
        for referrer, partners_in_step in in_step.items():
            if partners_in_step:
                with cursor_flag(self.env, PARTNER_SYNC_KEY, partners_in_step.commercial_partner_id.ids):
                    partners_in_step.write({'referred_by_id': referrer.id})
        if to_create:
            Referral.create(list(to_create.values()))
        if cleared:
            Referral._clear_partner_referrers(cleared)

    @api.private
    def _ensure_grade_manager(self):
        if not self.env.user.has_group('sales_followup.group_followup_manager'):
            raise AccessError(self.env._("Only after-sales managers can set, lock or unlock customer grades."))

    @api.private
    def _ensure_may_set(self, vals, current, new=False):
        """Refuse the protected values of ``vals`` that differ from those of
        ``current`` (the partner written, or a new contact's commercial
        partner) unless the user holds the right for them. Sending back the
        current value, as forms do, is harmless."""
        protected = PROTECTED_FIELDS.intersection(vals)
        if self.env.su or not protected:
            return
        changed = {fname for fname in protected if not self._same_value(fname, vals[fname], current, new)}
        if changed & CARD_COMPUTED_FIELDS:
            raise UserError(self.env._(
                "%(fields)s are computed from the customer card and cannot be set by hand.",
                fields=", ".join(sorted(self._fields[fname]._description_string(self.env)
                                        for fname in changed & CARD_COMPUTED_FIELDS))))
        if changed & ENGINE_FIELDS:
            raise UserError(self.env._(
                "%(fields)s are computed by the daily grading from the customer's orders and cannot be set by hand.",
                fields=", ".join(sorted(self._fields[fname]._description_string(self.env)
                                        for fname in changed & ENGINE_FIELDS))))
        if changed & GRADING_MANAGER_FIELDS:
            self._ensure_grade_manager()
        if changed & CREDIT_PROTECTED_FIELDS:
            self.env['credit.exposure']._ensure_controller()
        if changed & REFERRAL_MANAGER_FIELDS:
            self._ensure_referral_manager()

    @api.model
    def _same_value(self, fname, value, current, new):
        field = self._fields[fname]
        value = field.convert_to_cache(value, self)
        if new and fname == 'credit_limit':
            # A new partner's limit is the company default unless set.
            return value in (0.0, field.get_company_dependent_fallback(self))
        if current and fname in PERSONAL_FIELDS:
            # compared with what the user sees: the answer must not tell a
            # colleague's customer's birthday
            return value == field.convert_to_cache(current[fname], current)
        if current:
            # Salespeople may not read the credit limit, yet may send it back.
            return value == field.convert_to_cache(current.sudo()[fname], current)
        return not value or (fname == 'customer_lifecycle' and value == 'prospect')

    @api.model
    def _cron_review_incomplete_cards(self):
        """Weekly: give each manager one activity listing, per salesperson
        of theirs, the customers whose cards are incomplete. A manager who
        already has this week's review gets no second one, so re-runs
        create nothing."""
        today = fields.Date.context_today(self)
        week_start = today - timedelta(days=today.weekday())
        groups = self.sudo()._read_group(
            [('card_completeness', '<', 100), ('user_id', '!=', False), ('user_ids', '=', False),
             '|', ('is_company', '=', True), ('parent_id', '=', False)],
            ['user_id'], ['id:recordset'])
        by_manager = defaultdict(dict)
        managers = {}
        for salesperson, customers in groups:
            if salesperson not in managers:
                managers[salesperson] = self._card_review_manager(salesperson)
            if managers[salesperson]:
                by_manager[managers[salesperson]][salesperson] = customers
        activity_type = self.env.ref('sales_followup.mail_activity_type_card_review')
        Activity = self.env['mail.activity'].sudo().with_context(active_test=False, mail_activity_quick_update=True)
        reviewed = set(Activity.search([
            ('activity_type_id', '=', activity_type.id), ('res_model', '=', False),
            ('user_id', 'in', [manager.id for manager in by_manager]),
            ('date_deadline', '>=', week_start), ('date_deadline', '<', week_start + timedelta(days=7)),
        ]).user_id.ids)
        todo = [manager for manager in by_manager if manager.id not in reviewed]
        IrCron = self.env['ir.cron']
        remaining = len(todo)
        IrCron._commit_progress(remaining=remaining)
        for batch in split_every(CARD_REVIEW_BATCH_SIZE, todo, list):
            Activity.create([{
                'activity_type_id': activity_type.id,
                'user_id': manager.id,
                'date_deadline': today,
                'summary': self.env._("Check your salespeople's incomplete customer cards"),
                'note': self._card_review_note(by_manager[manager]),
            } for manager in batch])
            remaining -= len(batch)
            if not IrCron._commit_progress(len(batch), remaining=remaining) and remaining:
                break

    @api.model
    def _card_review_manager(self, salesperson):
        """Who reviews ``salesperson``'s cards: the leader of their sales
        team, else the company's first sales administrator."""
        leader = salesperson.sale_team_id.user_id
        if leader and leader != salesperson and leader.active:
            return leader
        root = self.env.ref('base.user_root')
        administrators = self.env.ref('sales_team.group_sale_manager').sudo().all_user_ids.filtered(
            lambda user: user.active and not user.share and user != root
            and salesperson.company_id in user.company_ids)
        return administrators.sorted('id')[:1]

    @api.model
    def _card_review_note(self, customers_by_salesperson):
        """The review's note: per salesperson, their customers with an
        incomplete card and how complete each is."""
        lines = [Markup("<p>%s</p>") % self.env._(
            "Customer cards to complete, per salesperson (completeness in brackets):")]
        for salesperson, customers in sorted(customers_by_salesperson.items(), key=lambda item: item[0].name):
            customers = customers.sorted(lambda partner: (partner.card_completeness, partner.display_name))
            listed = Markup(", ").join(
                Markup("%s (%s%%)") % (customer.display_name, customer.card_completeness)
                for customer in customers[:CARD_REVIEW_LISTED])
            more = len(customers) - CARD_REVIEW_LISTED
            if more > 0:
                listed += escape(self.env._(" and %(count)s more", count=more))
            lines.append(Markup("<p><b>%s</b> (%s): %s</p>") % (salesperson.name, len(customers), listed))
        return Markup("").join(lines)
