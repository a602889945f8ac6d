from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common_referral import ReferralCase


@tagged('post_install', '-at_install')
class TestReferralCenters(ReferralCase):
    """Centres of influence: the four traits, the manager's decision, the
    ranking."""

    def _rated_order(self, partner, score, days_ago=0):
        with freeze_time(fields.Datetime.now() - timedelta(days=days_ago)):
            order = self._order(partner)
        order.sudo()._rating_get_access_token()
        order.sudo().rating_apply(score, rating=order.sudo().rating_ids, subtype_xmlid=None)
        return order

    def _make_center(self, partner):
        """All four traits: two ratings of 5 (one order a year ago), two won
        referrals, influential."""
        self._rated_order(partner, 5, days_ago=400)
        self._rated_order(partner, 5)
        for name in ('A', 'B'):
            referred = self._partner('%s referred by %s' % (name, partner.name))
            self._referral(partner, referred)
            self._order(referred)
        partner.is_influential = True

    def _report(self, partner):
        return self.env['customer.referral.center.report'].search([('partner_id', '=', partner.id)])

    def test_all_four_traits_make_a_center(self):
        self._make_center(self.customer)
        self.assertRecordValues(self._report(self.customer), [{
            'is_satisfied': True, 'is_loyal': True, 'is_influential': True, 'is_connected': True,
            'trait_count': 4, 'is_referral_center': True, 'satisfaction_avg': 5.0, 'won_referral_count': 2,
            'influence_score': 4 * 100 + 2 * 10 + 10,
        }])
        self.assertTrue(self.customer.is_referral_center)
        self.assertTrue(self.lotus_contact.is_referral_center)
        self.assertEqual(self.env['res.partner'].search([('is_referral_center', '=', True)]),
                         self.customer | self.lotus_contact)

    def test_each_trait_is_needed(self):
        self._make_center(self.customer)
        self.customer.is_influential = False
        self.assertFalse(self.customer.is_referral_center)
        self.customer.is_influential = True
        # One unhappy rating: 3.7 on average is not very satisfied.
        self._rated_order(self.customer, 1)
        self.customer.invalidate_recordset()
        self.assertRecordValues(self.customer, [{'satisfaction_count': 3, 'is_referral_center': False}])
        self.assertRecordValues(self._report(self.customer), [{'is_satisfied': False, 'trait_count': 3}])

    def test_a_new_customer_does_not_trust_yet(self):
        self._rated_order(self.nova, 5)
        self._rated_order(self.nova, 5)
        self.assertRecordValues(self._report(self.nova), [{'is_satisfied': True, 'is_loyal': False}])

    def test_manager_decides_with_a_reason(self):
        partner = self.customer.with_user(self.sales_manager)
        with self._refused(ValidationError, "Say why"):
            partner.is_referral_center = True
        partner.write({'is_referral_center': True, 'referral_center_reason': 'Chairs the trade association'})
        self.assertRecordValues(self.customer, [{
            'is_referral_center': True, 'referral_center_override': 'yes',
            'referral_center_reason': 'Chairs the trade association',
        }])
        self.env.cr.precommit.run()  # tracking messages are written at commit
        reasons = self.customer.message_ids.tracking_value_ids.filtered(
            lambda tracking: tracking.field_id.name == 'referral_center_reason')
        self.assertEqual(reasons.mapped('new_value_text'), ['Chairs the trade association'])
        self.assertIn(self.customer, self.env['res.partner'].search([('is_referral_center', '=', True)]))
        # A computed centre can be turned down, and the decision undone.
        self._make_center(self.nova)
        self.nova.with_user(self.sales_manager).write({
            'is_referral_center': False, 'referral_center_reason': 'Moved abroad'})
        self.assertFalse(self.nova.is_referral_center)
        self.assertFalse(self._report(self.nova).is_referral_center)
        self.nova.with_user(self.sales_manager).action_reset_referral_center()
        self.assertRecordValues(self.nova, [{'is_referral_center': True, 'referral_center_override': False}])

    def test_salespeople_cannot_decide(self):
        partner = self.customer.with_user(self.salesperson)
        for vals in ({'is_referral_center': True, 'referral_center_reason': 'My friend'},
                     {'referral_center_override': 'yes', 'referral_center_reason': 'My friend'}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                partner.write(vals)
        with self.assertRaises(AccessError):
            partner.action_reset_referral_center()
        self.assertFalse(self.customer.referral_center_override)
        # Sending the current value back, as a form does, is harmless.
        partner.write({'is_referral_center': False, 'name': 'Lotus Trading Co.'})
        self.assertFalse(self.customer.referral_center_override)

    def test_ranking_orders_the_centres_of_influence(self):
        self._make_center(self.customer)
        self._rated_order(self.nova, 5)
        self._rated_order(self.nova, 4)
        self._order(self.other_customer)
        rows = self.env['customer.referral.center.report'].search(
            [('partner_id', 'in', (self.customer | self.nova | self.other_customer).ids)])
        self.assertEqual(rows.partner_id, self.customer | self.nova | self.other_customer)
        self.assertEqual(rows.mapped('influence_score'), [430, 109, 0])

    def test_salesperson_sees_own_customers_only(self):
        self._make_center(self.customer)
        self._order(self.other_customer)
        Report = self.env['customer.referral.center.report']
        self.assertEqual(Report.with_user(self.salesperson).search([]).partner_id.user_id, self.salesperson)
        self.assertIn(self.other_customer, Report.with_user(self.sales_manager).search([]).partner_id)
