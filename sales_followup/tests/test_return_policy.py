from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common_return import ReturnCase

DELIVERED = '2026-03-02 10:00:00'


def day(offset):
    """The moment ``offset`` days after the delivery, at noon."""
    return datetime(2026, 3, 2, 12, 0) + timedelta(days=offset)


@tagged('post_install', '-at_install')
class TestReturnPolicyWindows(ReturnCase):
    """The windows count from the delivery of the goods: refund or exchange
    for any reason while unopened within the return window, for quality
    reasons within the exchange window, repair only later or when the
    customer caused the damage."""

    def setUp(self):
        super().setUp()
        with freeze_time(DELIVERED):
            self.order = self._delivered_order(lines=[(self.lamp, 5.0)])

    def _approve(self, offset, user=None, **vals):
        """Request and approve a return ``offset`` days after the delivery."""
        with freeze_time(day(offset)):
            ret = self._return(self.order, lines=[(self.lamp, 1.0)], **vals)
            self.assertEqual(ret.delivery_date, fields.Date.to_date('2026-03-02'))
            self.assertEqual(ret.days_since_delivery, offset)
            (ret.with_user(user) if user else ret).action_approve()
        return ret

    def _refused(self, offset, **vals):
        """A return ``offset`` days after the delivery that the windows refuse;
        nothing of it changes. Returns the message."""
        with freeze_time(day(offset)):
            ret = self._return(self.order, lines=[(self.lamp, 1.0)], **vals)
            warning = ret.policy_warning
            self.assertTrue(warning, "the form warns before anyone tries")
            with self.assertRaises(UserError) as refusal:
                ret.with_user(self.salesperson).action_approve()
        self.assertRecordValues(ret, [{'state': 'draft', 'date_approved': False}])
        self.assertFalse(ret.picking_ids)
        self.assertEqual(refusal.exception.args[0], warning)
        return refusal.exception.args[0]

    def test_any_reason_within_the_return_window_when_unopened(self):
        for offset in (0, 10):
            with self.subTest(offset=offset):
                ret = self._approve(offset, reason='changed_mind', goods_unopened=True, user=self.salesperson)
                self.assertEqual(ret.state, 'approved')

    def test_opened_goods_without_a_quality_reason_are_refused_within_the_return_window(self):
        message = self._refused(3, reason='changed_mind', goods_unopened=False)
        self.assertIn('3 days ago', message)
        self.assertIn('10-day return window', message)
        self.assertIn('Still allowed: Repair', message)
        ret = self._approve(3, reason='changed_mind', goods_unopened=False, resolution='repair')
        self.assertEqual(ret.state, 'approved')

    def test_quality_reasons_need_no_unopened_goods(self):
        for reason in ('defect', 'wrong_item', 'damaged', 'not_as_described'):
            with self.subTest(reason=reason):
                ret = self._approve(2, reason=reason, goods_unopened=False, resolution='exchange')
                self.assertEqual(ret.state, 'approved')

    def test_beyond_the_return_window_only_quality_reasons(self):
        message = self._refused(11, reason='changed_mind', goods_unopened=True)
        self.assertIn('11 days ago', message)
        self.assertIn('beyond the 10-day return window', message)
        self.assertIn('up to 30 days only quality reasons', message)
        self.assertIn('Still allowed: Repair', message)
        for offset in (11, 30):
            with self.subTest(offset=offset):
                self.assertEqual(self._approve(offset, reason='defect').state, 'approved')

    def test_beyond_the_exchange_window_repair_only(self):
        message = self._refused(31, reason='defect', resolution='exchange')
        self.assertIn('31 days ago', message)
        self.assertIn('30-day exchange window', message)
        self.assertIn('Still allowed: Repair', message)
        self._refused(31, reason='defect', resolution='refund')
        self.assertEqual(self._approve(31, reason='defect', resolution='repair').state, 'approved')
        self.assertEqual(self._approve(400, reason='other', resolution='repair').state, 'approved')

    def test_damage_caused_by_the_customer_is_repaired_only_at_any_age(self):
        message = self._refused(1, reason='damaged', responsibility='customer', goods_unopened=True)
        self.assertIn('the customer caused the damage', message)
        self.assertIn('Still allowed: Repair', message)
        self._refused(1, reason='defect', responsibility='customer', resolution='exchange')
        ret = self._approve(1, reason='damaged', responsibility='customer', resolution='repair')
        self.assertEqual(ret.state, 'approved')
        # A customer who changed their mind did not damage anything.
        ret = self._approve(1, reason='changed_mind', responsibility='customer', goods_unopened=True)
        self.assertEqual(ret.state, 'approved')

    def test_windows_follow_the_company_settings(self):
        self.company.write({'followup_return_days': 3, 'followup_exchange_days': 5})
        self._refused(4, reason='changed_mind', goods_unopened=True)
        self.assertEqual(self._approve(5, reason='defect').state, 'approved')
        self._refused(6, reason='defect')
        with self.assertRaises(ValidationError):
            self.company.write({'followup_exchange_days': 2})

    def test_windows_are_in_the_after_sales_settings(self):
        arch = self.env['res.config.settings'].get_views([(False, 'form')])['views']['form']['arch']
        block = arch[arch.index('sales_followup_return_windows'):]
        self.assertIn('name="followup_return_days"', block)
        self.assertIn('name="followup_exchange_days"', block)

    def test_windows_count_from_the_delivery_of_the_goods_not_the_order(self):
        with freeze_time('2026-01-05 09:00:00'):
            order = self._order(lines=[(self.lamp, 2.0)])
        with freeze_time(DELIVERED):
            self._deliver(order)
        with freeze_time(day(9)):
            ret = self._return(order, lines=[(self.lamp, 1.0)], reason='changed_mind', goods_unopened=True)
            self.assertEqual(ret.delivery_date, fields.Date.to_date('2026-03-02'))
            ret.action_approve()
        self.assertEqual(ret.state, 'approved')

    def test_before_delivery_no_window_applies(self):
        with freeze_time('2026-01-05 09:00:00'):
            order = self._order(lines=[(self.lamp, 2.0)])
        with freeze_time('2026-06-05 09:00:00'):
            ret = self._return(order, lines=[(self.lamp, 1.0)], reason='changed_mind')
            self.assertFalse(ret.policy_warning)
            ret.with_user(self.salesperson).action_approve()
        self.assertEqual(ret.state, 'done')


