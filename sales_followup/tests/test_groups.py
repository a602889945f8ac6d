from odoo.tests import tagged

from .common import SalesFollowupCase


@tagged('post_install', '-at_install')
class TestGroups(SalesFollowupCase):

    def test_sales_user_gets_followup_user(self):
        self.assertTrue(self.salesperson.has_group('sales_followup.group_followup_user'))
        self.assertFalse(self.salesperson.has_group('sales_followup.group_followup_manager'))
        self.assertFalse(self.salesperson.has_group('sales_followup.group_credit_controller'))

    def test_sales_manager_gets_followup_manager(self):
        self.assertTrue(self.sales_manager.has_group('sales_followup.group_followup_manager'))
        self.assertTrue(self.sales_manager.has_group('sales_followup.group_followup_user'))

    def test_credit_controller_is_separate_from_manager(self):
        self.assertTrue(self.credit_controller.has_group('sales_followup.group_followup_user'))
        self.assertFalse(self.credit_controller.has_group('sales_followup.group_followup_manager'))

    def test_groups_share_one_privilege(self):
        groups = (self.env.ref('sales_followup.group_followup_user')
                  | self.env.ref('sales_followup.group_followup_manager')
                  | self.env.ref('sales_followup.group_credit_controller'))
        self.assertEqual(groups.privilege_id, self.env.ref('sales_followup.res_groups_privilege_followup'))

    def test_menu_visible_to_salesperson_only_with_group(self):
        root = self.env.ref('sales_followup.menu_followup_root')
        visible = self.env['ir.ui.menu'].with_user(self.salesperson)._visible_menu_ids()
        self.assertIn(root.id, visible)
        outsider = self.env['res.users'].create({
            'name': 'Internal, no sales', 'login': 'sf_outsider',
            'group_ids': [(6, 0, [self.env.ref('base.group_user').id])],
        })
        self.assertNotIn(root.id, self.env['ir.ui.menu'].with_user(outsider)._visible_menu_ids())
