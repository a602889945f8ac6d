from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common_referral import ReferralCase


@tagged('post_install', '-at_install')
class TestReferralSecurity(ReferralCase):
    """Salespeople work the referrals of their own customers, read those
    their customers made, and nothing else; managers see all; companies
    never mix. Each attack is a call a JSON-RPC client could make."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._referral(cls.customer, cls.nova)
        cls.foreign_referred = cls._partner('Aspen Co', user_id=cls.other_salesperson.id)
        cls.foreign = cls._referral(cls._partner('Cedar Co', user_id=cls.other_salesperson.id),
                                    cls.foreign_referred)
        # Otto's customer referred by Sally's: Otto works it, Sally reads it.
        cls.made_by_mine = cls._referral(cls.lotus_contact, cls.other_customer)

    def test_salesperson_sees_own_and_their_customers_referrals(self):
        Referral = self.Referral.with_user(self.salesperson)
        visible = Referral.search([('id', 'in', (self.own | self.foreign | self.made_by_mine).ids)])
        self.assertEqual(visible, self.own | self.made_by_mine)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesperson).read(['referrer_id'])
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.salesperson).action_lose()
        self.assertEqual(self.foreign.state, 'new')

    def test_referrer_salesperson_reads_but_does_not_work_it(self):
        made = self.made_by_mine.with_user(self.salesperson)
        self.assertTrue(made.read(['state']))
        with self.assertRaises(AccessError):
            made.action_contact()
        with self.assertRaises(AccessError):
            made.write({'note': 'mine now'})
        with self.assertRaises(AccessError):
            made.unlink()
        self.assertRecordValues(self.made_by_mine, [{'state': 'new', 'note': False}])
        self.assertTrue(self.made_by_mine.with_user(self.other_salesperson).action_contact())

    def test_salesperson_cannot_record_a_referral_for_another_salespersons_customer(self):
        Referral = self.Referral.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            Referral.create({'referrer_id': self.customer.id, 'referred_id': self._partner(
                'Willow Co', user_id=self.other_salesperson.id).id})
        with self.assertRaises(AccessError):
            Referral.create({'referrer_id': self.customer.id, 'referred_id': self._partner('Elm Co').id,
                             'user_id': self.other_salesperson.id})
        with self.assertRaises(AccessError):
            self.own.with_user(self.salesperson).write({'referred_id': self._partner(
                'Larch Co', user_id=self.other_salesperson.id).id})
        self.assertFalse(Referral.sudo().search([('referred_id.name', 'in', ('Willow Co', 'Elm Co'))]))
        self.assertEqual(self.own.referred_id, self.nova)
        # A customer nobody sells to yet is fair game.
        free = self._partner('Fir Co')
        self.assertEqual(Referral.create({'referrer_id': self.customer.id, 'referred_id': free.id}).user_id,
                         self.salesperson)

    def test_partner_path_applies_the_same_rights(self):
        other = self._partner('Willow Co', user_id=self.other_salesperson.id)
        with self.assertRaises(AccessError):
            other.with_user(self.salesperson).write({'referred_by_id': self.customer.id})
        self.assertFalse(other.referred_by_id)
        self.assertFalse(self.Referral.search([('referred_id', '=', other.id)]))

    def test_manager_sees_and_works_all(self):
        Referral = self.Referral.with_user(self.sales_manager)
        self.assertEqual(Referral.search([('id', 'in', (self.own | self.foreign).ids)]), self.own | self.foreign)
        self.foreign.with_user(self.sales_manager).action_contact()
        self.assertEqual(self.foreign.state, 'contacted')

    def test_system_fields_cannot_be_forged(self):
        order = self._order(self.customer)
        for user in (self.salesperson, self.sales_manager):
            for vals in ({'won_order_id': order.id}, {'reward_state': 'granted'},
                         {'reward_granted_by_id': user.id}, {'state': 'won'}):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(UserError):
                    self.own.with_user(user).write(vals)
        self.assertRecordValues(self.own, [{'state': 'new', 'won_order_id': False, 'reward_state': 'none'}])

    def test_referrals_never_cross_companies(self):
        company_b = self.env['res.company'].create({'name': 'Second Company'})
        customer_b = self._partner('Birch B', company_id=company_b.id, user_id=self.salesperson.id)
        with self.assertRaises(ValidationError):
            self.Referral.create({'referrer_id': self.customer.id, 'referred_id': customer_b.id,
                                  'company_id': self.company.id})
        referral_b = self.Referral.with_company(company_b).create({
            'referrer_id': self._partner('Oak B', company_id=company_b.id).id,
            'referred_id': customer_b.id, 'company_id': company_b.id,
        })
        self.assertTrue(referral_b.name.startswith('REF/'))
        self.assertNotIn(self.company_b_sequence(company_b), self.env.ref('sales_followup.seq_customer_referral'))
        manager = new_test_user(self.env, login='sf_referral_manager_a', groups='sales_team.group_sale_manager')
        self.assertFalse(self.Referral.with_user(manager).search([('id', '=', referral_b.id)]))
        with self.assertRaises(AccessError):
            referral_b.with_user(self.salesperson).read(['name'])
        manager.company_ids = [Command.link(company_b.id)]
        both = self.Referral.with_user(manager).with_context(allowed_company_ids=[self.company.id, company_b.id])
        self.assertIn(referral_b, both.search([]))

    def company_b_sequence(self, company):
        return self.env['ir.sequence'].search([('code', '=', 'customer.referral'), ('company_id', '=', company.id)])
