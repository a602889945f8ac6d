"""Follow-up cron at scale: `make bench ARGS=followups`.

20,000 customers of whom about 10,500 have an occasion due (birthdays,
reviews, win-backs, unpaid invoices, thank-yous after delivery, customers
whose orders dropped). Prints, all measured in the same run:

- the query cost of one batch at two batch sizes;
- the at_risk query on its own, over 1,500 orders of 1,000 customers;
- the floor: one batched `create` of the same cards and one batched
  `create` of their activities, with chatter logging and auto-subscription
  off: the ORM's own inserts, without what the follow-up card's and
  mail.activity's `create` add (names, occasions, notifications, followers).
  Rolled back;
- the first run, timed without tracemalloc, with its queries and its ratio
  to the floor (target: at most 3x); its peak memory comes from a separate,
  rolled-back pass;
- an immediate second run, which must create nothing and take at most 20 %
  of the first.
"""
from datetime import date, datetime, time, timedelta
from unittest.mock import patch

from common import measure, ratio

from odoo import Command

CUSTOMERS = 20_000
BIRTHDAYS = 4_000
REVIEWS = 3_500
DORMANT = 2_000
INVOICES = 300
ORDERS = 200
AT_RISK = 500
STEADY = 500
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
    start = REVIEWS + DORMANT + INVOICES
    buyers = companies[start:start + ORDERS]
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

    # Active customers: half stopped ordering in the last 90 days (at_risk),
    # half order as much as before. Their confirmed orders carry only the
    # figures the early warning reads.
    start += ORDERS
    slowing = companies[start:start + AT_RISK]
    steady = companies[start + AT_RISK:start + AT_RISK + STEADY]
    noon = time(12, 0)
    order_days = [(partner, today - timedelta(days=120)) for partner in slowing | steady]
    order_days += [(partner, today - timedelta(days=10)) for partner in steady]
    active_orders = _create(quiet['sale.order'], [{
        'partner_id': partner.id, 'user_id': partner.user_id.id, 'state': 'sale',
        'date_order': datetime.combine(day, noon),
    } for partner, day in order_days])
    env.cr.execute("UPDATE sale_order SET amount_untaxed = 1000, amount_total = 1000 WHERE id = ANY(%s)",
                   [active_orders.ids])
    (slowing | steady).write({'customer_lifecycle': 'active', 'last_order_date': today - timedelta(days=120)})
    env.flush_all()
    env.cr.commit()
    return len(active_orders)


def _floor(env, today):
    """One batched create of the cards the first run will create and one of
    their activities, the ORM's own inserts only; rolled back."""
    from odoo.addons.mail.models.mail_activity import MailActivity
    from odoo.addons.sales_followup.models.customer_followup import CustomerFollowup
    from odoo.addons.sales_followup.models.customer_followup_generator import GENERATED_KINDS

    Generator = env['customer.followup.generator']
    occasions = []
    for kind in GENERATED_KINDS:
        occasions += getattr(Generator, '_occasions_%s' % kind)(today)
    quiet = {'mail_create_nolog': True, 'mail_create_nosubscribe': True, 'tracking_disable': True,
             'mail_notrack': True}
    Followup = env['customer.followup'].with_context(**quiet)
    Activity = env['mail.activity'].with_context(mail_activity_quick_update=True, **quiet)
    activity_type = env.ref('sales_followup.mail_activity_type_followup')
    model_id = env['ir.model']._get_id('customer.followup')
    savepoint = env.cr.savepoint()
    with measure(trace_memory=False) as cards_time:
        cards = super(CustomerFollowup, Followup).create([
            dict(occasion, name='FLOOR/%05d' % i) for i, occasion in enumerate(occasions)])
        env.flush_all()
    activity_vals = [{
        'activity_type_id': activity_type.id, 'summary': card.kind, 'automated': True,
        'date_deadline': card.date_due, 'res_model_id': model_id, 'res_id': card.id, 'user_id': card.user_id.id,
    } for card in cards if card.user_id]
    with measure(trace_memory=False) as activities_time:
        super(MailActivity, Activity).create(activity_vals)
        env.flush_all()
    savepoint.close(rollback=True)
    env.invalidate_all()
    return len(cards), len(activity_vals), cards_time['seconds'], activities_time['seconds']


def run(env):
    env = env(context=dict(env.context, tz='UTC'))
    # Deliveries are done today; the thank-you falls due after the company delay.
    today = date.today() + timedelta(days=env.company.followup_thanks_delay)
    print("building %s customers..." % CUSTOMERS, flush=True)
    with measure() as build:
        active_orders = _build(env, today)
    print("  built in %.0f s" % build['seconds'])
    Generator = env['customer.followup.generator']
    Followup = env['customer.followup']
    IrCron = type(env['ir.cron'])
    no_commit = patch.object(IrCron, '_commit_progress', return_value=float('inf'))

    # One batch at two sizes, rolled back: the per-batch cost must not grow
    # with the batch size beyond the inserts themselves.
    per_batch = {}
    for size in (100, 1000):
        with no_commit:
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

    with measure(trace_memory=False) as at_risk:
        risky = Generator._occasions_at_risk(today)
    print("at_risk query: %.3f s, %s queries, %s occasions among %s customers with %s orders in the two periods"
          % (at_risk['seconds'], at_risk['queries'], len(risky), AT_RISK + STEADY, active_orders))

    with no_commit:
        floor_cards, floor_activities, floor_cards_s, floor_activities_s = _floor(env, today)
        floor = floor_cards_s + floor_activities_s
        print("floor: %.2f s = %s cards %.2f s + %s activities %.2f s (one batched create each, "
              "no chatter logging, no auto-subscription)"
              % (floor, floor_cards, floor_cards_s, floor_activities, floor_activities_s))
        # Peak memory from a pass of its own: tracemalloc slows Python down.
        savepoint = env.cr.savepoint()
        with measure() as memory:
            Generator._generate_followups(today=today)
            env.flush_all()
        savepoint.close(rollback=True)
        env.invalidate_all()

    with measure(trace_memory=False) as first:
        created = Generator._generate_followups(today=today)
        env.flush_all()
    count_first = len(created)
    env.invalidate_all()
    with measure(trace_memory=False) as second:
        created_again = Generator._generate_followups(today=today)
        env.flush_all()
    count_second = len(created_again)

    kinds = dict(Followup._read_group([], ['kind'], ['__count']))
    print("cards by kind: %s" % ", ".join("%s=%s" % kv for kv in sorted(kinds.items())))
    print("first run : %.2f s, %s queries, %s cards, %.3f queries/card, peak %.0f MiB (separate pass)"
          % (first['seconds'], first['queries'], count_first, first['queries'] / max(count_first, 1),
             memory['peak_mib']))
    print("first run / floor: %.2f (target <= 3)" % ratio(first['seconds'], floor))
    print("second run: %.2f s, %s queries, %s cards created (must be 0)"
          % (second['seconds'], second['queries'], count_second))
    print("second/first wall time: %.3f (target <= 0.20)" % ratio(second['seconds'], first['seconds']))
    print("queries per batch of 1000 / batch of 100: %.2f (10x the cards)" % ratio(per_batch[1000], per_batch[100]))
    assert count_first == floor_cards, "the floor did not create the same cards as the first run"
    assert count_second == 0, "the second run created cards"
