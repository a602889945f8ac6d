from odoo.tests import TransactionCase, new_test_user


class SalesFollowupCase(TransactionCase):
    """Shared fixtures: a salesperson, a follow-up manager, a credit
    controller and a couple of customers of the main company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.salesperson = new_test_user(
            cls.env, login='sf_salesperson', name='Sally Seller',
            groups='sales_team.group_sale_salesman',
        )
        cls.sales_manager = new_test_user(
            cls.env, login='sf_manager', name='Manny Manager',
            groups='sales_team.group_sale_manager',
        )
        cls.credit_controller = new_test_user(
            cls.env, login='sf_controller', name='Connie Controller',
            groups='sales_team.group_sale_salesman,sales_followup.group_credit_controller',
        )
        cls.customer = cls.env['res.partner'].create({
            'name': 'Lotus Trading', 'is_company': True, 'user_id': cls.salesperson.id,
        })
