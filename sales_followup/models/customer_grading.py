import socket
import time as time_module
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from .res_partner import GRADING_FIELDS

# Batches are applied in SQL, so Python's memory does not depend on their
# size: large enough to amortise a statement and a commit, small enough that
# a batch holds its rows' locks for a few tens of milliseconds.
GRADING_BATCH_SIZE = 5000
CHANGES_TABLE = 'sales_followup_grading_changes'


class CustomerGrading(models.AbstractModel):
    """Set-based customer grading.

    One grouped query per company computes every customer's figures, grade and
    lifecycle into a temporary table holding only the customers whose values
    change; those are then applied in batches to res.partner.grading (new
    rows inserted, known rows updated), with a chatter tracking message for
    every grade change.

    A customer the engine meets for the first time with an older history
    (when the module is installed, or a company is graded for the first time)
    starts from its grade without a message: that is not a change anybody
    needs to read, and at installation it would be one message per customer.
    A genuinely new customer (first order within ``followup_new_days``) does
    get one.
    """
    _name = 'customer.grading'
    _description = "Customer Grading Engine"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _cron_grade_customers(self):
        """Daily grading of every company, committing after each batch."""
        # A database holds a handful of companies, never enough to page.
        companies = self.env['res.company'].sudo().search([])  # pylint: disable=no-search-all
        self.sudo()._grade_companies(companies, commit=True)

    @api.private
    def _grade_companies(self, companies, commit=False, date=None):
        """Grade the customers of ``companies`` as of ``date`` (default
        today); return the number of partners whose values changed.
        ``commit`` is only for the cron (tests and UI requests must stay in
        one transaction)."""
        changed = 0
        try:
            for company in companies:
                size = self._prepare_changes(company, date=date)
                message = self._grade_message_values(company)
                applied = 0
                while applied < size:
                    done = self._apply_changes_batch(company, applied, message)
                    applied += done
                    changed += done
                    if commit and not self.env['ir.cron']._commit_progress(done, remaining=size - applied):
                        # Out of time: the next run starts over and only finds
                        # what is still different.
                        return changed
            self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(CHANGES_TABLE)))
            return changed
        finally:
            # Once, not per batch: nothing reads these between batches, and
            # reloading what the messages need cost more than a batch.
            self._invalidate_grading_caches()

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
        self.env['res.partner'].flush_model(['commercial_partner_id'])
        self.env['res.partner.grading'].flush_model()
        grader = self.with_company(company)
        today = date or fields.Date.context_today(grader)
        window_start = today - timedelta(days=company.followup_grade_window_days)
        # Order dates are read in the same timezone as "today", so a
        # customer's first/last order and the window edges agree with the
        # calendar the user sees. The window edge is converted once, here,
        # so that the 200,000-row scan compares raw UTC timestamps.
        tz = pytz.timezone(grader.env.tz.zone)
        params = {
            'cid': company.id,
            'today': today,
            'tz': tz.zone,
            'window_start_utc': tz.localize(datetime.combine(window_start, time.min))
                                  .astimezone(pytz.utc).replace(tzinfo=None),
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
        # JIT compilation costs more than it saves on a query of this size
        # (about 60 ms of a 150 ms run), and the default 4 MB of work_mem
        # makes its aggregates spill to disk from a few thousand customers on.
        cr.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")
        cr.execute(SQL("""
            CREATE TEMPORARY TABLE %(table)s AS
            WITH per_order_partner AS (
                -- aggregate first on the order's own partner, without a join:
                -- most orders of a company share few partners
                SELECT so.partner_id,
                       MIN(so.date_order) AS first_at,
                       MAX(so.date_order) AS last_at,
                       -- currency_rate is the order currency per company currency unit
                       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1)::numeric)
                           FILTER (WHERE so.date_order >= %(window_start_utc)s) AS revenue,
                       COUNT(*) FILTER (WHERE so.date_order >= %(window_start_utc)s) AS order_count
                  FROM sale_order so
                 WHERE so.company_id = %(cid)s AND so.state = 'sale'
                 GROUP BY so.partner_id
            ), figures AS (
                SELECT p.commercial_partner_id AS partner_id,
                       (MIN(o.first_at) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS first_date,
                       (MAX(o.last_at) AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS last_date,
                       ROUND(COALESCE(SUM(o.revenue), 0), %(digits)s) AS revenue,
                       COALESCE(SUM(o.order_count), 0)::integer AS order_count
                  FROM per_order_partner o
                  JOIN res_partner p ON p.id = o.partner_id
                 GROUP BY p.commercial_partner_id
            ), ranked AS (
                -- revenue of the strictly better-ranked customers, so that ties
                -- share a grade: the running sum (which includes the tied
                -- customers) minus the tied customers' part; one sort for all
                SELECT f.*,
                       SUM(GREATEST(revenue, 0)) OVER by_revenue
                         - GREATEST(revenue, 0) * (COUNT(*) OVER by_revenue - RANK() OVER by_revenue + 1) AS better,
                       SUM(GREATEST(revenue, 0)) OVER () AS total
                  FROM figures f
                WINDOW by_revenue AS (ORDER BY revenue DESC)
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
                SELECT * FROM res_partner_grading WHERE company_id = %(cid)s
            ), target AS (
                SELECT COALESCE(c.partner_id, cur.partner_id) AS partner_id,
                       cur.id IS NOT NULL AS known,
                       cur.customer_grade AS old_grade,
                       CASE WHEN cur.customer_grade_locked THEN cur.customer_grade ELSE c.grade END AS grade,
                       CASE WHEN c.partner_id IS NULL THEN 'prospect'
                            WHEN c.first_date >= %(new_start)s THEN 'new'
                            WHEN c.last_date < %(dormant_start)s THEN 'dormant'
                            ELSE 'active' END AS lifecycle,
                       COALESCE(c.revenue, 0) AS revenue,
                       COALESCE(c.order_count, 0) AS order_count,
                       c.first_date, c.last_date,
                       cur.next_review_date AS old_next_review,
                       cur.customer_lifecycle AS old_lifecycle, cur.grade_revenue AS old_revenue,
                       cur.grade_order_count AS old_order_count,
                       cur.first_order_date AS old_first_date, cur.last_order_date AS old_last_date
                  FROM computed c
                  FULL JOIN current cur ON cur.partner_id = c.partner_id
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
            SELECT ROW_NUMBER() OVER () AS seq,  -- batches are ranges of it, in any order
                   partner_id, known, old_grade, grade, lifecycle, revenue, order_count,
                   first_date, last_date, next_review
              FROM final
             WHERE NOT known
                OR (grade, lifecycle, revenue, order_count, first_date, last_date, next_review)
                   IS DISTINCT FROM
                   (old_grade, old_lifecycle, old_revenue, old_order_count,
                    old_first_date, old_last_date, old_next_review)
        """, table=SQL.identifier(CHANGES_TABLE), **params))
        size = cr.rowcount
        cr.execute("RESET jit; RESET work_mem")
        cr.execute(SQL("ALTER TABLE %s ADD PRIMARY KEY (seq)", SQL.identifier(CHANGES_TABLE)))
        return size

    @api.private
    def _apply_changes_batch(self, company, applied, message):
        """Apply the batch of the changes table that follows its first
        ``applied`` rows, in a single statement: the
        grading rows are inserted or updated, and every grade change gets a
        chatter message with its tracking value on the commercial partner.
        Return the batch size.

        The messages are inserted in SQL rather than through mail.message's
        create(), which costs about 2 ms per message (sanitising, inverse
        caches, access checks). They are plain internal notes by OdooBot with
        one tracking value, exactly what the ORM would store; ``message``
        holds their common values (see _grade_message_values).
        """
        # a lock set in this transaction since the changes were prepared
        self.env['res.partner.grading'].flush_model()
        self.env.cr.execute(SQL("""
            WITH batch AS MATERIALIZED (
                SELECT * FROM %(table)s WHERE seq > %(applied)s AND seq <= %(applied)s + %(limit)s
            ), inserted AS (
                -- a plain INSERT rather than an upsert, which costs a
                -- speculative insertion per row; a row created since the
                -- changes were prepared (a manager locking a prospect's
                -- grade) is left to the next run
                INSERT INTO res_partner_grading (
                    partner_id, company_id, customer_grade, customer_lifecycle, grade_revenue,
                    grade_order_count, first_order_date, last_order_date, next_review_date)
                SELECT b.partner_id, %(cid)s, b.grade, b.lifecycle, b.revenue,
                       b.order_count, b.first_date, b.last_date, b.next_review
                  FROM batch b
                 WHERE NOT b.known
                   AND NOT EXISTS (SELECT FROM res_partner_grading g
                                    WHERE g.partner_id = b.partner_id AND g.company_id = %(cid)s)
            ), updated AS (
                UPDATE res_partner_grading g
                   -- a grade locked since the changes were prepared stays
                   SET customer_grade = CASE WHEN g.customer_grade_locked THEN g.customer_grade
                                             ELSE b.grade END,
                       customer_lifecycle = b.lifecycle,
                       grade_revenue = b.revenue,
                       grade_order_count = b.order_count,
                       first_order_date = b.first_date,
                       last_order_date = b.last_date,
                       next_review_date = b.next_review
                  FROM batch b
                 WHERE b.known AND g.partner_id = b.partner_id AND g.company_id = %(cid)s
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
                   AND (b.known OR b.lifecycle = 'new')
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
            applied=applied,
            cid=company.id,
            uid=self.env.uid,
            now=fields.Datetime.now(),
            **message,
        ))
        return self.env.cr.fetchone()[0]

    @api.private
    def _invalidate_grading_caches(self):
        self.env['res.partner.grading'].invalidate_model()
        self.env['res.partner'].invalidate_model([*GRADING_FIELDS, 'message_ids'])
        self.env['mail.message'].invalidate_model()
        self.env['mail.tracking.value'].invalidate_model()

    @api.private
    def _grade_message_values(self, company):
        """Values shared by all the grade-change messages of a company's run,
        as parameters of _apply_changes_batch's statement."""
        author = self.env.ref('base.partner_root')
        field = self.env['ir.model.fields']._get('res.partner', 'customer_grade')
        labels = dict(self.env['res.partner']._fields['customer_grade']._description_selection(self.env))

        def label(column):
            return SQL("CASE %s WHEN 'a' THEN %s WHEN 'b' THEN %s WHEN 'c' THEN %s ELSE '' END",
                       column, labels['a'], labels['b'], labels['c'])

        return {
            'old_label': label(SQL('b.old_grade')),
            'new_label': label(SQL('b.grade')),
            'field_id': field.id,
            'author_id': author.id,
            'email_from': author.email_formatted,
            'reply_to': self.env['mail.thread']._notify_get_reply_to(
                default=author.email_formatted, author_id=author.id)[False],
            'subtype_id': self.env['ir.model.data']._xmlid_to_res_id('mail.mt_note'),
            # Unique per message, in the format of Odoo's own
            # generate_tracking_message_id, with the partner as the record.
            'message_id': SQL(
                "'<' || replace(gen_random_uuid()::text, '-', '') || %s || b.partner_id || %s",
                f".{time_module.time():.15f}-openerp-", f"@{socket.gethostname()}>"),
            'body': Markup('<p>%s</p>') % self.env._("Automatic grading (%(company)s)", company=company.name),
        }
