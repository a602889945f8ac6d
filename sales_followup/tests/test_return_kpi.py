from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_return import ReturnCase


@tagged('post_install', '-at_install')
class TestReturnKpis(ReturnCase):
    """The salesperson KPIs count the return rate (returned amount / sold
    amount) and the orders saved."""

    def _rows(self, **domain):
        Report = self.env['customer.followup.kpi.report']
        return Report.search([('user_id', '=', self.salesperson.id)] + [(k, '=', v) for k, v in domain.items()])

    def test_return_rate_and_orders_saved_per_salesperson_and_month(self):
        with freeze_time('2026-05-05'):
            order = self._delivered_order(lines=[(self.lamp, 10.0)])  # 400 sold
            refunded = self._return(order, lines=[(self.lamp, 2.0)])  # 80 returned
            refunded.action_approve()
            self._receive(refunded)
            refunded.action_done()
            saved = self._return(order, lines=[(self.lamp, 1.0)])
            saved.action_save_order(reason='Kept with a discount')
            self._return(order, lines=[(self.lamp, 1.0)])  # a request counts nothing yet
            # Before delivery: a whole order of 200 is cancelled.
            cancelled = self._order(lines=[(self.lamp, 5.0)])
            self._return(cancelled, lines=[(self.lamp, 5.0)]).action_approve()
        self.assertEqual(cancelled.state, 'cancel')
        self.env.flush_all()
        self.assertRecordValues(self._rows(date=date(2026, 5, 1)), [{
            'confirmed_sales': 320.0,  # what the customers kept
            'sold_amount': 600.0,
            'returned_amount': 280.0,
            'return_rate': 280.0 / 600.0 * 100,
            'orders_saved': 1,
        }])

    def test_return_rate_is_recomputed_from_sums_when_grouped(self):
        with freeze_time('2026-05-05'):
            order = self._delivered_order(lines=[(self.lamp, 10.0)])  # 400 sold in May
            self._return(order, lines=[(self.lamp, 1.0)]).action_approve()  # 40 returned in May
        with freeze_time('2026-06-05'):
            self._delivered_order(lines=[(self.lamp, 5.0)])  # 200 sold in June
            self._return(order, lines=[(self.lamp, 4.0)], resolution='repair').action_approve()  # 160 returned in June
        self.env.flush_all()
        Report = self.env['customer.followup.kpi.report']
        [(_user, rate, returned, sold)] = Report._read_group(
            [('user_id', '=', self.salesperson.id)], ['user_id'],
            ['return_rate:sum', 'returned_amount:sum', 'sold_amount:sum'])
        self.assertEqual((returned, sold), (200.0, 600.0))
        self.assertAlmostEqual(rate, 200.0 / 600.0 * 100)
