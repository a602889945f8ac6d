"""Credit check cost: `BENCH_DB=sf_bench_credit make bench ARGS=credit`.

1. Extra SQL queries that the credit check adds to ONE confirmation (block
   mode, order under the limit, as a salesperson at the desk): the same kind
   of order is confirmed with the check off and on, caches emptied, and the
   difference printed for
     - a 1-line and a 50-line order,
     - a customer with 1 and with 1,000 open invoices.
   All four must be equal (the check is a fixed number of grouped
   statements) and at most 6.
2. Wall time of 200 confirmations (5 goods lines each, pickings created)
   with the check on, against the same 200 with the check off, measured in
   the same run, best of two rounds each; target ratio <= 1.2.
"""
from common import measure, ratio

from odoo import Command

ORDERS = 200


def _product(env, name, kind):
    return env['product.product'].create({
        'name': name, 'type': kind, 'list_price': 10.0, 'taxes_id': [Command.clear()],
    })


def _orders(env, partner, product, count, lines, user):
    return env['sale.order'].create([{
        'partner_id': partner.id,
        'user_id': user.id,
        'order_line': [Command.create({
            'product_id': product.id, 'product_uom_qty': 1.0, 'price_unit': 1.0,
            'tax_ids': [Command.clear()],
        }) for _j in range(lines)],
    } for _i in range(count)])


def _open_invoices(env, partner, count):
    account = env['account.account'].search([
        ('company_ids', 'in', env.company.id), ('account_type', '=', 'income')], limit=1)
    moves = env['account.move'].create([{
        'move_type': 'out_invoice',
        'partner_id': partner.id,
        'invoice_date': '2026-01-01',
        'invoice_line_ids': [Command.create({
            'name': 'Bench', 'quantity': 1.0, 'price_unit': 1.0, 'account_id': account.id,
            'tax_ids': [Command.clear()],
        })],
    } for _i in range(count)])
    moves.action_post()
    return moves


def _set_mode(env, mode):
    env.company.followup_credit_mode = mode
    env.flush_all()


def _queries_of_one_confirmation(env, order, mode):
    _set_mode(env, mode)
    env.invalidate_all()
    with measure() as result:
        order.action_confirm()
        env.flush_all()
    return result['queries']


def run(env):
    company = env.company
    company.write({'account_use_credit_limit': True, 'followup_credit_mode': 'off'})
    seller = env.ref('base.user_admin')  # an employee at the desk, not superuser
    env_seller = env(user=seller)
    service = _product(env, 'Bench Credit Service', 'service')
    goods = _product(env, 'Bench Credit Goods', 'consu')

    print("1. Extra queries of the credit check on one confirmation")
    extras = {}
    for label, lines, invoices in (
        ('1-line order, 1 open invoice', 1, 1),
        ('50-line order, 1 open invoice', 50, 1),
        ('1-line order, 1,000 open invoices', 1, 1000),
        ('50-line order, 1,000 open invoices', 50, 1000),
    ):
        partner = env['res.partner'].create({'name': f'Bench Credit {label}', 'is_company': True})
        partner.with_company(company).credit_limit = 10_000_000.0
        _open_invoices(env, partner, invoices)
        warmup, off_order, on_order = _orders(env_seller, partner, service, 3, lines, seller)
        _queries_of_one_confirmation(env_seller, warmup, 'block')
        off = _queries_of_one_confirmation(env_seller, off_order, 'off')
        on = _queries_of_one_confirmation(env_seller, on_order, 'block')
        extras[label] = on - off
        print(f"   {label:<38} off {off:>4}  on {on:>4}  extra {on - off}")
    values = set(extras.values())
    print(f"   -> all equal: {len(values) == 1}; extra queries: {sorted(values)} (budget 6)")

    print(f"2. {ORDERS} confirmations (5 goods lines each), check on vs off")
    customers = env['res.partner'].create([
        {'name': f'Bench Credit Customer {i}', 'is_company': True} for i in range(20)])
    for customer in customers:
        customer.with_company(company).credit_limit = 10_000_000.0
        _open_invoices(env, customer, 10)
    orders = env['sale.order']
    for customer in customers:
        orders |= _orders(env_seller, customer, goods, ORDERS // len(customers), 5, seller)
    env.cr.commit()
    timings = {'off': [], 'block': []}
    for _round in range(2):
        for mode in ('off', 'block'):
            _set_mode(env_seller, mode)
            env.invalidate_all()
            with measure() as result:
                for order in orders:
                    order.action_confirm()
                env.flush_all()
            timings[mode].append(result['seconds'])
            assert set(orders.mapped('state')) == {'sale'}
            orders._action_cancel()
            orders.action_draft()
            env.flush_all()
    off, on = min(timings['off']), min(timings['block'])
    print(f"   check off: {off:.2f} s   check on: {on:.2f} s   ratio {ratio(on, off):.3f} (target <= 1.2)")
    print(f"   all rounds: off {[round(t, 2) for t in timings['off']]}, on {[round(t, 2) for t in timings['block']]}")
