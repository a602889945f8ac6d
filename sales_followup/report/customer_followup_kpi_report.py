from odoo import api, fields, models
from odoo.tools import SQL

from ..const import FOLLOWUP_OPEN_STATES

# Percentages that must be recomputed from the sums when rows are grouped:
# an average of monthly rates is not the rate of the period.
RATIO_FIELDS = {
    'collection_rate': ('collected_amount', 'invoiced_amount'),
    'on_time_rate': ('cards_done_on_time', 'cards_done'),
}
# Averages recomputed from their sum and count for the same reason.
AVERAGE_FIELDS = {
    'satisfaction_avg': ('satisfaction_sum', 'satisfaction_count'),
}


class FollowupKpiReport(models.Model):
    """A salesperson's two key figures (sales and collection rate) and the
    follow-up discipline, per salesperson, company and month."""
    _name = 'customer.followup.kpi.report'
    _description = 'After-Sales KPIs per Salesperson'
    _auto = False
    _order = 'date desc, user_id'

    date = fields.Date(string="Month", readonly=True)
    user_id = fields.Many2one(comodel_name='res.users', string="Salesperson", readonly=True)
    company_id = fields.Many2one(comodel_name='res.company', readonly=True)
    currency_id = fields.Many2one(comodel_name='res.currency', readonly=True)
    confirmed_sales = fields.Monetary(
        readonly=True, currency_field='currency_id',
        help="Untaxed total of the orders confirmed in the month, in company currency.")
    invoiced_amount = fields.Monetary(
        string="Invoiced", readonly=True, currency_field='currency_id',
        help="Customer invoices minus credit notes posted in the month, taxes included.")
    collected_amount = fields.Monetary(
        string="Collected", readonly=True, currency_field='currency_id',
        help="Payments matched with customer invoices in the month (credit notes are not collections).")
    collection_rate = fields.Float(
        string="Collection Rate (%)", readonly=True, aggregator='sum', digits=(16, 1))
    cards_done = fields.Integer(readonly=True)
    cards_done_on_time = fields.Integer(string="Cards Done on Time", readonly=True)
    on_time_rate = fields.Float(
        string="Done on Time (%)", readonly=True, aggregator='sum', digits=(16, 1))
    cards_overdue = fields.Integer(
        string="Overdue Cards", readonly=True, help="Open cards whose due date has passed, by month due.")
    referrals_won = fields.Integer(
        readonly=True, help="Referrals of the salesperson won in the month (the referred customer's first order).")
    satisfaction_sum = fields.Float(readonly=True)
    satisfaction_count = fields.Integer(
        string="Ratings", readonly=True,
        help="Order ratings given in the month and complaints closed in the month with a satisfaction.")
    satisfaction_avg = fields.Float(
        string="Average Satisfaction", readonly=True, aggregator='sum', digits=(16, 1),
        help="Average of the order ratings and closed complaints' satisfaction (1 to 5).")

    @property
    def _table_query(self):
        # "Overdue" is judged on the user's today, read in Python rather than
        # PostgreSQL's CURRENT_DATE, so that it follows the user's timezone.
        return SQL("""
            WITH facts AS (
                SELECT so.user_id, so.company_id, date_trunc('month', so.date_order)::date AS date,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS confirmed_sales,
                       0 AS invoiced_amount, 0 AS collected_amount,
                       0 AS cards_done, 0 AS cards_done_on_time, 0 AS cards_overdue,
                       0 AS referrals_won, 0::float AS satisfaction_sum, 0 AS satisfaction_count
                  FROM sale_order so
                 WHERE so.state = 'sale'
             UNION ALL
                SELECT am.invoice_user_id, am.company_id, date_trunc('month', am.invoice_date)::date,
                       0, am.amount_total_signed, 0, 0, 0, 0, 0, 0, 0
                  FROM account_move am
                 WHERE am.move_type IN ('out_invoice', 'out_refund') AND am.state = 'posted'
             UNION ALL
                SELECT am.invoice_user_id, am.company_id, date_trunc('month', apr.max_date)::date,
                       0, 0, apr.amount, 0, 0, 0, 0, 0, 0
                  FROM account_partial_reconcile apr
                  JOIN account_move_line dl ON dl.id = apr.debit_move_id
                  JOIN account_move am ON am.id = dl.move_id
                  JOIN account_move_line cl ON cl.id = apr.credit_move_id
                  JOIN account_move cm ON cm.id = cl.move_id
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                   AND cm.move_type NOT IN ('out_refund', 'out_invoice')
             UNION ALL
                SELECT f.user_id, f.company_id, date_trunc('month', f.date_done)::date,
                       0, 0, 0, 1, CASE WHEN f.date_done <= f.date_due THEN 1 ELSE 0 END, 0, 0, 0, 0
                  FROM customer_followup f
                 WHERE f.state = 'done' AND f.date_done IS NOT NULL
             UNION ALL
                SELECT f.user_id, f.company_id, date_trunc('month', f.date_due)::date,
                       0, 0, 0, 0, 0, 1, 0, 0, 0
                  FROM customer_followup f
                 WHERE f.state IN %(open_states)s AND f.date_due < %(today)s
             UNION ALL
                SELECT r.user_id, r.company_id, date_trunc('month', r.date_won)::date,
                       0, 0, 0, 0, 0, 0, 1, 0, 0
                  FROM customer_referral r
                 WHERE r.state = 'won' AND r.date_won IS NOT NULL
             UNION ALL
                SELECT so.user_id, so.company_id, date_trunc('month', rr.rated_on)::date,
                       0, 0, 0, 0, 0, 0, 0, rr.rating, 1
                  FROM rating_rating rr
                  JOIN sale_order so ON so.id = rr.res_id
                 WHERE rr.res_model = 'sale.order' AND rr.consumed AND rr.rating >= 1
                   AND rr.rated_on IS NOT NULL
             UNION ALL
                SELECT c.user_id, c.company_id, date_trunc('month', c.date_closed)::date,
                       0, 0, 0, 0, 0, 0, 0, c.satisfaction_score, 1
                  FROM customer_complaint c
                 WHERE c.state = 'closed' AND c.satisfaction_score > 0 AND c.date_closed IS NOT NULL
            )
            SELECT row_number() OVER (ORDER BY facts.date, facts.user_id, facts.company_id) AS id,
                   facts.user_id, facts.company_id, c.currency_id, facts.date,
                   SUM(facts.confirmed_sales) AS confirmed_sales,
                   SUM(facts.invoiced_amount) AS invoiced_amount,
                   SUM(facts.collected_amount) AS collected_amount,
                   COALESCE(100.0 * SUM(facts.collected_amount) / NULLIF(SUM(facts.invoiced_amount), 0), 0)
                       AS collection_rate,
                   SUM(facts.cards_done) AS cards_done,
                   SUM(facts.cards_done_on_time) AS cards_done_on_time,
                   COALESCE(100.0 * SUM(facts.cards_done_on_time) / NULLIF(SUM(facts.cards_done), 0), 0)
                       AS on_time_rate,
                   SUM(facts.cards_overdue) AS cards_overdue,
                   SUM(facts.referrals_won) AS referrals_won,
                   SUM(facts.satisfaction_sum) AS satisfaction_sum,
                   SUM(facts.satisfaction_count) AS satisfaction_count,
                   COALESCE(SUM(facts.satisfaction_sum) / NULLIF(SUM(facts.satisfaction_count), 0), 0)
                       AS satisfaction_avg
              FROM facts
              JOIN res_company c ON c.id = facts.company_id
          GROUP BY facts.user_id, facts.company_id, c.currency_id, facts.date
        """, open_states=FOLLOWUP_OPEN_STATES, today=fields.Date.context_today(self))

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(':')[0]
        if fname in RATIO_FIELDS:
            numerator, denominator = RATIO_FIELDS[fname]
            return SQL(
                "COALESCE(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        if fname in AVERAGE_FIELDS:
            total, count = AVERAGE_FIELDS[fname]
            return SQL(
                "COALESCE(SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, total, query),
                self._field_to_sql(self._table, count, query),
            )
        return super()._read_group_select(aggregate_spec, query)
