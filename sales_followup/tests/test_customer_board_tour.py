from datetime import date

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestCustomerBoardTours(HttpCase):
    """What a manager and a salesperson see when they open the board from
    After-Sales › Customers › Customer Board (its path, /odoo/customer-board)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(cls.env, login='sf_tour_manager', password='sf_tour_manager', name='Tour Manager',
                      groups='sales_team.group_sale_manager')
        seller = new_test_user(cls.env, login='sf_tour_seller', password='sf_tour_seller', name='Tour Seller',
                               groups='sales_team.group_sale_salesman')
        colleague = new_test_user(cls.env, login='sf_tour_colleague', name='Tour Colleague',
                                  groups='sales_team.group_sale_salesman')
        Partner = cls.env['res.partner']
        gemini, twice = Partner.create([
            {'name': 'Tour Gemini', 'is_company': True, 'user_id': seller.id},
            {'name': 'Tour Twice', 'is_company': True, 'user_id': seller.id},
        ])
        Partner.create([
            {'name': 'Tour Prospect', 'is_company': True, 'customer_rank': 1, 'user_id': seller.id},
            {'name': 'Tour Person', 'customer_kind': 'individual', 'user_id': seller.id,
             'birthday': date(1980, 5, 17), 'customer_interests': 'Calligraphy'},
            {'name': 'Tour Colleague Customer', 'is_company': True, 'customer_rank': 1, 'user_id': colleague.id},
        ])
        product = cls.env['product.product'].create({'name': 'Tour Service', 'type': 'service'})
        cls.env['sale.order'].create([{
            'partner_id': partner.id,
            'order_line': [Command.create({'product_id': product.id, 'price_unit': amount,
                                           'tax_ids': [Command.clear()]})],
        } for partner, amount in ((gemini, 1000.0), (twice, 100.0), (twice, 100.0))]).action_confirm()
        cls.env['customer.grading']._grade_companies(cls.env.company)
        # like Odoo's demo customers: ordered, graded, yet ranked 0
        gemini.customer_rank = 0

    def test_a_manager_opens_the_board_on_everyone(self):
        self.start_tour('/odoo/customer-board', 'sales_followup_customer_board_manager', login='sf_tour_manager')

    def test_a_salesperson_opens_the_board_on_their_customers(self):
        self.start_tour('/odoo/customer-board', 'sales_followup_customer_board_salesperson', login='sf_tour_seller')
