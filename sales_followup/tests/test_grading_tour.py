from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestCustomerBoardTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login='sf_board_manager', password='sf_board_manager',
            name='Board Manager', groups='sales_team.group_sale_manager',
        )
        key = cls.env['res.partner'].create({
            'name': 'Board Key Account', 'is_company': True, 'customer_rank': 1,
            'user_id': cls.manager.id,
        })
        cls.env['res.partner'].create({
            'name': 'Board Prospect', 'is_company': True, 'customer_rank': 1,
        })
        product = cls.env['product.product'].create({'name': 'Board Service', 'type': 'service'})
        order = cls.env['sale.order'].create({
            'partner_id': key.id,
            'order_line': [Command.create({
                'product_id': product.id, 'price_unit': 1000.0, 'tax_ids': [Command.clear()]})],
        })
        order.action_confirm()
        cls.env['customer.grading']._grade_companies(cls.env.company)
        # ordered after the last grading: the board's button grades it (B: 100 / 1100 < 95 %)
        late = cls.env['res.partner'].create({
            'name': 'Board Late Order', 'is_company': True, 'customer_rank': 1})
        cls.env['sale.order'].create({
            'partner_id': late.id,
            'order_line': [Command.create({
                'product_id': product.id, 'price_unit': 100.0, 'tax_ids': [Command.clear()]})],
        }).action_confirm()

    def test_customer_board_shows_four_grade_columns(self):
        self.start_tour('/odoo/action-sales_followup.action_customer_board',
                        'sales_followup_customer_board', login='sf_board_manager')
