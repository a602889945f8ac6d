"""Customer-card quality: how complete each card is, by the rule of its
kind, and the manager's weekly review of the incomplete ones."""
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..const import CARD_COMPLETENESS_FIELDS
from .common_team import TeamCase


@tagged('post_install', '-at_install')
class TestCardCompleteness(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.country = cls.env.ref('base.cn')
        cls.industry = cls.env['res.partner.industry'].create({'name': 'Hospitality'})
        cls.contact_data = {'email': 'a@example.com', 'phone': '+86 21 1234', 'street': '1 Bund Road',
                            'city': 'Shanghai', 'country_id': cls.country.id}

    def _partner(self, **vals):
        return self.env['res.partner'].create({'name': 'Card Test', 'user_id': self.salesperson.id, **vals})

    def test_an_individual_needs_a_birthday(self):
        person = self._partner(customer_kind='individual', **self.contact_data)
        # 6 of 9: kind and the five contact fields
        self.assertEqual(person.card_completeness, 67)
        person.write({'birthday': date(1985, 5, 4), 'customer_interests': 'Tea',
                      'customer_relationship_notes': 'Trusts us'})
        self.assertEqual(person.card_completeness, 100)
        person.birthday = False
        self.assertEqual(person.card_completeness, 89)

    def test_a_company_needs_industry_and_size(self):
        company = self._partner(is_company=True, customer_kind='corporate', **self.contact_data,
                                customer_potential='high', customer_service_area='East China',
                                customer_relationship_notes='Long-standing')
        self.assertEqual(company.card_completeness, 82)  # 9 of 11: no industry, no size
        company.write({'industry_id': self.industry.id, 'customer_size': 'large'})
        self.assertEqual(company.card_completeness, 100)

    def test_a_government_body_and_a_customer_of_no_kind(self):
        body = self._partner(is_company=True, customer_kind='government', **self.contact_data)
        self.assertEqual(body.card_completeness, 67)  # 6 of 9
        unknown = self._partner(is_company=True, **self.contact_data)
        self.assertEqual(unknown.card_completeness, 83)  # 5 of 6: its kind is missing
        self.assertEqual(self._partner().card_completeness, 0)

    def test_the_rule_is_one_table(self):
        for kind, fnames in CARD_COMPLETENESS_FIELDS.items():
            with self.subTest(kind=kind):
                self.assertTrue(set(fnames) <= set(self.env['res.partner']._fields))
                self.assertIn('customer_kind', fnames)

    def test_incomplete_cards_filter(self):
        full = self._partner(name='Full Card', customer_kind='individual', **self.contact_data,
                             birthday=date(1980, 1, 1), customer_interests='Golf',
                             customer_relationship_notes='Friendly')
        thin = self._partner(name='Thin Card', customer_kind='individual')
        view = self.env.ref('sales_followup.view_partner_search_customer_board')
        self.assertIn('name="incomplete_cards"', view.arch)
        found = self.env['res.partner'].search([('card_completeness', '<', 100), ('id', 'in', (full | thin).ids)])
        self.assertEqual(found, thin)

    def test_completeness_cannot_be_set_by_hand(self):
        thin = self._partner(customer_kind='individual')
        with self.assertRaises(UserError):
            thin.with_user(self.salesperson).write({'card_completeness': 100})
        with self.assertRaises(UserError):
            self.env['res.partner'].with_user(self.salesperson).create({
                'name': 'Forged', 'card_completeness': 100})
        self.assertEqual(thin.card_completeness, 11)


@tagged('post_install', '-at_install')
class TestCardReview(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env['res.partner']
        cls.thin_one = Partner.create({'name': 'Thin One', 'is_company': True, 'user_id': cls.salesperson.id})
        cls.thin_two = Partner.create({'name': 'Thin Two', 'is_company': True, 'user_id': cls.salesperson.id,
                                       'customer_kind': 'corporate', 'email': 'two@example.com'})
        cls.colleague_thin = Partner.create({'name': 'Colleague Thin', 'is_company': True,
                                             'user_id': cls.colleague.id})
        cls.admin_manager = cls.env.ref('sales_team.group_sale_manager').all_user_ids.filtered(
            lambda user: user.active and not user.share and user != cls.env.ref('base.user_root')
        ).sorted('id')[:1]
        # Everybody else's customers are complete: only ours are listed.
        (Partner.search([('card_completeness', '<', 100), ('user_id', '!=', False)])
         - cls.thin_one - cls.thin_two - cls.colleague_thin - cls.customer - cls.colleague_customer).write(
            {'user_id': False})

    def _reviews(self, user=None):
        return self.env['mail.activity'].with_context(active_test=False).search([
            ('activity_type_id', '=', self.env.ref('sales_followup.mail_activity_type_card_review').id),
        ] + ([('user_id', '=', user.id)] if user else []))

    def _cron(self, day):
        with freeze_time(day), self._no_commit():
            self.env['res.partner']._cron_review_incomplete_cards()

    def test_each_manager_gets_one_review_listing_their_salespeople(self):
        self._cron('2026-03-04')
        review = self._reviews(self.sales_manager)
        self.assertRecordValues(review, [{'date_deadline': date(2026, 3, 4), 'res_model': False}])
        self.assertIn('Sally Seller', review.note)
        self.assertIn('Thin One (0%)', review.note)
        self.assertIn('Thin Two', review.note)
        self.assertNotIn('Colleague Thin', review.note, "another team's customers go to their own manager")
        # The colleague's team has no leader: the first sales administrator reviews it.
        other = self._reviews(self.admin_manager)
        self.assertIn('Colin Colleague', other.note)
        self.assertIn('Colleague Thin', other.note)

    def test_weekly_and_idempotent(self):
        self._cron('2026-03-04')
        self._cron('2026-03-04')
        self._cron('2026-03-06')
        self.assertEqual(len(self._reviews(self.sales_manager)), 1, "once a week")
        self._reviews(self.sales_manager).action_done()
        self._cron('2026-03-07')
        self.assertEqual(len(self._reviews(self.sales_manager)), 1, "done this week is done")
        self._cron('2026-03-11')
        self.assertEqual(len(self._reviews(self.sales_manager)), 2, "next week, a new review")

    def test_complete_cards_are_not_listed(self):
        (self.thin_one | self.thin_two | self.customer).write({'user_id': self.colleague.id})
        self._cron('2026-03-04')
        self.assertFalse(self._reviews(self.sales_manager))

    def test_the_review_cron_is_weekly(self):
        cron = self.env.ref('sales_followup.ir_cron_card_review')
        self.assertRecordValues(cron, [{'interval_number': 1, 'interval_type': 'weeks', 'active': True}])
