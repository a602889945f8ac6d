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
# Averages recomputed from their sum and count for the same reason.
AVERAGE_FIELDS = {
    'satisfaction_avg': ('satisfaction_sum', 'satisfaction_count'),
}
# The measures every fact of the report gives (0 when it is not about it).
FACT_MEASURES = (
    'confirmed_sales', 'invoiced_amount', 'collected_amount', 'cards_done', 'cards_done_on_time',
    'cards_overdue', 'sold_amount', 'returned_amount', 'orders_saved', 'referrals_won',
    'satisfaction_sum', 'satisfaction_count',
)


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
        facts = SQL(" UNION ALL ".join(["%s"] * len(self._facts())), *(
            SQL("SELECT %s FROM %s",
                SQL(", ").join([
                    SQL("%s AS user_id, %s AS company_id, date_trunc('month', %s)::date AS date",
                        SQL(fact['user_id']), SQL(fact['company_id']), SQL(fact['date'])),
                    *(SQL("(%s)::float AS %s", SQL(fact.get(measure, '0')), SQL.identifier(measure))
                      for measure in FACT_MEASURES),
                ]),
                fact['from'] if isinstance(fact['from'], SQL) else SQL(fact['from']))
            for fact in self._facts()))
        return SQL("""
            WITH facts AS (%(facts)s)
            SELECT row_number() OVER (ORDER BY facts.date, facts.user_id, facts.company_id) AS id,
                   facts.user_id, facts.company_id, c.currency_id, facts.date,
                   %(sums)s,
                   %(ratios)s
              FROM facts
              JOIN res_company c ON c.id = facts.company_id
          GROUP BY facts.user_id, facts.company_id, c.currency_id, facts.date
        """, facts=facts,
            sums=SQL(", ").join(SQL("SUM(facts.%s) AS %s", SQL.identifier(m), SQL.identifier(m))
                                for m in FACT_MEASURES),
            ratios=SQL(", ").join(self._ratio_sql(SQL("facts.%s", SQL.identifier(num)),
                                                  SQL("facts.%s", SQL.identifier(den)), fname)
                                  for fname, (num, den) in {**RATIO_FIELDS, **AVERAGE_FIELDS}.items()))

    @api.model
    def _ratio_sql(self, numerator, denominator, fname):
        scale = 100.0 if fname in RATIO_FIELDS else 1.0
        return SQL("COALESCE(%s * SUM(%s) / NULLIF(SUM(%s), 0), 0) AS %s",
                   scale, numerator, denominator, SQL.identifier(fname))

    @api.model
    def _facts(self):
        """The facts summed per salesperson, company and month: for each,
        who, which company, which date, the table it comes from and the
        measures it gives (the others are 0). Another figure is one more
        measure and one more fact."""
        today = fields.Date.context_today(self)
        rate = "COALESCE(NULLIF(so.currency_rate, 0), 1)"
        return [{
            'user_id': 'so.user_id', 'company_id': 'so.company_id', 'date': 'so.date_order',
            'from': "sale_order so WHERE so.state = 'sale'",
            'confirmed_sales': f"so.amount_untaxed / {rate}",
            'sold_amount': f"so.amount_untaxed / {rate}",
        }, {
            'user_id': 'am.invoice_user_id', 'company_id': 'am.company_id', 'date': 'am.invoice_date',
            'from': "account_move am WHERE am.move_type IN ('out_invoice', 'out_refund') AND am.state = 'posted'",
            'invoiced_amount': 'am.amount_total_signed',
        }, {
            'user_id': 'am.invoice_user_id', 'company_id': 'am.company_id', 'date': 'apr.max_date',
            'from': """account_partial_reconcile apr
                  JOIN account_move_line dl ON dl.id = apr.debit_move_id
                  JOIN account_move am ON am.id = dl.move_id
                  JOIN account_move_line cl ON cl.id = apr.credit_move_id
                  JOIN account_move cm ON cm.id = cl.move_id
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                   AND cm.move_type NOT IN ('out_refund', 'out_invoice')""",
            'collected_amount': 'apr.amount',
        }, {
            'user_id': 'f.user_id', 'company_id': 'f.company_id', 'date': 'f.date_done',
            'from': "customer_followup f WHERE f.state = 'done' AND f.date_done IS NOT NULL",
            'cards_done': '1',
            'cards_done_on_time': 'CASE WHEN f.date_done <= f.date_due THEN 1 ELSE 0 END',
        }, {
            # "Overdue" is judged on the user's today, read in Python rather
            # than PostgreSQL's CURRENT_DATE, so that it follows the user's timezone.
            'user_id': 'f.user_id', 'company_id': 'f.company_id', 'date': 'f.date_due',
            'from': SQL("customer_followup f WHERE f.state IN %s AND f.date_due < %s",
                        tuple(FOLLOWUP_OPEN_STATES), today),
            'cards_overdue': '1',
        }, {
            # What returns took off the orders was sold in the month of the order.
            'user_id': 'so.user_id', 'company_id': 'so.company_id', 'date': 'so.date_order',
            'from': """customer_return_line rl
                  JOIN customer_return r ON r.id = rl.return_id
                  JOIN sale_order so ON so.id = r.order_id
                 WHERE rl.qty_reduced > 0 AND so.state IN ('sale', 'cancel')""",
            'sold_amount': f"rl.qty_reduced * rl.price_unit / {rate}",
        }, {
            'user_id': 'so.user_id', 'company_id': 'r.company_id', 'date': 'r.date_approved',
            'from': SQL("""customer_return_line rl
                  JOIN customer_return r ON r.id = rl.return_id
                  JOIN sale_order so ON so.id = r.order_id
                 WHERE r.state IN %s AND r.date_approved IS NOT NULL""", tuple(RETURN_ACCEPTED_STATES)),
            'returned_amount': f"rl.quantity * rl.price_unit / {rate}",
        }, {
            'user_id': 'r.user_id', 'company_id': 'r.company_id', 'date': 'r.date_order_saved',
            'from': "customer_return r WHERE r.order_saved AND r.date_order_saved IS NOT NULL",
            'orders_saved': '1',
        }, {
            'user_id': 'r.user_id', 'company_id': 'r.company_id', 'date': 'r.date_won',
            'from': "customer_referral r WHERE r.state = 'won' AND r.date_won IS NOT NULL",
            'referrals_won': '1',
        }, {
            'user_id': 'so.user_id', 'company_id': 'so.company_id', 'date': 'rr.rated_on',
            'from': """rating_rating rr
                  JOIN sale_order so ON so.id = rr.res_id
                 WHERE rr.res_model = 'sale.order' AND rr.consumed AND rr.rating >= 1
                   AND rr.rated_on IS NOT NULL""",
            'satisfaction_sum': 'rr.rating', 'satisfaction_count': '1',
        }, {
            'user_id': 'c.user_id', 'company_id': 'c.company_id', 'date': 'c.date_closed',
            'from': """customer_complaint c
                 WHERE c.state = 'closed' AND c.satisfaction_score > 0 AND c.date_closed IS NOT NULL""",
            'satisfaction_sum': 'c.satisfaction_score', 'satisfaction_count': '1',
        }]

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
