from datetime import date

from odoo.tests import tagged

from .common_card_import import CardImportCase


@tagged('post_install', '-at_install')
class TestCardImportQueries(CardImportCase):
    """Salespeople, countries, referrers and existing customers are looked
    up by batch and the cards written by batch: the queries of an import do
    not grow with its rows (bench/bench_card_import.py has the figures at
    10,000 rows)."""

    def _rows(self, count, start):
        return [{
            'name': f'Query Card {start + index}', 'ref': f'Q{start + index:04d}',
            'customer_kind': ('corporate', 'individual')[index % 2], 'email': f'q{start + index}@example.com',
            'phone': f'+86 {index:08d}', 'country_code': ('CN', 'fr')[index % 2],
            'birthday': date(1970, 1, 1 + index % 28), 'grade': 'ABC'[index % 3],
            'money': 'yes', 'need': 'no', 'credit_limit': (100, 200)[index % 2],
            'salesperson': ('sf_salesperson', 'sf_manager')[index % 2],
            # the previous row's customer, or one of the database
            'referred_by': {1: 'Lotus Trading', 3: f'Q{start + index - 1:04d}'}.get(index % 4),
        } for index in range(count)]

    def _queries(self, content):
        wizard = self.wizard(content)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        wizard.action_import()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_queries_do_not_grow_with_the_rows(self):
        self._queries(self.xlsx(self._rows(4, 500)))  # caches warm up on a first import
        # every grade, kind, salesperson and referrer kind in both
        small = self._rows(12, 0)
        large = self._rows(48, 100)
        created = (self._queries(self.xlsx(small)), self._queries(self.xlsx(large)))
        self.assertLessEqual(created[1], created[0], "creating 48 customers costs no more than 12")
        self.assertEqual(self.Partner.search_count([('ref', '=like', 'Q%')]), 64)
        unchanged = (self._queries(self.xlsx(small)), self._queries(self.xlsx(large)))
        self.assertLessEqual(unchanged[1], unchanged[0], "48 unchanged customers cost no more than 12")
        self.assertLess(unchanged[1], created[1])
        referrals = self.env['customer.referral'].search([('referred_commercial_id.ref', '=like', 'Q%')])
        self.assertEqual(len(referrals), 32, "every second row records a referral")
        self.assertEqual(len(set(referrals.mapped('name'))), 32, "each with its own reference")
