import io

from docutils.core import publish_string

from odoo.tests import TransactionCase, tagged


@tagged('post_install', '-at_install')
class TestModuleDescription(TransactionCase):
    """Installing the addon renders its description as reStructuredText
    (``ir.module.module._get_desc``): a malformed description prints docutils
    errors in every installation log."""

    def test_description_renders_without_docutils_messages(self):
        module = self.env['ir.module.module'].search([('name', '=', 'sales_followup')])
        messages = io.StringIO()
        publish_string(source=module.description or '', settings_overrides={
            'output_encoding': 'unicode', 'file_insertion_enabled': False,
            'warning_stream': messages, 'report_level': 1, 'halt_level': 5,
        })
        self.assertEqual(messages.getvalue(), '')
        self.assertTrue(module.description_html)
        self.assertTrue(module.summary)