@tagged('post_install', '-at_install')
class TestReturnPolicyOverride(ReturnCase):

    def setUp(self):
        super().setUp()
        with freeze_time(DELIVERED):
            self.order = self._delivered_order(lines=[(self.lamp, 5.0)])
        with freeze_time(day(45)):
            self.late = self._return(
                self.order, lines=[(self.lamp, 1.0)], reason='defect', user=self.salesperson)

    def test_manager_overrides_with_a_reason_recorded_in_the_chatter(self):
        with freeze_time(day(45)):
            self.late.with_user(self.sales_manager).write({
                'policy_override': True, 'policy_override_reason': 'Key account: goodwill refund',
            })
            self.assertRecordValues(self.late, [{'policy_override_by_id': self.sales_manager.id}])
            self.late.with_user(self.salesperson).action_approve()
        self.assertEqual(self.late.state, 'approved')
        bodies = self.late.message_ids.mapped('body')
        self.assertTrue(any('Manny Manager' in body and 'Key account: goodwill refund' in body and 'overridden' in body
                            for body in bodies))
        self.assertTrue(any('outside the policy windows' in body and 'Sally Seller' in body for body in bodies))

    def test_an_override_needs_a_reason(self):
        with self.assertRaises(ValidationError):
            self.late.with_user(self.sales_manager).write({'policy_override': True})
        self.assertFalse(self.late.policy_override)

    def test_salespeople_cannot_override(self):
        with self.assertRaises(AccessError):
            self.late.with_user(self.salesperson).write({
                'policy_override': True, 'policy_override_reason': 'I said so'})
        with self.assertRaises(AccessError):
            self._return(self.order, lines=[(self.lamp, 1.0)], user=self.salesperson,
                         policy_override=True, policy_override_reason='Created overridden')
        self.assertRecordValues(self.late, [{'policy_override': False, 'policy_override_reason': False}])
        self.assertEqual(self.Return.search_count([('order_id', '=', self.order.id)]), 1)
        self.assertFalse(self.late.with_user(self.salesperson).can_override)
        self.assertTrue(self.late.with_user(self.sales_manager).can_override)

    def test_salesperson_cannot_change_an_overridden_return(self):
        self.late.with_user(self.sales_manager).write({
            'policy_override': True, 'policy_override_reason': 'Defect confirmed by the supplier'})
        with self.assertRaises(AccessError):
            self.late.with_user(self.salesperson).write({'resolution': 'exchange'})
        self.assertEqual(self.late.resolution, 'refund')
        # Other fields stay editable.
        self.late.with_user(self.salesperson).write({'description': 'Called the customer back'})

    def test_decided_returns_keep_their_terms(self):
        with freeze_time(day(45)):
            self.late.with_user(self.sales_manager).write({
                'policy_override': True, 'policy_override_reason': 'Goodwill'})
            self.late.action_approve()
        for vals in ({'resolution': 'repair'}, {'reason': 'other'}, {'policy_override': False}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                self.late.with_user(self.sales_manager).write(vals)
        self.assertRecordValues(self.late, [{'resolution': 'refund', 'reason': 'defect', 'policy_override': True}])
        with self.assertRaises(UserError):
            self.late.line_ids.with_user(self.sales_manager).write({'quantity': 2.0})
        self.assertEqual(self.late.line_ids.quantity, 1.0)
