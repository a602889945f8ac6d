"""The attacker's calls, made as a salesperson with plain Sales / User
rights: each one is refused with a clear message and changes nothing."""
from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_complaint import ComplaintCase
from .common_followup import FollowupCase
from .common_grading import GradingCase


@tagged('post_install', '-at_install')
class TestComplaintIntegrity(ComplaintCase):

    def test_context_key_does_not_unlock_workflow_fields(self):
        complaint = self._complaint(user=self.salesperson)
        forged = complaint.with_user(self.salesperson).with_context(complaint_workflow=True)
        for vals in ({'escalated': True}, {'escalated_by_id': self.sales_manager.id},
                     {'escalation_reason': 'Forged'}, {'date_resolved': '2026-01-01 10:00:00'},
                     {'date_closed': '2026-01-01 10:00:00'}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                forged.write(vals)
        self.assertRecordValues(complaint, [{'escalated': False, 'date_resolved': False, 'date_closed': False}])
        self.assertFalse(complaint.sudo().escalated_by_id)

    def test_context_key_does_not_skip_the_steps(self):
        complaint = self._advance(self._complaint(user=self.salesperson), 'investigating')
        forged = complaint.with_user(self.salesperson).with_context(complaint_workflow=True, tracking_disable=True)
        with self.assertRaises(UserError):
            forged.write({'state': 'resolved'})  # no responsibility, no solution
        with self.assertRaises(UserError):
            forged.write({'state': 'closed'})
        self.assertRecordValues(complaint, [{'state': 'investigating', 'date_resolved': False}])
        # With what the step needs, it runs in full: date, call-back card, e-mail, trace.
        forged.write({'state': 'proposed', 'solution': 'New lamp.', 'responsibility': 'product'})
        forged.write({'state': 'resolved'})
        self.assertEqual(complaint.state, 'resolved')
        self.assertTrue(complaint.date_resolved)
        self.assertEqual(complaint.followup_ids.kind, 'complaint')
        trackings = complaint.sudo().message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == 'state')
        self.assertIn('Resolved', trackings.mapped('new_value_char'))

    def test_salesperson_cannot_plant_a_complaint(self):
        Complaint = self.Complaint.with_user(self.salesperson)
        count = self.Complaint.search_count([])
        cases = {
            "a colleague's customer": {'partner_id': self.other_customer.id, 'order_id': False},
            "assigned to a colleague": {'user_id': self.other_salesperson.id},
            "a colleague's order": {'order_id': self._order(self.other_customer).id},
        }
        for case, vals in cases.items():
            with self.subTest(case=case), self.assertRaises(UserError):
                Complaint.create({'partner_id': self.customer.id, 'description': 'Planted', **vals})
        self.assertEqual(self.Complaint.search_count([]), count)
        complaint = self._complaint(user=self.salesperson)
        with self.assertRaises(AccessError):
            complaint.with_user(self.salesperson).write({'user_id': self.other_salesperson.id})
        self.assertEqual(complaint.user_id, self.salesperson)

    def test_manager_assigns_freely(self):
        complaint = self.Complaint.with_user(self.sales_manager).create({
            'partner_id': self.other_customer.id, 'description': 'Assigned by the manager',
            'user_id': self.salesperson.id,
        })
        self.assertEqual(complaint.user_id, self.salesperson)

    def test_unknown_severity_is_a_clear_error(self):
        Complaint = self.Complaint.with_user(self.salesperson)
        count = self.Complaint.search_count([])
        with self.assertRaises(ValidationError) as refused:
            Complaint.create({'partner_id': self.customer.id, 'description': 'Bad', 'severity': 'urgent'})
        self.assertIn('urgent', str(refused.exception))
        complaint = self._complaint(user=self.salesperson)
        with self.assertRaises(ValidationError):
            complaint.with_user(self.salesperson).write({'severity': 'urgent'})
        self.assertEqual(complaint.severity, 'normal')
        self.assertEqual(self.Complaint.search_count([]), count + 1)

    def test_blank_description_and_dates_out_of_order_are_refused(self):
        Complaint = self.Complaint.with_user(self.salesperson)
        count = self.Complaint.search_count([])
        for vals in ({'description': '   '}, {'description': ''},
                     {'date_received': '2026-03-10', 'reply_deadline': '2026-03-01'},
                     {'date_received': '1900-01-01'}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                Complaint.create({'partner_id': self.customer.id, 'description': 'Fine', **vals})
        self.assertEqual(self.Complaint.search_count([]), count)
        complaint = self._complaint(user=self.salesperson, date_received='2026-03-10')
        with self.assertRaises(ValidationError):
            complaint.with_user(self.salesperson).write({'reply_deadline': '2026-03-09'})
        self.assertGreaterEqual(complaint.reply_deadline, date(2026, 3, 10))


@tagged('post_install', '-at_install')
class TestFollowupIntegrity(FollowupCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.colleague = cls.env['res.users'].create({
            'name': 'Colin Colleague', 'login': 'sf_integrity_colleague',
            'group_ids': [Command.link(cls.env.ref('sales_team.group_sale_salesman').id)],
        })
        cls.colleague_customer = cls.env['res.partner'].create({
            'name': 'Cedar Works', 'is_company': True, 'user_id': cls.colleague.id,
        })
        cls.Card = cls.Followup.with_user(cls.salesperson)

    def test_occasion_cannot_be_squatted(self):
        with freeze_time('2026-05-04'):
            order = self._order(partner=self.colleague_customer, user=self.colleague)
            self._deliver(order)
        count = self.Followup.search_count([])
        with freeze_time('2026-05-06'):
            for vals in (
                {'partner_id': self.customer.id, 'occasion_key': 'sale.order,%s' % order.id},
                {'partner_id': self.colleague_customer.id, 'order_id': order.id},
                {'partner_id': self.customer.id, 'order_id': order.id},
            ):
                with self.subTest(vals=vals), self.assertRaises(UserError):
                    self.Card.create({'kind': 'thank_you', 'date_due': '2026-05-06', **vals})
            self.assertEqual(self.Followup.search_count([]), count)
            self._run(kinds=('thank_you',))
        card = self._cards('thank_you', self.colleague_customer)
        self.assertRecordValues(card, [{'user_id': self.colleague.id, 'order_id': order.id}])

    def test_occasion_key_is_never_writable(self):
        card = self.Card.create({'kind': 'review', 'partner_id': self.customer.id, 'date_due': '2026-05-06'})
        key = card.occasion_key
        with self.assertRaises(UserError):
            card.write({'occasion_key': 'sale.order,1'})
        self.assertEqual(card.occasion_key, key)

    def test_hand_card_of_an_occasion_that_has_a_card_is_refused(self):
        with freeze_time('2026-05-10'):
            invoice = self._invoice(amount=100.0, date_due=date(2026, 5, 10))
            self._run(kinds=('payment_due',))
            existing = self._cards('payment_due')
            self.assertEqual(len(existing), 1)
            with self.assertRaises(ValidationError) as refused:
                self.Card.create({
                    'kind': 'payment_due', 'partner_id': self.customer.id, 'invoice_id': invoice.id,
                    'date_due': '2026-05-10',
                })
        self.assertIn(existing.name, str(refused.exception))
        self.assertEqual(self._cards('payment_due'), existing)

    def test_source_of_a_card_does_not_change(self):
        card = self.Card.create({'kind': 'review', 'partner_id': self.customer.id, 'date_due': '2026-05-06'})
        order = self._order()
        for vals in ({'kind': 'thank_you'}, {'order_id': order.id}, {'partner_id': self.colleague_customer.id}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                card.write(vals)
        self.assertRecordValues(card, [{'kind': 'review', 'order_id': False, 'partner_id': self.customer.id}])

    def test_state_writes_cannot_skip_the_steps(self):
        done = self.Card.create({'kind': 'review', 'partner_id': self.customer.id, 'date_due': '2026-05-06'})
        done.action_mark_done("reviewed")
        cancelled = self.Card.create({'kind': 'birthday', 'partner_id': self.customer.id, 'date_due': '2026-05-06'})
        cancelled.action_cancel()
        for card, target in ((done, 'todo'), (done, 'in_progress'), (cancelled, 'in_progress'),
                             (cancelled, 'done')):
            with self.subTest(state=card.state, target=target), self.assertRaises(UserError):
                card.write({'state': target})
        self.assertRecordValues(done | cancelled, [{'state': 'done'}, {'state': 'cancelled'}])

    def test_context_key_does_not_desynchronise_activities(self):
        card = self.Card.create({'kind': 'review', 'partner_id': self.customer.id, 'date_due': '2026-05-06'})
        self.assertEqual(len(self._activities(card)), 1)
        card.with_context(followup_skip_activity_sync=True).action_cancel()
        self.assertFalse(self._activities(card))

    def test_salesperson_cannot_plant_a_card(self):
        count = self.Followup.search_count([])
        colleague_order = self._order(partner=self.colleague_customer, user=self.colleague)
        for case, vals in {
            "a colleague's customer": {'partner_id': self.colleague_customer.id},
            "assigned to a colleague": {'partner_id': self.customer.id, 'user_id': self.colleague.id},
            "a colleague's order": {'partner_id': self.customer.id, 'order_id': colleague_order.id},
        }.items():
            with self.subTest(case=case), self.assertRaises(AccessError):
                self.Card.create({'kind': 'review', 'date_due': '2026-05-06', **vals})
        self.assertEqual(self.Followup.search_count([]), count)

    def test_card_of_another_company_is_a_clear_error(self):
        other = self.env['res.company'].create({'name': 'Integrity Other Co'})
        with self.assertRaises(AccessError) as refused:
            self.Card.create({'kind': 'review', 'partner_id': self.customer.id, 'date_due': '2026-05-06',
                              'company_id': other.id})
        self.assertIn('Integrity Other Co', str(refused.exception))

    def test_bad_card_values_are_refused(self):
        count = self.Followup.search_count([])
        invoice = self._invoice(amount=100.0)
        today = fields.Date.context_today(self.Card)
        for vals in ({'date_due': '1900-01-01'}, {'kind': 'lottery'},
                     {'kind': 'payment_due', 'invoice_id': invoice.id, 'promise_date': today - timedelta(days=3)},
                     {'kind': 'payment_due', 'invoice_id': invoice.id, 'promise_amount': 1e20}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self.Card.create({'kind': 'review', 'partner_id': self.customer.id, 'date_due': today, **vals})
        self.assertEqual(self.Followup.search_count([]), count)
        card = self.Card.create({'kind': 'payment_due', 'partner_id': self.customer.id, 'invoice_id': invoice.id,
                                 'date_due': today})
        for vals in ({'promise_date': today - timedelta(days=3)}, {'promise_amount': 1e20}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                card.write(vals)
        with self.assertRaises(UserError):
            card._record_promise(today, 1e20, 100.0)
        self.assertRecordValues(card, [{'promise_date': False, 'promise_amount': 0.0, 'state': 'todo'}])

    def test_my_followups_open_on_a_source_the_user_cannot_read(self):
        """A manager gives a salesperson a card about a colleague's order."""
        colleague_order = self._order(partner=self.colleague_customer, user=self.colleague)
        card = self.Followup.with_user(self.sales_manager).create({
            'kind': 'complaint', 'partner_id': self.colleague_customer.id, 'order_id': colleague_order.id,
            'user_id': self.salesperson.id, 'date_due': '2026-05-06',
        })
        self.assertFalse(colleague_order.with_user(self.salesperson).has_access('read'))
        Card = self.Followup.with_user(self.salesperson)
        action = self.env.ref('sales_followup.action_my_followups')
        for view_type in ('kanban', 'list', 'form'):
            with self.subTest(view=view_type):
                view = Card.get_views([(False, view_type)])
                spec = {name: ({'fields': {'display_name': {}}} if Card._fields[name].type == 'many2one' else {})
                        for name in view['models']['customer.followup']['fields']}
                if view_type == 'form':
                    [values] = Card.browse(card.id).web_read(spec)
                else:
                    values = next(record for record in Card.web_search_read(
                        [('id', '=', card.id)], spec)['records'])
                if 'source_document' in values:
                    self.assertEqual(values['source_document'], colleague_order.name)
                if 'order_id' in values:
                    self.assertEqual(values['order_id']['display_name'], colleague_order.name)
        self.assertTrue(action)


@tagged('post_install', '-at_install')
class TestGradingIntegrity(GradingCase):

    def test_engine_figures_are_read_only_to_everyone(self):
        customer = self._customer("Integrity Customer")
        self._order(customer, 500)
        self._grade()
        before = customer.read(['customer_lifecycle', 'grade_revenue', 'grade_order_count',
                                'first_order_date', 'last_order_date'])[0]
        for user in (self.salesperson, self.sales_manager):
            for vals in ({'customer_lifecycle': 'dormant'}, {'grade_revenue': 1e9}, {'grade_order_count': 99},
                         {'first_order_date': '2000-01-01'}, {'last_order_date': '2000-01-01'}):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(UserError):
                    customer.with_user(user).write(vals)
        customer.invalidate_recordset()
        self.assertEqual(customer.read(list(before))[0], before)
        with self.assertRaises(UserError):
            self.env['res.partner'].with_user(self.sales_manager).create({
                'name': 'Forged Active', 'customer_lifecycle': 'active', 'grade_revenue': 1e6})

    def test_only_managers_set_the_next_review(self):
        customer = self._customer("Integrity Review")
        self._order(customer, 500)
        self._grade()
        planned = customer.next_review_date
        with self.assertRaises(AccessError):
            customer.with_user(self.salesperson).write({'next_review_date': '2031-01-01'})
        customer.invalidate_recordset()
        self.assertEqual(customer.next_review_date, planned)
        customer.with_user(self.sales_manager).write({'next_review_date': planned + timedelta(days=3)})
        self.assertEqual(customer.next_review_date, planned + timedelta(days=3))

    def test_settings_out_of_bounds_are_refused(self):
        for vals in ({'followup_grade_window_days': 1_000_000_000}, {'followup_grade_window_days': 3651},
                     {'followup_grade_a_percent': 0.0, 'followup_grade_b_percent': 0.0},
                     {'followup_credit_tolerance': 1000.0}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                self.company.write(vals)
        self.assertRecordValues(self.company, [{
            'followup_grade_window_days': 365, 'followup_grade_a_percent': 80.0, 'followup_credit_tolerance': 0.0,
        }])
