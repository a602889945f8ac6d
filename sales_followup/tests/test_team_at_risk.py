"""Early warning: a new or active customer whose confirmed revenue of the
last period fell sharply against the period before gets an at_risk card,
once per period."""
from datetime import date, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.customer_followup_generator import RISK_EPOCH
from .common_team import TeamCase


def period_start(day, days):
    return RISK_EPOCH + timedelta(days=(day - RISK_EPOCH).days // days * days)


@tagged('post_install', '-at_install')
class TestAtRisk(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({'followup_risk_days': 90, 'followup_risk_drop_percent': 50,
                           'followup_new_days': 90, 'followup_dormant_days': 180})
        # A day in the middle of a 90-day period, so that a week later is the same period.
        cls.today = period_start(date(2026, 6, 30), 90) + timedelta(days=30)

    def _at(self, day, recent, previous, partner=None):
        """Orders of ``partner`` giving ``recent`` revenue in the last 90 days
        and ``previous`` in the 90 days before, seen from ``day``."""
        partner = partner or self.customer
        if previous:
            self._sale(partner, previous, day - timedelta(days=120))
        if recent:
            self._sale(partner, recent, day - timedelta(days=10))

    def _check(self, day):
        with freeze_time(day):
            self._grade(day)
            return self._run(['at_risk'])

    def test_a_drop_of_half_gives_a_card_with_both_figures(self):
        self._at(self.today, recent=400.0, previous=1000.0)
        cards = self._check(self.today)
        self.assertRecordValues(cards, [{
            'kind': 'at_risk', 'partner_id': self.customer.id, 'user_id': self.salesperson.id,
            'date_due': self.today, 'state': 'todo',
            'occasion_key': 'at_risk:%s' % period_start(self.today, 90),
            'risk_previous_amount': 1000.0, 'risk_recent_amount': 400.0, 'risk_drop_percent': 60.0,
        }])
        self.assertIn("last 90 days", cards.note)
        self.assertIn("down 60.0%", cards.note)
        self.assertIn(self.company.currency_id.format(1000.0), cards.note)
        self.assertTrue(cards.activity_ids, "the salesperson sees it in the activity menu")

    def test_a_smaller_drop_gives_no_card_until_the_setting_says_so(self):
        self._at(self.today, recent=600.0, previous=1000.0)  # down 40 %
        self.assertFalse(self._check(self.today))
        self.company.followup_risk_drop_percent = 40
        self.assertRecordValues(self._check(self.today), [{'risk_drop_percent': 40.0}])

    def test_growing_or_steady_customers_get_no_card(self):
        self._at(self.today, recent=1000.0, previous=1000.0)
        steady = self.env['res.partner'].create({'name': 'Growing Co', 'is_company': True,
                                                 'user_id': self.salesperson.id})
        self._at(self.today, recent=900.0, previous=100.0, partner=steady)
        self.assertFalse(self._check(self.today))

    def test_one_card_per_period_and_idempotent_reruns(self):
        self._at(self.today, recent=0.0, previous=1000.0)
        first = self._check(self.today)
        self.assertEqual(first.risk_drop_percent, 100.0)
        self.assertFalse(self._check(self.today), "a second run the same day creates nothing")
        self.assertFalse(self._check(self.today + timedelta(days=7)), "nor does a run later in the period")
        first.action_mark_done("called")
        # Still falling in the next period: a new warning.
        next_period = period_start(self.today, 90) + timedelta(days=90)
        self._sale(self.customer, 1000.0, next_period - timedelta(days=100))
        second = self._check(next_period)
        self.assertRecordValues(second, [{'occasion_key': 'at_risk:%s' % next_period, 'date_due': next_period}])

    def test_a_new_customer_is_warned_too(self):
        self.company.followup_risk_days = 30
        self._sale(self.customer, 500.0, self.today - timedelta(days=45))
        with freeze_time(self.today):
            self._grade(self.today)
            self.assertEqual(self.customer.customer_lifecycle, 'new')
            self.assertRecordValues(self._run(['at_risk']), [{
                'risk_previous_amount': 500.0, 'risk_recent_amount': 0.0}])

    def test_a_dormant_customer_gets_win_back_not_at_risk(self):
        self.company.followup_risk_days = 120
        self._sale(self.customer, 1000.0, self.today - timedelta(days=200))
        with freeze_time(self.today):
            self._grade(self.today)
            self.assertEqual(self.customer.customer_lifecycle, 'dormant')
            self.assertFalse(self._run(['at_risk']))
            self.assertTrue(self._run(['win_back']))

    def test_a_prospect_without_orders_gets_no_card(self):
        self._at(self.today, recent=0.0, previous=0.0)
        self.assertFalse(self._check(self.today))

    def test_the_daily_cron_creates_at_risk_cards(self):
        self._at(self.today, recent=100.0, previous=1000.0)
        with freeze_time(self.today):
            self._grade(self.today)
            cards = self._run()
        self.assertEqual(cards.filtered(lambda card: card.kind == 'at_risk').partner_id, self.customer)

    def test_figures_cannot_be_set_by_hand(self):
        self._at(self.today, recent=100.0, previous=1000.0)
        card = self._check(self.today)
        for vals in ({'risk_drop_percent': 5.0}, {'risk_recent_amount': 999.0}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                card.with_user(self.salesperson).write(vals)
        self.assertRecordValues(card, [{'risk_drop_percent': 90.0, 'risk_recent_amount': 100.0}])
        with self.assertRaises(UserError):
            self.Followup.with_user(self.salesperson).create({
                'kind': 'at_risk', 'partner_id': self.customer.id, 'risk_drop_percent': 80.0})
