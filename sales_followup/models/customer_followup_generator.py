import logging
from collections import Counter, defaultdict
from datetime import date, timedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import SQL, split_every

from ..const import FOLLOWUP_COLLECTION_KINDS, FOLLOWUP_OPEN_STATES, MAN_RECOMMENDATIONS, MAN_REVIEW_GRADES

_logger = logging.getLogger(__name__)

# Cards per transaction: each batch is committed through ir.cron._commit_progress.
BATCH_SIZE = 500

# Occasions pinned to one day (a delivery, a birthday) are only worth a card
# for a while: after that many days of missed runs, they are let go.
CATCH_UP_DAYS = 30

# A reorder is suggested when the time since the last order exceeds the
# customer's median interval between orders by this factor.
REORDER_FACTOR = 1.2
REORDER_MIN_ORDERS = 3
SUGGESTED_USUAL = 3
SUGGESTED_RELATED = 3

# Kinds in the order the cron generates them.
GENERATED_KINDS = (
    'thank_you', 'delivery_check', 'payment_reminder', 'payment_due', 'broken_promise',
    'review', 'birthday', 'win_back', 'reorder', 'lost_quote',
    'at_risk', 'prospect_review',
)

# res.partner fields the partner-based kinds read (they belong to grading).
PARTNER_FIELDS_BY_KIND = {
    'review': ('next_review_date', 'customer_grade'),
    'birthday': ('birthday',),
    'win_back': ('customer_lifecycle', 'last_order_date'),
}

UNPAID_STATES = ('not_paid', 'partial')

# Periods of followup_risk_days are counted from this Monday, so that a
# customer whose orders keep falling gets one at_risk card per period.
RISK_EPOCH = date(2000, 1, 3)


