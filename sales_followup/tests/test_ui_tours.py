from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestAfterSalesTours(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_tour_salesperson', password='sf_tour_salesperson',
            name='Tour Seller', groups='sales_team.group_sale_salesman',
        )
        cls.env['res.partner'].create({
            'name': 'Tour Customer Ltd', 'is_company': True, 'customer_rank': 1,
            'user_id': cls.salesperson.id,
        })

    def test_salesperson_opens_after_sales_menu(self):
        self.start_tour('/odoo', 'sales_followup_open_menu', login='sf_tour_salesperson')
