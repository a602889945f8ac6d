from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import REFERRAL_CENTER_OVERRIDES

# The four traits of a centre of influence.
# Very satisfied: an average satisfaction of at least this, over at least
# SATISFIED_MIN_RATINGS ratings (order ratings and closed complaints).
SATISFIED_AVG = 4.5
SATISFIED_MIN_RATINGS = 2
# Trusts the salesperson: a customer for at least this many days, with at
# least LOYAL_MIN_ORDERS confirmed orders.
LOYAL_DAYS = 365
LOYAL_MIN_ORDERS = 2
# Broad connections: at least this many won referrals.
CONNECTED_MIN_WON = 2
# Influential is set by hand on the customer (is_influential).

# Report ids are partner id * COMPANY_ID_SPAN + company id.
COMPANY_ID_SPAN = 100000

# Ranking: traits first, then won referrals (counted up to
# SCORE_WON_CAP, so that they never outweigh a trait), then satisfaction.
SCORE_PER_TRAIT = 100
SCORE_PER_WON = 10
SCORE_WON_CAP = 9
SCORE_PER_SATISFACTION_POINT = 2


class CustomerReferralCenterReport(models.Model):
    """Centres of influence: each customer's four traits (very satisfied,
    trusts the salesperson, influential, broad connections) per company,
    and the ranking score that orders them. A manager's decision on the
    customer (``referral_center_override``) wins over the computed flag.

    ``res.partner`` reads its ``satisfaction_*`` and ``is_referral_center``
    from the same query (:meth:`_influence_figures`)."""
    _name = 'customer.referral.center.report'
    _description = 'Centres of Influence'
    _auto = False
    _order = 'is_referral_center desc, influence_score desc, partner_id'
    # What the query reads, flushed before it runs.
    _depends = {
        'res.partner': ['commercial_partner_id', 'user_id', 'is_influential', 'referral_center_override'],
        'sale.order': ['partner_id', 'company_id', 'state', 'date_order'],
        'rating.rating': ['res_model', 'res_id', 'consumed', 'rating'],
        'customer.complaint': ['commercial_partner_id', 'company_id', 'state', 'satisfaction_score'],
        'customer.referral': ['referrer_commercial_id', 'company_id', 'state'],
    }

    partner_id = fields.Many2one(comodel_name='res.partner', string="Customer", readonly=True)
    company_id = fields.Many2one(comodel_name='res.company', readonly=True)
    user_id = fields.Many2one(comodel_name='res.users', string="Salesperson", readonly=True)
    first_order_date = fields.Date(string="Customer Since", readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    satisfaction_sum = fields.Float(readonly=True)
    satisfaction_count = fields.Integer(string="Ratings", readonly=True)
    satisfaction_avg = fields.Float(string="Satisfaction", readonly=True, digits=(16, 1), aggregator=False)
    won_referral_count = fields.Integer(string="Won Referrals", readonly=True)
    is_satisfied = fields.Boolean(string="Very Satisfied", readonly=True)
    is_loyal = fields.Boolean(
        string="Trusts the Salesperson", readonly=True,
        help="A customer for at least a year, with repeat orders.")
    is_influential = fields.Boolean(string="Influential", readonly=True)
    is_connected = fields.Boolean(
        string="Broad Connections", readonly=True, help="At least two won referrals.")
    trait_count = fields.Integer(string="Traits", readonly=True, aggregator=False)
    referral_center_override = fields.Selection(
        selection=REFERRAL_CENTER_OVERRIDES, string="Manager's Decision", readonly=True)
    is_referral_center = fields.Boolean(string="Centre of Influence", readonly=True)
    influence_score = fields.Integer(string="Ranking Score", readonly=True, aggregator=False)

    @property
    def _table_query(self):
        # An id that stays the same from one query to the next: the partner
        # and the company.
        return SQL("SELECT f.partner_id::bigint * %s + f.company_id AS id, f.* FROM (%s) AS f",
                   COMPANY_ID_SPAN, self._influence_sql())

    @api.model
    def _influence_sql(self, partner_ids=None, company_id=None):
        """One row per commercial partner and company with a confirmed order,
        a rating, a closed complaint or a won referral there, restricted to
        ``partner_ids`` and ``company_id`` when given."""
        def partners_in(column):
            if partner_ids is None:
                return SQL()
            return SQL("AND %s = ANY(%s)", SQL(column), list(partner_ids))

        partner_filter = partners_in('p.commercial_partner_id')
        referrer_filter = partners_in('r.referrer_commercial_id')
        complaint_filter = partners_in('c.commercial_partner_id')
        order_company = SQL("AND so.company_id = %s", company_id) if company_id else SQL()
        referral_company = SQL("AND r.company_id = %s", company_id) if company_id else SQL()
        complaint_company = SQL("AND c.company_id = %s", company_id) if company_id else SQL()
        today = fields.Date.context_today(self)
        return SQL("""
            WITH customers AS (
                SELECT p.commercial_partner_id AS partner_id, so.company_id,
                       MIN(so.date_order)::date AS first_order_date, COUNT(*) AS order_count
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale' %(partner_filter)s %(order_company)s
              GROUP BY 1, 2
            ), satisfaction AS (
                SELECT s.partner_id, s.company_id, SUM(s.score) AS score_sum, COUNT(*) AS score_count
                  FROM (
                        SELECT p.commercial_partner_id AS partner_id, so.company_id, rr.rating AS score
                          FROM rating_rating rr
                          JOIN sale_order so ON so.id = rr.res_id
                          JOIN res_partner p ON p.id = so.partner_id
                         WHERE rr.res_model = 'sale.order' AND rr.consumed AND rr.rating >= 1
                               %(partner_filter)s %(order_company)s
                     UNION ALL
                        SELECT c.commercial_partner_id, c.company_id, c.satisfaction_score
                          FROM customer_complaint c
                         WHERE c.state = 'closed' AND c.satisfaction_score > 0
                               %(complaint_filter)s %(complaint_company)s
                  ) AS s
              GROUP BY 1, 2
            ), referrals AS (
                SELECT r.referrer_commercial_id AS partner_id, r.company_id, COUNT(*) AS won_count
                  FROM customer_referral r
                 WHERE r.state = 'won' %(referrer_filter)s %(referral_company)s
              GROUP BY 1, 2
            ), candidates AS (
                SELECT partner_id, company_id FROM customers
                 UNION SELECT partner_id, company_id FROM satisfaction
                 UNION SELECT partner_id, company_id FROM referrals
            ), traits AS (
                SELECT k.partner_id, k.company_id, p.user_id,
                       cu.first_order_date, COALESCE(cu.order_count, 0) AS order_count,
                       COALESCE(s.score_sum, 0) AS satisfaction_sum,
                       COALESCE(s.score_count, 0) AS satisfaction_count,
                       COALESCE(s.score_sum / NULLIF(s.score_count, 0), 0) AS satisfaction_avg,
                       COALESCE(rf.won_count, 0) AS won_referral_count,
                       COALESCE(s.score_count >= %(min_ratings)s
                                AND s.score_sum >= %(satisfied_avg)s * s.score_count, FALSE) AS is_satisfied,
                       COALESCE(cu.order_count >= %(min_orders)s
                                AND cu.first_order_date <= %(loyal_since)s, FALSE) AS is_loyal,
                       COALESCE(p.is_influential, FALSE) AS is_influential,
                       COALESCE(rf.won_count >= %(min_won)s, FALSE) AS is_connected,
                       p.referral_center_override
                  FROM candidates k
                  JOIN res_partner p ON p.id = k.partner_id
             LEFT JOIN customers cu ON cu.partner_id = k.partner_id AND cu.company_id = k.company_id
             LEFT JOIN satisfaction s ON s.partner_id = k.partner_id AND s.company_id = k.company_id
             LEFT JOIN referrals rf ON rf.partner_id = k.partner_id AND rf.company_id = k.company_id
            )
            SELECT t.*, t.is_satisfied::int + t.is_loyal::int + t.is_influential::int + t.is_connected::int
                        AS trait_count,
                   CASE t.referral_center_override
                        WHEN 'yes' THEN TRUE
                        WHEN 'no' THEN FALSE
                        ELSE t.is_satisfied AND t.is_loyal AND t.is_influential AND t.is_connected
                   END AS is_referral_center,
                   ROUND(%(per_trait)s * (t.is_satisfied::int + t.is_loyal::int + t.is_influential::int
                                          + t.is_connected::int)
                         + %(per_won)s * LEAST(t.won_referral_count, %(won_cap)s)
                         + %(per_point)s * t.satisfaction_avg)::int AS influence_score
              FROM traits t
        """, partner_filter=partner_filter, referrer_filter=referrer_filter, complaint_filter=complaint_filter,
            order_company=order_company, referral_company=referral_company, complaint_company=complaint_company,
            min_ratings=SATISFIED_MIN_RATINGS, satisfied_avg=SATISFIED_AVG, min_orders=LOYAL_MIN_ORDERS,
            loyal_since=today - timedelta(days=LOYAL_DAYS), min_won=CONNECTED_MIN_WON,
            per_trait=SCORE_PER_TRAIT, per_won=SCORE_PER_WON, won_cap=SCORE_WON_CAP,
            per_point=SCORE_PER_SATISFACTION_POINT)

    @api.model
    def _influence_figures(self, partner_ids, company):
        """``{commercial partner id: row}`` for ``partner_ids`` in
        ``company``, each row a dict of this report's columns."""
        partner_ids = [pid for pid in partner_ids if pid]
        if not partner_ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(self._influence_sql(partner_ids, company.id))
        return {row['partner_id']: row for row in self.env.cr.dictfetchall()}

    def action_open_partner(self):
        """Open the customer."""
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'res.partner',
            'res_id': self.partner_id.id,
            'view_mode': 'form',
            'views': [(False, 'form')],
        }
