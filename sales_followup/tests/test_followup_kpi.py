from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_followup import FollowupCase


@tagged('post_install', '-at_install')
class TestFollowupKpiReport(FollowupCase):
    """Sales, invoiced, collected, collection rate, on-time and overdue cards
    per salesperson and month."""

    def _rows(self, **domain):
        Report = self.env['customer.followup.kpi.report']
        return Report.search([('user_id', '=', self.salesperson.id)] + [(k, '=', v) for k, v in domain.items()])

    def test_kpis_per_salesperson_and_month(self):
        with freeze_time('2026-05-05'):
            self._order(products=self.product)  # 100 untaxed
            invoice = self._invoice(amount=400.0, date_due=date(2026, 5, 31))
            self._invoice(amount=100.0, date_due=date(2026, 5, 31))
            self._pay(invoice, 300.0)
            on_time = self.Followup.create({
                'kind': 'thank_you', 'partner_id': self.customer.id, 'user_id': self.salesperson.id,
                'date_due': date(2026, 5, 5),
            })
            on_time.action_mark_done("ok")
            self.Followup.create({
                'kind': 'review', 'partner_id': self.customer.id, 'user_id': self.salesperson.id,
                'date_due': date(2026, 5, 1), 'occasion_key': 'review:2026-05-01',
            })
        with freeze_time('2026-05-07'):
            late = self.Followup.create({
                'kind': 'birthday', 'partner_id': self.customer.id, 'user_id': self.salesperson.id,
                'date_due': date(2026, 5, 6),
            })
            late.action_mark_done("late")
            self.env.flush_all()
            rows = self._rows(date=date(2026, 5, 1))
        self.assertRecordValues(rows, [{
            'confirmed_sales': 100.0, 'invoiced_amount': 500.0, 'collected_amount': 300.0,
            'collection_rate': 60.0, 'cards_done': 2, 'cards_done_on_time': 1, 'on_time_rate': 50.0,
            'cards_overdue': 1,
        }])

    def test_overdue_is_judged_on_the_users_today(self):
        """An open card counts as overdue from the day after it falls due, on
        the date the user lives, whatever the database server's clock says."""
        with freeze_time('2026-05-05'):
            self.Followup.create({
                'kind': 'review', 'partner_id': self.customer.id, 'user_id': self.salesperson.id,
                'date_due': date(2026, 5, 10), 'occasion_key': 'review:2026-05-10',
            })
            self.env.flush_all()
        for today, overdue in (('2026-05-10', 0), ('2026-05-11', 1), ('2027-05-11', 1)):
            with self.subTest(today=today), freeze_time(today):
                self.env.invalidate_all()
                self.assertEqual(sum(self._rows().mapped('cards_overdue')), overdue)
        # Done, it is no longer overdue.
        with freeze_time('2026-05-12'):
            self.Followup.search([('occasion_key', '=', 'review:2026-05-10')]).action_mark_done("reviewed")
            self.env.flush_all()
            self.env.invalidate_all()
            self.assertEqual(sum(self._rows().mapped('cards_overdue')), 0)

    def test_rates_recomputed_from_sums_when_grouped(self):
        with freeze_time('2026-05-05'):
            paid = self._invoice(amount=100.0)
            self._pay(paid, 100.0)
        with freeze_time('2026-06-05'):
            self._invoice(amount=300.0)
        self.env.flush_all()
        Report = self.env['customer.followup.kpi.report']
        [(_user, rate, invoiced)] = Report._read_group(
            [('user_id', '=', self.salesperson.id)], ['user_id'], ['collection_rate:sum', 'invoiced_amount:sum'])
        self.assertEqual(invoiced, 400.0)
        self.assertAlmostEqual(rate, 25.0, msg="100 collected of 400 invoiced, not the average of 100 % and 0 %")

    def test_credit_note_is_not_a_collection(self):
        with freeze_time('2026-05-05'):
            invoice = self._invoice(amount=200.0)
            self._credit_note(invoice, amount=50.0)
        self.env.flush_all()
        self.assertRecordValues(self._rows(date=date(2026, 5, 1)), [{
            'invoiced_amount': 150.0, 'collected_amount': 0.0,
        }])
