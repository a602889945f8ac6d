"""A customer changing hands takes its open work with it: cards with their
activities, complaints, and whatever other work of the customer.work.mixin
is still open; the customer's chatter says who took over from whom."""
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, JsonRpcException, new_test_user, tagged

from .common_team import TeamCase


@tagged('post_install', '-at_install')
class TestHandover(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env['customer.handover.wizard']

    def _card(self, customer, user, kind='review', **vals):
        return self.Followup.create({
            'kind': kind, 'partner_id': customer.id, 'user_id': user.id if user else False,
            'date_due': date.today(), **vals,
        })

    def _followup_activity(self, card):
        return card.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref('sales_followup.mail_activity_type_followup'))

    def _messages(self, record, text):
        return record.message_ids.filtered(lambda m: text in (m.body or ''))

    # ------------------------------------------------------------------
    # What moves
    # ------------------------------------------------------------------

    def test_changing_salesperson_moves_open_cards_with_their_activities(self):
        contact = self.env['res.partner'].create({
            'name': 'Lily Lotus', 'parent_id': self.customer.id, 'user_id': self.salesperson.id})
        open_card = self._card(self.customer, self.salesperson)
        contact_card = self._card(contact, self.salesperson, kind='birthday')
        unassigned = self._card(self.customer, False, kind='win_back')
        done = self._card(self.customer, self.salesperson, kind='thank_you')
        done.action_mark_done("thanked")
        managers_card = self._card(self.customer, self.sales_manager, kind='reorder')
        self.assertFalse(self._followup_activity(unassigned))

        self.customer.with_user(self.salesperson).write({'user_id': self.colleague.id})

        self.assertEqual((open_card | contact_card | unassigned).user_id, self.colleague)
        for card in open_card | contact_card | unassigned:
            self.assertEqual(self._followup_activity(card).user_id, self.colleague, card.kind)
            self.assertEqual(self._followup_activity(card).date_deadline, card.date_due)
        self.assertEqual(done.user_id, self.salesperson, "closed work stays where it was done")
        self.assertEqual(managers_card.user_id, self.sales_manager, "a colleague's card stays theirs")
        self.assertEqual(contact.user_id, self.colleague, "the contacts follow their company")
        self.assertTrue(self._messages(open_card, "Colin Colleague took over from Sally Seller."))
        # The successor works the cards; the previous salesperson no longer sees them.
        self.assertEqual(self.Followup.with_user(self.colleague).search([('id', '=', open_card.id)]), open_card)
        self.assertFalse(self.Followup.with_user(self.salesperson).search([('id', '=', open_card.id)]))

    def test_changing_salesperson_moves_open_complaints(self):
        complaint = self._file_complaint()
        complaint.activity_schedule('mail.mail_activity_data_todo', user_id=self.salesperson.id,
                                    summary="Call the customer back")
        escalation = complaint.activity_schedule('mail.mail_activity_data_todo', user_id=self.sales_manager.id,
                                                 summary="Escalated")
        resolved = self._walk_to_resolved(self._file_complaint(description="Wrong invoice."))
        callback = resolved.followup_ids
        self.assertEqual(callback.state, 'todo')

        self.customer.write({'user_id': self.colleague.id})

        self.assertEqual(complaint.user_id, self.colleague)
        self.assertEqual(complaint.activity_ids.filtered(lambda a: a.summary == "Call the customer back").user_id,
                         self.colleague)
        self.assertEqual(escalation.user_id, self.sales_manager, "the manager's activity stays the manager's")
        self.assertIn(self.colleague.partner_id, complaint.message_partner_ids, "the successor follows it")
        self.assertEqual(resolved.user_id, self.salesperson, "a resolved complaint is no open work")
        self.assertEqual(callback.user_id, self.colleague, "but its open call-back card is")
        self.assertEqual(
            self.env['customer.complaint'].with_user(self.colleague).search([('id', '=', complaint.id)]), complaint)

    def test_customer_chatter_says_who_took_over_and_what_moved(self):
        self._card(self.customer, self.salesperson)
        self._card(self.customer, self.salesperson, kind='birthday')
        self._file_complaint()
        self.customer.write({'user_id': self.colleague.id})
        [message] = self._messages(self.customer, "took over")
        self.assertIn("Colin Colleague took over from Sally Seller as salesperson.", message.body)
        self.assertIn("Follow-up Card (2)", message.body)
        self.assertIn("Customer Complaint (1)", message.body)
        # A customer without open work says so.
        quiet = self.env['res.partner'].create({'name': 'Quiet Ltd', 'is_company': True,
                                                'user_id': self.salesperson.id})
        quiet.write({'user_id': self.colleague.id})
        self.assertIn("There was no open work to move.", self._messages(quiet, "took over").body)

    def test_same_salesperson_written_again_moves_nothing(self):
        card = self._card(self.customer, self.salesperson)
        self.customer.with_user(self.salesperson).write({'user_id': self.salesperson.id, 'phone': '123'})
        self.assertEqual(card.user_id, self.salesperson)
        self.assertFalse(self._messages(self.customer, "took over"))

    def test_taking_a_customer_nobody_sells_to_takes_its_unassigned_work(self):
        free = self.env['res.partner'].create({'name': 'Free Agent', 'is_company': True})
        card = self._card(free, False)
        free.with_user(self.salesperson).write({'user_id': self.salesperson.id})
        self.assertEqual(card.user_id, self.salesperson)
        self.assertEqual(self._followup_activity(card).user_id, self.salesperson)
        self.assertIn("Sally Seller took over as salesperson.", self._messages(free, "took over").body)

    # ------------------------------------------------------------------
    # Who may hand over
    # ------------------------------------------------------------------

    def test_salesperson_cannot_hand_over_a_colleagues_customer(self):
        card = self._card(self.colleague_customer, self.colleague)
        for new_user in (self.salesperson, self.sales_manager):
            with self.subTest(new_user=new_user.name), self.assertRaises(AccessError):
                self.colleague_customer.with_user(self.salesperson).write({'user_id': new_user.id})
        self.assertEqual(self.colleague_customer.user_id, self.colleague)
        self.assertEqual(card.user_id, self.colleague)
        self.assertFalse(self._messages(self.colleague_customer, "took over"))

    def test_salesperson_cannot_give_a_free_customer_to_a_colleague(self):
        free = self.env['res.partner'].create({'name': 'Free Agent', 'is_company': True})
        with self.assertRaises(AccessError):
            free.with_user(self.salesperson).write({'user_id': self.colleague.id})
        self.assertFalse(free.user_id)

    def test_manager_hands_over_any_customer(self):
        card = self._card(self.colleague_customer, self.colleague)
        self.colleague_customer.with_user(self.sales_manager).write({'user_id': self.salesperson.id})
        self.assertEqual(card.user_id, self.salesperson)

    # ------------------------------------------------------------------
    # The wizard
    # ------------------------------------------------------------------

    def _wizard(self, user=None, **vals):
        return self.Wizard.with_user(user or self.sales_manager).create({
            'user_id': self.salesperson.id, 'successor_id': self.colleague.id, **vals})

    def test_wizard_hands_over_all_customers_of_a_salesperson(self):
        second = self.env['res.partner'].create({'name': 'Second Co', 'is_company': True,
                                                 'user_id': self.salesperson.id})
        cards = self._card(self.customer, self.salesperson) | self._card(second, self.salesperson)
        with Form(self.Wizard.with_user(self.sales_manager)) as form:
            form.user_id = self.salesperson
            form.successor_id = self.colleague
            self.assertEqual(form.customer_count, 2)
        form.record.action_confirm()
        self.assertEqual((self.customer | second).user_id, self.colleague)
        self.assertEqual(cards.user_id, self.colleague)
        self.assertEqual(cards.activity_ids.user_id, self.colleague)

    def test_wizard_hands_over_a_selection(self):
        second = self.env['res.partner'].create({'name': 'Second Co', 'is_company': True,
                                                 'user_id': self.salesperson.id})
        wizard = self._wizard(scope='selection', partner_ids=[Command.set(second.ids)])
        self.assertEqual(wizard.customer_count, 1)
        wizard.action_confirm()
        self.assertEqual(second.user_id, self.colleague)
        self.assertEqual(self.customer.user_id, self.salesperson)

    def test_wizard_refuses_bad_input_and_changes_nothing(self):
        cases = {
            "a customer of someone else": {
                'scope': 'selection', 'partner_ids': [Command.set(self.colleague_customer.ids)]},
            "an empty selection": {'scope': 'selection'},
            "the salesperson as successor": {'successor_id': self.salesperson.id},
        }
        for case, vals in cases.items():
            with self.subTest(case=case), self.assertRaises(UserError):
                self._wizard(**vals).action_confirm()
        self.assertEqual(self.customer.user_id, self.salesperson)
        self.assertEqual(self.colleague_customer.user_id, self.colleague)

    def test_salesperson_cannot_run_the_wizard(self):
        with self.assertRaises(AccessError):
            self._wizard(user=self.salesperson)
        wizard = self._wizard()
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesperson).action_confirm()
        self.assertEqual(self.customer.user_id, self.salesperson)

    # ------------------------------------------------------------------
    # Set-based
    # ------------------------------------------------------------------

    def _book(self, count, login):
        """A salesperson with ``count`` customers, each with an open card,
        an open complaint and an activity on it."""
        seller = new_test_user(self.env, login=login, groups='sales_team.group_sale_salesman')
        customers = self.env['res.partner'].create([
            {'name': f'Book {count} customer {i}', 'is_company': True, 'user_id': seller.id} for i in range(count)])
        self.Followup.create([{
            'kind': 'review', 'partner_id': customer.id, 'user_id': seller.id, 'date_due': date.today(),
        } for customer in customers])
        complaints = self.env['customer.complaint'].create([{
            'partner_id': customer.id, 'user_id': seller.id, 'description': 'Late',
        } for customer in customers])
        self.env['mail.activity'].create([{
            'res_model_id': self.env['ir.model']._get_id('customer.complaint'), 'res_id': complaint.id,
            'activity_type_id': self.env.ref('mail.mail_activity_data_todo').id, 'user_id': seller.id,
        } for complaint in complaints])
        wizard = self._wizard(user_id=seller.id)
        self.env.flush_all()
        self.env.invalidate_all()
        return seller, customers, wizard

    def test_handover_takes_as_many_queries_for_fifty_customers_as_for_one(self):
        for count in (1, 50):
            warm_up = self._book(count, f'sf_warm_{count}')[2]
            seller, customers, wizard = self._book(count, f'sf_book_{count}')
            # Caches warmed by a first handover of as many customers.
            warm_up.action_confirm()
            self.env.flush_all()
            self.env.invalidate_all()
            with self.subTest(customers=count), self.assertQueryCount(60):
                wizard.action_confirm()
            self.assertEqual(customers.user_id, self.colleague)
            self.assertFalse(self.Followup.search_count([('user_id', '=', seller.id)]))
            self.assertFalse(self.env['customer.complaint'].search_count([('user_id', '=', seller.id)]))
            self.assertFalse(self.env['mail.activity'].search_count([('user_id', '=', seller.id)]))


