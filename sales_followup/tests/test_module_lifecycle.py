"""Install, upgrade and uninstall the addon in a scratch database.

These run Odoo in subprocesses (a module cannot be uninstalled inside the
test transaction), so they are plain pytest tests rather than Odoo test
cases: Odoo's own test runner finds nothing to run in this module. `make
test` tells them which template database (sale_management + sale_stock) to
copy.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid

import pytest

import odoo

BASE_DB = os.environ.get('SALES_FOLLOWUP_BASE_DB')
pytestmark = pytest.mark.skipif(not BASE_DB, reason="run through `make test`, which builds the template database")

UNINSTALL = """
import sys, odoo
from odoo import api
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(['-c', sys.argv[1], '-d', sys.argv[2], '--log-level=warn'])
with Registry(sys.argv[2]).cursor() as cr:
    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
    env['ir.module.module'].search([('name', '=', 'sales_followup')]).button_immediate_uninstall()
"""


# What an upgrade must leave: one record per XML id, no XML id without its
# record, no record rule of ours without its XML id.
INSPECT = """
import json, sys, odoo
from odoo import api
from odoo.modules.registry import Registry
odoo.tools.config.parse_config(['-c', sys.argv[1], '-d', sys.argv[2], '--log-level=warn'])
with Registry(sys.argv[2]).cursor() as cr:
    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
    data = env['ir.model.data'].search([('module', '=', 'sales_followup')])
    seen, duplicates, orphans = set(), [], []
    for row in data:
        if (row.model, row.res_id) in seen:
            duplicates.append(row.complete_name)
        seen.add((row.model, row.res_id))
        if row.model in env and not env[row.model].browse(row.res_id).exists():
            orphans.append(row.complete_name)
    model_ids = data.filtered(lambda row: row.model == 'ir.model').mapped('res_id')
    ours = env['ir.model'].browse(model_ids).mapped('model')
    rules = env['ir.rule'].search([('model_id.model', 'in', ours + ['sale.order', 'sale.order.line'])])
    unnamed = [rule.name for rule in rules if not rule.get_external_id()[rule.id]]
    cron = env.ref('sales_followup.ir_cron_customer_followups')
    print(json.dumps({'duplicates': duplicates, 'orphans': orphans, 'unnamed_rules': unnamed,
                      'cron_interval': cron.interval_number}))
