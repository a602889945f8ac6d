import logging
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.customer_followup_generator import GENERATED_KINDS
from .common_followup import FollowupCase


@tagged('post_install', '-at_install')
class TestFollowupEngine(FollowupCase):
    """The cron is idempotent, batched and robust to one bad record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.people = cls.env['res.partner'].create([
            {'name': 'Birthday Person %s' % i, 'user_id': cls.salesperson.id, 'birthday': date(1990, 7, 1)}
            for i in range(5)
        ])

    def _birthday_cards(self):
        return self.Followup.search([('kind', '=', 'birthday'), ('partner_id', 'in', self.people.ids)])

    @freeze_time('2026-07-01')
    def test_second_run_same_day_creates_nothing(self):
        with freeze_time('2026-06-30 10:00:00'):
            order = self._order()
            self._deliver(order)
        self.customer.write({'customer_grade': 'a', 'next_review_date': date(2026, 7, 1)})
        self._invoice(date_due=date(2026, 7, 1))
        first = self._run()
        self.assertEqual(set(first.mapped('kind')), {'birthday', 'review', 'payment_due'})
        self.assertEqual(len(first.filtered(lambda c: c.kind == 'birthday')), 5)
        with self.assertQueryCount(40):
            # Only the per-kind queries: no per-occasion work when nothing is due.
            second = self._run()
        self.assertFalse(second)

    def test_every_kind_at_once_then_a_second_run_creates_nothing(self):
        """One day on which every generated kind falls due: the first run
        makes one card per occasion, the second run nothing at all."""
        reorderer = self.env['res.partner'].create({'name': 'Regular Buyer', 'user_id': self.salesperson.id})
        dormant = self.env['res.partner'].create({'name': 'Sleeping Buyer', 'user_id': self.salesperson.id})
        dormant.write({'customer_lifecycle': 'dormant', 'last_order_date': date(2026, 1, 1)})
        self.customer.write({'customer_grade': 'b', 'next_review_date': date(2026, 7, 10)})
        self.env['res.partner'].create({
            'name': 'Lily Lotus', 'parent_id': self.customer.id, 'birthday': date(1980, 7, 10)})
        for day in ('2026-06-01', '2026-06-11', '2026-06-21'):
            self._order(partner=reorderer, date_order='%s 09:00:00' % day)
        slowing = self.env['res.partner'].create({'name': 'Slowing Buyer', 'user_id': self.salesperson.id})
        self._order(partner=slowing, date_order='2026-03-10 09:00:00')
        slowing.write({'customer_lifecycle': 'active', 'last_order_date': date(2026, 3, 10)})
        with freeze_time('2026-07-01'):
            self.env['res.partner'].create({'name': 'Keen Prospect', 'user_id': self.salesperson.id,
                                            'man_money': True, 'man_need': True})
        with freeze_time('2026-06-10 10:00:00'):
            quote = self._order(confirm=False)
            quote.action_cancel()
        with freeze_time('2026-07-01 10:00:00'):
            promised = self._invoice(amount=100.0, date_due=date(2026, 7, 1))
            self._run(['payment_due'])
            self.env['customer.followup.promise.wizard'].create({
                'invoice_id': promised.id, 'promise_date': date(2026, 7, 5),
            }).action_confirm()
        with freeze_time('2026-07-08 10:00:00'):
            self._deliver(self._order())
        with freeze_time('2026-07-09 10:00:00'):
            self._deliver(self._order(products=self.product_install))
        with freeze_time('2026-07-10'):
            self._invoice(amount=100.0, date_due=date(2026, 7, 13))
            self._invoice(amount=100.0, date_due=date(2026, 7, 10))
            first = self._run()
            self.assertEqual(sorted(set(first.mapped('kind'))), sorted(GENERATED_KINDS))
            self.assertEqual(len(first), len(set(first.mapped(lambda c: (c.kind, c.partner_id, c.occasion_key)))))
            total = self.Followup.search_count([])
            self.assertFalse(self._run(), "the same day again: nothing new")
            self.assertEqual(self.Followup.search_count([]), total)

    @freeze_time('2026-07-01')
    def test_daily_cron_creates_the_cards(self):
        cron = self.env.ref('sales_followup.ir_cron_customer_followups')
        self.assertRecordValues(cron, [{
            'model_id': self.env['ir.model']._get_id('customer.followup'),
            'interval_number': 1, 'interval_type': 'days', 'active': True,
        }])
        with self._no_commit():
            cron.ir_actions_server_id.with_user(cron.user_id).run()
        self.assertEqual(len(self._birthday_cards()), 5)

    def test_unique_occasion_key_in_database(self):
        vals = {
            'kind': 'birthday', 'partner_id': self.people[0].id, 'occasion_key': 'birthday:2026',
            'date_due': date(2026, 7, 1), 'user_id': self.salesperson.id,
        }
        self.Followup.create(vals)
        with self.assertRaises(IntegrityError), mute_logger('odoo.sql_db'), self.env.cr.savepoint():
            self.Followup.create(dict(vals))
        # The public helper skips the existing occasion instead of failing.
        self.assertFalse(self.Followup._create_occasion_cards([vals, dict(vals)]))
        self.assertEqual(len(self._birthday_cards()), 1)

    @freeze_time('2026-07-01')
    def test_batches_go_through_commit_progress(self):
        with self._no_commit() as commit_progress:
            cards = self.Generator._generate_followups(kinds=['birthday'], batch_size=2)
        self.assertEqual(len(cards), 5)
        self.assertEqual(
            [(call.args, call.kwargs) for call in commit_progress.call_args_list],
            [((), {'remaining': 5}), ((2,), {'remaining': 3}), ((2,), {'remaining': 1}), ((1,), {'remaining': 0})],
        )

    @freeze_time('2026-07-01')
    def test_out_of_time_stops_and_next_run_continues(self):
        with patch.object(type(self.env['ir.cron']), '_commit_progress', return_value=0):
            cards = self.Generator._generate_followups(kinds=['birthday'], batch_size=2)
        self.assertEqual(len(cards), 2, "stopped after the first batch")
        cards = self._run(['birthday'])
        self.assertEqual(len(cards), 3, "the rescheduled run creates the rest")

    @freeze_time('2026-07-01')
    def test_poisoned_record_is_logged_and_skipped(self):
        poisoned = self.people[2]
        Followup = type(self.Followup)
        original = Followup._schedule_card_activities

        def schedule(cards):
            if poisoned in cards.partner_id:
                raise ValueError("poisoned record")
            return original(cards)

        with patch.object(Followup, '_schedule_card_activities', schedule), \
                self.assertLogs('odoo.addons.sales_followup.models.customer_followup', level=logging.ERROR) as logs:
            cards = self._run(['birthday'])
        self.assertEqual(cards.partner_id, self.people - poisoned)
        self.assertIn('skipped', logs.output[0])
        self.assertEqual(len(self._activities(cards)), 4, "the good cards are complete")
        # The next run retries the poisoned record.
        self.assertEqual(self._run(['birthday']).partner_id, poisoned)

    @freeze_time('2026-07-01')
    def test_systematic_error_fails_the_cron(self):
        def schedule(cards):
            raise ValueError("database is on fire")

        with patch.object(type(self.Followup), '_schedule_card_activities', schedule), \
                mute_logger('odoo.addons.sales_followup.models.customer_followup'), \
                self.assertRaisesRegex(ValueError, "on fire"):
            self._run(['birthday'])

    def test_queries_per_batch_do_not_grow_with_batch_size(self):
        self.env['res.partner'].create([
            {'name': 'August %s' % i, 'user_id': self.salesperson.id, 'birthday': date(1990, 8, 1)}
            for i in range(20)
        ] + [
            {'name': 'Later %s' % i, 'user_id': self.salesperson.id, 'birthday': date(1990, 8, 2)}
            for i in range(40)
        ])
        counts = {}
        for day, expected in (('2026-08-01', 20), ('2026-08-02', 40)):
            self.env.flush_all()
            with freeze_time(day), self._no_commit():
                start = self.cr.sql_log_count
                cards = self.Generator._generate_followups(kinds=['birthday'], batch_size=100)
                self.env.flush_all()
                counts[expected] = self.cr.sql_log_count - start
            self.assertEqual(len(cards), expected)
        self.assertLessEqual(counts[40], counts[20] + 5, "a batch costs the same whatever its size")


@tagged('post_install', '-at_install')
class TestFollowupParallelWorkers(TransactionCase):
    """Two cron workers running at the same time, on two real cursors and
    committed data: the second worker, whose snapshot predates the first
    worker's commit, creates no duplicate and does not fail."""

    def test_two_workers_create_no_duplicates(self):
        registry = self.registry
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner_ids = env['res.partner'].create([
                {'name': 'Parallel Person %s' % i, 'birthday': date(1990, 7, 1)} for i in range(3)
            ]).ids
        try:
            with freeze_time('2026-07-01'), \
                    patch.object(type(self.env['ir.cron']), '_commit_progress', return_value=float('inf')), \
                    registry.cursor() as cr_a, registry.cursor() as cr_b:
                # Both workers start their transaction (and snapshot) first.
                cr_a.execute("SELECT 1")
                cr_b.execute("SELECT 1")
                env_a = api.Environment(cr_a, SUPERUSER_ID, {})
                env_b = api.Environment(cr_b, SUPERUSER_ID, {})
                created_a = env_a['customer.followup.generator']._generate_followups(kinds=['birthday'])
                created_a = created_a.filtered(lambda c: c.partner_id.id in partner_ids)
                cr_a.commit()
                Followup = type(env_b['customer.followup'])
                original_create = Followup.create
                attempts = []

                def spy_create(records, vals_list):
                    attempts.append(len(vals_list))
                    return original_create(records, vals_list)

                with mute_logger('odoo.sql_db'), patch.object(Followup, 'create', spy_create):
                    created_b = env_b['customer.followup.generator']._generate_followups(kinds=['birthday'])
                created_b = created_b.filtered(lambda c: c.partner_id.id in partner_ids)
                # Worker B really tried (its snapshot did not show A's cards):
                # the batch, then card by card; the unique key made each a no-op.
                self.assertEqual(attempts, [3, 1, 1, 1])
                cr_b.commit()
            self.assertEqual(len(created_a), 3)
            self.assertFalse(created_b)
            with registry.cursor() as cr:
                cr.execute("SELECT COUNT(*) FROM customer_followup WHERE partner_id = ANY(%s)", [partner_ids])
                self.assertEqual(cr.fetchone()[0], 3)
        finally:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env['customer.followup'].search([('partner_id', 'in', partner_ids)]).unlink()
                env['res.partner'].browse(partner_ids).unlink()
