from odoo import api, fields, models
from odoo.tools import SQL

from ..const import FOLLOWUP_OPEN_STATES, NO_SALESPERSON, RETURN_ACCEPTED_STATES

# Percentages that must be recomputed from the sums when rows are grouped:
# an average of monthly rates is not the rate of the period.
RATIO_FIELDS = {
    'collection_rate': ('collected_amount', 'invoiced_amount'),
    'on_time_rate': ('cards_done_on_time', 'cards_done'),
    'return_rate': ('returned_amount', 'sold_amount'),
    'retention_rate': ('customers_retained', 'customers_previous'),
    'complaints_per_100_orders': ('complaint_count', 'order_count'),
}
# Averages recomputed from their sum and count for the same reason.
AVERAGE_FIELDS = {
    'satisfaction_avg': ('satisfaction_sum', 'satisfaction_count'),
    'avg_resolution_days': ('resolution_days_total', 'complaints_resolved'),
    'card_completeness': ('card_completeness_total', 'card_count'),
}
# The measures every fact of the report gives (0 when it is not about it).
FACT_MEASURES = (
    'confirmed_sales', 'invoiced_amount', 'collected_amount', 'cards_done', 'cards_done_on_time',
    'cards_overdue', 'sold_amount', 'returned_amount', 'orders_saved', 'referrals_won',
    'satisfaction_sum', 'satisfaction_count',
    'customers_previous', 'customers_retained', 'new_customers', 'prospects_added', 'order_count',
    'complaint_count', 'complaints_resolved', 'resolution_days_total', 'card_count', 'card_completeness_total',
)
# Customers per salesperson, company and month of their confirmed orders.
CUSTOMER_MONTHS = """(
    SELECT DISTINCT so.user_id, so.company_id, p.commercial_partner_id AS partner_id,
           date_trunc('month', so.date_order)::date AS date
      FROM sale_order so
      JOIN res_partner p ON p.id = so.partner_id
     WHERE so.state = 'sale'
)"""
# Customer cards: commercial entities with a salesperson, users and companies aside.
CUSTOMER_CARDS = """res_partner p
      JOIN res_users u ON u.id = p.user_id
     WHERE p.active AND p.id = p.commercial_partner_id
       AND NOT EXISTS (SELECT 1 FROM res_users pu WHERE pu.partner_id = p.id)
       AND NOT EXISTS (SELECT 1 FROM res_company pc WHERE pc.partner_id = p.id)"""



