"""Follow-up cron at scale: `make bench ARGS=followups`.

20,000 customers of whom about 10,000 have an occasion due (birthdays,
reviews, win-backs, unpaid invoices, thank-yous after delivery). Prints the
first run (wall time, queries, queries per card), the query cost of one batch
at two batch sizes, and an immediate second run, which must create nothing
and take at most 20 % of the first.
"""
from datetime import date, timedelta
from unittest.mock import patch

from common import measure, ratio

from odoo import Command

CUSTOMERS = 20_000
BIRTHDAYS = 4_000
REVIEWS = 3_500
DORMANT = 2_000
INVOICES = 300
ORDERS = 200
SALESPEOPLE = 20
CHUNK = 2_000


def _create(model, vals_list):
    records = model.browse()
    for start in range(0, len(vals_list), CHUNK):
        records |= model.create(vals_list[start:start + CHUNK])
        model.env.flush_all()
        model.env.invalidate_all()
    return records


def _build(env, today):
    quiet = env(context=dict(env.context, mail_create_nolog=True, mail_create_nosubscribe=True,
                             tracking_disable=True, mail_notrack=True))
    users = quiet['res.users'].create([{
        'name': 'Bench Seller %s' % i, 'login': 'bench_seller_%s' % i,
        'group_ids': [Command.link(env.ref('sales_team.group_sale_salesman').id)],
    } for i in range(SALESPEOPLE)])
    birthday = date(1980, today.month, min(today.day, 28))
    vals = []
    for i in range(CUSTOMERS):
        person = i < BIRTHDAYS
        vals.append({
            'name': 'Bench Customer %05d' % i,
            'is_company': not person,
            'customer_rank': 1,
            'user_id': users[i % SALESPEOPLE].id,
            'birthday': birthday if person else False,
        })
    partners = _create(quiet['res.partner'], vals)
    companies = partners[BIRTHDAYS:]
    reviewed = companies[:REVIEWS]
    for offset in range(5):
        reviewed[offset::5].write({'customer_grade': 'c', 'next_review_date': today - timedelta(days=offset)})
    dormant = companies[REVIEWS:REVIEWS + DORMANT]
    dormant.write({'customer_lifecycle': 'dormant', 'last_order_date': today - timedelta(days=200)})
    env.flush_all()

    debtors = companies[REVIEWS + DORMANT:REVIEWS + DORMANT + INVOICES]
    invoices = quiet['account.move'].create([{
        'move_type': 'out_invoice', 'partner_id': partner.id, 'invoice_user_id': partner.user_id.id,
        'invoice_date': today - timedelta(days=30), 'invoice_date_due': today,
        'invoice_line_ids': [Command.create({'name': 'Service', 'quantity': 1, 'price_unit': 100.0,
                                             'tax_ids': [Command.clear()]})],
    } for partner in debtors])
    invoices.action_post()
    invoices.line_ids.filtered(lambda l: l.display_type == 'payment_term').date_maturity = today
    invoices.invoice_date_due = today

    product = quiet['product.product'].create({'name': 'Bench Chair', 'type': 'consu', 'list_price': 50.0})
    buyers = companies[REVIEWS + DORMANT + INVOICES:REVIEWS + DORMANT + INVOICES + ORDERS]
    orders = quiet['sale.order'].create([{
        'partner_id': partner.id, 'user_id': partner.user_id.id,
        'order_line': [Command.create({'product_id': product.id, 'product_uom_qty': 1})],
    } for partner in buyers])
    orders.action_confirm()
    pickings = orders.picking_ids
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
        move.picked = True
    pickings._action_done()
    env.flush_all()
    env.cr.commit()


def run(env):
    env = env(context=dict(env.context, tz='UTC'))
    # Deliveries are done today; the thank-you falls due after the company delay.
    today = date.today() + timedelta(days=env.company.followup_thanks_delay)
    print("building %s customers..." % CUSTOMERS, flush=True)
    with measure() as build:
        _build(env, today)
    print("  built in %.0f s" % build['seconds'])
    Generator = env['customer.followup.generator']
    Followup = env['customer.followup']

    # One batch at two sizes, rolled back: the per-batch cost must not grow
    # with the batch size beyond the inserts themselves.
    IrCron = type(env['ir.cron'])
    per_batch = {}
    for size in (100, 1000):
        with patch.object(IrCron, '_commit_progress', return_value=float('inf')):
            savepoint = env.cr.savepoint()
            with measure() as probe:
                cards = Generator._generate_followups(today=today, kinds=['birthday'], batch_size=size)
                env.flush_all()
            batches = -(-len(cards) // size)
            per_batch[size] = probe['queries'] / batches
            print("probe  batch_size=%-5s cards=%-5s batches=%-3s queries=%-6s queries/batch=%.1f queries/card=%.3f"
                  % (size, len(cards), batches, probe['queries'], per_batch[size],
                     probe['queries'] / max(len(cards), 1)))
            savepoint.close(rollback=True)
            env.invalidate_all()

    with measure() as first:
        created = Generator._generate_followups(today=today)
        env.flush_all()
    count_first = len(created)
    env.invalidate_all()
    with measure() as second:
        created_again = Generator._generate_followups(today=today)
        env.flush_all()
    count_second = len(created_again)

    kinds = dict(Followup._read_group([], ['kind'], ['__count']))
    print("cards by kind: %s" % ", ".join("%s=%s" % kv for kv in sorted(kinds.items())))
    print("first run : %.2f s, %s queries, %s cards, %.3f queries/card, peak %.0f MiB"
          % (first['seconds'], first['queries'], count_first, first['queries'] / max(count_first, 1),
             first['peak_mib']))
    print("second run: %.2f s, %s queries, %s cards created (must be 0)"
          % (second['seconds'], second['queries'], count_second))
    print("second/first wall time: %.3f (target <= 0.20)" % ratio(second['seconds'], first['seconds']))
    print("queries per batch of 1000 / batch of 100: %.2f (10x the cards)" % ratio(per_batch[1000], per_batch[100]))
    assert count_second == 0, "the second run created cards"
