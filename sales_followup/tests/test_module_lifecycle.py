"""Install, upgrade and uninstall the addon in a scratch database.

These run Odoo in subprocesses (a module cannot be uninstalled inside the
test transaction), so they are plain pytest tests rather than Odoo test
cases and are not imported by tests/__init__.py. `make test` tells them
which template database (sale_management + sale_stock) to copy.
"""
import os
import re
import subprocess
import sys
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

    upgraded = _odoo('-d', scratch_db, '-u', 'sales_followup')
    assert upgraded.returncode == 0, upgraded.stderr[-3000:]
    assert _problems(upgraded.stdout + upgraded.stderr) == []

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
