from odoo import api, fields, models
from odoo.tools import SQL

from ..const import FOLLOWUP_OPEN_STATES, RETURN_ACCEPTED_STATES

# Percentages that must be recomputed from the sums when rows are grouped:
# an average of monthly rates is not the rate of the period.
RATIO_FIELDS = {
    'collection_rate': ('collected_amount', 'invoiced_amount'),
    'on_time_rate': ('cards_done_on_time', 'cards_done'),
    'return_rate': ('returned_amount', 'sold_amount'),
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
    sold_amount = fields.Monetary(
        string="Sold Before Returns", readonly=True, currency_field='currency_id',
        help="Untaxed total of the orders confirmed in the month, as sold: what returns took off the orders "
             "(or cancelled) counts too. In company currency.")
    returned_amount = fields.Monetary(
        string="Returned", readonly=True, currency_field='currency_id',
        help="Untaxed value of the returns approved in the month, at the orders' prices, in company currency.")
    return_rate = fields.Float(
        string="Return Rate (%)", readonly=True, aggregator='sum', digits=(16, 1),
        help="Returned amount / sold amount.")
    orders_saved = fields.Integer(
        readonly=True, help="Returns cancelled in the month because the customer kept the goods.")

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
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1) AS sold_amount,
                       0 AS returned_amount, 0 AS orders_saved
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
                -- What returns took off the orders was sold in the month of the order.
                SELECT so.user_id, so.company_id, date_trunc('month', so.date_order)::date,
                       0, 0, 0, 0, 0, 0,
                       rl.qty_reduced * rl.price_unit / COALESCE(NULLIF(so.currency_rate, 0), 1), 0, 0
                  FROM customer_return_line rl
                  JOIN customer_return r ON r.id = rl.return_id
                  JOIN sale_order so ON so.id = r.order_id
                 WHERE rl.qty_reduced > 0 AND so.state IN ('sale', 'cancel')
             UNION ALL
                SELECT so.user_id, r.company_id, date_trunc('month', r.date_approved)::date,
                       0, 0, 0, 0, 0, 0,
                       0, rl.quantity * rl.price_unit / COALESCE(NULLIF(so.currency_rate, 0), 1), 0
                  FROM customer_return_line rl
                  JOIN customer_return r ON r.id = rl.return_id
                  JOIN sale_order so ON so.id = r.order_id
                 WHERE r.state IN %(accepted_states)s AND r.date_approved IS NOT NULL
             UNION ALL
                SELECT r.user_id, r.company_id, date_trunc('month', r.date_order_saved)::date,
                       0, 0, 0, 0, 0, 0, 0, 0, 1
                  FROM customer_return r
                 WHERE r.order_saved AND r.date_order_saved IS NOT NULL
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
                   SUM(facts.sold_amount) AS sold_amount,
                   SUM(facts.returned_amount) AS returned_amount,
                   COALESCE(100.0 * SUM(facts.returned_amount) / NULLIF(SUM(facts.sold_amount), 0), 0)
                       AS return_rate,
                   SUM(facts.orders_saved) AS orders_saved
              FROM facts
              JOIN res_company c ON c.id = facts.company_id
          GROUP BY facts.user_id, facts.company_id, c.currency_id, facts.date
        """, open_states=FOLLOWUP_OPEN_STATES, today=fields.Date.context_today(self),
           accepted_states=RETURN_ACCEPTED_STATES)

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
        return super()._read_group_select(aggregate_spec, query)
