from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_followup import FollowupCase


@tagged('post_install', '-at_install')
class TestFollowupWizards(FollowupCase):
    """Promise to pay (from a card or an invoice) and the lost-quotation
    prompt: bad input gets a clear error and changes nothing."""

    def _promise_form(self, action, promise_date, amount=0.0):
        with Form(self.env[action['res_model']].with_context(**action['context'])) as wizard:
            wizard.promise_date = promise_date
            wizard.promise_amount = amount
        return wizard.save()

    @freeze_time('2026-04-01')
    def test_promise_from_invoice_creates_collection_card(self):
        invoice = self._invoice(amount=250.0, date_due=date(2026, 4, 10))
        self.assertTrue(invoice.can_record_promise)
        action = invoice.with_user(self.salesperson).action_open_promise_wizard()
        self._promise_form(action, date(2026, 4, 8)).with_user(self.salesperson).action_confirm()
        card = invoice.followup_ids
        self.assertRecordValues(card, [{
            'kind': 'payment_reminder', 'state': 'waiting', 'promise_date': date(2026, 4, 8),
            'promise_amount': 250.0, 'promise_residual': 250.0, 'user_id': self.salesperson.id,
            'occasion_key': 'account.move,%s' % invoice.id,
        }])
        self.assertEqual(invoice.followup_count, 1)
        self.assertEqual(self._activities(card).date_deadline, date(2026, 4, 8))
        # The cron does not create a second reminder for the same invoice.
        with freeze_time('2026-04-07'):
            self.assertFalse(self._run(['payment_reminder']))

    @freeze_time('2026-04-01')
    def test_promise_reuses_open_card(self):
        invoice = self._invoice(amount=250.0, date_due=date(2026, 4, 1))
        card = self._run(['payment_due'])
        action = invoice.action_open_promise_wizard()
        self._promise_form(action, date(2026, 4, 5), 100.0).action_confirm()
        self.assertEqual(invoice.followup_ids, card)
        self.assertRecordValues(card, [{'promise_amount': 100.0, 'state': 'waiting'}])

    @freeze_time('2026-04-01')
    def test_bad_promise_changes_nothing(self):
        invoice = self._invoice(amount=250.0, date_due=date(2026, 4, 1))
        card = self._run(['payment_due'])
        Wizard = self.env['customer.followup.promise.wizard']
        for vals, message in (
            ({'promise_date': date(2026, 3, 31)}, "not in the past"),
            ({'promise_date': date(2026, 4, 5), 'promise_amount': 300.0}, "more than the amount due"),
            ({'promise_date': date(2026, 4, 5), 'promise_amount': -5.0}, "cannot be negative"),
        ):
            wizard = Wizard.create({'followup_id': card.id, 'invoice_id': invoice.id, **vals})
            with self.assertRaises(UserError) as cm:
                wizard.action_confirm()
            self.assertIn(message, str(cm.exception))
        self.assertRecordValues(card, [{'state': 'todo', 'promise_date': False, 'promise_amount': 0.0}])

    @freeze_time('2026-04-01')
    def test_no_promise_on_paid_invoice(self):
        invoice = self._invoice(amount=100.0)
        self._pay(invoice, 100.0)
        self.assertFalse(invoice.can_record_promise)
        with self.assertRaises(UserError):
            invoice.action_open_promise_wizard()

    def test_lost_quote_prompt_from_form_button_only(self):
        quote = self._order(confirm=False)
        quote.action_cancel()  # programmatic: Odoo's behaviour, no prompt
        self.assertEqual(quote.state, 'cancel')
        self.assertFalse(quote.followup_lost_reason)

    def test_lost_quote_new_approach_must_change(self):
        Wizard = self.env['sale.order.lost.wizard']
        first = self._order(confirm=False)
        Wizard.create({
            'order_ids': first.ids, 'lost_reason': 'Price too high', 'new_approach': 'Offer leasing',
        }).action_confirm()
        second = self._order(confirm=False)
        for reason, approach, message in (
            ('Price too high', ' price  too HIGH ', "cannot just repeat"),
            ('Competitor was faster', 'offer leasing', "same pitch again"),
        ):
            wizard = Wizard.create({'order_ids': second.ids, 'lost_reason': reason, 'new_approach': approach})
            with self.assertRaises(UserError) as cm:
                wizard.action_confirm()
            self.assertIn(message, str(cm.exception))
        self.assertRecordValues(second, [{'state': 'draft', 'followup_lost_reason': False}])
        Wizard.create({
            'order_ids': second.ids, 'lost_reason': 'Competitor was faster', 'new_approach': 'Demo on site',
        }).action_confirm()
        self.assertRecordValues(second, [{'state': 'cancel', 'followup_new_approach': 'Demo on site'}])

    def test_promise_on_invoice_whose_card_is_a_colleagues(self):
        colleague = new_test_user(
            self.env, login='sf_colleague', name='Colin Colleague', groups='sales_team.group_sale_salesman')
        their_customer = self.env['res.partner'].create({
            'name': 'Colleague Customer', 'is_company': True, 'user_id': colleague.id,
        })
        with freeze_time('2026-04-01'):
            invoice = self._invoice(partner=their_customer, amount=100.0, date_due=date(2026, 4, 1))
            invoice.invoice_user_id = False  # visible to every salesperson
            card = self._run(['payment_due'])
            self.assertEqual(card.user_id, colleague)
            wizard = self.env['customer.followup.promise.wizard'].with_user(self.salesperson).create({
                'invoice_id': invoice.id, 'promise_date': date(2026, 4, 5),
            })
            with self.assertRaises(UserError) as cm:
                wizard.action_confirm()
        self.assertIn("cannot access", str(cm.exception))
        self.assertRecordValues(card, [{'state': 'todo', 'promise_date': False}])
        self.assertEqual(invoice.followup_ids, card, "no second card for the same invoice")

    @freeze_time('2026-04-01')
    def test_promise_refused_when_card_would_be_a_colleagues(self):
        colleague = new_test_user(
            self.env, login='sf_colleague2', name='Cora Colleague', groups='sales_team.group_sale_salesman')
        their_customer = self.env['res.partner'].create({
            'name': 'Cora Customer', 'is_company': True, 'user_id': colleague.id,
        })
        invoice = self._invoice(partner=their_customer, amount=100.0, date_due=date(2026, 4, 10))
        invoice.invoice_user_id = False
        wizard = self.env['customer.followup.promise.wizard'].with_user(self.salesperson).create({
            'invoice_id': invoice.id, 'promise_date': date(2026, 4, 5),
        })
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertFalse(invoice.followup_ids, "no card, no half-recorded promise")
