from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged('post_install', '-at_install')
class TestReferralTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_referral_tour', password='sf_referral_tour',
            name='Referral Tour Seller', groups='sales_team.group_sale_salesman',
        )
        Partner = cls.env['res.partner']
        cls.referrer = Partner.create({
            'name': 'Tour Referrer Co', 'is_company': True, 'customer_rank': 1, 'user_id': cls.salesperson.id})
        cls.referred = Partner.create({
            'name': 'Tour Referred Co', 'is_company': True, 'customer_rank': 1, 'user_id': cls.salesperson.id})
        product = cls.env['product.product'].create({'name': 'Tour Desk', 'type': 'service', 'list_price': 250.0})
        cls.quotation = cls.env['sale.order'].create({
            'name': 'SO-REF-TOUR', 'partner_id': cls.referred.id, 'user_id': cls.salesperson.id,
            'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 1.0})],
        })

    def test_salesperson_records_a_referral_and_sees_it_won(self):
        self.start_tour('/odoo/action-sales_followup.action_customer_referral', 'sales_followup_referral_won',
                        login='sf_referral_tour')
        referral = self.env['customer.referral'].search([('referred_id', '=', self.referred.id)])
        self.assertRecordValues(referral, [{
            'referrer_id': self.referrer.id, 'state': 'won', 'won_order_id': self.quotation.id,
            'user_id': self.salesperson.id,
        }])
        self.assertEqual(self.referred.referred_by_id, self.referrer)
