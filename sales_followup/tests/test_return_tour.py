from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestReturnTours(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_return_tour_seller', password='sf_return_tour_seller',
            name='Tour Seller', groups='sales_team.group_sale_salesman',
        )
        cls.manager = new_test_user(
            cls.env, login='sf_return_tour_manager', password='sf_return_tour_manager',
            name='Tour Manager', groups='sales_team.group_sale_manager',
        )
        cls.customer = cls.env['res.partner'].create({
            'name': 'Tour Return Customer', 'is_company': True, 'user_id': cls.salesperson.id,
        })
        cls.product = cls.env['product.product'].create({'name': 'Tour Lamp', 'type': 'consu', 'list_price': 40.0})
        cls.order = cls.env['sale.order'].create({
            'partner_id': cls.customer.id, 'user_id': cls.salesperson.id,
            'order_line': [Command.create({'product_id': cls.product.id, 'product_uom_qty': 3.0})],
        })
        cls.order.action_confirm()
        cls.order.picking_ids.move_ids.quantity = 3.0
        cls.order.picking_ids.move_ids.picked = True
        cls.order.picking_ids.button_validate()

    def test_salesperson_creates_a_return_and_a_manager_approves_it(self):
        self.start_tour(f'/odoo/action-sale.action_orders/{self.order.id}',
                        'sales_followup_return_create', login='sf_return_tour_seller')
        ret = self.env['customer.return'].search([('order_id', '=', self.order.id)])
        self.assertRecordValues(ret, [{
            'state': 'draft', 'reason': 'defect', 'description': 'The lamp flickers', 'user_id': self.salesperson.id,
            'return_type': 'after_delivery',
        }])
        self.assertEqual(ret.line_ids.mapped('quantity'), [3.0])
        self.start_tour('/odoo/action-sales_followup.action_customer_return',
                        'sales_followup_return_approve', login='sf_return_tour_manager')
        self.assertEqual(ret.state, 'approved')
        self.assertEqual(ret.approved_by_id, self.manager)
        self.assertEqual(ret.picking_ids.picking_type_code, 'incoming')
