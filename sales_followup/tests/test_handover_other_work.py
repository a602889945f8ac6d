"""Returns and referrals still being worked on move with their customer to
the new salesperson; finished ones stay with whoever did them."""
from odoo.tests import tagged

from .common_referral import ReferralCase
from .common_return import ReturnCase


@tagged('post_install', '-at_install')
class TestHandoverReturns(ReturnCase):

    def test_open_returns_move_to_the_new_salesperson(self):
        successor = self.other_salesperson
        order = self._delivered_order()
        open_return = self._return(order, user=self.salesperson)
        cancelled = self._return(order, user=self.salesperson)
        cancelled.action_cancel()
        self.assertEqual((open_return | cancelled).user_id, self.salesperson)

        self.customer.write({'user_id': successor.id})

        self.assertRecordValues(open_return | cancelled, [
            {'state': 'draft', 'user_id': successor.id},
            {'state': 'cancelled', 'user_id': self.salesperson.id},
        ])


@tagged('post_install', '-at_install')
class TestHandoverReferrals(ReferralCase):

    def test_open_referrals_move_to_the_new_salesperson(self):
        successor = self.other_salesperson
        lost_customer = self._partner('Lost Lead', user_id=self.salesperson.id)
        open_referral = self._referral(self.customer, self.nova, user=self.salesperson)
        lost = self._referral(self.customer, lost_customer, user=self.salesperson)
        lost.action_lose()

        (self.nova | lost_customer).write({'user_id': successor.id})

        self.assertRecordValues(open_referral | lost, [
            {'state': 'new', 'user_id': successor.id},
            {'state': 'lost', 'user_id': self.salesperson.id},
        ])
