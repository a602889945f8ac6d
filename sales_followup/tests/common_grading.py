from datetime import datetime, time

from odoo import fields
from odoo.fields import Command

from .common import SalesFollowupCase


class GradingCase(SalesFollowupCase):
    """Fixtures for grading: a service product (no stock moves) and helpers
    that create confirmed orders on a given day and run the engine."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env['product.product'].create({
            'name': 'Consulting Day', 'type': 'service', 'list_price': 100.0,
            'taxes_id': [Command.clear()],
        })
        cls.Grading = cls.env['customer.grading']
        cls.today = fields.Date.context_today(cls.env['res.partner'])

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env['res.partner'].create({
            'name': name, 'is_company': True, 'customer_rank': 1,
            'user_id': cls.salesperson.id, **vals,
        })

    @classmethod
    def _order(cls, partner, amount, day=None, company=None, pricelist=None, taxes=None, confirm=True):
        """A sale order of ``amount`` untaxed, dated ``day`` (default today)."""
        company = company or cls.env.company
        order = cls.env['sale.order'].with_company(company).create({
            'partner_id': partner.id,
            'company_id': company.id,
            'pricelist_id': pricelist.id if pricelist else False,
            'order_line': [Command.create({
                'product_id': cls.product.id, 'product_uom_qty': 1, 'price_unit': amount,
                'tax_ids': [Command.set(taxes.ids if taxes else [])],
            })],
        })
        if confirm:
            order.action_confirm()
        # Confirmation stamps today's date; put the order where the test needs it.
        order.date_order = datetime.combine(day or cls.today, time(12, 0))
        return order

    @classmethod
    def _orders(cls, amounts_by_partner, day=None, company=None):
        """Confirm one order per (partner, amount) in a single batch."""
        company = company or cls.env.company
        orders = cls.env['sale.order'].with_company(company).create([{
            'partner_id': partner.id,
            'company_id': company.id,
            'order_line': [Command.create({
                'product_id': cls.product.id, 'product_uom_qty': 1, 'price_unit': amount,
                'tax_ids': [Command.clear()],
            })],
        } for partner, amount in amounts_by_partner])
        orders.action_confirm()
        orders.date_order = datetime.combine(day or cls.today, time(12, 0))
        return orders

    def _grade(self, companies=None):
        return self.Grading._grade_companies(companies or self.env.company)

    def _grade_trackings(self, partner):
        """The chatter tracking values of ``partner``'s grade, oldest first."""
        return self.env['mail.tracking.value'].search([
            ('mail_message_id.model', '=', 'res.partner'),
            ('mail_message_id.res_id', '=', partner.id),
            ('field_id.name', '=', 'customer_grade'),
        ], order='id')

    def _grades(self, partners, company=None):
        partners = partners.with_company(company or self.env.company)
        partners.invalidate_recordset()
        return [p.customer_grade for p in partners]
