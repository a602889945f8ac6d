"""The per-company grading figures live in res.partner.grading; on res.partner
they still read, search, group, sort and write like ordinary fields."""
from datetime import timedelta
from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import tagged

from .common_grading import GradingCase


@tagged('post_install', '-at_install')
class TestGradingStorage(GradingCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.key = cls._customer("Storage Key")
        cls.small = cls._customer("Storage Small")
        cls.prospect = cls._customer("Storage Prospect")
        cls._orders([(cls.key, 900), (cls.small, 100)])
        cls.Grading._grade_companies(cls.env.company)
        cls.ours = cls.key | cls.small | cls.prospect

    def _search(self, domain, **kwargs):
        return self.env['res.partner'].search([('id', 'in', self.ours.ids), *domain], **kwargs)

    def test_one_row_per_customer_and_company_and_none_for_prospects(self):
        rows = self.env['res.partner.grading'].search([('partner_id', 'in', self.ours.ids)])
        self.assertRecordValues(rows.sorted(lambda row: row.partner_id.name), [
            {'partner_id': self.key.id, 'company_id': self.company.id, 'customer_grade': 'a',
             'customer_lifecycle': 'new', 'grade_revenue': 900.0, 'grade_order_count': 1},
            {'partner_id': self.small.id, 'company_id': self.company.id, 'customer_grade': 'b',
             'customer_lifecycle': 'new', 'grade_revenue': 100.0, 'grade_order_count': 1},
        ])
        self.assertRecordValues(self.prospect, [{'customer_grade': False, 'customer_lifecycle': 'prospect'}])

    def test_search_on_every_operator_the_board_uses(self):
        self.assertEqual(self._search([('customer_grade', '=', 'a')]), self.key)
        self.assertEqual(self._search([('customer_grade', 'in', ['a', 'b'])]), self.key | self.small)
        self.assertEqual(self._search([('customer_grade', '=', False)]), self.prospect)
        self.assertEqual(self._search([('customer_grade', '!=', 'a')]), self.small | self.prospect)
        # a partner without a row is a prospect, in searches too
        self.assertEqual(self._search([('customer_lifecycle', '=', 'prospect')]), self.prospect)
        self.assertEqual(self._search([('customer_lifecycle', '=', 'new')]), self.key | self.small)
        self.assertEqual(self._search([('grade_revenue', '>', 500)]), self.key)
        self.assertEqual(self._search([('next_review_date', '<=', self.today + timedelta(days=1))]), self.key)
        self.assertEqual(self._search([('customer_grade_locked', '=', False)]), self.ours)

    def test_group_and_sort_by_grade_in_sql(self):
        groups = self.env['res.partner']._read_group(
            [('id', 'in', self.ours.ids)], ['customer_grade'], ['__count', 'grade_revenue:sum'])
        self.assertEqual(sorted(groups, key=lambda g: str(g[0])), [(False, 1, False), ('a', 1, 900.0), ('b', 1, 100.0)])
        self.assertEqual(self._search([], order='grade_revenue, id').ids,
                         [self.small.id, self.key.id, self.prospect.id])
        # the board's kanban groups show every grade column, even empty ones
        board = self.env['res.partner'].with_context(read_group_expand=True).formatted_read_group(
            [('id', 'in', self.small.ids)], ['customer_grade'], ['__count'])
        self.assertEqual([group['customer_grade'] for group in board], ['a', 'b', 'c', False])

    def test_contact_reads_its_company_row_and_writing_it_writes_that_row(self):
        contact = self.env['res.partner'].create({'name': 'Storage Buyer', 'parent_id': self.key.id})
        self.assertRecordValues(contact, [{'customer_grade': 'a', 'grade_revenue': 900.0}])
        self.assertEqual(self._search([('customer_grade', '=', 'a')]), self.key)
        self.assertIn(contact, self.env['res.partner'].search([('customer_grade', '=', 'a')]))
        contact.with_user(self.sales_manager).customer_grade = 'c'
        self.assertEqual(self.key.customer_grade, 'c')
        self.assertEqual(self.env['res.partner.grading'].search_count([('partner_id', '=', contact.id)]), 0)

    def test_grading_never_rewrites_partner_rows(self):
        self.env.cr.execute("SELECT id, write_date FROM res_partner WHERE id = ANY(%s) ORDER BY id", [self.ours.ids])
        before = self.env.cr.fetchall()
        self._orders([(self.small, 5000)])
        self.assertEqual(self._grade(), 2)
        self.env.cr.execute("SELECT id, write_date FROM res_partner WHERE id = ANY(%s) ORDER BY id", [self.ours.ids])
        self.assertEqual(self.env.cr.fetchall(), before)
        self.assertEqual(self._grades(self.key | self.small), ['b', 'a'])

    def test_salesperson_reads_rows_only_of_allowed_companies(self):
        company_2 = self.env['res.company'].create({'name': 'Storage Second Co'})
        self.env.user.company_ids |= company_2
        self._orders([(self.key, 10)], company=company_2)
        self._grade(company_2)
        rows = self.env['res.partner.grading'].with_user(self.salesperson).search([('partner_id', '=', self.key.id)])
        self.assertEqual(rows.company_id, self.company)

    def test_deleting_a_company_deletes_its_rows(self):
        # rows key their company without a database foreign key (see CompanyKey).
        # Under test only, stock gives a new company a warehouse, which would
        # keep it from being deleted: create it as outside tests.
        with patch('odoo.modules.module.current_test', False):
            company_2 = self.env['res.company'].create({'name': 'Storage Closed Co'})
        Grading = self.env['res.partner.grading']
        Grading.create({'partner_id': self.key.id, 'company_id': company_2.id, 'customer_grade': 'c'})
        company_2.unlink()
        self.assertEqual(Grading.search([('partner_id', 'in', self.ours.ids)]).company_id, self.company)

    def _apply_prepared_changes(self):
        message = self.Grading._grade_message_values(self.company)
        self.Grading._apply_changes_batch(self.company, 0, message)
        self.Grading._invalidate_grading_caches()

    def test_grade_locked_while_a_run_prepares_is_kept(self):
        self._orders([(self.small, 5000)])
        self.assertEqual(self.Grading._prepare_changes(self.company), 2)
        # a manager locks the small customer's B before the batch is applied
        self.small.with_user(self.sales_manager).customer_grade_locked = True
        self._apply_prepared_changes()
        self.assertRecordValues(self.small, [
            {'customer_grade': 'b', 'customer_grade_locked': True, 'grade_revenue': 5100.0}])
        self.assertEqual(self.key.customer_grade, 'b')

    def test_row_created_while_a_run_prepares_is_left_to_the_next_run(self):
        self._orders([(self.prospect, 50)])
        self.Grading._prepare_changes(self.company)
        # a manager locks the prospect's grade: that creates its row
        self.prospect.with_user(self.sales_manager).write({'customer_grade': 'a', 'customer_grade_locked': True})
        self._apply_prepared_changes()
        self.assertRecordValues(self.prospect, [
            {'customer_grade': 'a', 'customer_lifecycle': 'prospect', 'grade_revenue': 0.0}])
        self._grade()
        self.assertRecordValues(self.prospect, [
            {'customer_grade': 'a', 'customer_lifecycle': 'new', 'grade_revenue': 50.0}])


@tagged('post_install', '-at_install')
class TestGradingFirstSight(GradingCase):
    """The engine's first grade for a customer with an older history is its
    starting point, not a change: no chatter message (at installation that
    would be one message per customer). Later changes are all noted, and so
    is a genuinely new customer's first grade."""

    def test_established_customer_starts_silently_then_every_change_is_noted(self):
        veteran = self._customer("Veteran")
        self._order(veteran, 500, day=self.today - timedelta(days=150))
        newcomer = self._customer("Newcomer")
        self._order(newcomer, 100)
        self._grade()
        self.assertRecordValues(veteran, [{'customer_grade': 'a', 'customer_lifecycle': 'active'}])
        self.assertFalse(self._grade_trackings(veteran))
        self.assertRecordValues(self._grade_trackings(newcomer),
                                [{'old_value_char': '', 'new_value_char': 'B (general)'}])
        # the newcomer overtakes: both grades change, both are noted
        self._order(newcomer, 5000)
        self._grade()
        self.assertRecordValues(self._grade_trackings(veteran),
                                [{'old_value_char': 'A (key)', 'new_value_char': 'B (general)'}])
        self.assertEqual(self._grade_trackings(newcomer).mapped('new_value_char'), ['B (general)', 'A (key)'])


@tagged('post_install', '-at_install')
class TestGradingMessagesInSql(GradingCase):
    """Grading inserts its chatter messages in SQL for speed. They must be
    exactly what the ORM would store, so that a change of Odoo's mail schema
    in a later 19.x release fails here instead of corrupting the chatter."""

    # Columns that differ by nature between two messages.
    OWN_COLUMNS = {'id', 'res_id', 'message_id', 'date', 'create_date', 'write_date', 'mail_message_id'}

    def _rows(self, table, column, ids):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT * FROM {table} WHERE {column} = ANY(%s) ORDER BY {column}", [list(ids)])
        names = [description.name for description in self.env.cr.description]
        return [dict(zip(names, row, strict=True)) for row in self.env.cr.fetchall()]

    def _compare(self, table, column, sql_id, orm_id):
        sql_row, orm_row = self._rows(table, column, [sql_id]), self._rows(table, column, [orm_id])
        self.assertEqual(len(sql_row), 1)
        self.assertEqual(len(orm_row), 1)
        for name in sorted(set(sql_row[0]) - self.OWN_COLUMNS):
            with self.subTest(table=table, column=name):
                self.assertEqual(sql_row[0][name], orm_row[0][name])

    def test_sql_message_is_the_message_the_orm_stores(self):
        veteran = self._customer("Messages Veteran")
        newcomer = self._customer("Messages Newcomer")
        self._order(veteran, 1000, day=self.today - timedelta(days=300))
        self._grade()
        self._order(newcomer, 5000)
        self._grade()
        sql_tracking = self._grade_trackings(veteran)[-1:]
        self.assertRecordValues(sql_tracking, [{'old_value_char': 'A (key)', 'new_value_char': 'B (general)'}])
        sql_message = sql_tracking.mail_message_id
        # The same note, logged through the ORM by the same author on another customer.
        witness = self._customer("Messages Witness")
        orm_message = witness._message_log(
            body=sql_message.body,
            author_id=self.env.ref('base.partner_root').id,
            tracking_value_ids=[Command.create({
                'field_id': sql_tracking.field_id.id,
                'old_value_char': sql_tracking.old_value_char,
                'new_value_char': sql_tracking.new_value_char,
            })],
        )
        self._compare('mail_message', 'id', sql_message.id, orm_message.id)
        self._compare('mail_tracking_value', 'mail_message_id', sql_message.id, orm_message.id)
        self.assertRegex(sql_message.message_id, r'^<\w+\.\d+\.\d+-openerp-%s@.+>$' % veteran.id)

    def test_every_message_has_its_own_message_id(self):
        partners = self.env['res.partner'].create([{
            'name': f"Messages Newcomer {index}", 'is_company': True, 'customer_rank': 1,
        } for index in range(5)])
        self._orders([(partner, 100 * (index + 1)) for index, partner in enumerate(partners)])
        self._grade()
        messages = self.env['mail.message'].search([
            ('model', '=', 'res.partner'), ('res_id', 'in', partners.ids),
            ('tracking_value_ids.field_id.name', '=', 'customer_grade'),
        ])
        self.assertEqual(len(messages), 5)
        self.assertEqual(len(set(messages.mapped('message_id'))), 5)
