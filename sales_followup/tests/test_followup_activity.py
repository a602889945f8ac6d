from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_followup import FollowupCase


@tagged('post_install', '-at_install')
class TestFollowupActivitySync(FollowupCase):
    """A card and its activity stay in step, both ways."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref('sales_followup.mail_activity_type_followup')

    def _card(self, **vals):
        return self.Followup.create({
            'kind': 'thank_you', 'partner_id': self.customer.id, 'user_id': self.salesperson.id,
            'date_due': date(2026, 3, 4), **vals,
        })

    def test_open_card_carries_one_activity_for_its_user(self):
        card = self._card()
        activity = self._activities(card)
        self.assertRecordValues(activity, [{
            'user_id': self.salesperson.id, 'date_deadline': date(2026, 3, 4),
            'activity_type_id': self.activity_type.id,
        }])
        card.action_start()
        card.action_wait()
        self.assertEqual(self._activities(card), activity, "moving on the board keeps the one activity")
        card.write({'user_id': self.sales_manager.id, 'date_due': date(2026, 3, 9)})
        self.assertRecordValues(activity, [{'user_id': self.sales_manager.id, 'date_deadline': date(2026, 3, 9)}])

    def test_card_without_user_has_no_activity(self):
        card = self._card(user_id=False)
        self.assertFalse(self._activities(card))
        card.user_id = self.salesperson
        self.assertEqual(self._activities(card).user_id, self.salesperson)

    def test_marking_activity_done_marks_card_done(self):
        card = self._card()
        activity = self._activities(card)
        activity.with_user(self.salesperson).action_feedback(feedback="Thanked by phone")
        self.assertRecordValues(card, [{'state': 'done', 'outcome': 'Thanked by phone'}])
        self.assertFalse(activity.active)

    def test_marking_card_done_marks_activity_done(self):
        card = self._card()
        activity = self._activities(card)
        self._form_done(card.with_user(self.salesperson), "Customer happy")
        self.assertRecordValues(card, [{'state': 'done', 'outcome': 'Customer happy'}])
        self.assertFalse(activity.exists() and activity.active, "the activity is done, not pending")
        self.assertFalse(self._activities(card))
        self.assertIn('Customer happy', activity.with_context(active_test=False).feedback or '')

    def test_cancelling_card_removes_activity(self):
        card = self._card()
        activity = self._activities(card)
        card.action_cancel()
        self.assertEqual(card.state, 'cancelled')
        self.assertFalse(activity.exists())

    def test_wrong_transitions_raise_and_change_nothing(self):
        card = self._card()
        card.action_mark_done("done")
        for action in (card.action_start, card.action_wait, card.action_cancel, card.action_open_done_wizard):
            with self.assertRaises(UserError):
                action()
        self.assertEqual(card.state, 'done')
        with self.assertRaises(UserError):
            self._card(kind='review').action_open_promise_wizard()

    def test_done_wizard_requires_outcome(self):
        card = self._card()
        wizard = self.env['customer.followup.done.wizard'].create({'followup_ids': card.ids, 'outcome': '   '})
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(card.state, 'todo')

    def test_unassigned_card_loses_its_activity(self):
        card = self._card()
        card.user_id = False
        self.assertFalse(self._activities(card), "nobody to remind, no dangling activity")
        self.assertEqual(card.state, 'todo')
        card.user_id = self.sales_manager
        self.assertEqual(self._activities(card).user_id, self.sales_manager)

    def test_activity_done_without_feedback_closes_card(self):
        card = self._card()
        self._activities(card).with_user(self.salesperson).action_done()
        self.assertEqual(card.state, 'done')
        self.assertEqual(card.date_done, date.today())

    def test_cron_cards_carry_one_activity_each(self):
        people = self.env['res.partner'].create([
            {'name': 'Activity Person %s' % i, 'user_id': self.salesperson.id, 'birthday': date(1990, 7, 1)}
            for i in range(3)
        ])
        with freeze_time('2026-07-01'):
            cards = self._run(['birthday']).filtered(lambda c: c.partner_id in people)
        self.assertEqual(len(cards), 3)
        activities = self._activities(cards)
        self.assertEqual(sorted(activities.mapped('res_id')), sorted(cards.ids))
        self.assertEqual(activities.user_id, self.salesperson)
        self.assertEqual(set(activities.mapped('date_deadline')), {date(2026, 7, 1)})
        # The cards are in the salesperson's activity menu.
        groups = self.env['res.users'].with_user(self.salesperson)._get_activity_groups()
        followup_group = next(g for g in groups if g['model'] == 'customer.followup')
        self.assertGreaterEqual(followup_group['total_count'] + followup_group['planned_count'], 3)
