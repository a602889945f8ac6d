"""Complaint board and overdue check at scale: `make bench ARGS=complaints`.

Opens the complaint board (grouped by state, first 40 cards per column, the
fields of the kanban view) with 100 and then 10,000 complaints, and prints
the query count and time of each, as ratios: the query count must not grow.
Then runs the daily overdue check over 5,000 overdue complaints twice; the
second run must alert nobody.
"""
from datetime import date, timedelta
from unittest.mock import patch

from common import measure, ratio

from odoo import Command

STATES = ('new', 'acknowledged', 'investigating', 'proposed', 'resolved', 'closed', 'cancelled')
ACTIVITY_FIELDS = (
    'activity_ids', 'activity_state', 'activity_summary', 'activity_type_id',
    'activity_type_icon', 'activity_exception_decoration', 'activity_exception_icon',
)
CHUNK = 2_000


def _create(env, partners, orders, count, received):
    quiet = env['customer.complaint'].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True, mail_notrack=True)
    created = quiet.browse()
    for start in range(0, count, CHUNK):
        vals = []
        for i in range(start, min(start + CHUNK, count)):
            vals.append({
                'partner_id': partners[i % len(partners)].id,
                # the first partners have an order each
                'order_id': orders[i % len(partners)].id if i % len(partners) < len(orders) else False,
                'description': 'Bench complaint %s' % i,
                'severity': ('low', 'normal', 'high', 'critical')[i % 4],
                'date_received': received,
            })
        batch = quiet.create(vals)
        for index, state in enumerate(STATES):
            batch[index::len(STATES)].write({'state': state})
        created |= batch
        env.flush_all()
        env.invalidate_all()
    return created


def _board(env, user):
    Complaint = env['customer.complaint'].with_user(user).with_context(read_group_expand=True)
    fields = Complaint.get_views([(False, 'kanban')])['models']['customer.complaint']['fields']
    spec = {
        name: {'fields': {'display_name': {}}} if Complaint._fields[name].type == 'many2one' else {}
        for name in set(fields) | set(ACTIVITY_FIELDS) | {'severity_color'}
    }
    env.invalidate_all()
    with measure() as result:
        Complaint.web_read_group([], ['state'], ['__count'], auto_unfold=True,
                                 unfold_read_specification=spec, unfold_read_default_limit=40)
    return result


def run(env):
    manager = env['res.users'].create({
        'name': 'Bench Manager', 'login': 'bench_complaint_manager',
        'group_ids': [Command.link(env.ref('sales_team.group_sale_manager').id)],
    })
    product = env['product.product'].create({'name': 'Bench Lamp', 'type': 'consu', 'list_price': 10})
    partners = env['res.partner'].create([
        {'name': 'Bench Complaint Customer %s' % i, 'is_company': True, 'user_id': manager.id}
        for i in range(200)])
    orders = env['sale.order'].create([{
        'partner_id': partner.id,
        'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 1})],
    } for partner in partners[:50]])
    orders.action_confirm()
    today = date.today()

    _create(env, partners, orders, 100, today)
    _board(env, manager)  # warm the caches
    small = _board(env, manager)
    _create(env, partners, orders, 9_900, today)
    env.cr.execute("ANALYZE customer_complaint")
    _board(env, manager)
    big = _board(env, manager)
    print("board, 100 complaints:    %(queries)4d queries  %(seconds).3f s" % small)
    print("board, 10,000 complaints: %(queries)4d queries  %(seconds).3f s" % big)
    print("ratio 10,000 / 100: queries x%.2f, time x%.2f" % (
        ratio(big['queries'], small['queries']), ratio(big['seconds'], small['seconds'])))

    _create(env, partners, orders, 5_000, today - timedelta(days=30))
    Complaint = env['customer.complaint']
    with patch.object(type(env['ir.cron']), '_commit_progress', return_value=float('inf')):
        with measure() as first:
            Complaint._cron_alert_overdue_complaints()
        env.invalidate_all()
        with measure() as second:
            Complaint._cron_alert_overdue_complaints()
    alerted = env['mail.activity'].search_count([
        ('res_model', '=', 'customer.complaint'), ('summary', 'like', 'Overdue complaint')])
    print("overdue check, first run:  %(queries)6d queries  %(seconds).2f s" % first)
    print("overdue check, second run: %(queries)6d queries  %(seconds).2f s" % second)
    print("alerts created: %s; second / first time x%.2f" % (alerted, ratio(second['seconds'], first['seconds'])))
