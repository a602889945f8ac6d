from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestFollowupBoardTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login='sf_tour_manager', password='sf_tour_manager',
            name='Tour Manager', groups='sales_team.group_sale_manager',
        )
        customer = cls.env['res.partner'].create({
            'name': 'Board Tour Customer', 'is_company': True, 'user_id': cls.manager.id,
        })
        cls.card = cls.env['customer.followup'].create({
            'kind': 'thank_you', 'partner_id': customer.id, 'user_id': cls.manager.id,
            'date_due': date.today(),
        })

    def test_manager_marks_card_done_from_board(self):
        self.start_tour(
            '/odoo/action-sales_followup.action_followup_board', 'sales_followup_board',
            login='sf_tour_manager')
        self.assertRecordValues(self.card, [{
            'state': 'done', 'outcome': 'Customer is happy and will order again',
        }])
        self.assertFalse(self.card.activity_ids)
