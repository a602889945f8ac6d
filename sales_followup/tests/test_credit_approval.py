from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_credit import CreditCase


@tagged('post_install', '-at_install')
class TestCreditApproval(CreditCase):
    """Approval mode, its rights, bounded approvals and bypass attempts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.followup_credit_mode = 'approval'
        cls.approval_type = cls.env.ref('sales_followup.mail_activity_type_credit_approval')

    def approval_activities(self, order):
        return order.activity_ids.filtered(lambda act: act.activity_type_id == self.approval_type)

    def pending_order(self, amount=1500.0):
        order = self.make_order(amount)
        action = self.confirm_as(order)
        self.assertEqual(action['tag'], 'display_notification', "the salesperson is told why")
        self.assertIn(order.name, action['params']['message'])
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        return order

    # ------------------------------------------------------------------
    # the flow
    # ------------------------------------------------------------------
    def test_over_the_limit_goes_pending_with_activity_and_reason(self):
        order = self.pending_order()
        activities = self.approval_activities(order)
        self.assertIn(self.credit_controller, activities.user_id)
        self.assertNotIn(self.salesperson, activities.user_id)
        note = order.message_ids.filtered(lambda m: 'Waiting for credit approval' in (m.body or ''))
        self.assertTrue(note, "the chatter records why the order waits")
        self.assertIn("Credit limit exceeded", note[0].body)
        # Confirming again does not pile up activities.
        self.confirm_as(order)
        self.assertEqual(len(self.approval_activities(order)), len(activities))

    def test_under_the_limit_needs_no_approval(self):
        order = self.make_order(900.0)
        self.confirm_as(order)
        self.assertRecordValues(order, [{'state': 'sale', 'credit_approval_state': False}])

    def test_controller_approves_and_confirms(self):
        order = self.pending_order()
        self.assertFalse(order.with_user(self.salesperson).can_credit_decide)
        controller_order = order.with_user(self.credit_controller)
        self.assertTrue(controller_order.can_credit_decide)
        controller_order.action_credit_approve()
        self.assertRecordValues(order, [{
            'state': 'sale',
            'credit_approval_state': 'approved',
            'credit_approved_by_id': self.credit_controller.id,
            'credit_approved_amount': 1500.0,
        }])
        self.assertFalse(self.approval_activities(order), "the controllers' to-do is done")

    def test_controller_rejects_with_a_reason_and_salesperson_is_told(self):
        order = self.pending_order()
        action = order.with_user(self.credit_controller).action_credit_reject()
        self.assertEqual(action['res_model'], 'credit.reject.wizard')
        wizard_form = Form(self.env['credit.reject.wizard'].with_user(self.credit_controller)
                           .with_context(**action['context']))
        wizard_form.reason = "Two invoices unpaid; ask for a down payment."
        wizard_form.save().action_reject()
        self.assertRecordValues(order, [{
            'state': 'draft', 'credit_approval_state': 'rejected',
            'credit_reject_reason': "Two invoices unpaid; ask for a down payment.",
        }])
        message = order.message_ids.filtered(lambda m: 'Credit rejected' in (m.body or ''))[:1]
        self.assertIn(self.salesperson.partner_id, message.notified_partner_ids | message.partner_ids)
        self.assertIn(self.salesperson, order.activity_ids.user_id)
        self.assertFalse(self.approval_activities(order))

    def test_reject_needs_a_reason(self):
        order = self.pending_order()
        with self.assertRaises(UserError):
            order.with_user(self.credit_controller)._credit_reject("   ")
        self.assertEqual(order.credit_approval_state, 'pending')

    def test_only_pending_orders_are_decided(self):
        order = self.make_order(100.0)
        with self.assertRaises(UserError):
            order.with_user(self.credit_controller).action_credit_approve()
        self.assertEqual(order.state, 'draft')

    def test_rejected_order_asks_again_when_confirmed_again(self):
        order = self.pending_order()
        order.with_user(self.credit_controller)._credit_reject("Too much")
        self.confirm_as(order)
        self.assertEqual(order.credit_approval_state, 'pending')
        order.order_line.price_unit = 800.0
        self.confirm_as(order)
        self.assertRecordValues(order, [{'state': 'sale', 'credit_approval_state': False}])

    def test_hold_and_overdue_hold_in_approval_mode(self):
        self.customer.with_user(self.credit_controller).credit_hold = True
        order = self.make_order(1.0)
        self.confirm_as(order)
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
        self.assertIn("credit hold", self.approval_activities(order)[0].note)

    def test_overdue_invoice_holds_in_approval_mode(self):
        self.company.followup_credit_overdue_days = 30
        with freeze_time('2026-05-01'):
            self.make_invoice(100.0, invoice_date='2026-03-01', due_date='2026-03-01')
            order = self.make_order(1.0)
            self.confirm_as(order)
            self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])
            self.assertIn("61 days", self.approval_activities(order)[0].note)
            order.with_user(self.credit_controller).action_credit_approve()
            self.assertRecordValues(order, [{'state': 'sale', 'credit_approval_state': 'approved'}])

    # ------------------------------------------------------------------
    # bounded approvals
    # ------------------------------------------------------------------
    def test_approved_order_may_change_within_its_approved_amount(self):
        order = self.pending_order(1500.0)
        order.with_user(self.credit_controller).action_credit_approve()
        order.with_user(self.salesperson).order_line.price_unit = 1200.0
        order.with_user(self.salesperson).order_line.price_unit = 1500.0
        self.assertEqual(order.credit_approval_state, 'approved')

    def test_approved_order_growing_beyond_approval_goes_back_to_approval(self):
        order = self.pending_order(1500.0)
        order.with_user(self.credit_controller).action_credit_approve()
        with Form(order.with_user(self.salesperson)) as form, form.order_line.edit(0) as line:
            line.price_unit = 1600.0
        self.assertRecordValues(order, [{
            'state': 'sale', 'amount_total': 1600.0, 'credit_approval_state': 'pending',
            'credit_approved_amount': 0.0,
        }])
        self.assertTrue(self.approval_activities(order))
        order.with_user(self.credit_controller).action_credit_approve()
        self.assertRecordValues(order, [{'state': 'sale', 'credit_approved_amount': 1600.0}])

    def test_approved_order_growing_is_refused_in_block_mode(self):
        order = self.pending_order(1500.0)
        order.with_user(self.credit_controller).action_credit_approve()
        self.company.followup_credit_mode = 'block'
        line = order.order_line.with_user(self.salesperson)
        with self.assertRaises(UserError) as cm:
            line.write({'price_unit': 1600.0})
        self.assertIn("grew", str(cm.exception))
        self.assertEqual(order.amount_total, 1500.0, "the change is undone")
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).write({'order_line': [
                (0, 0, {'product_id': self.product.id, 'price_unit': 50.0, 'tax_ids': []}),
            ]})
        self.assertEqual(len(order.order_line), 1)

    def test_confirmed_order_growing_within_the_limit_is_fine(self):
        self.company.followup_credit_mode = 'block'
        order = self.make_order(500.0)
        self.confirm_as(order)
        order.with_user(self.salesperson).order_line.price_unit = 1000.0
        self.assertEqual(order.amount_total, 1000.0)
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).order_line.price_unit = 1000.01

    def test_lowering_one_line_and_raising_another_in_one_save_is_one_check(self):
        self.company.followup_credit_mode = 'block'
        order = self.make_order(1000.0, lines=2)
        self.confirm_as(order)
        first, second = order.order_line
        order.with_user(self.salesperson).write({'order_line': [
            (1, second.id, {'price_unit': 700.0}),
            (1, first.id, {'price_unit': 300.0}),
        ]})
        self.assertEqual(order.amount_total, 1000.0)

    # ------------------------------------------------------------------
    # rights and bypass attempts
    # ------------------------------------------------------------------
    def test_salesperson_cannot_approve_or_reject(self):
        order = self.pending_order()
        as_seller = order.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            as_seller.action_credit_approve()
        with self.assertRaises(AccessError):
            as_seller.action_credit_reject()
        with self.assertRaises(AccessError):
            as_seller._credit_reject("nope")
        self.assertRecordValues(order, [{'state': 'draft', 'credit_approval_state': 'pending'}])

    def test_salesperson_cannot_forge_an_approval(self):
        order = self.pending_order()
        as_seller = order.with_user(self.salesperson)
        for vals in ({'credit_approval_state': 'approved'},
                     {'credit_approved_amount': 1e9},
                     {'credit_approved_by_id': self.salesperson.id}):
            with self.assertRaises(AccessError):
                as_seller.write(vals)
        with self.assertRaises(AccessError):
            self.env['sale.order'].with_user(self.salesperson).create({
                'partner_id': self.customer.id, 'credit_approval_state': 'approved',
                'credit_approved_amount': 1e9,
            })
        self.assertRecordValues(order, [{'credit_approval_state': 'pending', 'credit_approved_amount': 0.0}])

    def test_no_context_key_bypasses_the_check(self):
        self.company.followup_credit_mode = 'block'
        order = self.make_order(5000.0)
        keys = {
            'skip_credit_check': True, 'credit_check_skip': True, 'sales_followup_skip_credit': True,
            'sales_followup_credit_soft': True, 'bypass_credit_limit': True, 'install_mode': True,
            'import_file': True, 'tracking_disable': True, 'active_test': False,
        }
        with self.assertRaises(UserError):
            order.with_user(self.salesperson).with_context(**keys).action_confirm()
        self.assertEqual(order.state, 'draft')
        with self.assertRaises(AccessError):
            self.customer.with_user(self.salesperson).with_context(**keys).write({'credit_hold': False})

    def test_only_controllers_edit_limit_and_hold(self):
        accountant = new_test_user(self.env, login='sf_credit_accountant',
                                   groups='account.group_account_invoice,sales_team.group_sale_salesman,base.group_partner_manager')
        for user in (self.salesperson, accountant):
            customer = self.customer.with_user(user)
            with self.assertRaises(AccessError):
                customer.write({'credit_limit': 99999.0})
            with self.assertRaises(AccessError):
                customer.write({'credit_hold': True})
        with self.assertRaises(AccessError):
            self.env['res.partner'].with_user(accountant).create({'name': 'Held', 'credit_hold': True})
        self.assertRecordValues(self.customer.sudo(), [{'credit_limit': 1000.0, 'credit_hold': False}])
        # Saving the form with unchanged values is harmless.
        self.customer.with_user(accountant).write({'credit_limit': 1000.0, 'credit_hold': False})

    def test_controller_changes_are_tracked(self):
        # As if the customer was created in an earlier transaction: Odoo does
        # not track fields of a record created in the current one.
        self.env.cr.flush()
        customer = self.customer.with_user(self.credit_controller)
        customer.write({'credit_limit': 2500.0, 'credit_hold': True})
        self.env.cr.flush()  # runs the precommit hooks that write the tracking
        tracked = self.customer.message_ids.tracking_value_ids.mapped('field_id.name')
        self.assertIn('credit_limit', tracked)
        self.assertIn('credit_hold', tracked)
        self.assertEqual(self.customer.sudo().credit_limit, 2500.0)

    def test_negative_limit_is_refused(self):
        from odoo.exceptions import ValidationError
        with self.assertRaises(ValidationError):
            self.customer.with_user(self.credit_controller).credit_limit = -5.0
        self.assertEqual(self.customer.sudo().credit_limit, 1000.0)

    # ------------------------------------------------------------------
    # screens
    # ------------------------------------------------------------------
    def test_partner_form_lets_controllers_edit_and_others_read(self):
        with Form(self.customer.with_user(self.credit_controller)) as form:
            form.credit_limit = 3000.0
            form.credit_hold = True
        self.assertRecordValues(self.customer.sudo(), [{'credit_limit': 3000.0, 'credit_hold': True}])
        form = Form(self.customer.with_user(self.sales_manager))
        self.assertTrue(form.credit_hold)
        self.assertEqual(form.credit_limit_amount, 3000.0)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.sales_manager).write({'credit_hold': False})
        self.assertTrue(self.customer.sudo().credit_hold)

    def test_settings_show_the_credit_mode(self):
        with Form(self.env['res.config.settings']) as form:
            form.followup_credit_mode = 'block'
            form.followup_credit_tolerance = 5.0
            form.followup_credit_overdue_days = 45
        self.assertRecordValues(self.company, [{
            'followup_credit_mode': 'block', 'followup_credit_tolerance': 5.0,
            'followup_credit_overdue_days': 45,
        }])
