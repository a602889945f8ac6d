from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import Form

from .common import SalesFollowupCase


class FollowupCase(SalesFollowupCase):
    """Fixtures of the follow-up engine: products, and helpers that build
    real orders, deliveries, invoices and payments, and run the cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Followup = cls.env['customer.followup']
        cls.Generator = cls.env['customer.followup.generator']
        cls.product = cls.env['product.product'].create({
            'name': 'Office Chair', 'type': 'consu', 'list_price': 100.0, 'invoice_policy': 'order',
        })
        cls.product_install = cls.env['product.product'].create({
            'name': 'Coffee Machine', 'type': 'consu', 'list_price': 500.0, 'invoice_policy': 'order',
            'followup_installation_check': True,
        })
        cls.company.write({
            'followup_thanks_delay': 2,
            'followup_payment_reminder_days': 3,
            'followup_lost_quote_days': 30,
        })

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------

    @classmethod
    def _order(cls, partner=None, products=None, confirm=True, user=None, date_order=None):
        vals = {
            'partner_id': (partner or cls.customer).id,
            'user_id': (user or cls.salesperson).id,
            'order_line': [
                Command.create({'product_id': product.id, 'product_uom_qty': 1.0, 'price_unit': product.list_price})
                for product in (products or cls.product)
            ],
        }
        if date_order:
            vals['date_order'] = date_order
        order = cls.env['sale.order'].create(vals)
        if confirm:
            order.action_confirm()
            if date_order:
                order.date_order = date_order
        return order

    @classmethod
    def _deliver(cls, order):
        pickings = order.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel'))
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings._action_done()
        return pickings

    @classmethod
    def _invoice(cls, partner=None, amount=100.0, date_due=None, invoice_date=None, user=None, post=True):
        invoice_date = invoice_date or fields.Date.today()
        invoice = cls.env['account.move'].create({
            'move_type': 'out_invoice',
            'partner_id': (partner or cls.customer).id,
            'invoice_user_id': (user or cls.salesperson).id,
            'invoice_date': invoice_date,
            'invoice_date_due': date_due or invoice_date,
            'invoice_line_ids': [Command.create({
                'name': 'Service', 'quantity': 1.0, 'price_unit': amount, 'tax_ids': [Command.clear()],
            })],
        })
        if post:
            invoice.action_post()
            # Posting recomputes the due date from the (empty) payment terms.
            if date_due:
                invoice.invoice_date_due = date_due
                invoice.line_ids.filtered(lambda l: l.display_type == 'payment_term').date_maturity = date_due
        return invoice

    @classmethod
    def _pay(cls, invoice, amount, payment_date=None):
        wizard = cls.env['account.payment.register'].with_context(
            active_model='account.move', active_ids=invoice.ids,
        ).create({'amount': amount, 'payment_date': payment_date or fields.Date.today()})
        return wizard._create_payments()

    @classmethod
    def _credit_note(cls, invoice, amount=None):
        """A credit note for ``amount`` (all of the invoice by default),
        matched with the invoice."""
        if amount is None:
            return invoice._reverse_moves(cancel=True)
        refund = cls.env['account.move'].create({
            'move_type': 'out_refund',
            'partner_id': invoice.partner_id.id,
            'invoice_user_id': invoice.invoice_user_id.id,
            'invoice_date': fields.Date.today(),
            'invoice_line_ids': [Command.create({
                'name': 'Refund', 'quantity': 1.0, 'price_unit': amount, 'tax_ids': [Command.clear()],
            })],
        })
        refund.action_post()
        (invoice.line_ids | refund.line_ids).filtered(
            lambda l: l.account_id.account_type == 'asset_receivable').reconcile()
        return refund

    # ------------------------------------------------------------------
    # Running the engine
    # ------------------------------------------------------------------

    @contextmanager
    def _no_commit(self):
        # Tests cannot commit: _commit_progress only commits outside a cron.
        with patch.object(type(self.env['ir.cron']), '_commit_progress', return_value=float('inf')) as mock:
            yield mock

    def _run(self, kinds=None, **kwargs):
        with self._no_commit():
            if kinds:
                return self.Generator._generate_followups(kinds=kinds, **kwargs)
            return self.Generator._generate_followups(**kwargs)

    def _cards(self, kind=None, partner=None):
        domain = []
        if kind:
            domain.append(('kind', '=', kind))
        if partner:
            domain.append(('partner_id', '=', partner.id))
        return self.Followup.search(domain)

    def _activities(self, cards):
        return self.env['mail.activity'].search([
            ('res_model', '=', 'customer.followup'), ('res_id', 'in', cards.ids),
        ])

    @staticmethod
    def _d(value):
        return date.fromisoformat(value)

    def _form_done(self, card, outcome):
        action = card.action_open_done_wizard()
        with Form(self.env[action['res_model']].with_context(**action['context'])) as wizard:
            wizard.outcome = outcome
        return wizard.save().action_confirm()
