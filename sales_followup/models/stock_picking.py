from odoo import fields, models


class StockPicking(models.Model):
    _inherit = 'stock.picking'

    customer_return_ids = fields.Many2many(
        comodel_name='customer.return', relation='customer_return_stock_picking_rel',
        column1='picking_id', column2='return_id', string="Customer Returns", readonly=True, copy=False,
        groups='sales_followup.group_followup_user')

    def _action_done(self):
        result = super()._action_done()
        self._customer_returns_transfers_done()
        return result

    def _customer_returns_transfers_done(self):
        """Validating a return transfer receives its customer returns; a
        backorder of the transfer stays with the same returns."""
        # Warehouse users validate transfers without access to returns.
        pickings = self.sudo().filtered('customer_return_ids')
        for picking in pickings:
            backorders = picking.backorder_ids.filtered(lambda backorder: not backorder.customer_return_ids)
            if backorders:
                picking.customer_return_ids.write({
                    'picking_ids': [fields.Command.link(backorder.id) for backorder in backorders]})
        pickings.customer_return_ids._on_transfers_done()
