from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common_complaint import ComplaintCase


@tagged('post_install', '-at_install')
class TestComplaintDeadlines(ComplaintCase):

    def _overdue_activities(self, complaint):
        return complaint.activity_ids.filtered(
            lambda a: a.user_id == self.sales_manager and 'Overdue' in (a.summary or ''))

    def _run_cron(self):
        # Tests cannot commit: the batches run, the commits do not.
        with patch.object(self.registry['ir.cron'], '_commit_progress', return_value=float('inf')):
            self.Complaint._cron_alert_overdue_complaints()

    def test_default_deadlines(self):
        company = self.env['res.company'].create({'name': 'Fresh Co'})
        self.assertRecordValues(company, [{
            'followup_complaint_reply_days_critical': 1, 'followup_complaint_reply_days_high': 2,
            'followup_complaint_reply_days_normal': 3, 'followup_complaint_reply_days_low': 5,
            'followup_complaint_followup_days': 3,
        }])

    @freeze_time('2026-03-06')  # a Friday
    def test_reply_deadline_per_severity_in_working_days(self):
        expected = {
            'critical': date(2026, 3, 9),   # Monday
            'high': date(2026, 3, 10),
            'normal': date(2026, 3, 11),
            'low': date(2026, 3, 13),
        }
        for severity, deadline in expected.items():
            with self.subTest(severity=severity):
                complaint = self._complaint(severity=severity)
                self.assertEqual(complaint.reply_deadline, deadline)

    @freeze_time('2026-03-06')  # a Friday
    def test_public_holidays_are_not_working_days(self):
        calendar = self.company.resource_calendar_id
        calendar.tz = 'UTC'
        self.env['resource.calendar.leaves'].create({
            'name': 'Public holiday', 'calendar_id': calendar.id,
            'date_from': '2026-03-09 00:00:00', 'date_to': '2026-03-09 23:59:59',
        })
        self.assertRecordValues(self._complaint(severity='critical') | self._complaint(severity='high'), [
            {'reply_deadline': date(2026, 3, 10)},  # Monday is off: Tuesday
            {'reply_deadline': date(2026, 3, 11)},
        ])

    @freeze_time('2026-03-03')  # a Tuesday
    def test_deadlines_follow_the_settings(self):
        with Form(self.env['res.config.settings']) as settings:
            settings.followup_complaint_reply_days_critical = 0
            settings.followup_complaint_reply_days_normal = 1
        complaint = self._complaint(severity='critical')
        self.assertEqual(complaint.reply_deadline, date(2026, 3, 3))
        with Form(complaint) as form:
            form.severity = 'normal'
        self.assertEqual(complaint.reply_deadline, date(2026, 3, 4))

    def test_negative_deadline_is_refused(self):
        with self.assertRaises(ValidationError):
            self.company.followup_complaint_reply_days_high = -1
        self.assertEqual(self.company.followup_complaint_reply_days_high, 2)

    def test_acknowledging_records_the_promised_date(self):
        with freeze_time('2026-03-02'):
            complaint = self._complaint(severity='high')
            complaint.reply_deadline = False
            complaint.action_acknowledge()
        self.assertEqual(complaint.reply_deadline, date(2026, 3, 4))
        # The customer is told that date in the acknowledgement.
        acknowledgement = complaint.message_ids.filtered(lambda m: 'received your complaint' in (m.subject or ''))
        self.assertIn('03/04/2026', str(acknowledgement.body))

    def test_overdue_status_and_search(self):
        with freeze_time('2026-03-02'):
            late = self._complaint(severity='critical')           # due 03-03
            on_time = self._complaint(severity='low')             # due 03-09
            done = self._advance(self._complaint(severity='critical'), 'resolved')
        with freeze_time('2026-03-05'):
            (late | on_time | done).invalidate_recordset(['is_overdue'])
            self.assertRecordValues(late | on_time | done, [
                {'is_overdue': True}, {'is_overdue': False}, {'is_overdue': False}])
            found = self.Complaint.search([('is_overdue', '=', True), ('id', 'in', (late | on_time | done).ids)])
            self.assertEqual(found, late)
            not_found = self.Complaint.search([('is_overdue', '=', False), ('id', 'in', (late | on_time | done).ids)])
            self.assertEqual(not_found, on_time | done)

    def test_cron_alerts_the_manager_once_per_missed_deadline(self):
        with freeze_time('2026-03-02'):
            late = self._complaint(severity='critical')
            escalated = self._complaint(severity='critical')
            escalated.action_escalate(reason='Already with the manager')
            on_time = self._complaint(severity='low')
            closed = self._advance(self._complaint(severity='critical'), 'closed')
        with freeze_time('2026-03-05'):
            self._run_cron()
            self.assertEqual(len(self._overdue_activities(late)), 1)
            self.assertIn(late.name, self._overdue_activities(late).summary)
            for complaint in (escalated, on_time, closed):
                self.assertFalse(self._overdue_activities(complaint), complaint.name)
            # Idempotent: a second run the same day (or the next) adds nothing.
            self._run_cron()
        with freeze_time('2026-03-06'):
            self._run_cron()
        self.assertEqual(len(self._overdue_activities(late)), 1)
        # A new promise that is missed again is a new alert.
        late.reply_deadline = date(2026, 3, 9)
        with freeze_time('2026-03-10'):
            self._run_cron()
        self.assertEqual(len(self._overdue_activities(late)), 2)

    def test_alert_batch_rechecks_its_records(self):
        """A batch handed over stale (already escalated meanwhile) alerts nobody."""
        with freeze_time('2026-03-02'):
            late = self._complaint(severity='critical')
        with freeze_time('2026-03-05'):
            late.action_escalate(reason='Handled')
            self.assertFalse(late._alert_overdue())
        self.assertFalse(self._overdue_activities(late))

    def test_cron_is_registered_daily(self):
        cron = self.env.ref('sales_followup.ir_cron_complaint_overdue')
        self.assertRecordValues(cron, [{'interval_number': 1, 'interval_type': 'days', 'active': True}])
