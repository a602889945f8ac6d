from freezegun import freeze_time

from odoo.tests import tagged

from .common_complaint import ComplaintCase

# Fields the kanban_activity widget reads for each card; they are the
# standard, batch-computed activity fields of mail.activity.mixin.
ACTIVITY_WIDGET_FIELDS = (
    'activity_ids', 'activity_state', 'activity_summary', 'activity_type_id',
    'activity_type_icon', 'activity_exception_decoration', 'activity_exception_icon',
)
STATES = ('new', 'acknowledged', 'investigating', 'proposed', 'resolved', 'closed', 'cancelled')


@tagged('post_install', '-at_install')
class TestComplaintBoardPerformance(ComplaintCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kanban_fields = cls.Complaint.get_views([(False, 'kanban')])['models']['customer.complaint']['fields']

    def _create_complaints(self, count):
        vals_list = [{
            'partner_id': self.customer.id, 'order_id': self.order.id, 'product_id': self.product.id,
            'description': 'Complaint %s' % index,
            'severity': ('low', 'normal', 'high', 'critical')[index % 4],
        } for index in range(count)]
        complaints = self.Complaint.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
        ).create(vals_list)
        # Spread the cards over every column of the board.
        for index, state in enumerate(STATES):
            complaints[index::len(STATES)].write({'state': state})
        complaints[::3].activity_schedule('mail.mail_activity_data_todo', user_id=self.salesperson.id)
        return complaints

    def _specification(self):
        spec = {}
        for name in set(self.kanban_fields) | set(ACTIVITY_WIDGET_FIELDS) | {'severity_color'}:
            field = self.Complaint._fields[name]
            spec[name] = {'fields': {'display_name': {}}} if field.type == 'many2one' else {}
        return spec

    def _load_board(self):
        """What the web client does to open the board: one grouped read that
        unfolds every column with its first cards."""
        self.env.invalidate_all()
        Complaint = self.Complaint.with_user(self.sales_manager).with_context(read_group_expand=True)
        return Complaint.web_read_group(
            [], ['state'], ['__count'], auto_unfold=True,
            unfold_read_specification=self._specification(), unfold_read_default_limit=40,
        )

    def _count_queries(self):
        before = self.env.cr.sql_log_count
        result = self._load_board()
        return self.env.cr.sql_log_count - before, result

    def test_kanban_reads_no_computed_field_per_card(self):
        computed = [
            name for name in self.kanban_fields
            if not self.Complaint._fields[name].store and name not in ACTIVITY_WIDGET_FIELDS
        ]
        self.assertFalse(computed, "the board reads non-stored fields: %s" % computed)
        self.assertTrue(self.Complaint._fields['severity_color'].store)

    def test_board_query_count_does_not_grow_with_complaints(self):
        self._create_complaints(10)
        self._load_board()  # warm the caches of the registry (views, rules)
        queries_10, result_10 = self._count_queries()
        self.assertEqual(sum(group['__count'] for group in result_10['groups']),
                         self.Complaint.search_count([]))
        self._create_complaints(990)
        with self.assertQueryCount(queries_10):
            result_1000 = self._load_board()
        # Every column is there, the big ones are loaded one page at a time.
        self.assertEqual([group['state'] for group in result_1000['groups']], list(STATES))
        self.assertTrue(all(len(group['__records']) <= 40 for group in result_1000['groups']))
        self.assertGreaterEqual(max(group['__count'] for group in result_1000['groups']), 140)


@tagged('post_install', '-at_install')
class TestComplaintCronPerformance(ComplaintCase):

    def _overdue(self, count):
        with freeze_time('2026-03-02'):
            complaints = self.Complaint.with_context(
                tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
            ).create([{
                'partner_id': self.customer.id, 'order_id': self.order.id,
                'description': 'Late %s' % index, 'severity': 'critical',
            } for index in range(count)])
        self.env.flush_all()
        self.env.invalidate_all()
        return complaints

    def _alert_queries(self, complaints):
        before = self.env.cr.sql_log_count
        with freeze_time('2026-03-10'):
            alerted = complaints._alert_overdue()
            self.env.flush_all()
        self.assertEqual(alerted, complaints)
        return self.env.cr.sql_log_count - before

    def test_overdue_alert_query_count_does_not_grow_with_complaints(self):
        self._alert_queries(self._overdue(2))  # warm the caches (xmlids, models, rules)
        queries_5 = self._alert_queries(self._overdue(5))
        queries_50 = self._alert_queries(self._overdue(50))
        self.assertEqual(queries_50, queries_5)
        self.assertEqual(self.env['mail.activity'].search_count([
            ('res_model', '=', 'customer.complaint'), ('user_id', '=', self.sales_manager.id),
            ('summary', 'like', 'Overdue complaint')]), 57)
