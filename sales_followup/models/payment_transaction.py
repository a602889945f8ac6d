from odoo import models

from .sale_order import CREDIT_PAYMENT_CONFIRMATION


# ----------------------------------------------------------------------
# Credit control (issue 5): an online payment never confirms an order past
# the credit limit (the credit check puts it pending instead, see
# sale.order._credit_enforce); such an order must not be reported as
# confirmed, so the customer still gets the "payment received" mail.
# ----------------------------------------------------------------------
class PaymentTransactionCredit(models.Model):
    _inherit = 'payment.transaction'

    def _check_amount_and_confirm_order(self):
        # A cursor flag, not a context key: no RPC caller can set it.
        cache = self.env.cr.cache
        outer = cache.get(CREDIT_PAYMENT_CONFIRMATION)
        cache[CREDIT_PAYMENT_CONFIRMATION] = True
        try:
            confirmed_orders = super()._check_amount_and_confirm_order()
        finally:
            cache[CREDIT_PAYMENT_CONFIRMATION] = outer
        return confirmed_orders.filtered(lambda order: order.state == 'sale')
# --- end credit control section ----------------------------------------
