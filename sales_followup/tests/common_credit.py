from odoo import Command, fields

from .common import SalesFollowupCase


class CreditCase(SalesFollowupCase):
    """Credit control fixtures: the company sells under a credit limit in a
    chosen mode; products are untaxed so that amounts are exact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.currency = cls.company.currency_id
        cls.company.write({
            'account_use_credit_limit': True,
            'followup_credit_mode': 'block',
            'followup_credit_tolerance': 0.0,
            'followup_credit_overdue_days': 0,
        })
        cls.product = cls.env['product.product'].create({
            'name': 'Credit Widget', 'type': 'service', 'invoice_policy': 'order',
            'list_price': 100.0, 'taxes_id': [Command.clear()],
        })
        cls.customer.customer_rank = 1
        cls.set_limit(cls.customer, 1000.0)
        cls.income_account = cls.env['account.account'].search([
            ('company_ids', 'in', cls.company.id), ('account_type', '=', 'income'),
        ], limit=1)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------
    @classmethod
    def set_limit(cls, partner, amount, company=None):
        partner.sudo().with_company(company or cls.company).credit_limit = amount

    @classmethod
    def make_order(cls, amount, partner=None, user=None, lines=1, company=None, pricelist=None, **vals):
        """A quotation of ``amount`` (order currency), split over ``lines`` lines."""
        partner = partner or cls.customer
        company = company or cls.company
        order_vals = {
            'partner_id': partner.id,
            'company_id': company.id,
            'user_id': (user or cls.salesperson).id,
            'order_line': [Command.create({
                'product_id': cls.product.id,
                'product_uom_qty': 1.0,
                'price_unit': amount / lines,
                'tax_ids': [Command.clear()],
            }) for _i in range(lines)],
            **vals,
        }
        if pricelist:
            order_vals['pricelist_id'] = pricelist.id
        return cls.env['sale.order'].with_company(company).create(order_vals)

    @classmethod
    def confirmed_order(cls, amount, **kwargs):
        """An order confirmed before the check is relevant (mode off)."""
        company = kwargs.get('company') or cls.company
        mode = company.followup_credit_mode
        company.followup_credit_mode = 'off'
        order = cls.make_order(amount, **kwargs)
        order.action_confirm()
        company.followup_credit_mode = mode
        return order

    @classmethod
    def make_invoice(cls, amount, partner=None, move_type='out_invoice', invoice_date=None,
                     due_date=None, post=True, company=None):
        partner = partner or cls.customer
        invoice_date = invoice_date or fields.Date.context_today(cls.env['account.move'])
        move = cls.env['account.move'].with_company(company or cls.company).create({
            'move_type': move_type,
            'partner_id': partner.id,
            'invoice_date': invoice_date,
            'invoice_date_due': due_date or invoice_date,
            'invoice_line_ids': [Command.create({
                'name': 'Credit test line',
                'quantity': 1.0,
                'price_unit': amount,
                'account_id': cls.income_account.id,
                'tax_ids': [Command.clear()],
            })],
        })
        if due_date:
            move.invoice_payment_term_id = False
            move.invoice_date_due = due_date
        if post:
            move.action_post()
        return move

    @classmethod
    def pay(cls, invoice, amount):
        return cls.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=invoice.ids,
        ).create({'amount': amount, 'payment_date': invoice.invoice_date})._create_payments()

    def confirm_as(self, order, user=None):
        return order.with_user(user or self.salesperson).action_confirm()

    def exposure(self, partner=None, company=None):
        partner = (partner or self.customer).commercial_partner_id
        company = company or self.company
        return self.env['credit.exposure']._get_figures(partner.ids, company)[partner.id]['exposure']
