import base64

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged

from .common_card_import import CardImportCase


@tagged('post_install', '-at_install')
class TestCardImportRights(CardImportCase):
    """A row needing a right the importing user lacks is a bad row, named as
    such: grades need after-sales managers, credit limits credit
    controllers; nothing is dropped silently."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.ref = 'LT-1'
        cls.sales_manager.group_ids |= cls.env.ref('base.group_partner_manager')

    def assert_refused(self, rows, user, reason):
        before = self.snapshot()
        with self.assertRaises(UserError) as caught:
            self.run_import(self.xlsx(rows), user=user)
        self.assertIn(reason, caught.exception.args[0])
        self.assertEqual(self.snapshot(), before)

    def test_a_grade_needs_an_after_sales_manager(self):
        rows = [{'name': 'Fine Co', 'ref': 'F1'}, {'name': 'Graded Co', 'ref': 'G1', 'grade': 'A'},
                {'name': 'Lotus Trading', 'ref': 'LT-1', 'grade': 'c'}]
        for number in (3, 4):
            self.assert_refused(rows, self.salesperson,
                                f"Row {number}: Only after-sales managers can set, lock or unlock customer grades.")
        self.run_import(self.xlsx(rows), user=self.sales_manager)
        graded = self.Partner.search([('ref', 'in', ['G1', 'LT-1'])], order='ref')
        self.assertRecordValues(graded, [
            {'ref': 'G1', 'customer_grade': 'a', 'customer_grade_locked': True},
            {'ref': 'LT-1', 'customer_grade': 'c', 'customer_grade_locked': True},
        ])

    def test_the_grade_is_the_importing_companys(self):
        company_b = self.env['res.company'].create({'name': 'Card Company B'})
        self.sales_manager.company_ids |= company_b
        wizard = self.Wizard.with_user(self.sales_manager).with_company(company_b).create({
            'file': base64.b64encode(self.xlsx([{'name': 'Lotus Trading', 'ref': 'LT-1', 'grade': 'A'}]))})
        wizard.action_import()
        gradings = self.env['res.partner.grading'].search([('partner_id', '=', self.customer.id)])
        self.assertRecordValues(gradings, [{'company_id': company_b.id, 'customer_grade': 'a',
                                            'customer_grade_locked': True}])
        self.assertFalse(self.customer.with_company(self.company).customer_grade)

    def test_locking_an_unchanged_grade_still_needs_a_manager(self):
        self.customer.with_user(self.importer).customer_grade = 'b'
        self.assert_refused([{'name': 'Lotus Trading', 'ref': 'LT-1', 'grade': 'B'}], self.salesperson,
                            "Row 2: Only after-sales managers")

    def test_sending_back_the_current_values_needs_no_right(self):
        self.customer.with_user(self.importer).write({
            'customer_grade': 'b', 'customer_grade_locked': True, 'credit_limit': 700.0})
        wizard = self.preview(self.xlsx([{'name': 'Lotus Trading', 'ref': 'LT-1', 'grade': 'B',
                                          'credit_limit': 700}]), user=self.salesperson)
        self.assertRecordValues(wizard, [{'unchanged_count': 1, 'error_count': 0}])

    def test_a_credit_limit_needs_a_credit_controller(self):
        rows = [{'name': 'Lotus Trading', 'ref': 'LT-1', 'credit_limit': 5000},
                {'name': 'New Co', 'ref': 'N1', 'credit_limit': 100}]
        for user in (self.salesperson, self.sales_manager):
            for number in (2, 3):
                self.assert_refused(rows, user, f"Row {number}: Only credit controllers can change credit limits")
        self.run_import(self.xlsx(rows), user=self.importer)
        self.assertEqual(self.customer.sudo().credit_limit, 5000.0)
        self.assertEqual(self.Partner.search([('ref', '=', 'N1')]).sudo().credit_limit, 100.0)

    def test_a_zero_credit_limit_on_a_new_customer_is_harmless(self):
        self.run_import(self.xlsx([{'name': 'Zero Co', 'ref': 'Z1', 'credit_limit': 0}]), user=self.salesperson)
        self.assertTrue(self.Partner.search([('ref', '=', 'Z1')]))

    def test_without_contact_creation_rights(self):
        seller = new_test_user(self.env, login='sf_card_plain_seller', groups='sales_team.group_sale_salesman')
        self.assert_refused([{'name': 'Lotus Trading', 'ref': 'LT-1', 'phone': '1'}, {'name': 'New Co'}], seller,
                            "Row 2: you are not allowed to change Lotus Trading")
        self.assert_refused([{'name': 'New Co'}], seller, "Row 2: you are not allowed to create customers")
        # nothing to write, nothing refused
        wizard = self.preview(self.xlsx([{'name': 'Lotus Trading', 'ref': 'LT-1'}]), user=seller)
        self.assertRecordValues(wizard, [{'unchanged_count': 1, 'error_count': 0}])

    def test_partners_of_another_company_are_invisible(self):
        company_b = self.env['res.company'].create({'name': 'Card Company C'})
        self.Partner.create({'name': 'Hidden Ltd', 'ref': 'HID-1', 'company_id': company_b.id,
                             'email': 'hidden@example.com'})
        with self.assertRaises(UserError) as caught:
            self.run_import(self.xlsx([{'name': 'Mine', 'referred_by': 'HID-1'}]), user=self.salesperson)
        self.assertIn("referred_by 'HID-1' matches no customer", caught.exception.args[0])
        self.run_import(self.xlsx([{'name': 'Visible', 'ref': 'HID-1', 'email': 'hidden@example.com'}]),
                        user=self.salesperson)
        self.assertEqual(self.Partner.search_count([('ref', '=', 'HID-1')]), 2, "no update of a hidden partner")

    def test_wizards_are_private_to_their_user(self):
        wizard = self.wizard(self.xlsx([{'name': 'Secret Co'}]), user=self.importer)
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesperson).read(['file'])
        with self.assertRaises(AccessError):
            wizard.with_user(self.salesperson).action_import()
        self.assertFalse(self.Partner.search([('name', '=', 'Secret Co')]))

    def test_actions_are_offered_to_after_sales_users_only(self):
        bindings = self.env['ir.actions.actions'].with_user(self.salesperson).get_bindings('res.partner')
        names = {action['name'] for action in bindings['action']}
        self.assertTrue({'Import customer cards', 'Export customer cards'} <= names)
        outsider = new_test_user(self.env, login='sf_card_outsider', groups='base.group_user')
        bindings = self.env['ir.actions.actions'].with_user(outsider).get_bindings('res.partner')
        names = {action['name'] for action in bindings.get('action', [])}
        self.assertFalse({'Import customer cards', 'Export customer cards'} & names)
        menu = self.env.ref('sales_followup.menu_customer_card_import')
        self.assertEqual(menu.parent_id, self.env.ref('sales_followup.menu_followup_customers'))
        self.assertEqual(self.env.ref('sales_followup.menu_customer_board').action,
                         self.env.ref('sales_followup.action_open_customer_board'))


@tagged('post_install', '-at_install')
class TestCardImportRpc(HttpCase):
    """The salesperson's JSON-RPC client meets the same refusals."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_card_rpc', password='sf_card_rpc',
            groups='sales_team.group_sale_salesman,base.group_partner_manager')
        cls.customer = cls.env['res.partner'].create({
            'name': 'Rpc Lotus', 'ref': 'RPC-1', 'is_company': True, 'user_id': cls.salesperson.id})

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(f'/web/dataset/call_kw/{model}/{method}', {
            'model': model, 'method': method, 'args': args, 'kwargs': kwargs or {}})

    def test_grade_and_credit_limit_over_rpc(self):
        self.authenticate('sf_card_rpc', 'sf_card_rpc')
        content = CardImportCase.xlsx([{'name': 'Rpc Lotus', 'ref': 'RPC-1', 'grade': 'A', 'credit_limit': 1e6},
                                       {'name': 'Rpc New', 'ref': 'RPC-2'}])
        wizard_id = self._call('customer.card.import', 'create', [{'file': base64.b64encode(content).decode()}])
        with self.assertRaises(JsonRpcException) as caught:
            self._call('customer.card.import', 'action_import', [[wizard_id]])
        self.assertIn('UserError', str(caught.exception))
        # private helpers cannot be reached
        with self.assertRaises(JsonRpcException):
            self._call('customer.card.import', '_apply', [[wizard_id], None])
        self.env.invalidate_all()
        self.assertFalse(self.customer.customer_grade)
        self.assertEqual(self.customer.sudo().credit_limit, 0.0)
        self.assertFalse(self.env['res.partner'].search([('ref', '=', 'RPC-2')]))
