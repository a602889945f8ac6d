from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

# Columns of res.partner the engine owns, per company (company-dependent jsonb).
GRADED_COLUMNS = (
    'customer_grade', 'customer_lifecycle', 'grade_revenue', 'grade_order_count',
    'first_order_date', 'last_order_date', 'next_review_date',
)
# Large enough to amortise the per-batch queries, small enough to keep
# memory bounded and commits frequent.
GRADING_BATCH_SIZE = 2000
CHANGES_TABLE = 'sales_followup_grading_changes'


class CustomerGrading(models.AbstractModel):
    """Set-based customer grading (SPEC §1.1).

    One grouped query per company computes every customer's figures, grade and
    lifecycle into a temporary table holding only the partners whose values
    change; those are then applied by batches of direct jsonb updates, with a
    chatter tracking message for every grade change.
    """
    _name = 'customer.grading'
    _description = "Customer Grading Engine"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _cron_grade_customers(self):
        """Daily grading of every company, committing after each batch."""
        companies = self.env['res.company'].sudo().search([])
        self.sudo()._grade_companies(companies, commit=True)

    @api.private
    def _grade_companies(self, companies, commit=False, date=None):
        """Grade the customers of ``companies`` as of ``date`` (default
        today); return the number of partners whose values changed.
        ``commit`` is only for the cron (tests and UI requests must stay in
        one transaction)."""
        changed = 0
        for company in companies:
            remaining = self._prepare_changes(company, date=date)
            while remaining:
                done = self._apply_changes_batch(company)
                changed += done
                remaining -= done
                if commit and not self.env['ir.cron']._commit_progress(done, remaining=remaining):
                    # Out of time: the next run starts over and only finds
                    # what is still different.
                    return changed
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CHANGES_TABLE)))
        return changed

    # ------------------------------------------------------------------
    # Business helpers
    # ------------------------------------------------------------------

    @api.model
    def _review_date(self, company, grade):
        """Next review of a customer whose grade becomes ``grade`` today."""
        if not grade:
            return False
        days = company[f'followup_review_days_{grade}']
        return fields.Date.context_today(self) + timedelta(days=days)

    @api.private
    def _prepare_changes(self, company, date=None):
        """Fill the temporary changes table for ``company``; return its size."""
        self.env['sale.order'].flush_model(['state', 'date_order', 'amount_untaxed', 'currency_rate',
                                            'partner_id', 'company_id'])
        self.env['res.partner'].flush_model(['commercial_partner_id', *GRADED_COLUMNS,
                                             'customer_grade_locked'])
        today = date or fields.Date.context_today(self.with_company(company))
        key = str(company.id)
        params = {
            'cid': company.id,
            'key': key,
            'today': today,
            # Order dates are read in the same timezone as "today", so a
            # customer's first/last order and the window edges agree with
            # the calendar the user sees.
            'tz': self.with_company(company).env.tz.zone,
            'window_start': today - timedelta(days=company.followup_grade_window_days),
            'new_start': today - timedelta(days=company.followup_new_days),
            'dormant_start': today - timedelta(days=company.followup_dormant_days),
            'method': company.followup_grade_method,
            'a_percent': company.followup_grade_a_percent,
            'ab_percent': company.followup_grade_a_percent + company.followup_grade_b_percent,
            'a_amount': company.followup_grade_a_amount,
            'b_amount': company.followup_grade_b_amount,
            'digits': company.currency_id.decimal_places,
            'review_a': company.followup_review_days_a,
            'review_b': company.followup_review_days_b,
            'review_c': company.followup_review_days_c,
        }
        cr = self.env.cr
        cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CHANGES_TABLE)))
        cr.execute(SQL("""
            CREATE TEMPORARY TABLE %(table)s AS
            WITH orders AS (
                SELECT p.commercial_partner_id AS partner_id,
                       (so.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS date_order,
                       -- currency_rate is the order currency per company currency unit
                       so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)::numeric AS amount
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE so.company_id = %(cid)s AND so.state = 'sale'
            ), figures AS (
                SELECT partner_id,
                       MIN(date_order) AS first_date,
                       MAX(date_order) AS last_date,
                       ROUND(COALESCE(SUM(amount) FILTER (WHERE date_order >= %(window_start)s), 0),
                             %(digits)s) AS revenue,
                       COUNT(*) FILTER (WHERE date_order >= %(window_start)s) AS order_count
                  FROM orders
                 GROUP BY partner_id
            ), ranked AS (
                SELECT f.*,
                       -- revenue of the strictly better-ranked customers: ties share a grade
                       SUM(GREATEST(revenue, 0)) OVER (ORDER BY revenue DESC)
                         - SUM(GREATEST(revenue, 0)) OVER (PARTITION BY revenue) AS better,
                       SUM(GREATEST(revenue, 0)) OVER () AS total
                  FROM figures f
            ), computed AS (
                SELECT partner_id, first_date, last_date, revenue, order_count,
                       CASE
                           WHEN %(method)s = 'threshold' THEN
                               CASE WHEN revenue >= %(a_amount)s::numeric THEN 'a'
                                    WHEN revenue >= %(b_amount)s::numeric THEN 'b'
                                    ELSE 'c' END
                           WHEN revenue > 0 AND better * 100 < %(a_percent)s::numeric * total THEN 'a'
                           WHEN revenue > 0 AND better * 100 < %(ab_percent)s::numeric * total THEN 'b'
                           ELSE 'c'
                       END AS grade
                  FROM ranked
            ), current AS (
                SELECT p.id AS partner_id,
                       p.customer_grade->>%(key)s AS grade,
                       COALESCE((p.customer_grade_locked->>%(key)s)::boolean, FALSE) AS locked,
                       p.customer_lifecycle->>%(key)s AS lifecycle,
                       (p.grade_revenue->>%(key)s)::numeric AS revenue,
                       (p.grade_order_count->>%(key)s)::integer AS order_count,
                       (p.first_order_date->>%(key)s)::date AS first_date,
                       (p.last_order_date->>%(key)s)::date AS last_date,
                       (p.next_review_date->>%(key)s)::date AS next_review
                  FROM res_partner p
                 WHERE p.id = p.commercial_partner_id
                   AND (p.id IN (SELECT partner_id FROM figures)
                        OR (p.customer_lifecycle IS NOT NULL AND p.customer_lifecycle ? %(key)s)
                        OR (p.customer_grade IS NOT NULL AND p.customer_grade ? %(key)s))
            ), target AS (
                SELECT cur.partner_id,
                       cur.grade AS old_grade,
                       CASE WHEN cur.locked THEN cur.grade ELSE c.grade END AS grade,
                       CASE WHEN c.partner_id IS NULL THEN 'prospect'
                            WHEN c.first_date >= %(new_start)s THEN 'new'
                            WHEN c.last_date < %(dormant_start)s THEN 'dormant'
                            ELSE 'active' END AS lifecycle,
                       COALESCE(c.revenue, 0) AS revenue,
                       COALESCE(c.order_count, 0)::integer AS order_count,
                       c.first_date, c.last_date,
                       cur.next_review AS old_next_review,
                       cur.lifecycle AS old_lifecycle, cur.revenue AS old_revenue,
                       cur.order_count AS old_order_count,
                       cur.first_date AS old_first_date, cur.last_date AS old_last_date
                  FROM current cur
                  LEFT JOIN computed c ON c.partner_id = cur.partner_id
            ), final AS (
                SELECT t.*,
                       CASE WHEN t.grade IS NULL THEN NULL
                            WHEN t.grade IS NOT DISTINCT FROM t.old_grade THEN t.old_next_review
                            ELSE %(today)s::date + CASE t.grade WHEN 'a' THEN %(review_a)s
                                                              WHEN 'b' THEN %(review_b)s
                                                              ELSE %(review_c)s END
                       END AS next_review
                  FROM target t
            )
            SELECT partner_id, old_grade, grade, lifecycle, revenue, order_count,
                   first_date, last_date, next_review
              FROM final
             WHERE (grade, lifecycle, revenue, order_count, first_date, last_date, next_review)
                   IS DISTINCT FROM
                   (old_grade, old_lifecycle, old_revenue, old_order_count,
                    old_first_date, old_last_date, old_next_review)
        """, table=SQL.identifier(CHANGES_TABLE), **params))
        size = cr.rowcount
        cr.execute(SQL("ALTER TABLE %(table)s ADD PRIMARY KEY (partner_id); ANALYZE %(table)s",
                       table=SQL.identifier(CHANGES_TABLE)))
        return size

    @api.private
    def _apply_changes_batch(self, company):
        """Apply one batch of the changes table in a single statement: the
        commercial partners and their contacts get the new values, and every
        grade change gets a chatter message with its tracking value. Return
        the batch size.

        The messages are inserted in SQL rather than through mail.message's
        create(), which costs about 2 ms per message (sanitising, inverse
        caches, access checks): 40 s for a first grading of 20,000 customers
        against well under a second here. They are plain internal notes by
        OdooBot with one tracking value, exactly what the ORM would store.
        """
        key = str(company.id)

        def set_key(column, value):
            return SQL("%(col)s = COALESCE(p.%(col)s, '{}'::jsonb) || jsonb_build_object(%(key)s::text, %(value)s)",
                       col=SQL.identifier(column), key=key, value=value)

        message = self._grade_message_values(company)
        labels = message.pop('labels')

        def label(column):
            return SQL("CASE %s WHEN 'a' THEN %s WHEN 'b' THEN %s WHEN 'c' THEN %s ELSE '' END",
                       column, labels['a'], labels['b'], labels['c'])

        self.env.cr.execute(SQL("""
            WITH batch AS (
                DELETE FROM %(table)s
                 WHERE partner_id IN (SELECT partner_id FROM %(table)s ORDER BY partner_id LIMIT %(limit)s)
             RETURNING *
            ), updated AS (
                UPDATE res_partner p
                   SET %(grade)s, %(lifecycle)s, %(revenue)s, %(order_count)s,
                       %(first_date)s, %(last_date)s, %(next_review)s,
                       write_date = %(now)s, write_uid = %(uid)s
                  FROM batch b
                 WHERE p.commercial_partner_id = b.partner_id
            ), messages AS (
                INSERT INTO mail_message (
                    model, res_id, message_type, is_internal, subtype_id, author_id, email_from,
                    reply_to, message_id, body, email_add_signature, date,
                    create_uid, create_date, write_uid, write_date)
                SELECT 'res.partner', b.partner_id, 'notification', TRUE, %(subtype_id)s, %(author_id)s,
                       %(email_from)s, %(reply_to)s, %(message_id)s, %(body)s, FALSE, %(now)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM batch b
                 WHERE b.grade IS DISTINCT FROM b.old_grade
             RETURNING id, res_id
            ), trackings AS (
                INSERT INTO mail_tracking_value (
                    mail_message_id, field_id, old_value_char, new_value_char,
                    create_uid, create_date, write_uid, write_date)
                SELECT m.id, %(field_id)s, %(old_label)s, %(new_label)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM messages m
                  JOIN batch b ON b.partner_id = m.res_id
            )
            SELECT COUNT(*) FROM batch
        """,
            table=SQL.identifier(CHANGES_TABLE),
            limit=GRADING_BATCH_SIZE,
            uid=self.env.uid,
            now=fields.Datetime.now(),
            grade=set_key('customer_grade', SQL('b.grade')),
            lifecycle=set_key('customer_lifecycle', SQL('b.lifecycle')),
            revenue=set_key('grade_revenue', SQL('b.revenue')),
            order_count=set_key('grade_order_count', SQL('b.order_count')),
            first_date=set_key('first_order_date', SQL('b.first_date')),
            last_date=set_key('last_order_date', SQL('b.last_date')),
            next_review=set_key('next_review_date', SQL('b.next_review')),
            old_label=label(SQL('b.old_grade')),
            new_label=label(SQL('b.grade')),
            **message,
        ))
        done = self.env.cr.fetchone()[0]
        self.env['res.partner'].invalidate_model(
            [*GRADED_COLUMNS, 'write_date', 'write_uid', 'message_ids'])
        self.env['mail.message'].invalidate_model()
        self.env['mail.tracking.value'].invalidate_model()
        return done

    @api.private
    def _grade_message_values(self, company):
        """Values shared by all the grade-change messages of a run."""
        author = self.env.ref('base.partner_root')
        field = self.env['ir.model.fields']._get('res.partner', 'customer_grade')
        labels = dict(self.env['res.partner']._fields['customer_grade']._description_selection(self.env))
        return {
            'labels': labels,
            'field_id': field.id,
            'author_id': author.id,
            'email_from': author.email_formatted,
            'reply_to': self.env['mail.thread']._notify_get_reply_to(
                default=author.email_formatted, author_id=author.id)[False],
            'subtype_id': self.env['ir.model.data']._xmlid_to_res_id('mail.mt_note'),
            'message_id': generate_tracking_message_id('sales-followup-grading'),
            'body': Markup('<p>%s</p>') % self.env._("Automatic grading (%(company)s)", company=company.name),
        }
