import threading

from psycopg2 import errors as pg_errors

from odoo import Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger


@tagged('post_install', '-at_install')
class TestCreditConcurrency(BaseCase):
    """Two transactions confirm an order for the same customer at the same
    time. Each order fits under the limit alone, not both together: exactly
    one may succeed. Real cursors, committed data, cleaned up afterwards."""

    LIMIT = 1000.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls._cleanup_committed_data)
        cls.data = {}
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            company = env.ref('base.main_company')
            cls.data['company_settings'] = {
                'account_use_credit_limit': company.account_use_credit_limit,
                'followup_credit_mode': company.followup_credit_mode,
            }
            company.write({'account_use_credit_limit': True, 'followup_credit_mode': 'block'})
            seller = env['res.users'].create({
                'name': 'Race Seller', 'login': 'sf_credit_race_seller',
                'group_ids': [Command.link(env.ref('sales_team.group_sale_salesman').id)],
            })
            customer = env['res.partner'].create({'name': 'Race Customer', 'is_company': True})
            customer.with_company(company).credit_limit = cls.LIMIT
            product = env['product.product'].create({
                'name': 'Race Widget', 'type': 'service', 'taxes_id': [Command.clear()],
            })
            orders = env['sale.order'].create([{
                'partner_id': customer.id,
                'user_id': seller.id,
                'order_line': [Command.create({
                    'product_id': product.id, 'price_unit': 600.0, 'tax_ids': [Command.clear()],
                })],
            } for _i in range(4)])
            cls.data.update({
                'company_id': company.id, 'seller_id': seller.id, 'customer_id': customer.id,
                'product_id': product.id, 'order_ids': orders.ids,
            })

    @classmethod
    def _cleanup_committed_data(cls):
        if not cls.data.get('order_ids'):
            return
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            orders = env['sale.order'].browse(cls.data['order_ids']).exists()
            orders.filtered(lambda o: o.state == 'sale')._action_cancel()
            orders.unlink()
            env['credit.lock'].search([('partner_id', '=', cls.data['customer_id'])]).unlink()
            env['product.product'].browse(cls.data['product_id']).product_tmpl_id.unlink()
            env['mail.message'].search([
                ('model', '=', 'res.partner'), ('res_id', '=', cls.data['customer_id']),
            ]).unlink()
            seller = env['res.users'].browse(cls.data['seller_id'])
            seller_partner = seller.partner_id
            seller.unlink()
            seller_partner.unlink()
            env['res.partner'].browse(cls.data['customer_id']).unlink()
            env.ref('base.main_company').write(cls.data['company_settings'])

    @staticmethod
    def _registry_free_for_threads():
        free = []

        def probe():
            acquired = Registry._lock.acquire(timeout=1)
            if acquired:
                Registry._lock.release()
            free.append(acquired)

        thread = threading.Thread(target=probe)
        thread.start()
        thread.join()
        return free[0]

    def _env(self, cr):
        return api.Environment(cr, self.data['seller_id'], {})

    def _states(self):
        with self.registry.cursor() as cr:
            orders = api.Environment(cr, api.SUPERUSER_ID, {})['sale.order'].browse(self.data['order_ids'])
            return dict(zip(orders.ids, orders.mapped('state'), strict=True))

    def _reset_orders(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            orders = env['sale.order'].browse(self.data['order_ids'])
            confirmed = orders.filtered(lambda o: o.state == 'sale')
            confirmed._action_cancel()
            confirmed.action_draft()

    @mute_logger('odoo.sql_db')
    def test_two_transactions_started_together_only_one_passes(self):
        """Deterministic interleaving: B's snapshot is taken before A commits,
        so without a lock B could not see A's order and would pass too."""
        self.addCleanup(self._reset_orders)
        order_a, order_b = self.data['order_ids'][:2]
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_b = self._env(cr_b)
            cr_b.execute("SELECT 1")  # B's transaction (and snapshot) starts now
            self._env(cr_a)['sale.order'].browse(order_a).action_confirm()
            cr_a.commit()
            with self.assertRaises(pg_errors.SerializationFailure):
                env_b['sale.order'].browse(order_b).action_confirm()
            cr_b.rollback()
            # What Odoo's RPC layer does on a serialization failure: retry.
            # The retry sees A's order and refuses B with the numbers.
            with self.assertRaises(UserError) as cm:
                env_b['sale.order'].browse(order_b).action_confirm()
            self.assertIn("1,200.00", str(cm.exception))
            cr_b.rollback()
        states = self._states()
        self.assertEqual(states[order_a], 'sale')
        self.assertEqual(states[order_b], 'draft')

    @mute_logger('odoo.sql_db')
    def test_two_threads_confirm_at_the_same_time(self):
        """Two real workers: whichever locks first wins, the other waits for
        it and then fails (serialization failure, retried into a UserError)."""
        if not self._registry_free_for_threads():
            # Odoo's own runner (--test-enable) holds the registry lock while
            # it loads modules, so the workers' environments would only start
            # after the run: the deterministic interleaving above still runs.
            self.skipTest("worker threads cannot open an environment while Odoo's runner loads modules")
        self.addCleanup(self._reset_orders)
        order_ids = self.data['order_ids'][2:4]
        barrier = threading.Barrier(2, timeout=10)
        outcomes = {}

        def confirm(order_id):
            with self.registry.cursor() as cr:
                env = self._env(cr)
                cr.execute("SELECT 1")
                barrier.wait()
                try:
                    env['sale.order'].browse(order_id).action_confirm()
                    # Two real transactions must commit to race each other.
                    cr.commit()  # pylint: disable=invalid-commit
                    outcomes[order_id] = 'confirmed'
                except (pg_errors.SerializationFailure, UserError) as exc:
                    cr.rollback()
                    outcomes[order_id] = type(exc).__name__

        threads = [threading.Thread(target=confirm, args=(order_id,)) for order_id in order_ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(outcomes.values()).count('confirmed'), 1, outcomes)
        states = self._states()
        self.assertEqual(sorted(states[order_id] for order_id in order_ids), ['draft', 'sale'])
