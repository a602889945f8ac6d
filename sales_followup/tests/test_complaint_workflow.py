from datetime import date

from freezegun import freeze_time
from lxml import etree
from psycopg2.errors import CheckViolation, NotNullViolation

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common_complaint import ComplaintCase

ALL_ACTIONS = (
    'action_acknowledge', 'action_investigate', 'action_propose', 'action_resolve',
    'action_close', 'action_cancel',
)
# The only states each action accepts.
ALLOWED_FROM = {
    'action_acknowledge': {'new'},
    'action_investigate': {'acknowledged'},
    'action_propose': {'acknowledged', 'investigating'},
    'action_resolve': {'proposed'},
    'action_close': {'resolved'},
    'action_cancel': {'new', 'acknowledged', 'investigating', 'proposed'},
}
STATES = ('new', 'acknowledged', 'investigating', 'proposed', 'resolved', 'closed', 'cancelled')
OPEN_STATES = ('new', 'acknowledged', 'investigating', 'proposed')
# Form header button -> the can_* flag that shows it.
BUTTON_FLAGS = {
    'action_acknowledge': 'can_acknowledge',
    'action_investigate': 'can_investigate',
    'action_propose': 'can_propose',
    'action_resolve': 'can_resolve',
    'action_open_close_wizard': 'can_close',
    'action_open_escalate_wizard': 'can_escalate',
    'action_cancel': 'can_cancel',
}
FLAG_ACTIONS = {
    'can_acknowledge': 'action_acknowledge', 'can_investigate': 'action_investigate',
    'can_propose': 'action_propose', 'can_resolve': 'action_resolve', 'can_close': 'action_close',
    'can_cancel': 'action_cancel',
}


