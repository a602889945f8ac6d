"""Customer cards from Excel at scale: `make bench ARGS=card_import`.

Imports 10,000 customer rows, every column filled in most rows (a locked
grade on a third of them, a credit limit on a quarter, a referrer on a tenth,
half of the referrers created by an earlier row of the same file), from an
.xlsx and from an .xls file, as a user with the rights every column needs
(sales administrator and credit controller), and measures against a floor
taken in the same run:

- the floor: one `res.partner.create` call of the same 10,000 records with
  their plain values (name, ref, kind, e-mail, phone, city, country, birthday,
  MAN flags, salesperson), by the same user: no file, no checks, no grade,
  credit limit or referrer;
- the import of each file, parsing included, the best of two runs, each
  rolled back, as is the floor;
- the same import at 1,000 rows, to show that the queries grow with the
  batches of 1,000 rows, not with the rows;
- for information: the re-import of the same file once imported (nothing
  changes, nothing is written), and an import changing every customer's
  phone (10,000 updates).

Wall times are taken without tracemalloc; peak memory comes from a separate
pass over each file.
"""
import base64
import io
from datetime import date, timedelta

import openpyxl
import xlwt
from common import measure, ratio

from odoo.tests import new_test_user

from odoo.addons.sales_followup import spreadsheet

ROWS = 10_000
SMALL = 1_000
RUNS = 2
HEADER = ['name', 'ref', 'customer_kind', 'email', 'phone', 'city', 'country_code', 'birthday', 'grade',
          'money', 'authority', 'need', 'credit_limit', 'salesperson', 'referred_by']
KINDS = ['corporate', 'individual', 'government']
COUNTRIES = ['CN', 'FR', 'DE', 'US', 'JP', 'GB', 'IT', 'ES', 'BR', 'IN']
LIMITS = [5000.0, 10000.0, 20000.0, 50000.0]


def _rows(count, phone_suffix=''):
    """The sheet rows: a referrer on every tenth row, alternately an
    existing customer and the customer of a row seven rows earlier."""
    rows = []
    for index in range(count):
        referrer = None
        if index % 10 == 9:
            referrer = f'EXIST{index % 50:02d}' if index % 20 == 9 else f'C{index - 7:05d}'
        rows.append([
            f'Bench Card {index:05d}', f'C{index:05d}', KINDS[index % 3], f'card{index}@example.com',
            f'+86 21 {index:08d}{phone_suffix}', 'Shanghai', COUNTRIES[index % 10],
            date(1960, 1, 1) + timedelta(days=index) if index % 3 == 1 else None,
            'ABC'[index % 3] if index % 3 == 0 else None,
            'yes' if index % 2 else 'no', 'yes' if index % 3 else 'no', 'yes' if index % 5 else 'no',
            LIMITS[index % 4] if index % 4 == 0 else None,
            f'bench_seller_{index % 5}', referrer,
        ])
    return rows