@tagged('post_install', '-at_install')
class TestHandoverOverRpc(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, login='sf_ho_seller', groups='sales_team.group_sale_salesman')
        cls.owner = new_test_user(cls.env, login='sf_ho_owner', groups='sales_team.group_sale_salesman')
        cls.customer = cls.env['res.partner'].create({
            'name': 'RPC Owned', 'is_company': True, 'user_id': cls.owner.id})
        cls.card = cls.env['customer.followup'].create({
            'kind': 'review', 'partner_id': cls.customer.id, 'user_id': cls.owner.id, 'date_due': date.today()})

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request('/web/dataset/call_kw', {
            'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {},
        })

    def test_salesperson_cannot_take_a_colleagues_customer_over_rpc(self):
        self.authenticate('sf_ho_seller', 'sf_ho_seller')
        with self.assertRaises(JsonRpcException):
            self._call('res.partner', 'write', [self.customer.ids, {'user_id': self.seller.id}])
        with self.assertRaises(JsonRpcException):
            self._call('customer.handover.wizard', 'create', [{
                'user_id': self.owner.id, 'successor_id': self.seller.id}])
        self.customer.invalidate_recordset()
        self.card.invalidate_recordset()
        self.assertEqual(self.customer.user_id, self.owner)
        self.assertEqual(self.card.user_id, self.owner)
