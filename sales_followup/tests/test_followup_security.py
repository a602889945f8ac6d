from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_followup import FollowupCase


@tagged('post_install', '-at_install')
class TestFollowupSecurity(FollowupCase):
    """Salespeople see their own customers' cards, managers all; cards never
    cross companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_seller = new_test_user(
            cls.env, login='sf_other_seller', name='Otto Other', groups='sales_team.group_sale_salesman')
        cls.other_customer = cls.env['res.partner'].create({
            'name': 'Other Customer', 'is_company': True, 'user_id': cls.other_seller.id,
        })
        cls.contact = cls.env['res.partner'].create({'name': 'Lotus Contact', 'parent_id': cls.customer.id})
        base = {'kind': 'thank_you', 'date_due': date(2026, 3, 4)}
        cls.my_card = cls.Followup.create({**base, 'partner_id': cls.customer.id, 'user_id': cls.salesperson.id})
        # A card of my customer's contact, assigned to nobody: still mine.
        cls.my_contact_card = cls.Followup.create({**base, 'partner_id': cls.contact.id, 'user_id': False})
        cls.other_card = cls.Followup.create(
            {**base, 'partner_id': cls.other_customer.id, 'user_id': cls.other_seller.id})
        cls.company_b = cls.env['res.company'].create({'name': 'Second Company'})
        cls.card_b = cls.Followup.create({
            **base, 'partner_id': cls.customer.id, 'user_id': cls.sales_manager.id, 'company_id': cls.company_b.id,
        })

    def test_salesperson_sees_only_own_customers_cards(self):
        visible = self.Followup.with_user(self.salesperson).search([])
        self.assertEqual(visible, self.my_card | self.my_contact_card)
        with self.assertRaises(AccessError):
            self.other_card.with_user(self.salesperson).read(['name'])
        with self.assertRaises(AccessError):
            self.other_card.with_user(self.salesperson).write({'note': 'hijack'})
        self.assertFalse(self.other_card.note)
        self.my_card.with_user(self.salesperson).write({'note': 'call on Monday'})
        self.assertEqual(self.my_card.note, 'call on Monday')

    def test_salesperson_cannot_delete_cards(self):
        with self.assertRaises(AccessError):
            self.my_card.with_user(self.salesperson).unlink()
        self.assertTrue(self.my_card.exists())

    def test_manager_sees_all_cards_of_allowed_companies(self):
        manager = self.sales_manager
        self.assertEqual(
            self.Followup.with_user(manager).search([]),
            self.my_card | self.my_contact_card | self.other_card,
            "the second company's card stays out while the manager is not in it")
        manager.write({'company_ids': [(4, self.company_b.id)]})
        cards = self.Followup.with_user(manager).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]).search([])
        self.assertIn(self.card_b, cards)

    def test_salesperson_cannot_read_card_of_other_company(self):
        self.card_b.user_id = self.salesperson
        with self.assertRaises(AccessError):
            self.card_b.with_user(self.salesperson).read(['name'])

    def test_card_cannot_take_partner_of_other_company(self):
        partner_b = self.env['res.partner'].create({'name': 'B only', 'company_id': self.company_b.id})
        with self.assertRaises(ValidationError):
            self.Followup.create({'kind': 'review', 'partner_id': partner_b.id, 'date_due': date(2026, 3, 4)})

    def test_kpi_report_for_managers_only(self):
        with self.assertRaises(AccessError):
            self.env['customer.followup.kpi.report'].with_user(self.salesperson).search([])
        self.env['customer.followup.kpi.report'].with_user(self.sales_manager).search([])

    def test_cron_gives_each_company_its_own_cards(self):
        partner_b = self.env['res.partner'].create({
            'name': 'B Person', 'company_id': self.company_b.id, 'birthday': date(1980, 9, 1),
        })
        # Grades and review dates are per company: only company B reviews.
        self.other_customer.with_company(self.company_b).write({
            'customer_grade': 'a', 'next_review_date': date(2026, 9, 1),
        })
        self.other_customer.with_company(self.company).write({'customer_grade': False})
        with self._no_commit(), freeze_time('2026-09-01'):
            cards = self.Generator._generate_followups(kinds=['birthday', 'review'])
        self.assertRecordValues(cards.sorted('kind'), [
            {'kind': 'birthday', 'partner_id': partner_b.id, 'company_id': self.company_b.id},
            {'kind': 'review', 'partner_id': self.other_customer.id, 'company_id': self.company_b.id},
        ])
        self.assertFalse(self.Followup.with_user(self.other_seller).search([('id', 'in', cards.ids)]),
                         "company B cards stay in company B")

    def test_salesperson_cannot_create_card_for_colleague(self):
        count = self.Followup.search_count([])
        with self.assertRaises(AccessError):
            self.Followup.with_user(self.salesperson).create({
                'kind': 'review', 'partner_id': self.other_customer.id, 'user_id': self.other_seller.id,
                'date_due': date(2026, 3, 4),
            })
        self.assertEqual(self.Followup.search_count([]), count)

    def test_card_refuses_documents_of_another_company(self):
        order = self._order()  # company A
        with self.assertRaises(ValidationError) as cm:
            self.Followup.create({
                'kind': 'thank_you', 'partner_id': self.customer.id, 'order_id': order.id,
                'company_id': self.company_b.id, 'date_due': date(2026, 3, 4),
            })
        self.assertIn(order.name, str(cm.exception))
        self.assertFalse(self.Followup.search([('order_id', '=', order.id)]))
        invoice = self._invoice()
        card = self.Followup.create({
            'kind': 'payment_due', 'partner_id': self.customer.id, 'invoice_id': invoice.id,
            'date_due': date(2026, 3, 4),
        })
        with self.assertRaises(ValidationError):
            card.write({'company_id': self.company_b.id})
        self.assertEqual(card.company_id, self.company)

    def test_kpi_report_never_crosses_companies(self):
        self.card_b.action_mark_done("done in company B")
        self.my_card.action_mark_done("done in company A")
        self.env.flush_all()
        Report = self.env['customer.followup.kpi.report']
        manager = self.sales_manager
        rows = Report.with_user(manager).search([('cards_done', '>', 0)])
        self.assertEqual(rows.company_id, self.company, "company B's figures stay in company B")
        manager.write({'company_ids': [(4, self.company_b.id)]})
        rows = Report.with_user(manager).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]).search([('cards_done', '>', 0)])
        self.assertEqual(rows.company_id, self.company | self.company_b)
