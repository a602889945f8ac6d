from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common_credit import CreditCase


@tagged('post_install', '-at_install')
class TestCreditExposure(CreditCase):
    """Exposure = open receivables + confirmed orders not yet invoiced (+ the
    order being confirmed), for the commercial partner, in company currency."""

    def test_empty_partner_has_no_exposure(self):
        self.assertEqual(self.exposure(), 0.0)
        self.assertRecordValues(self.customer, [{
            'credit_exposure': 0.0, 'credit_available': 1000.0, 'credit_limit_amount': 1000.0,
            'credit_overdue_amount': 0.0, 'credit_overdue_days': 0,
        }])

    def test_confirmed_orders_and_open_invoices_add_up(self):
        self.confirmed_order(300.0)
        self.make_invoice(200.0)
        self.make_order(5000.0)  # a quotation is no exposure
        self.make_invoice(70.0, post=False)  # nor is a draft invoice
        self.assertEqual(self.exposure(), 500.0)
        self.assertRecordValues(self.customer, [{'credit_exposure': 500.0, 'credit_available': 500.0}])

    def test_invoiced_order_is_counted_once(self):
        order = self.confirmed_order(400.0)
        invoice = order._create_invoices()
        self.assertEqual(self.exposure(), 400.0, "a draft invoice leaves the amount on the order")
        invoice.action_post()
        self.assertEqual(self.exposure(), 400.0, "the posted invoice moves it to the receivables")
        self.pay(invoice, 400.0)
        self.assertEqual(self.exposure(), 0.0)

    def test_partial_payment_reduces_exposure(self):
        invoice = self.make_invoice(1000.0)
        self.pay(invoice, 400.0)
        self.assertEqual(self.exposure(), 600.0)

    def test_credit_note_reduces_exposure(self):
        self.make_invoice(1000.0)
        self.make_invoice(250.0, move_type='out_refund')
        self.assertEqual(self.exposure(), 750.0)

    def test_down_payment_reduces_and_is_never_counted_twice(self):
        order = self.confirmed_order(1000.0)
        wizard = self.env['sale.advance.payment.inv'].with_context(
            active_model='sale.order', active_ids=order.ids,
        ).create({'advance_payment_method': 'fixed', 'fixed_amount': 300.0})
        wizard.create_invoices()
        down_payment = order.invoice_ids
        down_payment.action_post()
        self.assertEqual(self.exposure(), 1000.0, "300 receivable + 700 still to invoice")
        self.pay(down_payment, 300.0)
        self.assertEqual(self.exposure(), 700.0, "the paid down payment reduces the exposure")
        final = order._create_invoices(final=True)
        final.action_post()
        self.assertEqual(final.amount_total, 700.0)
        self.assertEqual(self.exposure(), 700.0, "the final invoice deducts the down payment")

    def test_child_contact_and_invoice_address_roll_up(self):
        contact = self.env['res.partner'].create({'name': 'Lee Buyer', 'parent_id': self.customer.id})
        billing = self.env['res.partner'].create({
            'name': 'Lotus Accounts', 'parent_id': self.customer.id, 'type': 'invoice',
        })
        stranger = self.env['res.partner'].create({'name': 'Site Contractor'})
        self.confirmed_order(100.0, partner=contact)
        self.confirmed_order(200.0, partner=stranger, partner_invoice_id=billing.id)
        self.make_invoice(50.0, partner=contact)
        self.assertEqual(self.exposure(), 350.0)
        self.assertEqual(self.exposure(stranger), 0.0, "the invoice address decides who is exposed")
        self.assertEqual(contact.credit_exposure, 350.0, "a contact shows its company's figures")

    def test_foreign_currency_order_counts_in_company_currency(self):
        foreign = self.env.ref('base.EUR') if self.currency != self.env.ref('base.EUR') else self.env.ref('base.USD')
        foreign.active = True
        self.env['res.currency.rate'].create({
            'currency_id': foreign.id, 'company_id': self.company.id, 'name': '2000-01-01', 'rate': 2.0,
        })
        pricelist = self.env['product.pricelist'].create({'name': 'Foreign', 'currency_id': foreign.id})
        order = self.confirmed_order(1000.0, pricelist=pricelist)
        self.assertEqual(order.currency_id, foreign)
        self.assertEqual(self.exposure(), 500.0, "1,000 at 2 per company unit is 500")
        quotation = self.make_order(1000.0, pricelist=pricelist)
        self.assertEqual(quotation.credit_exposure, 1000.0, "500 confirmed + 500 quoted")
        self.assertTrue(quotation.credit_over_limit is False)
        quotation.order_line.price_unit = 1200.0
        self.assertRecordValues(quotation, [{'credit_exposure': 1100.0, 'credit_over_limit': True}])
        with self.assertRaises(UserError) as cm:
            self.confirm_as(quotation)
        self.assertIn("1,100.00", str(cm.exception))

    def test_two_companies_keep_their_own_exposure_and_limit(self):
        company_b = self.env['res.company'].create({'name': 'Second Branch Ltd', 'currency_id': self.currency.id})
        company_b.write({'account_use_credit_limit': True, 'followup_credit_mode': 'block'})
        self.set_limit(self.customer, 100.0, company=company_b)
        self.env.user.company_ids |= company_b
        self.confirmed_order(900.0, company=company_b)
        self.assertEqual(self.exposure(company=company_b), 900.0)
        self.assertEqual(self.exposure(), 0.0, "the other company's orders do not count here")
        self.assertEqual(self.customer.with_company(self.company).sudo().credit_limit, 1000.0)
        self.assertEqual(self.customer.with_company(company_b).credit_exposure, 900.0)
        self.assertEqual(self.customer.with_company(self.company).credit_exposure, 0.0)
        # Below this company's limit, although far above the other's.
        self.confirm_as(self.make_order(900.0))

    def test_salesperson_reads_figures_without_accounting_rights(self):
        self.assertFalse(self.salesperson.has_group('account.group_account_invoice'))
        self.make_invoice(300.0, due_date='2020-01-01')
        customer = self.customer.with_user(self.salesperson)
        self.assertRecordValues(customer, [{
            'credit_exposure': 300.0, 'credit_available': 700.0, 'credit_limit_amount': 1000.0,
            'credit_overdue_amount': 300.0,
        }])
        self.assertGreater(customer.credit_overdue_days, 300)
        with Form(self.env['sale.order'].with_user(self.salesperson)) as form:
            form.partner_id = self.customer
            with form.order_line.new() as line:
                line.product_id = self.product
                line.price_unit = 500.0
                line.tax_ids.clear()
            self.assertTrue(form.credit_check_active)
            self.assertEqual(form.credit_exposure, 800.0)
            self.assertEqual(form.credit_limit_amount, 1000.0)
            self.assertEqual(form.credit_available, 200.0)
            self.assertEqual(form.credit_overdue_amount, 300.0)

    def test_no_banner_when_mode_is_off(self):
        self.company.followup_credit_mode = 'off'
        self.assertFalse(self.make_order(100.0).credit_check_active)
        self.company.followup_credit_mode = 'warn'
        self.company.account_use_credit_limit = False
        self.assertFalse(self.make_order(100.0).credit_check_active,
                         "Odoo's own credit limit switch turns the whole check off")

    def test_figures_take_grouped_queries_only(self):
        """The figures of 1 or 30 partners, with 1 or 30 orders and invoices,
        cost the same single statement."""
        partners = self.env['res.partner'].create([{'name': f'Bulk {i}'} for i in range(30)])
        self.env['credit.exposure']._get_figures(self.customer.ids, self.company)
        with self.assertQueryCount(1):
            self.env['credit.exposure']._get_figures(self.customer.ids, self.company)
        for partner in partners:
            self.make_invoice(10.0, partner=partner)
        self.company.followup_credit_mode = 'off'
        self.env['sale.order'].create([{
            'partner_id': partner.id,
            'order_line': [Command.create({'product_id': self.product.id, 'price_unit': 5.0, 'tax_ids': []})],
        } for partner in partners]).action_confirm()
        self.env.flush_all()
        with self.assertQueryCount(1):
            figures = self.env['credit.exposure']._get_figures(partners.ids, self.company)
        self.assertEqual({data['exposure'] for data in figures.values()}, {15.0})
