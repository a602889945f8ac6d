from odoo import Command
from odoo.tests import tagged

from .common_return import ReturnCase

# Fields the kanban_activity widget reads for each card; they are the
# standard, batch-computed activity fields of mail.activity.mixin.
ACTIVITY_WIDGET_FIELDS = (
    'activity_ids', 'activity_state', 'activity_summary', 'activity_type_id',
    'activity_type_icon', 'activity_exception_decoration', 'activity_exception_icon',
)
STATES = ('draft', 'approved', 'received', 'done', 'rejected', 'cancelled')


@tagged('post_install', '-at_install')
class TestReturnBoardPerformance(ReturnCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._delivered_order(lines=[(cls.lamp, 500.0), (cls.chair, 500.0)])
        cls.kanban_fields = cls.Return.get_views([(False, 'kanban')])['models']['customer.return']['fields']

    def _create_returns(self, count):
        returns = self.Return.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
        ).create([{
            'order_id': self.order.id,
            'reason': ('defect', 'damaged', 'changed_mind', 'other')[index % 4],
            'resolution': ('refund', 'exchange', 'repair')[index % 3],
            'line_ids': [Command.create({'product_id': (self.lamp, self.chair)[index % 2].id, 'quantity': 1.0})],
        } for index in range(count)])
        # Spread the cards over every column of the board.
        for index, state in enumerate(STATES):
            returns[index::len(STATES)].write({'state': state})
        returns[::3].activity_schedule('mail.mail_activity_data_todo', user_id=self.salesperson.id)
        return returns

    def _specification(self):
        spec = {}
        for name in set(self.kanban_fields) | set(ACTIVITY_WIDGET_FIELDS) | {'resolution_color'}:
            field = self.Return._fields[name]
            spec[name] = {'fields': {'display_name': {}}} if field.type == 'many2one' else {}
        return spec

    def _load_board(self, user):
        """What the web client does to open the board: one grouped read that
        unfolds every column with its first cards."""
        self.env.invalidate_all()
        Return = self.Return.with_user(user).with_context(read_group_expand=True)
        return Return.web_read_group(
            [], ['state'], ['__count'], auto_unfold=True,
            unfold_read_specification=self._specification(), unfold_read_default_limit=40,
        )

    def _count_queries(self, user):
        before = self.env.cr.sql_log_count
        result = self._load_board(user)
        return self.env.cr.sql_log_count - before, result

    def test_kanban_reads_no_computed_field_per_card(self):
        computed = [
            name for name in self.kanban_fields
            if not self.Return._fields[name].store and name not in ACTIVITY_WIDGET_FIELDS
        ]
        self.assertFalse(computed, "the board reads non-stored fields: %s" % computed)

    def test_board_query_count_does_not_grow_with_returns(self):
        for user in (self.sales_manager, self.salesperson):
            with self.subTest(user=user.login):
                self.Return.search([]).with_context(tracking_disable=True).write({'state': 'cancelled'})
                self.Return.search([]).unlink()
                self._create_returns(10)
                self._load_board(user)  # warm the caches of the registry (views, rules)
                queries_10, result_10 = self._count_queries(user)
                self.assertEqual(sum(group['__count'] for group in result_10['groups']), 10)
                self._create_returns(90)
                with self.assertQueryCount(queries_10):
                    result_100 = self._load_board(user)
                self.assertEqual([group['state'] for group in result_100['groups']], list(STATES))
                self.assertEqual(sum(group['__count'] for group in result_100['groups']), 100)
