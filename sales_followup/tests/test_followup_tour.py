from datetime import date, timedelta

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
        customer.write({'customer_grade': 'a', 'next_review_date': date.today() + timedelta(days=30)})
        late_customer = cls.env['res.partner'].create({
            'name': 'Late Tour Customer', 'is_company': True, 'user_id': cls.manager.id,
        })
        order = cls.env['sale.order'].create({'name': 'SO-TOUR-001', 'partner_id': customer.id})
        cls.card = cls.env['customer.followup'].create({
            'kind': 'thank_you', 'partner_id': customer.id, 'user_id': cls.manager.id,
            'date_due': date.today(), 'order_id': order.id,
        })
        cls.env['customer.followup'].create({
            'kind': 'review', 'partner_id': late_customer.id, 'user_id': cls.manager.id,
            'date_due': date.today() - timedelta(days=3),
        })

    def test_manager_marks_card_done_from_board(self):
        self.start_tour(
            '/odoo/action-sales_followup.action_followup_board', 'sales_followup_board',
            login='sf_tour_manager')
        self.assertRecordValues(self.card, [{
            'state': 'done', 'outcome': 'Customer is happy and will order again',
        }])
        self.assertFalse(self.card.activity_ids)


@tagged('post_install', '-at_install')
class TestMyFollowupsTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env, login='sf_tour_seller', password='sf_tour_seller',
            name='Tour Seller', groups='sales_team.group_sale_salesman',
        )
        colleague = new_test_user(
            cls.env, login='sf_tour_colleague', name='Tour Colleague', groups='sales_team.group_sale_salesman')
        today = date.today()
        Followup = cls.env['customer.followup']
        for name, user, due, done in (
            ('Mine Today Customer', cls.seller, today, False),
            ('Mine Late Customer', cls.seller, today - timedelta(days=2), False),
            ('Mine Later Customer', cls.seller, today + timedelta(days=2), False),
            ('Mine Closed Customer', cls.seller, today - timedelta(days=2), True),
            # My customer, but the card is a colleague's: not in *my* follow-ups.
            ('Colleague Card Customer', colleague, today, False),
        ):
            partner = cls.env['res.partner'].create({'name': name, 'is_company': True, 'user_id': cls.seller.id})
            card = Followup.create({'kind': 'review', 'partner_id': partner.id, 'user_id': user.id, 'date_due': due})
            if done:
                card.action_mark_done("done")

    def test_my_followups_lists_my_due_cards_only(self):
        self.start_tour('/odoo', 'sales_followup_my_followups', login='sf_tour_seller')
