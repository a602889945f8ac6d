from odoo import models

from ..tools import cursor_flag
from .sale_order import CREDIT_PAYMENT_CONFIRMATION


class PaymentTransaction(models.Model):
    """An online payment never confirms an order past the credit limit (the
    credit check puts it pending instead); such an order must not be
    reported as confirmed, so the customer still gets the "payment received"
    mail."""
    _inherit = 'payment.transaction'

    def _check_amount_and_confirm_order(self):
        with cursor_flag(self.env, CREDIT_PAYMENT_CONFIRMATION, self.ids or [0]):
            confirmed_orders = super()._check_amount_and_confirm_order()
        return confirmed_orders.filtered(lambda order: order.state == 'sale')
