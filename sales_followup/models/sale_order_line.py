from odoo import api, models


class SaleOrderLine(models.Model):
    """A line added to or raised on a confirmed order makes its total grow,
    which the credit check must see even when the line is written directly
    (RPC) rather than through the order form."""
    _inherit = 'sale.order.line'

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env['sale.order'].browse(
            {vals['order_id'] for vals in vals_list if vals.get('order_id')})
        totals = orders._credit_confirmed_totals()
        lines = super().create(vals_list)
        if totals:
            orders._credit_check_growth(totals)
        self.env['customer.referral']._invalidate_revenue()
        return lines

    def write(self, vals):
        orders = self.order_id
        totals = orders._credit_confirmed_totals()
        result = super().write(vals)
        if totals:
            orders._credit_check_growth(totals)
        self.env['customer.referral']._invalidate_revenue()
        return result

    def unlink(self):
        result = super().unlink()
        self.env['customer.referral']._invalidate_revenue()
        return result
