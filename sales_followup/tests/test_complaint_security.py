from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_complaint import ComplaintCase


@tagged('post_install', '-at_install')
class TestComplaintSecurity(ComplaintCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._complaint()
        cls.foreign = cls._complaint(partner_id=cls.other_customer.id, order_id=False)
        cls.own.internal_note = '<p>Supplier batch 42 is faulty</p>'
        cls.company_b = cls.env['res.company'].create({'name': 'Second Company'})
        cls.customer_b = cls.env['res.partner'].create({
            'name': 'Birch Ltd', 'is_company': True, 'company_id': cls.company_b.id,
            'user_id': cls.salesperson.id,
        })
        cls.complaint_b = cls.Complaint.with_company(cls.company_b).create({
            'partner_id': cls.customer_b.id, 'company_id': cls.company_b.id,
            'description': 'Wrong colour', 'user_id': cls.salesperson.id,
        })
        cls.portal_contact = cls.env['res.partner'].create({
            'name': 'Lin Lotus', 'parent_id': cls.customer.id, 'email': 'lin@example.com'})
        cls.portal_user = new_test_user(
            cls.env, login='sf_complaint_portal', groups='base.group_portal', partner_id=cls.portal_contact.id)

    # ------------------------------------------------------------------
    # Internal users
    # ------------------------------------------------------------------

    def test_salesperson_sees_only_own_customers_complaints(self):
        Complaint = self.Complaint.with_user(self.salesperson)
        visible = Complaint.search([('id', 'in', (self.own | self.foreign).ids)])
        self.assertEqual(visible, self.own)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesperson).read(['description'])
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesperson).action_acknowledge()
        self.assertEqual(self.foreign.state, 'new')

    def test_salesperson_cannot_file_for_another_salespersons_customer(self):
        with self.assertRaises(AccessError):
            self.Complaint.with_user(self.salesperson).create({
                'partner_id': self.other_customer.id, 'description': 'Not mine',
            })
        self.assertEqual(self.Complaint.search_count([('partner_id', '=', self.other_customer.id)]), 1)

    def test_complaint_assigned_to_me_is_visible_even_for_another_customer(self):
        self.foreign.user_id = self.salesperson
        self.assertTrue(self.foreign.with_user(self.salesperson).read(['name']))

    def test_manager_sees_all(self):
        visible = self.Complaint.with_user(self.sales_manager).search([('id', 'in', (self.own | self.foreign).ids)])
        self.assertEqual(visible, self.own | self.foreign)
        self.foreign.with_user(self.sales_manager).action_acknowledge()
        self.assertEqual(self.foreign.state, 'acknowledged')

    def test_only_managers_delete(self):
        with self.assertRaises(AccessError):
            self.own.with_user(self.salesperson).unlink()
        self.assertTrue(self.own.exists())
        self.own.with_user(self.sales_manager).unlink()
        self.assertFalse(self.own.exists())

    def test_complaint_analysis_follows_the_same_rules(self):
        Report = self.env['customer.complaint.report']
        ids = (self.own | self.foreign).ids
        self.assertEqual(Report.with_user(self.salesperson).search([('complaint_id', 'in', ids)]).complaint_id,
                         self.own)
        self.assertEqual(Report.with_user(self.sales_manager).search([('complaint_id', 'in', ids)]).complaint_id,
                         self.own | self.foreign)

    # ------------------------------------------------------------------
    # Multi-company
    # ------------------------------------------------------------------

    def test_complaints_never_cross_companies(self):
        # The salesperson owns the customer of company B but works in company A only.
        self.assertNotIn(self.company_b, self.salesperson.company_ids)
        Complaint = self.Complaint.with_user(self.salesperson)
        self.assertFalse(Complaint.search([('id', '=', self.complaint_b.id)]))
        manager = self.Complaint.with_user(self.sales_manager)
        self.assertFalse(manager.search([('id', '=', self.complaint_b.id)]))
        with self.assertRaises(AccessError):
            self.complaint_b.with_user(self.sales_manager).read(['name'])
        report = self.env['customer.complaint.report'].with_user(self.sales_manager)
        self.assertFalse(report.search([('complaint_id', '=', self.complaint_b.id)]))

    def test_user_of_both_companies_sees_complaints_of_allowed_companies(self):
        self.sales_manager.company_ids = [Command.link(self.company_b.id)]
        manager_env = self.Complaint.with_user(self.sales_manager).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id])
        self.assertEqual(manager_env.search([('id', 'in', (self.own | self.complaint_b).ids)]),
                         self.own | self.complaint_b)
        only_a = self.Complaint.with_user(self.sales_manager).with_context(allowed_company_ids=[self.company.id])
        self.assertEqual(only_a.search([('id', 'in', (self.own | self.complaint_b).ids)]), self.own)

    def test_other_companys_complaints_go_to_that_companys_manager(self):
        """The salesperson's team leader works in company A only: an overdue
        or escalated complaint of company B goes to a manager of company B."""
        manager_b = new_test_user(
            self.env, login='sf_complaint_manager_b', groups='sales_team.group_sale_manager',
            company_id=self.company_b.id, company_ids=[Command.set(self.company_b.ids)])
        self.complaint_b.date_received = '2026-03-02'
        with freeze_time('2026-03-20'):
            self.assertEqual(self.complaint_b._alert_overdue(), self.complaint_b)
        self.complaint_b.action_escalate(reason='Needs a manager of company B')
        self.assertEqual(self.complaint_b.activity_ids.user_id, manager_b)
        self.assertEqual(len(self.complaint_b.activity_ids), 2)
        # Company A complaints still go to the team leader.
        self.own.action_escalate(reason='Team leader')
        self.assertEqual(self.own.activity_ids.user_id, self.sales_manager)

    def test_order_and_customer_of_another_company_are_refused(self):
        with self.assertRaises(ValidationError):
            self.Complaint.create({
                'partner_id': self.customer_b.id, 'company_id': self.company.id, 'description': 'Cross',
            })
        with self.assertRaises(ValidationError):
            self.Complaint.with_company(self.company_b).create({
                'partner_id': self.customer.id, 'order_id': self.order.id,
                'company_id': self.company_b.id, 'description': 'Cross order',
            })
        self.assertFalse(self.Complaint.search([('description', 'like', 'Cross')]))

    def test_sequence_per_company(self):
        self.assertTrue(self.complaint_b.name.startswith('CMP/'))
        self.assertNotEqual(self.complaint_b.name, self.own.name)

    # ------------------------------------------------------------------
    # Portal, at the ORM level (RPC)
    # ------------------------------------------------------------------

    def test_portal_user_reads_only_own_complaints(self):
        Complaint = self.Complaint.with_user(self.portal_user)
        self.assertEqual(Complaint.search([]), self.own)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.portal_user).read(['description'])

    def test_portal_user_never_reads_internal_notes(self):
        own = self.own.with_user(self.portal_user)
        self.assertEqual(own.read(['description'])[0]['description'], 'The lamp flickers.')
        for field in ('internal_note', 'escalation_reason', 'better_offer', 'escalated_by_id'):
            with self.subTest(field=field), self.assertRaises(AccessError):
                own.read([field])

    def test_portal_user_cannot_write_create_or_move_complaints(self):
        own = self.own.with_user(self.portal_user)
        with self.assertRaises(AccessError):
            own.write({'severity': 'critical'})
        with self.assertRaises(AccessError):
            self.Complaint.with_user(self.portal_user).create({
                'partner_id': self.portal_contact.id, 'description': 'Direct RPC'})
        with self.assertRaises(AccessError):
            own.action_acknowledge()
        self.assertRecordValues(self.own, [{'severity': 'normal', 'state': 'new'}])
