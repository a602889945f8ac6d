from datetime import date

from odoo.tests import Form, tagged

from .common_grading import GradingCase


@tagged('post_install', '-at_install')
class TestCustomerCard(GradingCase):

    def test_customer_card_tab_edits_the_card(self):
        with Form(self.customer.with_user(self.sales_manager)) as card:
            card.customer_kind = 'corporate'
            card.customer_size = 'medium'
            card.customer_potential = 'high'
            card.customer_service_area = 'Shanghai and Suzhou'
            card.customer_relationship_notes = 'Trusts our engineer, not our prices.'
            card.man_money = True
            card.man_need = True
            self.assertEqual(card.man_profile, 'M+a+N')
            self.assertEqual(card.man_recommendation, "Contact, and find the person who decides.")
            card.customer_grade = 'b'
        self.assertRecordValues(self.customer, [{
            'customer_kind': 'corporate', 'customer_size': 'medium', 'customer_potential': 'high',
            'man_profile': 'M+a+N', 'customer_grade': 'b',
        }])

    def test_individual_personal_data(self):
        person = self.env['res.partner'].create({'name': 'Wang Fang', 'customer_kind': 'individual'})
        with Form(person) as card:
            card.birthday = date(1980, 5, 17)
            card.customer_interests = 'Go, tea'
            card.customer_family_notes = 'Two daughters'
        self.assertEqual(person.birthday, date(1980, 5, 17))

    def test_salesperson_cannot_edit_grade_in_form(self):
        self.salesperson.group_ids |= self.env.ref('base.group_partner_manager')
        card = Form(self.customer.with_user(self.salesperson))
        # can_lock_grade drives the readonly grade and the lock buttons
        self.assertTrue(card._get_modifier('customer_grade', 'readonly'))
        card.customer_kind = 'government'
        card.save()
        self.assertEqual(self.customer.customer_kind, 'government')

    def test_contact_shows_company_card(self):
        self.customer.write({'customer_kind': 'corporate', 'customer_potential': 'high', 'man_money': True})
        contact = self.env['res.partner'].create({
            'name': 'Zhang Wei', 'parent_id': self.customer.id, 'birthday': date(1975, 1, 2)})
        self.assertRecordValues(contact, [{
            'customer_kind': 'corporate', 'customer_potential': 'high', 'man_profile': 'M+a+n',
            'birthday': date(1975, 1, 2),
        }])
        self.customer.customer_potential = 'low'
        self.assertEqual(contact.customer_potential, 'low')
        # personal data stays personal
        self.assertFalse(self.customer.birthday)

    def test_customer_card_report(self):
        self.customer.write({
            'customer_kind': 'corporate', 'customer_relationship_notes': 'Long-standing partner',
            'customer_service_area': 'Yangtze delta',
        })
        self._order(self.customer, 250)
        self._grade()
        report = self.env.ref('sales_followup.action_report_customer_card')
        self.assertEqual(report.report_type, 'qweb-pdf')
        self.assertEqual(report.binding_model_id.model, 'res.partner')
        html, __ = self.env['ir.actions.report']._render_qweb_html(
            'sales_followup.report_customer_card', self.customer.ids)
        html = html.decode()
        for text in ("Customer Card", "Lotus Trading", "Corporate", "A (key)", "New",
                     "Long-standing partner", "Yangtze delta", "250.00"):
            self.assertIn(text, html)
        self.assertNotIn("MAN Profile", html)  # not a prospect any more

    def test_customer_card_report_for_prospect_shows_man(self):
        self.customer.write({'man_money': True, 'man_authority': True, 'man_need': True})
        html, __ = self.env['ir.actions.report']._render_qweb_html(
            'sales_followup.report_customer_card', self.customer.ids)
        self.assertIn("Ideal prospect: pursue now.", html.decode())
