"""The complaint procedure as the after-sales practice states it: resolved
only once the solution was proposed and the customer agreed; the call-back
within 1 to 7 days; and the new settings of the sales team, validated."""
import importlib.util
import pathlib

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_complaint import ComplaintCase

MIGRATION = pathlib.Path(__file__).parent.parent / 'migrations' / '19.0.1.4.0' / 'post-migrate.py'


@tagged('post_install', '-at_install')
class TestComplaintAgreement(ComplaintCase):

    def test_resolving_is_only_possible_from_proposed(self):
        for state in ('new', 'acknowledged', 'investigating'):
            complaint = self._complaint(user=self.salesperson)
            if state != 'new':
                self._advance(complaint, state)
            complaint.write({'responsibility': 'product', 'solution': 'Replace the lamp.'})
            mine = complaint.with_user(self.salesperson)
            with self.subTest(state=state):
                self.assertFalse(complaint.can_resolve)
                with self.assertRaises(UserError):
                    mine.action_resolve()
                with self.assertRaises(UserError):
                    mine.write({'state': 'resolved'})
                self.assertRecordValues(complaint, [{'state': state, 'date_resolved': False}])
                self.assertFalse(complaint.followup_ids)

    def test_proposing_records_when_the_customer_agreed(self):
        complaint = self._advance(self._complaint(user=self.salesperson), 'investigating')
        complaint.write({'responsibility': 'product', 'solution': 'Replace the lamp.'})
        complaint.with_user(self.salesperson).action_propose()
        self.assertTrue(complaint.date_agreed)
        complaint.with_user(self.salesperson).action_resolve()
        self.assertRecordValues(complaint, [{'state': 'resolved'}])
        self.assertLessEqual(complaint.date_agreed, complaint.date_resolved)

    def test_the_agreement_cannot_be_forged(self):
        complaint = self._advance(self._complaint(user=self.salesperson), 'investigating')
        with self.assertRaises(UserError):
            complaint.with_user(self.salesperson).write({'date_agreed': '2026-01-01 10:00:00'})
        with self.assertRaises(UserError):
            self.Complaint.with_user(self.salesperson).create({
                'partner_id': self.customer.id, 'description': 'Forged', 'date_agreed': '2026-01-01 10:00:00'})
        self.assertFalse(complaint.date_agreed)

    def test_complaints_resolved_before_the_rule_stay_valid(self):
        """A complaint resolved straight from investigating by the previous
        release has no agreement date: it stays resolved, and closes."""
        complaint = self._advance(self._complaint(), 'investigating')
        complaint.write({'responsibility': 'product', 'solution': 'Replace the lamp.'})
        self.env.flush_all()
        self.env.cr.execute("UPDATE customer_complaint SET state = 'resolved', date_resolved = now() WHERE id = %s",
                            [complaint.id])
        complaint.invalidate_recordset()
        self.assertRecordValues(complaint, [{'state': 'resolved', 'date_agreed': False, 'can_close': True}])
        complaint.satisfaction = '5'
        complaint.action_close()
        self.assertEqual(complaint.state, 'closed')


@tagged('post_install', '-at_install')
class TestTeamSettings(ComplaintCase):

    def test_defaults(self):
        company = self.env['res.company'].create({'name': 'Fresh Team Co'})
        self.assertRecordValues(company, [{
            'followup_complaint_followup_days': 3, 'followup_risk_days': 90, 'followup_risk_drop_percent': 50,
        }])

    def test_complaint_followup_days_between_one_and_seven(self):
        for days in (1, 7):
            self.company.followup_complaint_followup_days = days
        for days in (0, 8, 30):
            with self.subTest(days=days), self.assertRaises(ValidationError) as refused:
                self.company.write({'followup_complaint_followup_days': days})
            self.assertIn("Complaint Follow-up (days) must be between 1 and 7", str(refused.exception))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.followup_complaint_followup_days, 7)

    def test_risk_settings_are_validated(self):
        for vals, message in (({'followup_risk_days': 0}, "Period (days) must be between 7 and 730"),
                              ({'followup_risk_drop_percent': 120}, "Drop (%) must be between 1 and 100"),
                              ({'followup_risk_drop_percent': -5}, "cannot be negative")):
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as refused:
                self.company.write(vals)
            self.assertIn(message, str(refused.exception))
        self.company.invalidate_recordset()
        self.assertRecordValues(self.company, [{'followup_risk_days': 90, 'followup_risk_drop_percent': 50}])

    def test_settings_form_saves_the_new_settings_per_company(self):
        with Form(self.env['res.config.settings']) as form:
            form.followup_risk_days = 60
            form.followup_risk_drop_percent = 40
            form.followup_complaint_followup_days = 5
        form.record.execute()
        self.assertRecordValues(self.company, [{
            'followup_risk_days': 60, 'followup_risk_drop_percent': 40, 'followup_complaint_followup_days': 5}])
        other = self.env['res.company'].create({'name': 'Other Team Co'})
        self.assertEqual(other.followup_risk_days, 90)
        view = self.env.ref('sales_followup.res_config_settings_view_form')
        for fname in ('followup_risk_days', 'followup_risk_drop_percent'):
            self.assertIn(f'name="{fname}"', view.arch)

    def test_upgrade_brings_an_old_call_back_delay_within_bounds(self):
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_company SET followup_complaint_followup_days = 30 WHERE id = %s",
                            [self.company.id])
        spec = importlib.util.spec_from_file_location('post_migrate_19_0_1_4_0', MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, '19.0.1.3.0')
        self.company.invalidate_recordset()
        self.assertEqual(self.company.followup_complaint_followup_days, 7)