def _xlsx(rows):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet('Customer cards')
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xls(rows):
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet('Customer cards')
    date_style = xlwt.easyxf(num_format_str='YYYY-MM-DD')
    for column, header in enumerate(HEADER):
        sheet.write(0, column, header)
    for index, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(index, column, value, date_style)
            elif value is not None:
                sheet.write(index, column, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain_vals(env, rows):
    countries = {c.code: c.id for c in env['res.country'].search([('code', 'in', COUNTRIES)])}
    users = {u.login: u.id for u in env['res.users'].search([('login', 'like', 'bench_seller_')])}
    return [{
        'name': row[0], 'ref': row[1], 'customer_kind': row[2], 'email': row[3], 'phone': row[4],
        'city': row[5], 'country_id': countries[row[6]], 'birthday': row[7],
        'man_money': row[9] == 'yes', 'man_authority': row[10] == 'yes', 'man_need': row[11] == 'yes',
        'user_id': users[row[13]], 'is_company': row[2] != 'individual', 'customer_rank': 1,
    } for row in rows]


def _import(env, user, content, filename):
    wizard = env['customer.card.import'].with_user(user).create({
        'file': base64.b64encode(content), 'filename': filename})
    wizard.action_import()


def _timed(env, function, *args):
    """One timing of ``function``, rolled back."""
    env.invalidate_all()
    with measure(trace_memory=False) as timing:
        function(*args)
    env.cr.rollback()
    env.invalidate_all()
    return timing


def _best(env, runs, function, *args):
    """The fastest of ``runs`` timings."""
    return min((_timed(env, function, *args) for __ in range(runs)), key=lambda timing: timing['seconds'])


def _memory(env, function, *args):
    env.invalidate_all()
    with measure() as result:
        function(*args)
    env.cr.rollback()
    env.invalidate_all()
    return result['peak_mib']


def run(env):
    importer = new_test_user(
        env, login='bench_card_importer', name='Bench Importer',
        groups='sales_team.group_sale_manager,sales_followup.group_credit_controller,base.group_partner_manager')
    for index in range(5):
        new_test_user(env, login=f'bench_seller_{index}', name=f'Bench Seller {index}',
                      groups='sales_team.group_sale_salesman')
    env['res.partner'].create([{'name': f'Existing {index}', 'ref': f'EXIST{index:02d}', 'is_company': True}
                               for index in range(50)])
    env.cr.commit()

    rows = _rows(ROWS)
    files = {'xlsx': _xlsx(rows), 'xls': _xls(rows)}
    small = {'xlsx': _xlsx(rows[:SMALL]), 'xls': _xls(rows[:SMALL])}
    print(f"files of {ROWS:,} rows: .xlsx {len(files['xlsx']) / 2**20:.1f} MiB, "
          f".xls {len(files['xls']) / 2**20:.1f} MiB", flush=True)

    Partner = env['res.partner'].with_user(importer)
    plain = _plain_vals(env, rows)
    # warm-up: the registry's caches, for the floor and the imports alike
    _timed(env, _import, env, importer, small['xlsx'], 'cards.xlsx')
    _timed(env, _import, env, importer, small['xls'], 'cards.xls')
    # The import assigns salespeople without sending each of them a message
    # per customer: the floor is created the same way. Odoo's default, one
    # notification per record, is shown on 1,000 records for information.
    floor = _best(env, RUNS, lambda: (
        Partner.with_context(mail_auto_subscribe_no_notify=True).create(plain), env.flush_all()))
    floor_s = floor['seconds']
    notified = _timed(env, lambda: (Partner.create(plain[:SMALL]), env.flush_all()))
    print(f"floor, one res.partner.create of {ROWS:,} plain records: {floor_s:.2f} s, "
          f"{floor['queries'] / ROWS:.2f} queries/row "
          f"(with Odoo's assignment notification per record: {notified['seconds'] * 1000 / SMALL:.1f} ms/row "
          f"instead of {floor_s * 1000 / ROWS:.1f}, {notified['queries'] / SMALL:.2f} queries/row)", flush=True)

    for kind in ('xlsx', 'xls'):
        result = _best(env, RUNS, _import, env, importer, files[kind], f'cards.{kind}')
        small_result = _best(env, RUNS, _import, env, importer, small[kind], f'cards.{kind}')
        peak = _memory(env, _import, env, importer, files[kind], f'cards.{kind}')
        reading = _best(env, RUNS, spreadsheet.read_sheet, env, files[kind], ROWS)
        print(f"import .{kind:<4} {ROWS:,} rows: {result['seconds']:.2f} s "
              f"(reading the file {reading['seconds']:.2f} s), {ratio(result['seconds'], floor_s):.2f}x the floor, "
              f"{result['queries'] / ROWS:.2f} queries/row ({result['queries'] / (ROWS / SMALL):.0f} per batch "
              f"of {SMALL:,}; {small_result['queries']} for {SMALL:,} rows), peak {peak:.1f} MiB", flush=True)

    # For information: the same file again once imported, and a change of
    # every customer's phone.
    _import(env, importer, files['xlsx'], 'cards.xlsx')
    env.cr.commit()
    unchanged = _best(env, RUNS, _import, env, importer, files['xlsx'], 'cards.xlsx')
    changed = _xlsx(_rows(ROWS, phone_suffix='9'))
    updates = _best(env, RUNS, _import, env, importer, changed, 'cards.xlsx')
    for label, result in (("re-import, nothing changed", unchanged), ("every phone changed (updates)", updates)):
        print(f"{label:>30}: {result['seconds']:.2f} s, {ratio(result['seconds'], floor_s):.2f}x the floor, "
              f"{result['queries'] / ROWS:.2f} queries/row")