@tagged('post_install', '-at_install')
class TestComplaintWorkflow(ComplaintCase):

    def _complaint_in(self, state, user=None):
        complaint = self._complaint(user=user)
        if state == 'cancelled':
            complaint.action_cancel()
        elif state != 'new':
            self._advance(complaint, state)
        # Everything a guard could ask for is there: only the state decides.
        complaint.sudo().write({
            'responsibility': 'product', 'solution': 'Replace the lamp.', 'satisfaction': '4',
        })
        return complaint

    # ------------------------------------------------------------------
    # Creation
    # ------------------------------------------------------------------

    def test_create_from_form_gets_sequence_salesperson_and_deadline(self):
        with freeze_time('2026-03-02'):  # a Monday
            form = Form(self.Complaint.with_user(self.salesperson))
            form.partner_id = self.customer
            form.order_id = self.order
            form.category = 'delivery'
            form.severity = 'high'
            form.description = 'Arrived two weeks late.'
            complaint = form.save()
        self.assertTrue(complaint.name.startswith('CMP/2026/'), complaint.name)
        self.assertRecordValues(complaint, [{
            'state': 'new', 'user_id': self.salesperson.id, 'company_id': self.company.id,
            'commercial_partner_id': self.customer.id, 'reply_deadline': date(2026, 3, 4),
            'escalated': False, 'send_acknowledgement': True,
        }])
        # It has a chatter and takes activities.
        complaint.message_post(body='Called the customer back.')
        complaint.activity_schedule('mail.mail_activity_data_todo', user_id=self.salesperson.id)
        self.assertIn('Called the customer back.', complaint.message_ids[0].body)
        self.assertEqual(complaint.activity_ids.user_id, self.salesperson)

    def test_order_of_another_customer_is_refused(self):
        other_order = self._order(self.other_customer)
        with self.assertRaises(ValidationError) as cm:
            self._complaint(order_id=other_order.id)
        self.assertIn(other_order.name, str(cm.exception))
        self.assertFalse(self.Complaint.search([('order_id', '=', other_order.id)]))

    def test_negative_compensation_is_refused(self):
        complaint = self._complaint()
        with self.assertRaises(CheckViolation) as cm, self.env.cr.savepoint():
            complaint.write({'compensation_amount': -5})
            complaint.flush_recordset()
        # What the RPC layer turns into the ValidationError the user reads.
        self.assertIn('A compensation cannot be negative.', self.Complaint._sql_error_to_message(cm.exception))
        complaint.invalidate_recordset()
        self.assertEqual(complaint.compensation_amount, 0)

    # ------------------------------------------------------------------
    # Transitions and guards
    # ------------------------------------------------------------------

    def test_full_workflow_through_the_form(self):
        complaint = self._complaint(user=self.salesperson)
        self.assertRecordValues(complaint, [{
            'can_acknowledge': True, 'can_investigate': False, 'can_propose': False,
            'can_resolve': False, 'can_close': False, 'can_cancel': True, 'can_escalate': True,
        }])
        complaint.action_acknowledge()
        self.assertRecordValues(complaint, [{'state': 'acknowledged', 'can_acknowledge': False,
                                             'can_investigate': True, 'can_resolve': False}])
        self.assertTrue(complaint.date_acknowledged)
        complaint.action_investigate()
        with Form(complaint) as form:
            form.responsibility = 'delivery'
            form.solution_type = 'replace'
            form.solution = 'Send a new lamp by express.'
            form.compensation_amount = 10.0
        self.assertFalse(complaint.date_agreed)
        complaint.action_propose()
        self.assertRecordValues(complaint, [{'state': 'proposed', 'can_propose': False, 'can_resolve': True}])
        self.assertTrue(complaint.date_agreed)
        complaint.action_resolve()
        self.assertRecordValues(complaint, [{'state': 'resolved', 'can_close': True, 'can_cancel': False,
                                             'can_escalate': False}])
        self.assertTrue(complaint.date_resolved)
        action = complaint.action_open_close_wizard()
        wizard_form = Form(self.env[action['res_model']].with_user(self.salesperson).with_context(**action['context']))
        wizard_form.satisfaction = '5'
        wizard_form.save().action_confirm()
        self.assertRecordValues(complaint, [{'state': 'closed', 'satisfaction': '5', 'can_close': False,
                                             'can_cancel': False}])
        self.assertTrue(complaint.date_closed)

    def test_every_wrong_transition_raises_and_changes_nothing(self):
        """Over RPC (with_user): each action refuses every state it does not come from."""
        for state in STATES:
            complaint = self._complaint_in(state, user=self.salesperson)
            for action in ALL_ACTIONS:
                if state in ALLOWED_FROM[action]:
                    continue
                with self.subTest(state=state, action=action):
                    with self.assertRaises(UserError):
                        getattr(complaint.with_user(self.salesperson), action)()
                    self.assertEqual(complaint.state, state)

    def test_every_allowed_transition_works(self):
        expected = {
            'action_acknowledge': 'acknowledged', 'action_investigate': 'investigating',
            'action_propose': 'proposed', 'action_resolve': 'resolved', 'action_close': 'closed',
            'action_cancel': 'cancelled',
        }
        for action, states in ALLOWED_FROM.items():
            for state in states:
                with self.subTest(state=state, action=action):
                    complaint = self._complaint_in(state, user=self.salesperson)
                    getattr(complaint.with_user(self.salesperson), action)()
                    self.assertEqual(complaint.state, expected[action])

    def test_can_flags_drive_the_form_buttons(self):
        """Each header button shows exactly when its can_* flag is set, and
        each flag is set exactly in the states its action accepts."""
        arch = self.Complaint.get_views([(False, 'form')])['views']['form']['arch']
        header = etree.fromstring(arch).find('.//header')
        buttons = {button.get('name'): button.get('invisible') for button in header.iter('button')}
        self.assertEqual(buttons, {button: 'not %s' % flag for button, flag in BUTTON_FLAGS.items()})
        for state in STATES:
            complaint = self._complaint_in(state)
            with self.subTest(state=state):
                expected = {
                    flag: state in ALLOWED_FROM[FLAG_ACTIONS[flag]] for flag in BUTTON_FLAGS.values()
                    if flag != 'can_escalate'
                }
                expected['can_escalate'] = state in OPEN_STATES
                self.assertRecordValues(complaint, [expected])
        escalated = self._complaint()
        escalated.action_escalate(reason='Angry customer')
        self.assertFalse(escalated.can_escalate)

    def _click(self, complaint, button):
        """What the form does on a click: the button must be shown, then its
        method runs as the user."""
        self.assertTrue(complaint[BUTTON_FLAGS[button]], "button %s is hidden" % button)
        return getattr(complaint, button)()

    def test_guards_from_the_form(self):
        complaint = self._complaint(user=self.salesperson).with_user(self.salesperson)
        self._click(complaint, 'action_acknowledge')
        self._click(complaint, 'action_investigate')
        # Resolving waits for a solution the customer agreed to.
        self.assertFalse(complaint.can_resolve)
        with self.assertRaises(UserError):
            complaint.action_resolve()
        with self.assertRaises(UserError) as cm:
            self._click(complaint, 'action_propose')
        self.assertIn('solution', str(cm.exception))
        self.assertEqual(complaint.state, 'investigating')
        with Form(complaint) as form:
            form.solution = 'Send a new lamp.'
        self._click(complaint, 'action_propose')
        # Resolve is offered, but the facts are missing.
        with self.assertRaises(UserError) as cm:
            self._click(complaint, 'action_resolve')
        self.assertIn('responsible', str(cm.exception))
        self.assertRecordValues(complaint, [{'state': 'proposed', 'date_resolved': False}])
        with Form(complaint) as form:
            form.responsibility = 'product'
        self._click(complaint, 'action_resolve')
        self.assertEqual(complaint.state, 'resolved')
        # The close wizard cannot be recorded without the customer's satisfaction.
        action = self._click(complaint, 'action_open_close_wizard')
        Wizard = self.env[action['res_model']].with_user(self.salesperson).with_context(**action['context'])
        with self.assertRaises(NotNullViolation), mute_logger('odoo.sql_db'):
            Wizard.create({'complaint_id': complaint.id})
        self.assertRecordValues(complaint, [{'state': 'resolved', 'satisfaction': False}])

    def test_state_written_directly_goes_through_the_action(self):
        """A kanban drag and drop (web_save) or a plain write over RPC runs
        the action of the target state, with its guards and side effects."""
        complaint = self._complaint(user=self.salesperson).with_user(self.salesperson)
        complaint.web_save({'state': 'acknowledged'}, specification={})
        self.assertEqual(complaint.state, 'acknowledged')
        self.assertTrue(complaint.date_acknowledged)
        self.assertEqual(len(self._customer_emails(complaint, 'received your complaint')), 1)
        complaint.write({'responsibility': 'delivery', 'solution': 'New lamp.', 'state': 'proposed'})
        self.assertTrue(complaint.date_agreed)
        complaint.write({'state': 'resolved'})
        self.assertRecordValues(complaint, [{'state': 'resolved', 'responsibility': 'delivery'}])
        self.assertTrue(complaint.date_resolved)
        self.assertEqual(complaint.followup_ids.kind, 'complaint')
        self.assertEqual(len(self._customer_emails(complaint, 'is resolved')), 1)

    def test_wrong_state_written_directly_raises_and_changes_nothing(self):
        complaint = self._complaint(user=self.salesperson).with_user(self.salesperson)
        cases = [
            ('new', {'state': 'closed', 'satisfaction': '5'}, 'cannot be moved to Closed'),
            ('new', {'state': 'investigating'}, 'cannot be moved to Investigating'),
            ('acknowledged', {'state': 'resolved', 'solution': 'New lamp.', 'responsibility': 'product'},
             'cannot be moved to Resolved'),
            ('acknowledged', {'state': 'proposed'}, 'solution'),
            ('acknowledged', {'state': 'new'}, 'cannot be moved back to New'),
        ]
        for state, vals, message in cases:
            if complaint.state != state:
                complaint.action_acknowledge()
            with self.subTest(vals=vals):
                with self.assertRaises(UserError) as cm:
                    complaint.web_save(vals, specification={})
                self.assertIn(message, str(cm.exception))
                self.assertRecordValues(complaint, [{
                    'state': state, 'satisfaction': False, 'solution': False, 'date_resolved': False,
                }])
        self.assertFalse(complaint.followup_ids)

    def test_workflow_records_cannot_be_forged(self):
        complaint = self._complaint(user=self.salesperson).with_user(self.salesperson)
        for vals in ({'escalated': True}, {'escalation_reason': 'Made up'},
                     {'date_resolved': '2026-01-01 00:00:00'}, {'escalated_by_id': self.sales_manager.id}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                complaint.write(vals)
        self.assertRecordValues(complaint, [{'escalated': False, 'date_resolved': False, 'state': 'new'}])
        self.assertFalse(complaint.sudo().escalation_reason)
        Complaint = self.Complaint.with_user(self.salesperson)
        count = self.Complaint.search_count([])
        for vals in ({'state': 'closed'}, {'escalated': True}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                Complaint.create(dict(vals, partner_id=self.customer.id, description='Forged'))
        self.assertEqual(self.Complaint.search_count([]), count)

    def test_propose_needs_a_solution(self):
        complaint = self._advance(self._complaint(), 'investigating')
        with self.assertRaises(UserError) as cm:
            complaint.with_user(self.salesperson).action_propose()
        self.assertIn('solution', str(cm.exception))
        self.assertEqual(complaint.state, 'investigating')

    def test_resolve_needs_responsibility_and_solution(self):
        complaint = self._advance(self._complaint(), 'proposed')
        complaint.responsibility = False
        with self.assertRaises(UserError) as cm:
            complaint.with_user(self.salesperson).action_resolve()
        self.assertIn('responsible', str(cm.exception))
        complaint.write({'responsibility': 'product', 'solution': '  '})
        with self.assertRaises(UserError) as cm:
            complaint.with_user(self.salesperson).action_resolve()
        self.assertIn('solution', str(cm.exception))
        self.assertRecordValues(complaint, [{'state': 'proposed', 'date_resolved': False}])
        self.assertFalse(self.env['customer.followup'].search([('complaint_id', '=', complaint.id)]))

    def test_close_needs_satisfaction(self):
        complaint = self._advance(self._complaint(), 'resolved')
        with self.assertRaises(UserError) as cm:
            complaint.with_user(self.salesperson).action_close()
        self.assertIn('satisfaction', str(cm.exception))
        self.assertRecordValues(complaint, [{'state': 'resolved', 'date_closed': False}])

    def test_close_wizard_refuses_a_complaint_that_is_not_resolved(self):
        complaint = self._advance(self._complaint(), 'investigating')
        with self.assertRaises(UserError):
            complaint.action_open_close_wizard()
        wizard = self.env['customer.complaint.close.wizard'].create({
            'complaint_id': complaint.id, 'satisfaction': '3'})
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertRecordValues(complaint, [{'state': 'investigating', 'satisfaction': False}])

    def test_delete_only_new_or_cancelled(self):
        complaint = self._advance(self._complaint(), 'acknowledged')
        with self.assertRaises(UserError):
            complaint.unlink()
        self.assertTrue(complaint.exists())
        complaint.action_cancel()
        complaint.unlink()
        self.assertFalse(complaint.exists())

    def test_promised_deadline_is_kept_when_severity_changes(self):
        with freeze_time('2026-03-02'):
            complaint = self._complaint(severity='low')
            self.assertEqual(complaint.reply_deadline, date(2026, 3, 9))
            complaint.action_acknowledge()
            complaint.reply_deadline = date(2026, 3, 6)  # promised on the phone
            complaint.severity = 'critical'
        self.assertEqual(complaint.reply_deadline, date(2026, 3, 6))

    # ------------------------------------------------------------------
    # Escalation
    # ------------------------------------------------------------------

    def test_escalation_records_who_when_why_and_notifies_the_manager(self):
        complaint = self._advance(self._complaint(), 'acknowledged')
        with freeze_time('2026-03-05 10:00:00'):
            action = complaint.with_user(self.salesperson).action_open_escalate_wizard()
            form = Form(self.env[action['res_model']].with_user(self.salesperson).with_context(**action['context']))
            form.reason = 'Customer threatens to leave.'
            form.save().action_confirm()
        self.assertRecordValues(complaint, [{
            'escalated': True, 'escalated_by_id': self.salesperson.id,
            'escalation_reason': 'Customer threatens to leave.', 'can_escalate': False,
        }])
        self.assertEqual(str(complaint.escalated_date), '2026-03-05 10:00:00')
        activity = complaint.activity_ids.filtered(lambda a: a.user_id == self.sales_manager)
        self.assertEqual(len(activity), 1)
        self.assertIn(complaint.name, activity.summary)
        self.assertIn('threatens', str(activity.note))

    def test_escalation_needs_a_reason_and_happens_once(self):
        complaint = self._complaint()
        with self.assertRaises(UserError):
            complaint.with_user(self.salesperson).action_escalate(reason='  ')
        self.assertFalse(complaint.escalated)
        complaint.with_user(self.salesperson).action_escalate(reason='Angry customer')
        with self.assertRaises(UserError):
            complaint.with_user(self.salesperson).action_escalate(reason='Again')
        self.assertEqual(complaint.escalation_reason, 'Angry customer')

    def test_closed_complaint_cannot_be_escalated(self):
        complaint = self._advance(self._complaint(), 'closed')
        with self.assertRaises(UserError):
            complaint.with_user(self.salesperson).action_escalate(reason='Too late')
        self.assertFalse(complaint.escalated)

    def test_escalation_without_team_leader_goes_to_a_sales_manager(self):
        self.team.user_id = False
        self.salesperson.sale_team_id = False
        complaint = self._complaint()
        complaint.action_escalate(reason='Needs a manager')
        managers = self.env.ref('sales_team.group_sale_manager').all_user_ids
        self.assertTrue(complaint.activity_ids.user_id)
        self.assertLessEqual(complaint.activity_ids.user_id, managers)

    # ------------------------------------------------------------------
    # Resolution, follow-up cards and closing
    # ------------------------------------------------------------------

    def test_resolve_creates_one_complaint_followup_card(self):
        complaint = self._advance(self._complaint(), 'proposed')
        with freeze_time('2026-04-10'):
            complaint.with_user(self.salesperson).action_resolve()
        card = self.env['customer.followup'].search([('complaint_id', '=', complaint.id)])
        self.assertRecordValues(card, [{
            'kind': 'complaint', 'partner_id': self.customer.id, 'order_id': self.order.id,
            'user_id': self.salesperson.id, 'date_due': date(2026, 4, 17), 'state': 'todo',
        }])
        # The card is the salesperson's to-do.
        self.assertTrue(card.activity_ids.filtered(lambda a: a.user_id == self.salesperson))
        self.assertEqual(complaint.followup_ids, card)

    def test_followup_delay_follows_the_setting(self):
        self.company.followup_complaint_followup_days = 3
        complaint = self._advance(self._complaint(), 'proposed')
        with freeze_time('2026-04-10'):
            complaint.action_resolve()
        self.assertEqual(complaint.followup_ids.date_due, date(2026, 4, 13))

    def test_closing_marks_the_callback_done_and_turns_the_better_offer_into_a_card(self):
        complaint = self._advance(self._complaint(), 'resolved')
        callback = complaint.followup_ids
        wizard = self.env['customer.complaint.close.wizard'].with_user(self.salesperson).create({
            'complaint_id': complaint.id, 'satisfaction': '4',
            'better_offer': 'Offer the LED model at 10% off.',
        })
        wizard.action_confirm()
        self.assertEqual(callback.state, 'done')
        self.assertIn('4/5', callback.outcome)
        offer = complaint.followup_ids - callback
        self.assertRecordValues(offer, [{
            'kind': 'complaint', 'user_id': self.salesperson.id, 'state': 'todo', 'partner_id': self.customer.id,
        }])
        self.assertIn('LED model', offer.note)

    def test_closing_without_better_offer_creates_no_card(self):
        complaint = self._advance(self._complaint(), 'closed')
        self.assertEqual(len(complaint.followup_ids), 1)

    def test_satisfaction_rolls_up_to_the_partner(self):
        contact = self.env['res.partner'].create({'name': 'Lin Lotus', 'parent_id': self.customer.id})
        first = self._advance(self._complaint(), 'resolved')
        first.satisfaction = '5'
        first.action_close()
        second = self._advance(self._complaint(partner_id=contact.id), 'resolved')
        second.satisfaction = '2'
        second.action_close()
        self._complaint()  # still open: counted, not rated
        self.customer.invalidate_recordset(['complaint_count', 'complaint_satisfaction_avg'])
        self.assertRecordValues(self.customer | contact, [
            {'complaint_count': 3, 'complaint_satisfaction_avg': 3.5},
            {'complaint_count': 3, 'complaint_satisfaction_avg': 3.5},
        ])
        self.assertRecordValues(self.other_customer, [{'complaint_count': 0, 'complaint_satisfaction_avg': 0.0}])
        action = self.customer.action_view_complaints()
        self.assertEqual(self.Complaint.search(action['domain']), first | second | self.Complaint.search(
            [('state', '=', 'new'), ('commercial_partner_id', '=', self.customer.id)]))

    # ------------------------------------------------------------------
    # Customer emails
    # ------------------------------------------------------------------

    def _customer_emails(self, complaint, subject_part):
        return complaint.message_ids.filtered(
            lambda m: m.message_type == 'comment' and subject_part in (m.subject or '')
            and self.customer in m.partner_ids)

    def test_acknowledgement_email_is_sent_on_acknowledge(self):
        complaint = self._complaint()
        complaint.with_user(self.salesperson).action_acknowledge()
        message = self._customer_emails(complaint, 'received your complaint')
        self.assertEqual(len(message), 1)
        self.assertIn(complaint.name, message.subject)
        self.assertIn(self.order.name, str(message.body))
        self.assertTrue(self.env['mail.mail'].sudo().search([('mail_message_id', '=', message.id)]))

    def test_acknowledgement_email_can_be_switched_off(self):
        complaint = self._complaint(send_acknowledgement=False)
        complaint.action_acknowledge()
        self.assertEqual(complaint.state, 'acknowledged')
        self.assertFalse(self._customer_emails(complaint, 'received your complaint'))

    def test_resolution_email_is_sent_on_resolve(self):
        complaint = self._advance(self._complaint(send_acknowledgement=False), 'proposed')
        self.assertFalse(self._customer_emails(complaint, 'is resolved'))
        complaint.action_resolve()
        message = self._customer_emails(complaint, 'is resolved')
        self.assertEqual(len(message), 1)
        self.assertIn('Replace the lamp.', str(message.body))

    def test_emails_speak_the_customers_language(self):
        self.env['res.lang']._activate_lang('fr_FR')
        self.customer.lang = 'fr_FR'
        for xmlid, subject, body in (
            ('sales_followup.mail_template_complaint_acknowledged',
             'Nous avons bien reçu votre réclamation {{ object.name }}', '<p>Réclamation enregistrée</p>'),
            ('sales_followup.mail_template_complaint_resolved',
             'Votre réclamation {{ object.name }} est résolue', '<p>Réclamation résolue</p>'),
        ):
            self.env.ref(xmlid).with_context(lang='fr_FR').write({'subject': subject, 'body_html': body})
        complaint = self._advance(self._complaint(), 'resolved')
        messages = complaint.message_ids.filtered(lambda m: self.customer in m.partner_ids)
        self.assertEqual(sorted(messages.mapped('subject')), [
            'Nous avons bien reçu votre réclamation %s' % complaint.name,
            'Votre réclamation %s est résolue' % complaint.name,
        ])
        self.assertIn('Réclamation enregistrée', str(messages.mapped('body')))
        # The English text is still what an English customer gets.
        self.assertEqual(self.env.ref('sales_followup.mail_template_complaint_resolved').with_context(
            lang='en_US').subject, 'Your complaint {{ object.name }} is resolved')

    def test_emails_are_translatable_templates(self):
        for xmlid in ('sales_followup.mail_template_complaint_acknowledged',
                      'sales_followup.mail_template_complaint_resolved'):
            template = self.env.ref(xmlid)
            self.assertTrue(template._fields['subject'].translate)
            self.assertTrue(template._fields['body_html'].translate)
            self.assertEqual(template.model, 'customer.complaint')

    # ------------------------------------------------------------------
    # Views
    # ------------------------------------------------------------------

    def test_board_and_reports_load_for_a_salesperson(self):
        for xmlid in ('sales_followup.action_customer_complaint', 'sales_followup.action_customer_complaint_report'):
            action = self.env.ref(xmlid)
            model = self.env[action.res_model].with_user(self.salesperson)
            views = model.get_views([(False, mode) for mode in action.view_mode.split(',')] + [(False, 'search')])
            self.assertEqual(set(views['views']), set(action.view_mode.split(',')) | {'search'})
        partner_form = self.env['res.partner'].with_user(self.salesperson).get_views([(False, 'form')])
        self.assertIn('complaint_count', partner_form['views']['form']['arch'])
        plain_user = self.env['res.users'].create({'name': 'Plain', 'login': 'sf_complaint_plain'})
        self.assertNotIn('complaint_count',
                         self.env['res.partner'].with_user(plain_user).get_views(
                             [(False, 'form')])['views']['form']['arch'])

    def test_analysis_averages_ignore_what_is_not_there_yet(self):
        with freeze_time('2026-03-02 08:00:00'):
            resolved = self._advance(self._complaint(category='delivery'), 'proposed')
        with freeze_time('2026-03-04 12:00:00'):
            resolved.action_resolve()
        resolved.satisfaction = '4'
        resolved.action_close()
        self.assertAlmostEqual(resolved.resolution_days, 2.5, places=1)
        self._complaint(category='delivery')  # open: no resolution time, no rating
        self.env.flush_all()
        Report = self.env['customer.complaint.report']
        [(count, days, score)] = Report._read_group(
            [('category', '=', 'delivery'), ('complaint_id', 'in', self.Complaint.search([]).ids)],
            [], ['__count', 'resolution_days:avg', 'satisfaction_score:avg'])
        self.assertEqual(count, 2)
        self.assertAlmostEqual(days, 2.5, places=1)
        self.assertEqual(score, 4.0)

    def test_board_cards_are_coloured_by_severity(self):
        arch = etree.fromstring(self.Complaint.get_views([(False, 'kanban')])['views']['kanban']['arch'])
        self.assertEqual(arch.get('default_group_by'), 'state')
        self.assertEqual(arch.get('highlight_color'), 'severity_color')
        colours = {}
        for severity in ('critical', 'high', 'normal', 'low'):
            complaint = self._complaint(severity=severity)
            colours[severity] = complaint.severity_color
        self.assertEqual(colours, {'critical': 1, 'high': 2, 'normal': 4, 'low': 10})
        complaint.severity = 'critical'
        self.assertEqual(complaint.severity_color, 1)
        # Every state is a column, even an empty one.
        groups = self.Complaint.with_context(read_group_expand=True).web_read_group(
            [('id', '=', complaint.id)], ['state'], ['__count'])['groups']
        self.assertEqual([group['state'] for group in groups], list(STATES))

    def test_analysis_by_category_responsibility_product_and_salesperson(self):
        chair = self.env['product.product'].create({'name': 'Chair', 'type': 'consu'})
        with freeze_time('2026-03-02 08:00:00'):
            lamp = self._advance(self._complaint(category='delivery'), 'proposed')
            chair_complaint = self._advance(self._complaint(
                category='product_quality', product_id=chair.id, user_id=self.sales_manager.id), 'proposed')
            chair_complaint.responsibility = 'delivery'
        with freeze_time('2026-03-03 00:00:00'):
            lamp.action_resolve()
        with freeze_time('2026-03-06 00:00:00'):
            chair_complaint.action_resolve()
        self.env.flush_all()
        Report = self.env['customer.complaint.report']
        domain = [('complaint_id', 'in', (lamp | chair_complaint).ids)]
        expected = {
            'category': {'delivery': 1.0, 'product_quality': 4.0},
            'responsibility': {'product': 1.0, 'delivery': 4.0},
            'product_id': {self.product: 1.0, chair: 4.0},
            'user_id': {self.salesperson: 1.0, self.sales_manager: 4.0},
        }
        for groupby, averages in expected.items():
            with self.subTest(groupby=groupby):
                self.assertEqual(dict(Report._read_group(domain, [groupby], ['resolution_days:avg'])), averages)
        search_arch = etree.fromstring(Report.get_views([(False, 'search')])['views']['search']['arch'])
        group_bys = {safe_eval(f.get('context'))['group_by'] for f in search_arch.iter('filter') if f.get('context')}
        self.assertLessEqual({'category', 'responsibility', 'product_id', 'user_id'}, group_bys)

    def test_responsibility_gives_advice(self):
        complaint = self._complaint()
        self.assertFalse(complaint.responsibility_advice)
        complaint.responsibility = 'delivery'
        self.assertIn('delivery manager', complaint.responsibility_advice)
        complaint.responsibility = 'salesperson'
        self.assertIn('apologise', complaint.responsibility_advice)
