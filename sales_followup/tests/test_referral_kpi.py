from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_referral import ReferralCase


@tagged('post_install', '-at_install')
class TestReferralKpi(ReferralCase):
    """The salesperson KPIs count referrals won and average satisfaction."""

    def _rate(self, order, score):
        order.sudo()._rating_get_access_token()
        order.sudo().rating_apply(score, rating=order.sudo().rating_ids, subtype_xmlid=None)

    def test_referrals_won_and_satisfaction_per_salesperson_and_month(self):
        with freeze_time('2026-05-05'):
            self._referral(self.customer, self.nova)
            self._order(self.nova)
            other = self._partner('Birch Ltd', user_id=self.salesperson.id)
            self._referral(self.customer, other)
            self._order(other)
            self._referral(self.customer, self._partner('Cedar Ltd', user_id=self.salesperson.id))
            self._rate(self._order(self.customer), 5)
            self._rate(self._order(self.customer), 2)
        with freeze_time('2026-06-10'):
            self._rate(self._order(self.customer), 4)
            complaint = self.env['customer.complaint'].create({
                'partner_id': self.customer.id, 'description': 'Noise', 'user_id': self.salesperson.id})
            complaint.action_acknowledge()
            complaint.write({'responsibility': 'product', 'solution': 'Repair'})
            complaint.action_propose()
            complaint.action_resolve()
            complaint.satisfaction = '1'
            complaint.action_close()
        self.env.flush_all()
        Report = self.env['customer.followup.kpi.report']
        rows = Report.search([('user_id', '=', self.salesperson.id)], order='date')
        self.assertRecordValues(rows.filtered(lambda r: r.date in (date(2026, 5, 1), date(2026, 6, 1))), [
            {'date': date(2026, 5, 1), 'referrals_won': 2, 'satisfaction_count': 2, 'satisfaction_avg': 3.5},
            {'date': date(2026, 6, 1), 'referrals_won': 0, 'satisfaction_count': 2, 'satisfaction_avg': 2.5},
        ])
        # Grouped over both months, the average is recomputed from the sums:
        # (5 + 2 + 4 + 1) / 4, not the average of 3.5 and 2.5 (which is 3.0 too), so
        # a third month with one rating tells them apart.
        with freeze_time('2026-07-01'):
            self._rate(self._order(self.customer), 5)
        self.env.flush_all()
        [(_user, average, count, won)] = Report._read_group(
            [('user_id', '=', self.salesperson.id)], ['user_id'],
            ['satisfaction_avg:sum', 'satisfaction_count:sum', 'referrals_won:sum'])
        self.assertEqual((count, won), (5, 2))
        self.assertAlmostEqual(average, 17 / 5, msg="not the average of 3.5, 2.5 and 5")
