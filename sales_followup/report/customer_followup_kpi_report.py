from odoo import api, fields, models
from odoo.tools import SQL

from ..const import FOLLOWUP_OPEN_STATES

# Percentages that must be recomputed from the sums when rows are grouped:
# an average of monthly rates is not the rate of the period.
RATIO_FIELDS = {
    'collection_rate': ('collected_amount', 'invoiced_amount'),
    'on_time_rate': ('cards_done_on_time', 'cards_done'),
}

# Team figures. Rates per hundred, recomputed from their sums like the above;
# averages, recomputed from their totals and counts.
TEAM_RATIO_FIELDS = {
    'retention_rate': ('customers_retained', 'customers_previous'),
    'complaints_per_100_orders': ('complaint_count', 'order_count'),
}
TEAM_AVERAGE_FIELDS = {
    'avg_resolution_days': ('resolution_days_total', 'complaints_resolved'),
    'card_completeness': ('card_completeness_total', 'card_count'),
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

    # Team figures
    customers_previous = fields.Integer(
        string="Customers of the Previous Month", readonly=True,
        help="Customers the salesperson sold to in the previous month.")
    customers_retained = fields.Integer(
        readonly=True,
        help="Customers of the previous month who bought again this month.")
    retention_rate = fields.Float(
        string="Retention Rate (%)", readonly=True, aggregator='sum', digits=(16, 1),
        help="Customers retained / customers of the previous month.")
    new_customers = fields.Integer(
        string="New Customers Won", readonly=True,
        help="Customers whose first confirmed order the salesperson took in the month.")
    prospects_added = fields.Integer(
        readonly=True, help="Customers and prospects created in the month with this salesperson.")
    order_count = fields.Integer(string="Orders", readonly=True, help="Orders confirmed in the month.")
    complaint_count = fields.Integer(
        string="Complaints", readonly=True, help="Complaints received in the month, cancelled ones aside.")
    complaints_per_100_orders = fields.Float(
        string="Complaints per 100 Orders", readonly=True, aggregator='sum', digits=(16, 1))
    complaints_resolved = fields.Integer(readonly=True, help="Complaints resolved in the month.")
    resolution_days_total = fields.Float(
        string="Resolution Days (total)", readonly=True, digits=(16, 1))
    avg_resolution_days = fields.Float(
        string="Average Resolution (days)", readonly=True, aggregator='sum', digits=(16, 1),
        help="Days from reception to resolution of the complaints resolved in the month.")
    card_count = fields.Integer(
        string="Customer Cards", readonly=True,
        help="The salesperson's customers today, counted in the current month.")
    card_completeness_total = fields.Integer(string="Card Completeness (total)", readonly=True)
    card_completeness = fields.Float(
        string="Card Completeness (%)", readonly=True, aggregator='sum', digits=(16, 1),
        help="Average completeness of the salesperson's customer cards today, in the current month.")

    @property
    def _table_query(self):
        # "Overdue" is judged on the user's today, read in Python rather than
        # PostgreSQL's CURRENT_DATE, so that it follows the user's timezone.
        return SQL("""
            WITH facts AS (
                SELECT so.user_id, so.company_id, date_trunc('month', so.date_order)::date AS date,
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS confirmed_sales,
                       0 AS invoiced_amount, 0 AS collected_amount,
                       0 AS cards_done, 0 AS cards_done_on_time, 0 AS cards_overdue
                  FROM sale_order so
                 WHERE so.state = 'sale'
             UNION ALL
                SELECT am.invoice_user_id, am.company_id, date_trunc('month', am.invoice_date)::date,
                       0, am.amount_total_signed, 0, 0, 0, 0
                  FROM account_move am
                 WHERE am.move_type IN ('out_invoice', 'out_refund') AND am.state = 'posted'
             UNION ALL
                SELECT am.invoice_user_id, am.company_id, date_trunc('month', apr.max_date)::date,
                       0, 0, apr.amount, 0, 0, 0
                  FROM account_partial_reconcile apr
                  JOIN account_move_line dl ON dl.id = apr.debit_move_id
                  JOIN account_move am ON am.id = dl.move_id
                  JOIN account_move_line cl ON cl.id = apr.credit_move_id
                  JOIN account_move cm ON cm.id = cl.move_id
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                   AND cm.move_type NOT IN ('out_refund', 'out_invoice')
             UNION ALL
                SELECT f.user_id, f.company_id, date_trunc('month', f.date_done)::date,
                       0, 0, 0, 1, CASE WHEN f.date_done <= f.date_due THEN 1 ELSE 0 END, 0
                  FROM customer_followup f
                 WHERE f.state = 'done' AND f.date_done IS NOT NULL
             UNION ALL
                SELECT f.user_id, f.company_id, date_trunc('month', f.date_due)::date,
                       0, 0, 0, 0, 0, 1
                  FROM customer_followup f
                 WHERE f.state IN %(open_states)s AND f.date_due < %(today)s
            )
            , kpis AS (
            SELECT facts.user_id, facts.company_id, facts.date,
                   SUM(facts.confirmed_sales) AS confirmed_sales,
                   SUM(facts.invoiced_amount) AS invoiced_amount,
                   SUM(facts.collected_amount) AS collected_amount,
                   COALESCE(100.0 * SUM(facts.collected_amount) / NULLIF(SUM(facts.invoiced_amount), 0), 0)
                       AS collection_rate,
                   SUM(facts.cards_done) AS cards_done,
                   SUM(facts.cards_done_on_time) AS cards_done_on_time,
                   COALESCE(100.0 * SUM(facts.cards_done_on_time) / NULLIF(SUM(facts.cards_done), 0), 0)
                       AS on_time_rate,
                   SUM(facts.cards_overdue) AS cards_overdue
              FROM facts
          GROUP BY facts.user_id, facts.company_id, facts.date
            ), %(team_kpis)s
            , keys AS (
                SELECT user_id, company_id, date FROM kpis
                 UNION
                SELECT user_id, company_id, date FROM team_kpis
            )
            SELECT row_number() OVER (ORDER BY keys.date, keys.user_id, keys.company_id) AS id,
                   keys.user_id, keys.company_id, c.currency_id, keys.date,
                   COALESCE(kpis.confirmed_sales, 0) AS confirmed_sales,
                   COALESCE(kpis.invoiced_amount, 0) AS invoiced_amount,
                   COALESCE(kpis.collected_amount, 0) AS collected_amount,
                   COALESCE(kpis.collection_rate, 0) AS collection_rate,
                   COALESCE(kpis.cards_done, 0) AS cards_done,
                   COALESCE(kpis.cards_done_on_time, 0) AS cards_done_on_time,
                   COALESCE(kpis.on_time_rate, 0) AS on_time_rate,
                   COALESCE(kpis.cards_overdue, 0) AS cards_overdue,
                   %(team_columns)s
              FROM keys
              JOIN res_company c ON c.id = keys.company_id
         LEFT JOIN kpis ON kpis.user_id IS NOT DISTINCT FROM keys.user_id
                       AND kpis.company_id = keys.company_id AND kpis.date = keys.date
         LEFT JOIN team_kpis ON team_kpis.user_id IS NOT DISTINCT FROM keys.user_id
                            AND team_kpis.company_id = keys.company_id AND team_kpis.date = keys.date
        """, open_states=FOLLOWUP_OPEN_STATES, today=fields.Date.context_today(self),
            team_kpis=self._team_kpis_query(), team_columns=self._team_columns())

    # ------------------------------------------------------------------
    # Team figures
    # ------------------------------------------------------------------

    @api.model
    def _team_kpis_query(self):
        """The ``team_kpis`` CTE: retention, new customers, prospects added,
        orders and complaints, resolution time and card completeness, per
        salesperson, company and month."""
        month = fields.Date.context_today(self).replace(day=1)
        return SQL("""
            customer_months AS (
                SELECT DISTINCT so.user_id, so.company_id, p.commercial_partner_id AS partner_id,
                       date_trunc('month', so.date_order)::date AS date
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.state = 'sale'
            ), team_facts AS (
                -- a customer of the previous month counts in this month's base,
                -- and as retained if it bought again, from anybody of the company
                SELECT prev.user_id, prev.company_id, (prev.date + interval '1 month')::date AS date,
                       1 AS customers_previous,
                       CASE WHEN EXISTS (
                            SELECT 1 FROM customer_months cur
                             WHERE cur.company_id = prev.company_id AND cur.partner_id = prev.partner_id
                               AND cur.date = (prev.date + interval '1 month')::date)
                            THEN 1 ELSE 0 END AS customers_retained,
                       0 AS new_customers, 0 AS prospects_added, 0 AS order_count, 0 AS complaint_count,
                       0 AS complaints_resolved, 0 AS resolution_days_total,
                       0 AS card_count, 0 AS card_completeness_total
                  FROM customer_months AS prev
                 WHERE prev.date < %(month)s
             UNION ALL
                SELECT first_order.user_id, first_order.company_id, first_order.date,
                       0, 0, 1, 0, 0, 0, 0, 0, 0, 0
                  FROM (
                        SELECT DISTINCT ON (p.commercial_partner_id, so.company_id)
                               so.user_id, so.company_id, date_trunc('month', so.date_order)::date AS date
                          FROM sale_order so
                          JOIN res_partner p ON p.id = so.partner_id
                         WHERE so.state = 'sale'
                      ORDER BY p.commercial_partner_id, so.company_id, so.date_order, so.id
                    ) AS first_order
             UNION ALL
                SELECT p.user_id, COALESCE(p.company_id, u.company_id), date_trunc('month', p.create_date)::date,
                       0, 0, 0, 1, 0, 0, 0, 0, 0, 0
                  FROM res_partner p
                  JOIN res_users u ON u.id = p.user_id
                 WHERE p.active AND p.id = p.commercial_partner_id
                   AND NOT EXISTS (SELECT 1 FROM res_users pu WHERE pu.partner_id = p.id)
                   AND NOT EXISTS (SELECT 1 FROM res_company pc WHERE pc.partner_id = p.id)
             UNION ALL
                SELECT so.user_id, so.company_id, date_trunc('month', so.date_order)::date,
                       0, 0, 0, 0, 1, 0, 0, 0, 0, 0
                  FROM sale_order so
                 WHERE so.state = 'sale'
             UNION ALL
                SELECT cc.user_id, cc.company_id, date_trunc('month', cc.date_received)::date,
                       0, 0, 0, 0, 0, 1, 0, 0, 0, 0
                  FROM customer_complaint cc
                 WHERE cc.state != 'cancelled'
             UNION ALL
                SELECT cc.user_id, cc.company_id, date_trunc('month', cc.date_resolved)::date,
                       0, 0, 0, 0, 0, 0, 1, cc.resolution_days, 0, 0
                  FROM customer_complaint cc
                 WHERE cc.date_resolved IS NOT NULL AND cc.state != 'cancelled'
             UNION ALL
                -- completeness is today's: it counts in the current month
                SELECT p.user_id, COALESCE(p.company_id, u.company_id), %(month)s,
                       0, 0, 0, 0, 0, 0, 0, 0, 1, p.card_completeness
                  FROM res_partner p
                  JOIN res_users u ON u.id = p.user_id
                 WHERE p.active AND p.id = p.commercial_partner_id
                   AND NOT EXISTS (SELECT 1 FROM res_users pu WHERE pu.partner_id = p.id)
                   AND NOT EXISTS (SELECT 1 FROM res_company pc WHERE pc.partner_id = p.id)
            ), team_kpis AS (
                SELECT user_id, company_id, date,
                       SUM(customers_previous) AS customers_previous,
                       SUM(customers_retained) AS customers_retained,
                       SUM(new_customers) AS new_customers,
                       SUM(prospects_added) AS prospects_added,
                       SUM(order_count) AS order_count,
                       SUM(complaint_count) AS complaint_count,
                       SUM(complaints_resolved) AS complaints_resolved,
                       SUM(resolution_days_total) AS resolution_days_total,
                       SUM(card_count) AS card_count,
                       SUM(card_completeness_total) AS card_completeness_total
                  FROM team_facts
              GROUP BY user_id, company_id, date
            )
        """, month=month)

    @api.model
    def _team_columns(self):
        """The team figures of a row: counts, and rates and averages from them."""
        counts = [
            'customers_previous', 'customers_retained', 'new_customers', 'prospects_added', 'order_count',
            'complaint_count', 'complaints_resolved', 'resolution_days_total', 'card_count',
            'card_completeness_total',
        ]
        columns = [SQL("COALESCE(team_kpis.%s, 0) AS %s", SQL.identifier(fname), SQL.identifier(fname))
                   for fname in counts]
        for fname, (numerator, denominator) in TEAM_RATIO_FIELDS.items():
            columns.append(SQL(
                "COALESCE(100.0 * team_kpis.%s / NULLIF(team_kpis.%s, 0), 0) AS %s",
                SQL.identifier(numerator), SQL.identifier(denominator), SQL.identifier(fname)))
        for fname, (total, count) in TEAM_AVERAGE_FIELDS.items():
            columns.append(SQL(
                "COALESCE(1.0 * team_kpis.%s / NULLIF(team_kpis.%s, 0), 0) AS %s",
                SQL.identifier(total), SQL.identifier(count), SQL.identifier(fname)))
        return SQL(",\n").join(columns)

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
        ratio = TEAM_RATIO_FIELDS.get(fname)
        average = TEAM_AVERAGE_FIELDS.get(fname)
        if ratio or average:
            numerator, denominator = ratio or average
            return SQL(
                "COALESCE(%s * SUM(%s) / NULLIF(SUM(%s), 0), 0)", 100.0 if ratio else 1.0,
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)