class CustomerFollowupGenerator(models.AbstractModel):
    """Where follow-up cards come from: one ``_occasions_<kind>`` method per
    kind, each one grouped SQL query returning the occasions due on ``today``
    that have no card yet (so a second run on the same day finds nothing).

    Every query selects partner_id, occasion_key, date_due, user_id,
    company_id, order_id and invoice_id (see :meth:`_fetch_occasions`); the
    cron turns the rows into cards, in batches committed through
    ``ir.cron._commit_progress``, with ``customer.followup._create_occasion_cards``.

    To add a kind: add it to ``FOLLOWUP_KINDS`` (in ``const.py``) and to
    ``GENERATED_KINDS``, and write its ``_occasions_<kind>(today)``.
    """
    _name = 'customer.followup.generator'
    _description = 'Follow-up Card Generator'

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    @api.model
    def _generate_followups(self, today=None, kinds=GENERATED_KINDS, batch_size=BATCH_SIZE):
        """Create every card due on ``today`` (default: today), committing
        each batch through ``ir.cron._commit_progress``.

        :return: the created cards
        """
        today = today or fields.Date.context_today(self)
        self._close_settled_collection_cards()
        occasions = []
        for kind in kinds:
            missing = [f for f in PARTNER_FIELDS_BY_KIND.get(kind, ()) if f not in self.env['res.partner']._fields]
            if missing:
                _logger.warning("Follow-up kind %s skipped: res.partner lacks %s", kind, ", ".join(missing))
                continue
            occasions += getattr(self, '_occasions_%s' % kind)(today)
        Followup = self.env['customer.followup']
        IrCron = self.env['ir.cron']
        created = Followup
        remaining = len(occasions)
        IrCron._commit_progress(remaining=remaining)
        for batch in split_every(batch_size, occasions, list):
            created |= Followup._create_occasion_cards(batch)
            remaining -= len(batch)
            if not IrCron._commit_progress(len(batch), remaining=remaining) and remaining:
                # Out of time: the cron is rescheduled at once and the next
                # run picks up what is left (done occasions are excluded).
                break
        return created

    @api.model
    def _close_settled_collection_cards(self):
        """Close the open collection cards whose invoice got paid (or
        credited): nobody should chase a customer who has paid."""
        cards = self.env['customer.followup'].search([
            ('kind', 'in', FOLLOWUP_COLLECTION_KINDS),
            ('state', 'in', FOLLOWUP_OPEN_STATES),
            ('invoice_id', '!=', False),
            ('invoice_id.payment_state', 'not in', UNPAID_STATES),
        ])
        if cards:
            cards.write({'state': 'done', 'outcome': self.env._("Invoice settled.")})
            self.env['ir.cron']._commit_progress()

    # ------------------------------------------------------------------
    # Query helpers
    # ------------------------------------------------------------------

    @api.model
    def _fetch_occasions(self, kind, candidates, extra=()):
        """Run ``candidates`` (an SQL selecting partner_id, occasion_key,
        date_due, user_id, company_id, order_id, invoice_id, and the card
        fields named in ``extra``) and keep the occasions without a card."""
        self.env.flush_all()
        self.env.cr.execute(SQL("""
            SELECT o.partner_id, o.occasion_key, o.date_due, o.user_id, o.company_id, o.order_id, o.invoice_id
                   %(extra)s
              FROM (%(candidates)s) AS o
             WHERE o.company_id IS NOT NULL
               AND NOT EXISTS (
                    SELECT 1 FROM customer_followup f
                     WHERE f.kind = %(kind)s AND f.partner_id = o.partner_id
                       AND f.occasion_key = o.occasion_key AND f.company_id = o.company_id)
          ORDER BY o.company_id, o.partner_id, o.occasion_key
        """, candidates=candidates, kind=kind,
            extra=SQL('').join(SQL(", o.%s", SQL.identifier(fname)) for fname in extra)))
        return [{
            'kind': kind,
            'partner_id': partner_id,
            'occasion_key': occasion_key,
            'date_due': date_due,
            'user_id': user_id,
            'company_id': company_id,
            'order_id': order_id,
            'invoice_id': invoice_id,
            **dict(zip(extra, values, strict=True)),
        } for partner_id, occasion_key, date_due, user_id, company_id, order_id, invoice_id, *values
            in self.env.cr.fetchall()]

    @api.model
    def _sql_partner_company(self, partner_alias, user_alias):
        # A shared partner's card goes to its salesperson's company, else to
        # the company running the cron.
        return SQL(
            "COALESCE(%s.company_id, %s.company_id, %s)",
            SQL.identifier(partner_alias), SQL.identifier(user_alias), self.env.company.id)

    # ------------------------------------------------------------------
    # One method per kind
    # ------------------------------------------------------------------

    @api.model
    def _occasions_thank_you(self, today):
        """Once per confirmed order, ``followup_thanks_delay`` days after its
        first outgoing delivery was done (cancelled deliveries do not count)."""
        return self._fetch_occasions('thank_you', SQL("""
            SELECT so.partner_id, 'sale.order,' || so.id AS occasion_key,
                   MIN(sp.date_done)::date + c.followup_thanks_delay AS date_due,
                   so.user_id, so.company_id, so.id AS order_id, NULL::int AS invoice_id
              FROM sale_order so
              JOIN res_company c ON c.id = so.company_id
              JOIN stock_picking sp ON sp.sale_id = so.id AND sp.state = 'done'
              JOIN stock_picking_type spt ON spt.id = sp.picking_type_id AND spt.code = 'outgoing'
             WHERE so.state = 'sale'
          GROUP BY so.id, c.followup_thanks_delay
            HAVING MIN(sp.date_done)::date + c.followup_thanks_delay BETWEEN %(oldest)s AND %(today)s
        """, oldest=today - timedelta(days=CATCH_UP_DAYS), today=today))

    @api.model
    def _occasions_delivery_check(self, today):
        """The day after an order's first delivery of a product flagged
        "Requires installation check"."""
        return self._fetch_occasions('delivery_check', SQL("""
            SELECT so.partner_id, 'sale.order,' || so.id AS occasion_key,
                   MIN(sp.date_done)::date + 1 AS date_due,
                   so.user_id, so.company_id, so.id AS order_id, NULL::int AS invoice_id
              FROM sale_order so
              JOIN stock_picking sp ON sp.sale_id = so.id AND sp.state = 'done'
              JOIN stock_picking_type spt ON spt.id = sp.picking_type_id AND spt.code = 'outgoing'
              JOIN stock_move sm ON sm.picking_id = sp.id AND sm.state = 'done'
              JOIN product_product pp ON pp.id = sm.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id AND pt.followup_installation_check
             WHERE so.state = 'sale'
          GROUP BY so.id
            HAVING MIN(sp.date_done)::date + 1 BETWEEN %(oldest)s AND %(today)s
        """, oldest=today - timedelta(days=CATCH_UP_DAYS), today=today))

    @api.model
    def _sql_unpaid_invoices(self):
        return SQL("""
            SELECT am.id, am.commercial_partner_id, am.company_id, am.invoice_date_due,
                   COALESCE(am.invoice_user_id, p.user_id) AS user_id
              FROM account_move am
              JOIN res_partner p ON p.id = am.commercial_partner_id
             WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
               AND am.payment_state IN %(unpaid)s AND am.amount_residual > 0
               AND am.invoice_date_due IS NOT NULL
        """, unpaid=UNPAID_STATES)

    @api.model
    def _occasions_payment_reminder(self, today):
        """``followup_payment_reminder_days`` before the due date of a posted,
        unpaid customer invoice; from the due date on, the payment_due card takes over."""
        return self._fetch_occasions('payment_reminder', SQL("""
            SELECT inv.commercial_partner_id AS partner_id, 'account.move,' || inv.id AS occasion_key,
                   inv.invoice_date_due - c.followup_payment_reminder_days AS date_due,
                   inv.user_id, inv.company_id, NULL::int AS order_id, inv.id AS invoice_id
              FROM (%(unpaid)s) AS inv
              JOIN res_company c ON c.id = inv.company_id
             WHERE c.followup_payment_reminder_days > 0
               AND inv.invoice_date_due - c.followup_payment_reminder_days <= %(today)s
               AND inv.invoice_date_due > %(today)s
        """, unpaid=self._sql_unpaid_invoices(), today=today))

    @api.model
    def _occasions_payment_due(self, today):
        """On the due date of an unpaid invoice (and later, until collected)."""
        return self._fetch_occasions('payment_due', SQL("""
            SELECT inv.commercial_partner_id AS partner_id, 'account.move,' || inv.id AS occasion_key,
                   inv.invoice_date_due AS date_due,
                   inv.user_id, inv.company_id, NULL::int AS order_id, inv.id AS invoice_id
              FROM (%(unpaid)s) AS inv
             WHERE inv.invoice_date_due <= %(today)s
        """, unpaid=self._sql_unpaid_invoices(), today=today))

    @api.model
    def _occasions_broken_promise(self, today):
        """The day after a promised payment date, when the customer has not
        paid the promised amount since the promise (the whole amount due
        when no amount was promised)."""
        return self._fetch_occasions('broken_promise', SQL("""
            SELECT f.partner_id,
                   'account.move,' || am.id || ':' || to_char(f.promise_date, 'YYYY-MM-DD') AS occasion_key,
                   f.promise_date + 1 AS date_due,
                   f.user_id, f.company_id, NULL::int AS order_id, am.id AS invoice_id
              FROM customer_followup f
              JOIN account_move am ON am.id = f.invoice_id
             WHERE f.kind IN %(collection)s AND f.promise_date < %(today)s
               AND am.state = 'posted' AND am.payment_state IN %(unpaid)s
               AND am.amount_residual_signed > 0.005 + CASE
                    WHEN COALESCE(f.promise_amount, 0) > 0
                    THEN COALESCE(f.promise_residual, 0) - f.promise_amount
                    ELSE 0 END
        """, collection=FOLLOWUP_COLLECTION_KINDS, unpaid=UNPAID_STATES, today=today))

    @api.model
    def _occasions_review(self, today):
        """When a graded customer's ``next_review_date`` is reached, per
        company (grades and review dates are per company)."""
        self.env['res.partner.grading'].flush_model()
        return self._fetch_occasions('review', SQL("""
            SELECT p.id AS partner_id, 'review:' || to_char(g.next_review_date, 'YYYY-MM-DD') AS occasion_key,
                   g.next_review_date AS date_due,
                   p.user_id, g.company_id, NULL::int AS order_id, NULL::int AS invoice_id
              FROM res_partner_grading g
              JOIN res_partner p ON p.id = g.partner_id
             WHERE p.active AND (p.company_id IS NULL OR p.company_id = g.company_id)
               AND g.customer_grade IS NOT NULL AND g.next_review_date <= %(today)s
        """, today=today))

    @api.model
    def _occasions_birthday(self, today):
        """On a contact's birthday, once a year; 29 February falls on 28
        February in other years. Companies have no birthday."""
        return self._fetch_occasions('birthday', SQL("""
            SELECT p.id AS partner_id, 'birthday:' || d.year AS occasion_key, d.day AS date_due,
                   cp.user_id, %(company)s AS company_id, NULL::int AS order_id, NULL::int AS invoice_id
              FROM res_partner p
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
         LEFT JOIN res_users u ON u.id = cp.user_id
        CROSS JOIN LATERAL (
                SELECT y.year, make_date(y.year, EXTRACT(MONTH FROM p.personal_birthday)::int,
                    CASE WHEN EXTRACT(MONTH FROM p.personal_birthday) = 2
                          AND EXTRACT(DAY FROM p.personal_birthday) = 29
                          AND NOT (y.year %% 4 = 0 AND (y.year %% 100 <> 0 OR y.year %% 400 = 0))
                         THEN 28 ELSE EXTRACT(DAY FROM p.personal_birthday)::int END) AS day
                  FROM (VALUES (%(year)s), (%(year)s - 1)) AS y(year)
             ) AS d
             WHERE p.active AND NOT p.is_company AND p.personal_birthday IS NOT NULL
               AND d.day BETWEEN %(oldest)s AND %(today)s
               AND d.year > EXTRACT(YEAR FROM p.personal_birthday)
        """, company=self._sql_partner_company('p', 'u'), year=today.year,
            oldest=today - timedelta(days=CATCH_UP_DAYS), today=today))

    @api.model
    def _occasions_win_back(self, today):
        """Once each time a customer becomes dormant, per company: the
        dormancy is named after the last order before it."""
        self.env['res.partner.grading'].flush_model()
        return self._fetch_occasions('win_back', SQL("""
            SELECT p.id AS partner_id, 'dormant:' || to_char(g.last_order_date, 'YYYY-MM-DD') AS occasion_key,
                   LEAST(g.last_order_date + c.followup_dormant_days, %(today)s) AS date_due,
                   p.user_id, g.company_id, NULL::int AS order_id, NULL::int AS invoice_id
              FROM res_partner_grading g
              JOIN res_partner p ON p.id = g.partner_id
              JOIN res_company c ON c.id = g.company_id
             WHERE p.active AND (p.company_id IS NULL OR p.company_id = g.company_id)
               AND g.customer_lifecycle = 'dormant' AND g.last_order_date IS NOT NULL
        """, today=today))

    @api.model
    def _occasions_reorder(self, today):
        """For customers with at least 3 confirmed orders, once the time since
        the last order exceeds their median interval between orders by 20 %."""
        occasions = self._fetch_occasions('reorder', SQL("""
            WITH days AS (
                SELECT p.commercial_partner_id AS partner_id, so.company_id,
                       so.date_order::date AS day, COUNT(*) AS orders
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
              GROUP BY 1, 2, 3
            ), gaps AS (
                SELECT partner_id, company_id, day, orders,
                       day - LAG(day) OVER (PARTITION BY partner_id, company_id ORDER BY day) AS gap
                  FROM days
            ), stats AS (
                SELECT partner_id, company_id, SUM(orders) AS orders, MAX(day) AS last_day,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median_gap
                  FROM gaps
              GROUP BY partner_id, company_id
            )
            SELECT s.partner_id, 'reorder:' || to_char(s.last_day, 'YYYY-MM-DD') AS occasion_key,
                   s.last_day + FLOOR(s.median_gap::numeric * %(factor)s)::int + 1 AS date_due,
                   cp.user_id, s.company_id, NULL::int AS order_id, NULL::int AS invoice_id
              FROM stats s
              JOIN res_partner cp ON cp.id = s.partner_id
             WHERE s.orders >= %(min_orders)s AND s.median_gap > 0
               AND s.last_day + FLOOR(s.median_gap::numeric * %(factor)s)::int + 1 <= %(today)s
        """, factor=REORDER_FACTOR, min_orders=REORDER_MIN_ORDERS, today=today))
        self._add_reorder_suggestions(occasions)
        return occasions

    @api.model
    def _occasions_lost_quote(self, today):
        """``followup_lost_quote_days`` after a quotation was cancelled. The
        revisit needs a new approach, so the card asks to check the
        customer's MAN profile again."""
        occasions = self._fetch_occasions('lost_quote', SQL("""
            SELECT so.partner_id, 'sale.order,' || so.id AS occasion_key,
                   so.followup_cancel_date + c.followup_lost_quote_days AS date_due,
                   so.user_id, so.company_id, so.id AS order_id, NULL::int AS invoice_id
              FROM sale_order so
              JOIN res_company c ON c.id = so.company_id
             WHERE so.state = 'cancel' AND so.followup_cancel_date IS NOT NULL
               AND so.followup_cancel_date + c.followup_lost_quote_days <= %(today)s
        """, today=today))
        partners = self.env['res.partner'].browse({o['partner_id'] for o in occasions}).commercial_partner_id
        profiles = {partner.id: partner.man_profile for partner in partners}
        for occasion in occasions:
            profile = profiles.get(self.env['res.partner'].browse(occasion['partner_id']).commercial_partner_id.id)
            occasion['note'] = self.env._(
                "Before the revisit, check the MAN profile again (now %(profile)s): has the money, the "
                "authority or the need changed? Plan a different approach, not the same pitch again.",
                profile=profile or 'm+a+n')
        return occasions

    @api.model
    def _occasions_at_risk(self, today):
        """Once per period of ``followup_risk_days``: a new or active customer
        whose confirmed revenue of the last ``followup_risk_days`` fell by at
        least ``followup_risk_drop_percent`` against the same number of days
        before. Dormant customers get ``win_back`` instead. The card keeps
        both figures and the drop."""
        self.env['res.partner.grading'].flush_model()
        occasions = self._fetch_occasions('at_risk', SQL("""
            WITH bounds AS (
                -- day edges in the user's timezone, as UTC timestamps: the
                -- scan compares raw order dates
                SELECT c.id AS company_id, c.followup_risk_drop_percent AS drop_percent,
                       ((%(today)s::date - 2 * c.followup_risk_days + 1)::timestamp
                            AT TIME ZONE %(tz)s AT TIME ZONE 'UTC') AS previous_start,
                       ((%(today)s::date - c.followup_risk_days + 1)::timestamp
                            AT TIME ZONE %(tz)s AT TIME ZONE 'UTC') AS recent_start,
                       ((%(today)s::date + 1)::timestamp AT TIME ZONE %(tz)s AT TIME ZONE 'UTC') AS recent_end,
                       %(epoch)s::date + (%(today)s::date - %(epoch)s::date)
                            / c.followup_risk_days * c.followup_risk_days AS period_start
                  FROM res_company c
                 WHERE c.followup_risk_days > 0
            ), revenue AS (
                SELECT p.commercial_partner_id AS partner_id, so.company_id,
                       COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)::numeric)
                           FILTER (WHERE so.date_order >= b.recent_start), 0) AS recent,
                       COALESCE(SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)::numeric)
                           FILTER (WHERE so.date_order < b.recent_start), 0) AS previous
                  FROM sale_order so
                  JOIN bounds b ON b.company_id = so.company_id
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' AND so.date_order >= b.previous_start AND so.date_order < b.recent_end
              GROUP BY 1, 2
            )
            SELECT r.partner_id, 'at_risk:' || to_char(b.period_start, 'YYYY-MM-DD') AS occasion_key,
                   %(today)s::date AS date_due, cp.user_id, r.company_id,
                   NULL::int AS order_id, NULL::int AS invoice_id,
                   ROUND(r.recent, 2) AS risk_recent_amount, ROUND(r.previous, 2) AS risk_previous_amount,
                   ROUND(100 * (1 - r.recent / r.previous), 1) AS risk_drop_percent
              FROM revenue r
              JOIN bounds b ON b.company_id = r.company_id
              JOIN res_partner cp ON cp.id = r.partner_id
              JOIN res_partner_grading g ON g.partner_id = r.partner_id AND g.company_id = r.company_id
             WHERE cp.active AND (cp.company_id IS NULL OR cp.company_id = r.company_id)
               AND g.customer_lifecycle IN ('new', 'active')
               AND r.previous > 0 AND r.recent <= r.previous * (100 - b.drop_percent) / 100.0
        """, today=today, tz=self.env.tz.zone, epoch=RISK_EPOCH),
            extra=('risk_recent_amount', 'risk_previous_amount', 'risk_drop_percent'))
        companies = self.env['res.company'].browse({o['company_id'] for o in occasions})
        days = {company.id: company.followup_risk_days for company in companies}
        currencies = {company.id: company.currency_id for company in companies}
        for occasion in occasions:
            currency = currencies[occasion['company_id']]
            occasion['note'] = self.env._(
                "Confirmed revenue of the last %(days)s days: %(recent)s, against %(previous)s in the "
                "%(days)s days before: down %(drop)s%%. Call before the customer is lost.",
                days=days[occasion['company_id']], recent=currency.format(float(occasion['risk_recent_amount'])),
                previous=currency.format(float(occasion['risk_previous_amount'])),
                drop=float(occasion['risk_drop_percent']))
        return occasions

    @api.model
    def _sql_prospect_reviews(self):
        """Every qualified prospect's next review, per company: the day its
        MAN profile was set, then a cadence after its last review card was
        closed; ``pending`` while that card is still open. The cadence is
        the A, B or C review cadence for three, two or one of M, A, N
        (``MAN_REVIEW_GRADES``); m+a+n is never reviewed."""
        traits = SQL("COALESCE(p.man_money, FALSE)::int + COALESCE(p.man_authority, FALSE)::int"
                     " + COALESCE(p.man_need, FALSE)::int")
        cadence = SQL("CASE %s %s ELSE 0 END", traits, SQL(" ").join(
            SQL("WHEN %s THEN c.%s", count, SQL.identifier(f'followup_review_days_{grade}'))
            for count, grade in MAN_REVIEW_GRADES.items()))
        return SQL("""
            SELECT pr.partner_id, pr.company_id, pr.user_id,
                   CASE WHEN l.state IS NULL THEN pr.man_profile_date
                        ELSE COALESCE(l.date_done, l.date_due) + pr.cadence END AS date_due,
                   COALESCE(l.state IN %(open_states)s, FALSE) AS pending
              FROM (
                    SELECT p.id AS partner_id, p.user_id, p.man_profile_date, c.id AS company_id,
                           %(cadence)s AS cadence
                      FROM res_partner p
                 LEFT JOIN res_users u ON u.id = p.user_id
                      JOIN res_company c ON c.id = %(company)s
                     WHERE p.active AND p.id = p.commercial_partner_id AND p.man_profile_date IS NOT NULL
                ) AS pr
              LEFT JOIN LATERAL (
                    SELECT f.state, f.date_done, f.date_due
                      FROM customer_followup f
                     WHERE f.kind = 'prospect_review' AND f.partner_id = pr.partner_id
                       AND f.company_id = pr.company_id
                  ORDER BY f.date_due DESC, f.id DESC
                     LIMIT 1
                ) AS l ON TRUE
             WHERE pr.cadence > 0
               AND NOT EXISTS (
                    SELECT 1 FROM res_partner_grading g
                     WHERE g.partner_id = pr.partner_id AND g.company_id = pr.company_id
                       AND g.customer_lifecycle <> 'prospect')
        """, open_states=FOLLOWUP_OPEN_STATES, cadence=cadence,
            company=self._sql_partner_company('p', 'u'))

    @api.model
    def _prospect_review_dates(self, partners):
        """{partner id: next review date} of the qualified prospects among
        ``partners`` (commercial partners), in the current company."""
        ids = [pid for pid in partners.ids if isinstance(pid, int)]
        if not ids:
            return {}
        for model in ('res.partner', 'res.partner.grading', 'customer.followup'):
            self.env[model].flush_model()
        self.env.cr.execute(SQL("""
            SELECT r.partner_id, r.date_due FROM (%(reviews)s) AS r
             WHERE r.partner_id = ANY(%(ids)s) AND r.company_id = %(company)s
        """, reviews=self._sql_prospect_reviews(), ids=ids, company=self.env.company.id))
        return dict(self.env.cr.fetchall())

    @api.model
    def _occasions_prospect_review(self, today):
        """A qualified prospect's review, on its MAN cadence (see
        :meth:`_sql_prospect_reviews`). The card shows the recommended
        action for the profile."""
        self.env['res.partner.grading'].flush_model()
        occasions = self._fetch_occasions('prospect_review', SQL("""
            SELECT r.partner_id, 'prospect_review:' || to_char(r.date_due, 'YYYY-MM-DD') AS occasion_key,
                   r.date_due, r.user_id, r.company_id, NULL::int AS order_id, NULL::int AS invoice_id
              FROM (%(reviews)s) AS r
             WHERE NOT r.pending AND r.date_due <= %(today)s
        """, reviews=self._sql_prospect_reviews(), today=today))
        partners = self.env['res.partner'].browse({o['partner_id'] for o in occasions})
        profiles = {partner.id: partner.man_profile for partner in partners}
        for occasion in occasions:
            profile = profiles[occasion['partner_id']]
            occasion['note'] = self.env._(
                "Prospect review, MAN profile %(profile)s: %(action)s",
                profile=profile, action=MAN_RECOMMENDATIONS[profile]._translate(self.env.lang or 'en_US'))
        return occasions

    # ------------------------------------------------------------------
    # Reorder suggestions (cross-selling)
    # ------------------------------------------------------------------

    @api.model
    def _add_reorder_suggestions(self, occasions):
        """Suggest each customer's usual products plus the products most often
        bought together with them over all confirmed orders: two queries for
        all the occasions, whatever their number."""
        if not occasions:
            return
        partner_ids = list({o['partner_id'] for o in occasions})
        self.env.cr.execute("""
            SELECT p.commercial_partner_id, sol.product_id, COUNT(DISTINCT so.id) AS times
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id AND so.state = 'sale'
              JOIN res_partner p ON p.id = so.partner_id
             WHERE p.commercial_partner_id = ANY(%s) AND sol.product_id IS NOT NULL
               AND sol.display_type IS NULL AND sol.is_downpayment IS NOT TRUE
          GROUP BY 1, 2
          ORDER BY 1, 3 DESC, 2
        """, [partner_ids])
        usual = defaultdict(list)
        for partner_id, product_id, _times in self.env.cr.fetchall():
            if len(usual[partner_id]) < SUGGESTED_USUAL:
                usual[partner_id].append(product_id)
        product_ids = list({pid for pids in usual.values() for pid in pids})
        together = defaultdict(Counter)
        if product_ids:
            self.env.cr.execute("""
                SELECT a.product_id, b.product_id, COUNT(DISTINCT a.order_id)
                  FROM sale_order_line a
                  JOIN sale_order so ON so.id = a.order_id AND so.state = 'sale'
                  JOIN sale_order_line b ON b.order_id = a.order_id AND b.product_id <> a.product_id
                 WHERE a.product_id = ANY(%s) AND b.display_type IS NULL
              GROUP BY 1, 2
            """, [product_ids])
            for product_id, other_id, times in self.env.cr.fetchall():
                together[product_id][other_id] += times
        products = self.env['product.product'].browse(
            product_ids + [pid for counter in together.values() for pid in counter])
        names = {product.id: product.display_name for product in products}
        for occasion in occasions:
            mine = usual.get(occasion['partner_id'], [])
            related = Counter()
            for product_id in mine:
                related.update(together.get(product_id, {}))
            for product_id in mine:
                related.pop(product_id, None)
            also = [pid for pid, _count in sorted(related.items(), key=lambda kv: (-kv[1], kv[0]))[:SUGGESTED_RELATED]]
            occasion['suggested_product_ids'] = [Command.set(mine + also)]
            lines = []
            if mine:
                lines.append(self.env._("Usually buys: %s", ", ".join(names.get(pid, '') for pid in mine)))
            if also:
                lines.append(self.env._("Often bought with them: %s", ", ".join(names.get(pid, '') for pid in also)))
            occasion['note'] = "\n".join(lines)