class FollowupKpiReport(models.Model):
    """A salesperson's two key figures (sales and collection rate) and the
    follow-up discipline, per salesperson, company and month."""
    _name = 'customer.followup.kpi.report'
    _description = 'After-Sales KPIs per Salesperson'
    _auto = False
    _order = 'date desc, user_id'

    date = fields.Date(string="Month", readonly=True)
    user_id = fields.Many2one(
        comodel_name='res.users', string="Salesperson", readonly=True, falsy_value_label=NO_SALESPERSON,
        help="Empty for the figures of no salesperson, and of OdooBot or portal users, who sell nothing.")
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
        facts = SQL(" UNION ALL ".join(["%s"] * len(self._facts())), *(
            SQL("SELECT %s FROM %s",
                SQL(", ").join([
                    SQL("%s AS user_id, %s AS company_id, date_trunc('month', %s)::date AS date",
                        SQL(fact['user_id']), SQL(fact['company_id']),
                        fact['date'] if isinstance(fact['date'], SQL) else SQL(fact['date'])),
                    *(SQL("(%s)::float AS %s", SQL(fact.get(measure, '0')), SQL.identifier(measure))
                      for measure in FACT_MEASURES),
                ]),
                fact['from'] if isinstance(fact['from'], SQL) else SQL(fact['from']))
            for fact in self._facts()))
        # Documents made by OdooBot (installation, scheduled actions) or
        # owned by a portal user count as nobody's: no row for a salesperson
        # who cannot sell.
        return SQL("""
            WITH facts AS (%(facts)s)
            SELECT row_number() OVER (ORDER BY facts.date, s.user_id, facts.company_id) AS id,
                   s.user_id, facts.company_id, c.currency_id, facts.date,
                   %(sums)s,
                   %(ratios)s
              FROM facts
              JOIN res_company c ON c.id = facts.company_id
         LEFT JOIN res_users u ON u.id = facts.user_id
      CROSS JOIN LATERAL (
                SELECT CASE WHEN u.id = %(root)s OR u.share THEN NULL ELSE facts.user_id END AS user_id
              ) s
          GROUP BY s.user_id, facts.company_id, c.currency_id, facts.date
        """, facts=facts, root=self.env.ref('base.user_root').id,
            sums=SQL(", ").join(SQL("SUM(facts.%s) AS %s", SQL.identifier(m), SQL.identifier(m))
                                for m in FACT_MEASURES),
            ratios=SQL(", ").join(
                SQL("%s AS %s", self._ratio_sql(fname, lambda column: SQL("facts.%s", SQL.identifier(column))),
                    SQL.identifier(fname))
                for fname in (*RATIO_FIELDS, *AVERAGE_FIELDS)))

    @api.model
    def _ratio_sql(self, fname, column_sql):
        """The rate or average ``fname`` recomputed from the sums of its
        two measures, each given as SQL by ``column_sql(measure)``."""
        numerator, denominator = RATIO_FIELDS.get(fname) or AVERAGE_FIELDS[fname]
        scale = 100.0 if fname in RATIO_FIELDS else 1.0
        return SQL("COALESCE(%s * SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                   scale, column_sql(numerator), column_sql(denominator))

    @api.model
    def _facts(self):
        """The facts summed per salesperson, company and month: for each,
        who, which company, which date, the table it comes from and the
        measures it gives (the others are 0). Another figure is one more
        measure and one more fact."""
        today = fields.Date.context_today(self)
        month = today.replace(day=1)
        rate = "COALESCE(NULLIF(so.currency_rate, 0), 1)"
        return [{
            'user_id': 'so.user_id', 'company_id': 'so.company_id', 'date': 'so.date_order',
            'from': "sale_order so WHERE so.state = 'sale'",
            'confirmed_sales': f"so.amount_untaxed / {rate}",
            'sold_amount': f"so.amount_untaxed / {rate}",
            'order_count': '1',
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
        }, {
            # A customer of the previous month counts in this month's base, and
            # as retained if it bought again, from anybody of the company.
            'user_id': 'prev.user_id', 'company_id': 'prev.company_id', 'date': "prev.date + interval '1 month'",
            'from': SQL("%s AS prev WHERE prev.date < %s", SQL(CUSTOMER_MONTHS), month),
            'customers_previous': '1',
            'customers_retained': f"""CASE WHEN EXISTS (
                    SELECT 1 FROM {CUSTOMER_MONTHS} AS cur
                     WHERE cur.company_id = prev.company_id AND cur.partner_id = prev.partner_id
                       AND cur.date = (prev.date + interval '1 month')::date) THEN 1 ELSE 0 END""",
        }, {
            'user_id': 'first_order.user_id', 'company_id': 'first_order.company_id', 'date': 'first_order.date',
            'from': """(
                    SELECT DISTINCT ON (p.commercial_partner_id, so.company_id)
                           so.user_id, so.company_id, so.date_order AS date
                      FROM sale_order so
                      JOIN res_partner p ON p.id = so.partner_id
                     WHERE so.state = 'sale'
                  ORDER BY p.commercial_partner_id, so.company_id, so.date_order, so.id
                ) AS first_order""",
            'new_customers': '1',
        }, {
            'user_id': 'p.user_id', 'company_id': 'COALESCE(p.company_id, u.company_id)', 'date': 'p.create_date',
            'from': CUSTOMER_CARDS,
            'prospects_added': '1',
        }, {
            'user_id': 'cc.user_id', 'company_id': 'cc.company_id', 'date': 'cc.date_received',
            'from': "customer_complaint cc WHERE cc.state != 'cancelled'",
            'complaint_count': '1',
        }, {
            'user_id': 'cc.user_id', 'company_id': 'cc.company_id', 'date': 'cc.date_resolved',
            'from': "customer_complaint cc WHERE cc.date_resolved IS NOT NULL AND cc.state != 'cancelled'",
            'complaints_resolved': '1', 'resolution_days_total': 'cc.resolution_days',
        }, {
            # Completeness is today's: it counts in the current month.
            'user_id': 'p.user_id', 'company_id': 'COALESCE(p.company_id, u.company_id)',
            'date': SQL("%s::date", month),
            'from': CUSTOMER_CARDS,
            'card_count': '1', 'card_completeness_total': 'p.card_completeness',
        }]

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        fname = aggregate_spec.split(':')[0]
        if fname in RATIO_FIELDS or fname in AVERAGE_FIELDS:
            return self._ratio_sql(fname, lambda column: self._field_to_sql(self._table, column, query))
        return super()._read_group_select(aggregate_spec, query)
