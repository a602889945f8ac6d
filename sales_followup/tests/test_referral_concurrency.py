from psycopg2 import errors as pg_errors

from odoo import api
from odoo.exceptions import ValidationError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger


@tagged('post_install', '-at_install')
class TestReferralConcurrency(BaseCase):
    """Two transactions record referrals at the same time, each valid alone:
    together they would refer a customer twice or close a circle. Real
    cursors, committed data, cleaned up afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls._cleanup_committed_data)
        cls.partner_ids = []
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partners = env['res.partner'].create([
                {'name': 'Race Referral %s' % name, 'is_company': True} for name in ('A', 'B', 'C')])
            cls.partner_ids = partners.ids

    @classmethod
    def _cleanup_committed_data(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            referrals = env['customer.referral'].search([('referred_id', 'in', cls.partner_ids)])
            referrals.unlink()
            env['mail.message'].search([
                ('model', 'in', ('res.partner', 'customer.referral')),
                ('res_id', 'in', cls.partner_ids + referrals.ids),
            ]).unlink()
            env['res.partner'].browse(cls.partner_ids).unlink()

    def _env(self, cr):
        return api.Environment(cr, api.SUPERUSER_ID, {})

    def _referrals(self):
        with self.registry.cursor() as cr:
            referrals = self._env(cr)['customer.referral'].search([('referred_id', 'in', self.partner_ids)])
            return sorted((r.referrer_id.id, r.referred_id.id) for r in referrals)

    def _clear(self):
        with self.registry.cursor() as cr:
            self._env(cr)['customer.referral'].search([('referred_id', 'in', self.partner_ids)]).unlink()

    @mute_logger('odoo.sql_db')
    def test_two_transactions_cannot_close_a_circle(self):
        """B's snapshot predates A's commit: without the lock, B would not
        see A refer B and would let B refer A."""
        self.addCleanup(self._clear)
        a, b, _c = self.partner_ids
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_b = self._env(cr_b)
            cr_b.execute("SELECT 1")  # B's transaction (and snapshot) starts now
            self._env(cr_a)['customer.referral'].create({'referrer_id': a, 'referred_id': b})
            cr_a.commit()
            with self.assertRaises(pg_errors.SerializationFailure):
                env_b['customer.referral'].create({'referrer_id': b, 'referred_id': a})
            cr_b.rollback()
            # What Odoo's RPC layer does on a serialization failure: retry.
            with self.assertRaises(ValidationError) as cm:
                env_b['customer.referral'].create({'referrer_id': b, 'referred_id': a})
            self.assertIn("circle", str(cm.exception))
            cr_b.rollback()
        self.assertEqual(self._referrals(), [(a, b)])

    @mute_logger('odoo.sql_db')
    def test_two_transactions_cannot_refer_one_customer_twice(self):
        self.addCleanup(self._clear)
        a, b, c = self.partner_ids
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_b = self._env(cr_b)
            cr_b.execute("SELECT 1")
            self._env(cr_a)['customer.referral'].create({'referrer_id': a, 'referred_id': c})
            cr_a.commit()
            with self.assertRaises((pg_errors.UniqueViolation, pg_errors.SerializationFailure)):
                env_b['customer.referral'].create({'referrer_id': b, 'referred_id': c})
            cr_b.rollback()
            with self.assertRaises(ValidationError) as cm:
                env_b['customer.referral'].create({'referrer_id': b, 'referred_id': c})
            self.assertIn("already been referred", str(cm.exception))
            cr_b.rollback()
        self.assertEqual(self._referrals(), [(a, c)])
