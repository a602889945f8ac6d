from contextlib import contextmanager

from odoo import Command

from .common import SalesFollowupCase


class ReferralCase(SalesFollowupCase):
    """Fixtures of referrals: the salesperson's customer Lotus (with a
    contact) refers a new company Nova, a second salesperson with a
    customer of their own, and a tax-free product so that untaxed totals
    are plain numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Referral = cls.env['customer.referral']
        cls.Followup = cls.env['customer.followup']
        cls.customer.email = 'lotus@example.com'
        # Salespeople who may edit contacts set "Referred By" on the partner form.
        cls.salesperson.group_ids = [Command.link(cls.env.ref('base.group_partner_manager').id)]
        cls.lotus_contact = cls.env['res.partner'].create({
            'name': 'Lin Lotus', 'parent_id': cls.customer.id, 'email': 'lin@example.com'})
        cls.nova = cls.env['res.partner'].create({
            'name': 'Nova Systems', 'is_company': True, 'email': 'nova@example.com',
            'user_id': cls.salesperson.id,
        })
        cls.nova_contact = cls.env['res.partner'].create({
            'name': 'Nina Nova', 'parent_id': cls.nova.id, 'email': 'nina@example.com'})
        cls.other_salesperson = cls.env['res.users'].create({
            'name': 'Otto Other', 'login': 'sf_referral_other',
            'group_ids': [Command.link(cls.env.ref('sales_team.group_sale_salesman').id)],
        })
        cls.other_customer = cls.env['res.partner'].create({
            'name': 'Maple Goods', 'is_company': True, 'email': 'maple@example.com',
            'user_id': cls.other_salesperson.id,
        })
        cls.product = cls.env['product.product'].create({
            'name': 'Standing Desk', 'type': 'service', 'list_price': 100.0, 'taxes_id': [Command.clear()],
        })

    @classmethod
    def _partner(cls, name, **vals):
        return cls.env['res.partner'].create(dict({'name': name, 'is_company': True}, **vals))

    @classmethod
    def _referral(cls, referrer, referred, user=None, **vals):
        Referral = cls.env['customer.referral']
        if user:
            Referral = Referral.with_user(user)
        return Referral.create(dict({'referrer_id': referrer.id, 'referred_id': referred.id}, **vals))

    @classmethod
    def _order(cls, partner, amount=100.0, confirm=True, user=None, company=None):
        vals = {
            'partner_id': partner.id,
            'user_id': (user or cls.salesperson).id,
            'order_line': [Command.create({
                'product_id': cls.product.id, 'product_uom_qty': 1.0, 'price_unit': amount,
                'tax_ids': [Command.clear()],
            })],
        }
        Order = cls.env['sale.order']
        if company:
            vals['company_id'] = company.id
            Order = Order.with_company(company)
        order = Order.create(vals)
        if confirm:
            order.action_confirm()
        return order

    @contextmanager
    def _refused(self, exception, text):
        """Like assertRaisesRegex, inside the savepoint of Odoo's
        assertRaises, so that the refused write is undone like in a request."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))

    def _cards(self, kind, partner=None):
        domain = [('kind', '=', kind)]
        if partner:
            domain.append(('partner_id', '=', partner.id))
        return self.Followup.search(domain)
