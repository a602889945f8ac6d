"""Qualified prospects are reviewed on their MAN cadence: three of M, A, N
on the A cadence, two on B, one on C, none never."""
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_team import TeamCase

DAY = date(2026, 3, 2)


@tagged('post_install', '-at_install')
class TestProspectReviews(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({'followup_review_days_a': 1, 'followup_review_days_b': 7,
                           'followup_review_days_c': 30})

    def _prospect(self, name, money=False, authority=False, need=False):
        return self.env['res.partner'].create({
            'name': name, 'is_company': True, 'user_id': self.salesperson.id,
            'man_money': money, 'man_authority': authority, 'man_need': need,
        })

    def _reviews(self, day, partner=None):
        with freeze_time(day):
            cards = self._run(['prospect_review'])
        return cards.filtered(lambda card: not partner or card.partner_id == partner)

    def test_cadence_follows_the_number_of_traits(self):
        with freeze_time(DAY):
            prospects = {
                'three': self._prospect('Three Traits', True, True, True),
                'two': self._prospect('Two Traits', True, False, True),
                'one': self._prospect('One Trait', False, True, False),
                'none': self._prospect('No Trait'),
            }
        first = self._reviews(DAY)
        self.assertEqual(first.partner_id, prospects['three'] | prospects['two'] | prospects['one'])
        self.assertEqual(set(first.mapped('date_due')), {DAY}, "the first review falls on the day the profile is set")
        with freeze_time(DAY):
            first.action_mark_done("reviewed")
        for key, cadence in (('three', 1), ('two', 7), ('one', 30)):
            with self.subTest(profile=key):
                self.assertEqual(prospects[key].prospect_review_date, DAY + timedelta(days=cadence))
                self.assertFalse(self._reviews(DAY + timedelta(days=cadence - 1), prospects[key]))
                self.assertRecordValues(self._reviews(DAY + timedelta(days=cadence), prospects[key]), [{
                    'kind': 'prospect_review', 'date_due': DAY + timedelta(days=cadence),
                    'user_id': self.salesperson.id,
                }])
        self.assertFalse(prospects['none'].prospect_review_date)
        self.assertFalse(self._reviews(DAY + timedelta(days=60), prospects['none']), "m+a+n is never reviewed")

    def test_first_review_on_the_day_the_profile_is_set_and_idempotent(self):
        with freeze_time(DAY):
            prospect = self._prospect('Late Qualified')
        self.assertFalse(self._reviews(DAY, prospect))
        with freeze_time(DAY + timedelta(days=3)):
            prospect.man_need = True
            self.env.flush_all()
        self.assertEqual(prospect.man_profile_date, DAY + timedelta(days=3))
        card = self._reviews(DAY + timedelta(days=5), prospect)
        self.assertRecordValues(card, [{'date_due': DAY + timedelta(days=3)}])
        self.assertFalse(self._reviews(DAY + timedelta(days=5)), "a re-run creates nothing")
        self.assertFalse(self._reviews(DAY + timedelta(days=40)), "nor while the review is still open")

    def test_the_next_review_is_a_cadence_after_the_card_was_done(self):
        with freeze_time(DAY):
            prospect = self._prospect('Two Traits', money=True, need=True)
        card = self._reviews(DAY)
        with freeze_time(DAY + timedelta(days=4)):
            card.action_mark_done("late review")
        self.assertEqual(prospect.prospect_review_date, DAY + timedelta(days=11))
        self.assertFalse(self._reviews(DAY + timedelta(days=10)))
        self.assertEqual(self._reviews(DAY + timedelta(days=11)).date_due, DAY + timedelta(days=11))

    def test_changing_the_flags_reschedules_the_next_review(self):
        with freeze_time(DAY):
            prospect = self._prospect('Warming Up', need=True)
            self._reviews(DAY).action_mark_done("reviewed")
        self.assertEqual(prospect.prospect_review_date, DAY + timedelta(days=30))
        with freeze_time(DAY + timedelta(days=3)):
            prospect.write({'man_money': True, 'man_authority': True})
            self.env.flush_all()
        self.assertEqual(prospect.prospect_review_date, DAY + timedelta(days=1))
        # The cron missed days: the card keeps its true due date.
        self.assertRecordValues(self._reviews(DAY + timedelta(days=3), prospect), [{
            'date_due': DAY + timedelta(days=1)}])
        # No longer a prospect at all: the open review is dropped, none comes again.
        with freeze_time(DAY + timedelta(days=4)):
            prospect.write({'man_money': False, 'man_authority': False, 'man_need': False})
            self.env.flush_all()
        self.assertEqual(self.Followup.search([('partner_id', '=', prospect.id)]).mapped('state'),
                         ['done', 'cancelled'])
        self.assertFalse(prospect.prospect_review_date)
        self.assertFalse(self._reviews(DAY + timedelta(days=90), prospect))

    def test_a_customer_is_no_prospect(self):
        with freeze_time(DAY):
            customer = self._prospect('Bought Already', True, True, True)
            self._sale(customer, 100.0, DAY)
            self._grade(DAY)
        self.assertEqual(customer.customer_lifecycle, 'new')
        self.assertFalse(self._reviews(DAY, customer))

    def test_the_card_shows_the_recommended_action(self):
        with freeze_time(DAY):
            prospect = self._prospect('Ideal Prospect', True, True, True)
        card = self._reviews(DAY)
        self.assertRecordValues(card, [{
            'man_profile': 'M+A+N', 'man_recommendation': "Ideal prospect: pursue now."}])
        self.assertIn("Ideal prospect: pursue now.", card.note)
        self.assertIn("M+A+N", card.note)
        self.assertEqual(card.partner_id, prospect)

    def test_the_profile_date_cannot_be_forged(self):
        with freeze_time(DAY):
            prospect = self._prospect('Forged', need=True)
        with self.assertRaises(UserError):
            prospect.with_user(self.salesperson).write({'man_profile_date': DAY - timedelta(days=300)})
        self.assertEqual(prospect.man_profile_date, DAY)

    def test_the_lost_quotation_revisit_asks_to_check_the_man_profile(self):
        self.customer.write({'man_money': True, 'man_need': True})
        with freeze_time('2026-03-01'):
            quote = self._order(confirm=False)
            action = quote.with_context(followup_ask_lost_reason=True).action_cancel()
            self.env['sale.order.lost.wizard'].with_context(**action['context']).create({
                'lost_reason': 'No budget this year', 'new_approach': 'Come back in Q3',
            }).action_confirm()
        with freeze_time('2026-03-31'):
            card = self._run(['lost_quote'])
        self.assertIn("check the MAN profile again", card.note)
        self.assertIn("M+a+N", card.note)
