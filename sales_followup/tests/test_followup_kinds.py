from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_followup import FollowupCase


@tagged('post_install', '-at_install')
class TestFollowupKinds(FollowupCase):
    """Each kind of card appears on the day its occasion falls due, never
    before, once, with its true due date."""

    # ------------------------------------------------------------------
    # thank_you / delivery_check
    # ------------------------------------------------------------------

    def test_thank_you_after_first_delivery(self):
        with freeze_time('2026-03-02 10:00:00'):
            order = self._order()
            self._deliver(order)
        with freeze_time('2026-03-03'):
            self.assertFalse(self._run(['thank_you']), "never ahead of time")
        with freeze_time('2026-03-04'):
            cards = self._run(['thank_you'])
        self.assertRecordValues(cards, [{
            'kind': 'thank_you', 'partner_id': self.customer.id, 'order_id': order.id,
            'user_id': self.salesperson.id, 'date_due': date(2026, 3, 4), 'state': 'todo',
            'occasion_key': 'sale.order,%s' % order.id,
        }])
        self.assertTrue(cards.name.startswith('FU/'))
        with freeze_time('2026-03-06'):
            self.assertFalse(self._run(['thank_you']), "once per order")

    def test_thank_you_uses_company_delay_and_catches_up(self):
        self.company.followup_thanks_delay = 3
        with freeze_time('2026-03-02 10:00:00'):
            order = self._order()
            self._deliver(order)
        with freeze_time('2026-03-04'):
            self.assertFalse(self._run(['thank_you']))
        with freeze_time('2026-03-09'):
            # The cron missed days: the card keeps its true due date.
            cards = self._run(['thank_you'])
        self.assertRecordValues(cards, [{'order_id': order.id, 'date_due': date(2026, 3, 5)}])

    def test_thank_you_counts_from_the_first_delivery(self):
        with freeze_time('2026-03-02 10:00:00'):
            order = self._order()
            order.order_line.product_uom_qty = 2.0
            first = order.picking_ids
            first.move_ids.write({'quantity': 1.0, 'picked': True})
            first._action_done()  # half now, the rest on backorder
        backorder = order.picking_ids - first
        self.assertEqual(backorder.state, 'assigned')
        with freeze_time('2026-03-03 10:00:00'):
            self._deliver(order)
        self.assertEqual(backorder.state, 'done')
        with freeze_time('2026-03-04'):
            cards = self._run(['thank_you'])
        self.assertRecordValues(cards, [{'order_id': order.id, 'date_due': date(2026, 3, 4)}])
        with freeze_time('2026-03-05'):
            self.assertFalse(self._run(['thank_you']), "the backorder is no second occasion")

    def test_thank_you_after_a_cancelled_then_redone_delivery(self):
        with freeze_time('2026-03-02 10:00:00'):
            order = self._order()
            order.picking_ids.action_cancel()
        with freeze_time('2026-03-10 10:00:00'):
            # Delivered after all, through a new picking.
            order.order_line.product_uom_qty = 2.0
            self._deliver(order)
        with freeze_time('2026-03-11'):
            self.assertFalse(self._run(['thank_you']))
        with freeze_time('2026-03-12'):
            self.assertRecordValues(self._run(['thank_you']), [{'order_id': order.id, 'date_due': date(2026, 3, 12)}])

    def test_thank_you_ignores_cancelled_delivery(self):
        with freeze_time('2026-03-02 10:00:00'):
            order = self._order()
            order.picking_ids.action_cancel()
        with freeze_time('2026-03-05'):
            self.assertFalse(self._run(['thank_you']))

    def test_delivery_check_only_for_flagged_products(self):
        with freeze_time('2026-03-02 10:00:00'):
            plain = self._order()
            flagged = self._order(products=self.product | self.product_install)
            self._deliver(plain)
            self._deliver(flagged)
        with freeze_time('2026-03-02 18:00:00'):
            self.assertFalse(self._run(['delivery_check']))
        with freeze_time('2026-03-03'):
            cards = self._run(['delivery_check'])
        self.assertRecordValues(cards, [{'order_id': flagged.id, 'date_due': date(2026, 3, 3)}])

    # ------------------------------------------------------------------
    # Collection
    # ------------------------------------------------------------------

    def test_payment_reminder_before_due_date(self):
        with freeze_time('2026-04-01'):
            invoice = self._invoice(date_due=date(2026, 4, 20))
        with freeze_time('2026-04-16'):
            self.assertFalse(self._run(['payment_reminder', 'payment_due']))
        with freeze_time('2026-04-17'):
            cards = self._run(['payment_reminder', 'payment_due'])
        self.assertRecordValues(cards, [{
            'kind': 'payment_reminder', 'invoice_id': invoice.id, 'date_due': date(2026, 4, 17),
            'partner_id': self.customer.id, 'user_id': self.salesperson.id,
        }])
        with freeze_time('2026-04-20'):
            cards = self._run(['payment_reminder', 'payment_due'])
        self.assertRecordValues(cards, [{'kind': 'payment_due', 'date_due': date(2026, 4, 20)}])

    def test_partial_payment_still_collected(self):
        with freeze_time('2026-04-01'):
            invoice = self._invoice(amount=300.0, date_due=date(2026, 4, 20))
            self._pay(invoice, 100.0)
        self.assertEqual(invoice.payment_state, 'partial')
        with freeze_time('2026-04-20'):
            cards = self._run(['payment_due'])
        self.assertRecordValues(cards, [{'kind': 'payment_due', 'invoice_id': invoice.id}])

    def test_paid_or_credited_invoice_not_collected(self):
        with freeze_time('2026-04-01'):
            paid = self._invoice(amount=100.0, date_due=date(2026, 4, 20))
            self._pay(paid, 100.0)
            credited = self._invoice(amount=100.0, date_due=date(2026, 4, 20))
            self._credit_note(credited)
            draft = self._invoice(amount=100.0, date_due=date(2026, 4, 20), post=False)
        self.assertEqual(credited.payment_state, 'reversed')
        with freeze_time('2026-04-20'):
            cards = self._run(['payment_reminder', 'payment_due'])
        self.assertFalse(cards.filtered(lambda c: c.invoice_id in (paid | credited | draft)))

    def test_partial_credit_note_still_collected(self):
        with freeze_time('2026-04-01'):
            invoice = self._invoice(amount=300.0, date_due=date(2026, 4, 20))
            self._credit_note(invoice, amount=100.0)
        self.assertEqual(invoice.amount_residual, 200.0)
        with freeze_time('2026-04-20'):
            cards = self._run(['payment_due'])
        self.assertEqual(cards.invoice_id, invoice)

    def test_reminder_off_when_days_zero(self):
        self.company.followup_payment_reminder_days = 0
        with freeze_time('2026-04-01'):
            self._invoice(date_due=date(2026, 4, 20))
        with freeze_time('2026-04-19'):
            self.assertFalse(self._run(['payment_reminder']))

    def test_broken_promise(self):
        with freeze_time('2026-04-01'):
            invoice = self._invoice(amount=300.0, date_due=date(2026, 4, 1))
            card = self._run(['payment_due'])
            action = card.action_open_promise_wizard()
            wizard = self.env[action['res_model']].with_context(**action['context']).create({
                'promise_date': date(2026, 4, 10), 'promise_amount': 200.0,
            })
            wizard.action_confirm()
        self.assertRecordValues(card, [{
            'state': 'waiting', 'promise_date': date(2026, 4, 10), 'promise_amount': 200.0,
            'promise_residual': 300.0,
        }])
        with freeze_time('2026-04-10'):
            # The promise day itself: the salesperson checks, nothing is broken yet.
            self.assertFalse(self._run(['broken_promise']))
            self.assertEqual(self._activities(card).date_deadline, date(2026, 4, 10))
            self._pay(invoice, 150.0)
        with freeze_time('2026-04-11'):
            broken = self._run(['broken_promise'])
        self.assertRecordValues(broken, [{
            'kind': 'broken_promise', 'invoice_id': invoice.id, 'date_due': date(2026, 4, 11),
            'occasion_key': 'account.move,%s:2026-04-10' % invoice.id,
        }])
        with freeze_time('2026-04-12'):
            self.assertFalse(self._run(['broken_promise']))

    def test_kept_promise_is_not_broken(self):
        with freeze_time('2026-04-01'):
            invoice = self._invoice(amount=300.0, date_due=date(2026, 4, 1))
            card = self._run(['payment_due'])
            self.env['customer.followup.promise.wizard'].create({
                'followup_id': card.id, 'invoice_id': invoice.id,
                'promise_date': date(2026, 4, 10), 'promise_amount': 200.0,
            }).action_confirm()
            self._pay(invoice, 200.0)
        with freeze_time('2026-04-11'):
            self.assertFalse(self._run(['broken_promise']))

    # ------------------------------------------------------------------
    # Relationship care
    # ------------------------------------------------------------------

    def test_review_when_date_reached_and_cadence_moves(self):
        self.company.followup_review_days_b = 7
        self.customer.write({'customer_grade': 'b', 'next_review_date': date(2026, 5, 10)})
        with freeze_time('2026-05-09'):
            self.assertFalse(self._run(['review']))
        with freeze_time('2026-05-10'):
            card = self._run(['review'])
            self.assertRecordValues(card, [{'kind': 'review', 'date_due': date(2026, 5, 10)}])
            self.assertEqual(card.customer_grade, 'b')
            self._form_done(card, "Reviewed: all good")
        self.assertEqual(self.customer.next_review_date, date(2026, 5, 17))
        with freeze_time('2026-05-11'):
            self.assertFalse(self._run(['review']))
        with freeze_time('2026-05-17'):
            self.assertRecordValues(self._run(['review']), [{'date_due': date(2026, 5, 17)}])

    def test_review_late_restarts_cadence_from_today(self):
        self.company.followup_review_days_a = 1
        self.customer.write({'customer_grade': 'a', 'next_review_date': date(2026, 5, 1)})
        with freeze_time('2026-05-10'):
            card = self._run(['review'])
            card.action_mark_done("late review")
        self.assertEqual(self.customer.next_review_date, date(2026, 5, 11))

    def test_review_skips_prospects(self):
        self.customer.write({'customer_grade': False, 'next_review_date': date(2026, 5, 1)})
        with freeze_time('2026-05-10'):
            self.assertFalse(self._run(['review']))

    def test_birthday_of_contact_not_company(self):
        contact = self.env['res.partner'].create({
            'name': 'Lily Lotus', 'parent_id': self.customer.id, 'birthday': date(1980, 6, 15),
        })
        self.customer.birthday = date(1999, 6, 15)  # a company has no birthday
        with freeze_time('2026-06-14'):
            self.assertFalse(self._run(['birthday']))
        with freeze_time('2026-06-15'):
            cards = self._run(['birthday'])
        self.assertRecordValues(cards, [{
            'partner_id': contact.id, 'occasion_key': 'birthday:2026', 'date_due': date(2026, 6, 15),
            'user_id': self.salesperson.id,
        }])
        with freeze_time('2026-06-16'):
            self.assertFalse(self._run(['birthday']), "once a year")
        with freeze_time('2027-06-15'):
            self.assertRecordValues(self._run(['birthday']), [{'occasion_key': 'birthday:2027'}])

    def test_birthday_29_february(self):
        person = self.env['res.partner'].create({
            'name': 'Leap Person', 'user_id': self.salesperson.id, 'birthday': date(1992, 2, 29),
        })
        with freeze_time('2027-02-27'):
            self.assertFalse(self._run(['birthday']))
        with freeze_time('2027-02-28'):
            self.assertRecordValues(self._run(['birthday']), [{'partner_id': person.id, 'date_due': date(2027, 2, 28)}])
        with freeze_time('2028-02-28'):
            self.assertFalse(self._run(['birthday']), "leap year: on the 29th")
        with freeze_time('2028-02-29'):
            self.assertRecordValues(self._run(['birthday']), [{'date_due': date(2028, 2, 29)}])

    def test_birthday_caught_up_across_new_year(self):
        person = self.env['res.partner'].create({'name': 'Eve', 'birthday': date(1985, 12, 31)})
        with freeze_time('2027-01-02'):
            cards = self._run(['birthday'])
        self.assertRecordValues(cards, [{
            'partner_id': person.id, 'occasion_key': 'birthday:2026', 'date_due': date(2026, 12, 31),
        }])

    def test_win_back_once_per_dormancy(self):
        self.company.followup_dormant_days = 180
        self.customer.write({'customer_lifecycle': 'dormant', 'last_order_date': date(2025, 11, 1)})
        with freeze_time('2026-05-01'):
            cards = self._run(['win_back'])
            self.assertRecordValues(cards, [{
                'kind': 'win_back', 'occasion_key': 'dormant:2025-11-01', 'date_due': date(2026, 4, 30),
            }])
            cards.action_mark_done("Called, no need now")
            self.assertFalse(self._run(['win_back']))
        # The customer comes back, then falls dormant again.
        self.customer.write({'customer_lifecycle': 'dormant', 'last_order_date': date(2026, 6, 1)})
        with freeze_time('2026-12-01'):
            self.assertRecordValues(self._run(['win_back']), [{'occasion_key': 'dormant:2026-06-01'}])

    def test_reorder_after_median_interval_plus_20_percent(self):
        # Orders every 10 days: a reorder is due when more than 12 days pass.
        other = self.env['res.partner'].create({'name': 'Other Buyer'})
        cable = self.env['product.product'].create({'name': 'Cable', 'type': 'consu', 'list_price': 5.0})
        desk = self.env['product.product'].create({'name': 'Desk', 'type': 'consu', 'list_price': 50.0})
        for day in ('2026-01-01', '2026-01-11', '2026-01-21'):
            self._order(products=self.product, date_order='%s 09:00:00' % day)
        # Other customers often buy a cable with the chair, a desk once.
        self._order(partner=other, products=self.product | cable)
        self._order(partner=other, products=self.product | cable)
        self._order(partner=other, products=self.product | desk)
        with freeze_time('2026-02-02'):
            self.assertFalse(self._run(['reorder']))
        with freeze_time('2026-02-03'):
            cards = self._run(['reorder'])
        card = cards.filtered(lambda c: c.partner_id == self.customer)
        self.assertRecordValues(card, [{'occasion_key': 'reorder:2026-01-21', 'date_due': date(2026, 2, 3)}])
        self.assertEqual(card.suggested_product_ids.ids, [self.product.id, cable.id, desk.id])
        self.assertIn('Cable', card.note)

    def test_reorder_needs_three_orders(self):
        for day in ('2026-01-01', '2026-01-11'):
            self._order(date_order='%s 09:00:00' % day)
        with freeze_time('2026-06-01'):
            self.assertFalse(self._run(['reorder']))

    def test_lost_quote_revisit(self):
        with freeze_time('2026-03-01'):
            quote = self._order(confirm=False)
            action = quote.with_context(followup_ask_lost_reason=True).action_cancel()
            self.assertEqual(action['res_model'], 'sale.order.lost.wizard')
            self.assertEqual(quote.state, 'draft', "nothing cancelled before the reason is given")
            self.env['sale.order.lost.wizard'].with_context(**action['context']).create({
                'lost_reason': 'Too expensive', 'new_approach': 'Offer the leasing plan',
            }).action_confirm()
        self.assertRecordValues(quote, [{'state': 'cancel', 'followup_cancel_date': date(2026, 3, 1)}])
        with freeze_time('2026-03-30'):
            self.assertFalse(self._run(['lost_quote']))
        with freeze_time('2026-03-31'):
            cards = self._run(['lost_quote'])
        self.assertRecordValues(cards, [{
            'order_id': quote.id, 'date_due': date(2026, 3, 31),
            'lost_reason': 'Too expensive', 'new_approach': 'Offer the leasing plan',
        }])

    def test_cancelled_confirmed_order_is_no_lost_quote(self):
        with freeze_time('2026-03-01'):
            order = self._order()
            order._action_cancel()
        with freeze_time('2026-04-15'):
            self.assertFalse(self._run(['lost_quote']))

    def test_settled_invoice_closes_its_collection_card(self):
        with freeze_time('2026-04-01'):
            invoice = self._invoice(amount=100.0, date_due=date(2026, 4, 1))
            other = self._invoice(amount=100.0, date_due=date(2026, 4, 1))
            cards = self._run(['payment_due'])
            self._pay(invoice, 100.0)
        with freeze_time('2026-04-02'):
            self._run(['payment_due'])
        card = cards.filtered(lambda c: c.invoice_id == invoice)
        self.assertRecordValues(card, [{'state': 'done', 'outcome': 'Invoice settled.'}])
        self.assertFalse(self._activities(card))
        self.assertEqual((cards - card).state, 'todo', "the unpaid invoice is still collected")
        self.assertEqual((cards - card).invoice_id, other)
