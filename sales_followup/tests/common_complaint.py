from odoo import Command

from .common import SalesFollowupCase


class ComplaintCase(SalesFollowupCase):
    """Fixtures of the complaint workflow: a sales team led by the sales
    manager, a confirmed order of the main customer, a second salesperson
    with a customer of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Complaint = cls.env['customer.complaint']
        cls.team = cls.env['crm.team'].create({
            'name': 'After-Sales Team', 'user_id': cls.sales_manager.id,
            'member_ids': [Command.link(cls.salesperson.id)],
        })
        cls.customer.email = 'lotus@example.com'
        cls.product = cls.env['product.product'].create({
            'name': 'Desk Lamp', 'type': 'consu', 'list_price': 40.0,
        })
        cls.order = cls._order(cls.customer)
        cls.other_salesperson = cls.env['res.users'].create({
            'name': 'Otto Other', 'login': 'sf_complaint_other',
            'group_ids': [Command.link(cls.env.ref('sales_team.group_sale_salesman').id)],
        })
        cls.other_customer = cls.env['res.partner'].create({
            'name': 'Maple Goods', 'is_company': True, 'email': 'maple@example.com',
            'user_id': cls.other_salesperson.id,
        })
        cls.company.write({
            'followup_complaint_followup_days': 7,
            'followup_complaint_reply_days_critical': 1,
            'followup_complaint_reply_days_high': 2,
            'followup_complaint_reply_days_normal': 3,
            'followup_complaint_reply_days_low': 5,
        })

    @classmethod
    def _order(cls, partner, user=None, confirm=True):
        order = cls.env['sale.order'].create({
            'partner_id': partner.id,
            'user_id': (user or partner.user_id).id,
            'team_id': cls.team.id,
            'order_line': [Command.create({
                'product_id': cls.product.id, 'product_uom_qty': 2.0, 'price_unit': 40.0,
            })],
        })
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _complaint(cls, user=None, **vals):
        values = {
            'partner_id': cls.customer.id,
            'order_id': cls.order.id,
            'product_id': cls.product.id,
            'category': 'product_quality',
            'severity': 'normal',
            'description': 'The lamp flickers.',
        }
        values.update(vals)
        Complaint = cls.env['customer.complaint']
        if user:
            Complaint = Complaint.with_user(user)
        return Complaint.create(values)

    @staticmethod
    def _advance(complaint, until):
        """Walk ``complaint`` through the workflow up to state ``until``."""
        steps = ['acknowledged', 'investigating', 'proposed', 'resolved', 'closed']
        for state in steps[:steps.index(until) + 1]:
            if state == 'acknowledged':
                complaint.action_acknowledge()
            elif state == 'investigating':
                complaint.action_investigate()
            elif state == 'proposed':
                complaint.write({'solution': 'Replace the lamp.', 'solution_type': 'replace',
                                 'responsibility': 'product'})
                complaint.action_propose()
            elif state == 'resolved':
                complaint.action_resolve()
            elif state == 'closed':
                complaint.satisfaction = '4'
                complaint.action_close()
        return complaint
