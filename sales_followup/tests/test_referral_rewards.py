from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common_referral import ReferralCase


@tagged('post_install', '-at_install')
class TestReferralRewards(ReferralCase):
    """Rewards: decided and granted by after-sales managers only; a discount
    is a real coupon of Odoo's loyalty that takes money off the referrer's
    next order."""

    def _won(self, reward_type='discount', amount=30.0):
        referral = self._referral(self.customer, self.nova, reward_type=reward_type, reward_amount=amount)
        self._order(self.nova, amount=500.0)
        self.assertRecordValues(referral, [{'state': 'won', 'reward_state': 'pending'}])
        return referral

    def test_discount_is_a_coupon_applied_on_the_referrers_next_order(self):
        referral = self._won(amount=30.0)
        referral.with_user(self.sales_manager).action_grant_reward()
        coupon = referral.reward_coupon_id
        self.assertRecordValues(referral, [{
            'reward_state': 'granted', 'reward_granted_date': fields.Date.today(),
            'reward_granted_by_id': self.sales_manager.id,
        }])
        self.assertRecordValues(coupon, [{'partner_id': self.customer.id, 'points': 30.0}])
        program = coupon.program_id
        self.assertRecordValues(program, [{
            'name': 'Referral rewards', 'program_type': 'coupons', 'company_id': self.company.id,
        }])
        self.assertEqual(self.company.followup_referral_program_id, program)
        # The code is in the chatter and in an e-mail to the referrer.
        self.assertTrue(any(coupon.code in (message.body or '') for message in referral.message_ids))
        mail = self.env['mail.mail'].search([
            ('model', '=', 'customer.referral'), ('res_id', '=', referral.id),
            ('recipient_ids', 'in', self.customer.ids)])
        self.assertEqual(len(mail), 1)
        self.assertIn(coupon.code, mail.body_html)
        # The referrer's next order: the code takes 30 off.
        order = self._order(self.customer, amount=200.0, confirm=False)
        status = order._try_apply_code(coupon.code)
        self.assertNotIn('error', status)
        [(applied_coupon, rewards)] = status.items()
        self.assertEqual(applied_coupon, coupon)
        result = order._apply_program_reward(rewards, coupon)
        self.assertNotIn('error', result)
        discount = order.order_line.filtered('is_reward_line')
        self.assertEqual(len(discount), 1)
        self.assertAlmostEqual(discount.price_subtotal, -30.0)
        self.assertAlmostEqual(order.amount_untaxed, 170.0)
        order.action_confirm()
        self.assertEqual(coupon.points, 0.0)

    def test_second_discount_reuses_the_program(self):
        first = self._won(amount=10.0)
        first.with_user(self.sales_manager).action_grant_reward()
        other = self._partner('Birch Ltd')
        second = self._referral(self.customer, other, reward_type='discount', reward_amount=20.0)
        self._order(other)
        second.with_user(self.sales_manager).action_grant_reward()
        self.assertEqual(second.reward_coupon_id.program_id, first.reward_coupon_id.program_id)
        self.assertNotEqual(second.reward_coupon_id.code, first.reward_coupon_id.code)

    def test_gift_and_commission_are_recorded_as_granted(self):
        for reward_type in ('gift', 'commission'):
            with self.subTest(reward_type=reward_type):
                referred = self._partner('Referred by %s' % reward_type)
                referral = self._referral(self.customer, referred, reward_type=reward_type, reward_amount=80.0)
                self._order(referred)
                referral.with_user(self.sales_manager).action_grant_reward()
                self.assertRecordValues(referral, [{
                    'reward_state': 'granted', 'reward_granted_date': fields.Date.today(),
                    'reward_granted_by_id': self.sales_manager.id, 'reward_coupon_id': False,
                }])
                self.assertIn('Reward granted by Manny Manager', referral.message_ids[0].body)

    def test_granting_twice_or_before_the_win_is_refused(self):
        referral = self._referral(self.customer, self.nova, reward_type='gift', reward_amount=10.0)
        with self._refused(UserError, "not won yet"):
            referral.with_user(self.sales_manager).action_grant_reward()
        self.assertEqual(referral.reward_state, 'none')
        self._order(self.nova)
        referral.with_user(self.sales_manager).action_grant_reward()
        with self._refused(UserError, "already granted"):
            referral.with_user(self.sales_manager).action_grant_reward()
        no_reward = self._referral(self.customer, self._partner('Birch'))
        self._order(no_reward.referred_id)
        with self._refused(UserError, "no reward to grant"):
            no_reward.with_user(self.sales_manager).action_grant_reward()

    def test_discount_without_amount_is_refused(self):
        referral = self._won(amount=0.0)
        with self._refused(UserError, "amount"):
            referral.with_user(self.sales_manager).action_grant_reward()
        self.assertFalse(self.env['loyalty.card'].search([('partner_id', '=', self.customer.id)]))

    def test_salespeople_neither_grant_nor_decide_rewards(self):
        referral = self._won(amount=30.0)
        mine = referral.with_user(self.salesperson)
        self.assertFalse(mine.can_grant_reward)
        with self.assertRaises(AccessError):
            mine.action_grant_reward()
        for vals in ({'reward_amount': 1000.0}, {'reward_type': 'commission'},
                     {'reward_state': 'granted'}, {'reward_granted_date': fields.Date.today()}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                mine.write(vals)
        with self.assertRaises(AccessError):
            self._referral(self.customer, self._partner('Birch'), user=self.salesperson,
                           reward_type='discount', reward_amount=500.0)
        self.assertRecordValues(referral, [{
            'reward_state': 'pending', 'reward_amount': 30.0, 'reward_type': 'discount', 'reward_coupon_id': False,
        }])
        self.assertFalse(self.env['loyalty.card'].search([('partner_id', '=', self.customer.id)]))
        # A form sending the reward back unchanged with a note is fine.
        mine.write({'reward_type': 'discount', 'reward_amount': 30.0, 'note': 'Met at a fair'})
        self.assertEqual(referral.note, 'Met at a fair')

    def test_granted_reward_freezes_the_referral(self):
        referral = self._won(reward_type='gift', amount=10.0)
        referral.with_user(self.sales_manager).action_grant_reward()
        for vals in ({'reward_amount': 99.0}, {'referrer_id': self._partner('Birch').id}):
            with self.subTest(vals=vals), self._refused(UserError, "is granted"):
                referral.with_user(self.sales_manager).write(vals)
        self.assertRecordValues(referral, [{'reward_amount': 10.0, 'referrer_id': self.customer.id}])

    def test_reward_decided_after_the_win_becomes_pending(self):
        referral = self._referral(self.customer, self.nova)
        self._order(self.nova)
        self.assertEqual(referral.reward_state, 'none')
        referral.with_user(self.sales_manager).write({'reward_type': 'gift'})
        self.assertEqual(referral.reward_state, 'pending')
        self.assertTrue(referral.with_user(self.sales_manager).can_grant_reward)
