from datetime import datetime, time

from odoo import Command

from .common_followup import FollowupCase


class TeamCase(FollowupCase):
    """Fixtures of the sales team features: a sales team led by the sales
    manager with the salesperson in it, a colleague in another team with a
    customer of their own, a service product and helpers that place orders
    on given days and file complaints. The salesperson may edit contacts
    (Contact / Creation), so that the after-sales rules, not Odoo's access
    rights, are what stops them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson.group_ids = [Command.link(cls.env.ref('base.group_partner_manager').id)]
        cls.colleague = cls.env['res.users'].create({
            'name': 'Colin Colleague', 'login': 'sf_team_colleague',
            'group_ids': [Command.link(cls.env.ref('sales_team.group_sale_salesman').id)],
        })
        cls.team = cls.env['crm.team'].create({
            'name': 'North Team', 'user_id': cls.sales_manager.id,
            'member_ids': [Command.link(cls.salesperson.id)],
        })
        cls.other_team = cls.env['crm.team'].create({
            'name': 'South Team', 'member_ids': [Command.link(cls.colleague.id)],
        })
        cls.colleague_customer = cls.env['res.partner'].create({
            'name': 'Maple Goods', 'is_company': True, 'user_id': cls.colleague.id,
        })
        cls.service = cls.env['product.product'].create({
            'name': 'Consulting Day', 'type': 'service', 'list_price': 100.0,
            'taxes_id': [Command.clear()],
        })

    @classmethod
    def _sale(cls, partner, amount, day, user=None):
        """A confirmed order of ``amount`` untaxed dated ``day``."""
        order = cls.env['sale.order'].create({
            'partner_id': partner.id,
            'user_id': (user or partner.user_id or cls.salesperson).id,
            'order_line': [Command.create({
                'product_id': cls.service.id, 'product_uom_qty': 1, 'price_unit': amount,
                'tax_ids': [Command.clear()],
            })],
        })
        order.action_confirm()
        # Confirmation stamps today's date; put the order where the test needs it.
        order.date_order = datetime.combine(day, time(12, 0))
        return order

    @classmethod
    def _file_complaint(cls, partner=None, user=None, **vals):
        return cls.env['customer.complaint'].create({
            'partner_id': (partner or cls.customer).id,
            'user_id': (user or cls.salesperson).id,
            'category': 'service', 'description': 'Slow answers.', **vals,
        })

    @staticmethod
    def _walk_to_resolved(complaint):
        complaint.action_acknowledge()
        complaint.write({'responsibility': 'salesperson', 'solution': 'Call back within the day.'})
        complaint.action_propose()
        complaint.action_resolve()
        return complaint

    def _grade(self, day):
        self.env['customer.grading']._grade_companies(self.company, date=day)