"""
# The last commit of the released 19.0.1.2.0, to check upgrades from it.
PREVIOUS_RELEASE = 'c8d05a6'


def _inspect(dbname):
    result = subprocess.run(
        [sys.executable, '-W', 'ignore::DeprecationWarning', '-c', INSPECT, odoo.tools.config['config'], dbname],
        check=False, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _odoo(*args):
    cmd = [sys.executable, '-W', 'ignore::DeprecationWarning', '-c',
           'import sys, odoo.cli; sys.argv[0] = "odoo"; odoo.cli.main()',
           '-c', odoo.tools.config['config'], *args, '--stop-after-init', '--log-level=warn']
    return subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600)


def _problems(output):
    """Log lines that are errors anywhere, or warnings raised by our addon."""
    return [
        line for line in output.splitlines()
        if re.search(r' (ERROR|CRITICAL) ', line)
        or (' WARNING ' in line and 'sales_followup' in line)
    ]


def _sql(dbname, query):
    return subprocess.run(['psql', '-d', dbname, '-tAc', query],
                          capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope='module')
def scratch_db():
    dbname = f'sales_followup_lifecycle_{uuid.uuid4().hex[:8]}'
    subprocess.run(['createdb', '-T', BASE_DB, dbname], check=True)
    yield dbname
    subprocess.run(['dropdb', '--if-exists', '--force', dbname], check=False)


def test_install_upgrade_uninstall(scratch_db):
    installed = _odoo('-d', scratch_db, '-i', 'sales_followup')
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert _problems(installed.stdout + installed.stderr) == []
    assert _sql(scratch_db, "select state from ir_module_module where name = 'sales_followup'") == 'installed'

    # An administrator's change to a scheduled action survives upgrades.
    _sql(scratch_db, "update ir_cron set interval_number = 7 where id = (select res_id from ir_model_data "
                     "where module = 'sales_followup' and name = 'ir_cron_customer_followups')")
    upgraded = _odoo('-d', scratch_db, '-u', 'sales_followup')
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert _problems(upgraded.stdout + upgraded.stderr) == []
    assert _inspect(scratch_db) == {'duplicates': [], 'orphans': [], 'unnamed_rules': [], 'cron_interval': 7}

    uninstalled = subprocess.run(
        [sys.executable, '-W', 'ignore::DeprecationWarning', '-c', UNINSTALL,
         odoo.tools.config['config'], scratch_db],
        check=False, capture_output=True, text=True, timeout=600)
    assert uninstalled.returncode == 0, uninstalled.stderr[-3000:]
    assert _problems(uninstalled.stdout + uninstalled.stderr) == []
    assert _sql(scratch_db, "select state from ir_module_module where name = 'sales_followup'") == 'uninstalled'
    # Nothing of ours is left behind: records, models, groups or company columns.
    assert _sql(scratch_db, "select count(*) from ir_model_data where module = 'sales_followup'") == '0'
    assert _sql(scratch_db, "select count(*) from ir_ui_menu where name->>'en_US' = 'After-Sales'") == '0'
    assert _sql(scratch_db, "select count(*) from information_schema.columns "
                            "where table_name = 'res_company' and column_name like 'followup\\_%'") == '0'


@pytest.fixture
def previous_release_db():
    """A database with the previous release of the addon installed."""
    if not shutil.which('git') or subprocess.run(
            ['git', 'cat-file', '-e', PREVIOUS_RELEASE], check=False, capture_output=True).returncode:
        pytest.skip("the previous release is not in this clone's history")
    dbname = f'sales_followup_upgrade_{uuid.uuid4().hex[:8]}'
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(['git', 'archive', PREVIOUS_RELEASE, 'sales_followup'],
                                 check=True, capture_output=True).stdout
        subprocess.run(['tar', '-x', '-C', folder], input=archive, check=True)
        core_addons = [path for path in odoo.tools.config['addons_path']
                       if not os.path.isdir(os.path.join(path, 'sales_followup'))]
        subprocess.run(['createdb', '-T', BASE_DB, dbname], check=True)
        installed = _odoo('-d', dbname, '-i', 'sales_followup', '--addons-path', ','.join([*core_addons, folder]))
        assert installed.returncode == 0, installed.stderr[-3000:]
        assert _sql(dbname, "select latest_version from ir_module_module where name = 'sales_followup'") \
            == '19.0.1.2.0'
    yield dbname
    subprocess.run(['dropdb', '--if-exists', '--force', dbname], check=False)


def test_upgrade_from_the_previous_release(previous_release_db):
    # personal data was stored in the partner's own columns
    _sql(previous_release_db, "update res_partner set birthday = '1980-05-17', customer_interests = 'Go', "
                              "customer_family_notes = 'Two daughters' where id = (select min(id) from res_partner)")
    upgraded = _odoo('-d', previous_release_db, '-u', 'sales_followup')
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert _problems(upgraded.stdout + upgraded.stderr) == []
    assert _inspect(previous_release_db) == {
        'duplicates': [], 'orphans': [], 'unnamed_rules': [], 'cron_interval': 1}
    # Renamed record rules kept their records, and the kept records are no longer updated.
    assert _sql(previous_release_db, "select count(*) from ir_model_data where module = 'sales_followup' "
                                     "and name like '%credit_controller_rule'") == '0'
    assert _sql(previous_release_db, "select bool_and(noupdate) from ir_model_data where module = 'sales_followup' "
                                     "and model in ('ir.cron', 'ir.rule', 'ir.sequence')") == 't'
    # ... and moved to the columns only the system reads
    assert _sql(previous_release_db, "select personal_birthday || '|' || personal_interests || '|' || "
                                     "personal_family_notes from res_partner where id = (select min(id) "
                                     "from res_partner)") == '1980-05-17|Go|Two daughters'
    assert _sql(previous_release_db, "select count(*) from information_schema.columns where table_name = "
                                     "'res_partner' and column_name = 'birthday'") == '0'
