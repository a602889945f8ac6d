from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_followup import FollowupCase


@tagged('post_install', '-at_install')
class TestFollowupCardDisplay(FollowupCase):
    """What the board shows: due colours, the buttons each state offers, the
    chatter, and who gets which menu."""

    def _card(self, **vals):
        return self.Followup.create({
            'kind': 'thank_you', 'partner_id': self.customer.id, 'user_id': self.salesperson.id,
            'date_due': date(2026, 3, 10), **vals,
        })

    def test_due_status_drives_red_and_orange(self):
        overdue = self._card(date_due=date(2026, 3, 9))
        today = self._card(date_due=date(2026, 3, 10))
        planned = self._card(date_due=date(2026, 3, 11))
        closed = self._card(date_due=date(2026, 3, 1))
        closed.action_mark_done("done early")
        with freeze_time('2026-03-10 12:00:00'):
            (overdue | today | planned | closed).invalidate_recordset(['due_status'])
            self.assertEqual(
                [overdue.due_status, today.due_status, planned.due_status, closed.due_status],
                ['overdue', 'today', 'planned', 'closed'],
                "a closed card is never shown as overdue")

    def test_due_status_follows_the_user_timezone(self):
        card = self._card(date_due=date(2026, 3, 10))
        # 23:30 UTC on the 9th is already the 10th in Shanghai.
        with freeze_time('2026-03-09 23:30:00'):
            self.assertEqual(card.with_context(tz='UTC').due_status, 'planned')
            self.assertEqual(card.with_context(tz='Asia/Shanghai').due_status, 'today')

    def test_buttons_offered_per_state(self):
        card = self._card()
        expected = {
            'todo': (True, True, True, True),
            'in_progress': (False, True, True, True),
            'waiting': (True, False, True, True),
            'done': (False, False, False, False),
        }
        for action, state in ((None, 'todo'), (card.action_start, 'in_progress'),
                              (card.action_wait, 'waiting'), (lambda: card.action_mark_done("ok"), 'done')):
            if action:
                action()
            self.assertEqual(card.state, state)
            self.assertEqual(
                (card.can_start, card.can_wait, card.can_done, card.can_cancel), expected[state],
                "buttons in state %s" % state)
        cancelled = self._card()
        cancelled.action_cancel()
        self.assertRecordValues(cancelled, [{
            'can_start': False, 'can_wait': False, 'can_done': False, 'can_cancel': False, 'can_promise': False,
        }])

    def test_promise_button_only_on_open_collection_cards(self):
        with freeze_time('2026-04-01'):
            invoice = self._invoice(amount=100.0, date_due=date(2026, 4, 1))
            collection = self._run(['payment_due'])
        self.assertTrue(collection.can_promise)
        self.assertFalse(self._card().can_promise, "a thank-you card has no promise to pay")
        collection.action_cancel()
        self.assertFalse(collection.can_promise)
        self.assertEqual(collection.invoice_id, invoice)

    def test_chatter_tracks_the_card(self):
        card = self._card()
        self.assertEqual(card.name[:3], 'FU/')
        other = self._card()
        self.assertNotEqual(card.name, other.name, "every card gets its own sequence number")
        # Tracking is written at commit time, and folded into the creation
        # message for a card created in the same transaction: commit first.
        self.env.flush_all()
        self.env.cr.precommit.run()
        card.action_start()
        card.write({'user_id': self.sales_manager.id})
        self.env.flush_all()
        self.env.cr.precommit.run()
        card.invalidate_recordset(['message_ids'])
        tracked = card.message_ids.tracking_value_ids.field_id.mapped('name')
        self.assertIn('state', tracked)
        self.assertIn('user_id', tracked)
        card.message_post(body="Left a voicemail")
        self.assertIn('Left a voicemail', card.message_ids[0].body)

    def test_menus_per_group(self):
        Menu = self.env['ir.ui.menu']
        my_menu = self.env.ref('sales_followup.menu_my_followups')
        board_menu = self.env.ref('sales_followup.menu_followup_board')
        kpi_menu = self.env.ref('sales_followup.menu_followup_kpi_report')
        seller_menus = Menu.with_user(self.salesperson)._visible_menu_ids()
        self.assertIn(my_menu.id, seller_menus)
        self.assertNotIn(board_menu.id, seller_menus, "the team board is for managers")
        self.assertNotIn(kpi_menu.id, seller_menus)
        manager_menus = Menu.with_user(self.sales_manager)._visible_menu_ids()
        self.assertTrue({my_menu.id, board_menu.id, kpi_menu.id} <= manager_menus)

    def test_board_shows_every_state_as_a_column(self):
        self._card()
        # The kanban asks with read_group_expand, as the web client does.
        groups = self.Followup.with_user(self.sales_manager).with_context(
            read_group_expand=True).formatted_read_group([], ['state'], ['__count'])
        self.assertEqual([g['state'] for g in groups], ['todo', 'in_progress', 'waiting', 'done', 'cancelled'])

    def test_board_queries_do_not_grow_with_the_cards(self):
        """Reading a board page costs the same for 5 or 20 cards of different
        customers, salespeople and source documents: no query per card."""
        spec = {
            'partner_id': {'fields': {'display_name': {}}}, 'customer_grade': {}, 'kind': {}, 'name': {},
            'source_document': {}, 'due_status': {}, 'state': {}, 'date_due': {},
            'user_id': {'fields': {'display_name': {}}}, 'activity_ids': {}, 'activity_state': {},
            'can_start': {}, 'can_done': {},
        }
        sellers = [self.salesperson, self.sales_manager, self.credit_controller]

        def make_cards(count, tag):
            partners = self.env['res.partner'].create([
                {'name': '%s %s' % (tag, i), 'is_company': True, 'user_id': sellers[i % 3].id}
                for i in range(count)])
            partners.write({'customer_grade': 'b'})
            invoices = self.env['account.move'].browse()
            for partner in partners:
                invoices |= self._invoice(partner=partner, amount=10.0)
            return self.Followup.create([{
                'kind': 'payment_due', 'partner_id': partner.id, 'invoice_id': invoice.id,
                'user_id': sellers[i % 3].id, 'date_due': date(2026, 3, 10),
            } for i, (partner, invoice) in enumerate(zip(partners, invoices, strict=True))])

        counts = {}
        # Warm the caches (access rules, views) so both reads pay the same.
        self.Followup.with_user(self.sales_manager).web_search_read([('id', 'in', make_cards(2, 'Warm').ids)], spec)
        for count, tag in ((5, 'Small Board'), (20, 'Large Board')):
            cards = make_cards(count, tag)
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.cr.sql_log_count
            result = self.Followup.with_user(self.sales_manager).web_search_read(
                [('id', 'in', cards.ids)], spec)
            counts[count] = self.cr.sql_log_count - start
            self.assertEqual(result['length'], count)
        self.assertLessEqual(counts[20], counts[5], "a query per card on the board")
