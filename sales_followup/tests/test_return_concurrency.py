import uuid

from psycopg2 import errors as pg_errors

from odoo import Command, api
from odoo.exceptions import ValidationError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger


@tagged('post_install', '-at_install')
class TestReturnConcurrency(BaseCase):
    """Two transactions approve returns of the same delivered goods at the
    same time. Each fits alone, not both together: exactly one may pass.
    Real cursors, committed data, cleaned up afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls._cleanup_committed_data)
        cls.data = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            seller = env['res.users'].create({
                'name': 'Race Return Seller', 'login': 'sf_return_race_seller_%s' % uuid.uuid4().hex[:8],
                'group_ids': [Command.link(env.ref('sales_team.group_sale_salesman').id)],
            })
            customer = env['res.partner'].create({
                'name': 'Race Return Customer', 'is_company': True, 'user_id': seller.id})
            product = env['product.product'].create({'name': 'Race Lamp', 'type': 'consu'})
            order = env['sale.order'].create({
                'partner_id': customer.id, 'user_id': seller.id,
                'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 5.0})],
            })
            order.action_confirm()
            order.picking_ids.move_ids.quantity = 5.0
            order.picking_ids.move_ids.picked = True
            order.picking_ids.button_validate()
            returns = env['customer.return'].create([{
                'order_id': order.id, 'reason': 'defect',
                'line_ids': [Command.create({'product_id': product.id, 'quantity': 3.0})],
            } for _i in range(2)])
            cls.data.update({
                'seller_id': seller.id, 'customer_id': customer.id, 'product_id': product.id,
                'order_id': order.id, 'return_ids': returns.ids,
            })

    @classmethod
    def _cleanup_committed_data(cls):
        if not cls.data.get('return_ids'):
            return
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            returns = env['customer.return'].browse(cls.data['return_ids']).exists()
            returns.picking_ids.filtered(lambda p: p.state not in ('done', 'cancel')).action_cancel()
            returns.write({'state': 'cancelled'})
            returns.unlink()
            order = env['sale.order'].browse(cls.data['order_id'])
            order._action_cancel()
            # Done transfers stay, as in any database; nothing else refers to them.
            env['product.product'].browse(cls.data['product_id']).active = False
            env['res.partner'].browse(cls.data['customer_id']).active = False
            seller = env['res.users'].browse(cls.data['seller_id'])
            seller_partner = seller.partner_id
            seller.unlink()
            seller_partner.active = False

    def _states(self):
        with self.registry.cursor() as cr:
            returns = api.Environment(cr, api.SUPERUSER_ID, {})['customer.return'].browse(self.data['return_ids'])
            return returns.mapped('state')

    @mute_logger('odoo.sql_db')
    def test_two_approvals_started_together_only_one_passes(self):
        """Deterministic interleaving: B's snapshot is taken before A commits,
        so without the bump B could not see A's return transfer and would
        approve too."""
        return_a, return_b = self.data['return_ids']
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_b = api.Environment(cr_b, self.data['seller_id'], {})
            cr_b.execute("SELECT 1")  # B's transaction (and snapshot) starts now
            api.Environment(cr_a, self.data['seller_id'], {})['customer.return'].browse(return_a).action_approve()
            cr_a.commit()
            with self.assertRaises(pg_errors.SerializationFailure):
                env_b['customer.return'].browse(return_b).action_approve()
            cr_b.rollback()
            # What Odoo's RPC layer does on a serialization failure: retry.
            # The retry sees A's return and refuses B with the numbers.
            with self.assertRaises(ValidationError) as refusal:
                env_b['customer.return'].browse(return_b).action_approve()
            self.assertIn('Only 2.0', str(refusal.exception))
            cr_b.rollback()
        self.assertEqual(self._states(), ['approved', 'draft'])
