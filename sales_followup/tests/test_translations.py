import io

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import trans_export


@tagged('post_install', '-at_install')
class TestTranslations(TransactionCase):
    """Everything is translatable, and zh_CN ships complete."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.zh_cn = polib.pofile(file_path('sales_followup/i18n/zh_CN.po'))

    def _current_terms(self):
        """The terms the code and data have right now, exported like Odoo does."""
        buffer = io.BytesIO()
        trans_export(None, ['sales_followup'], buffer, 'po', self.env)
        return {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}

    def test_every_current_term_has_a_chinese_translation(self):
        translated = {entry.msgid for entry in self.zh_cn if entry.msgstr and not entry.obsolete}
        missing = sorted(self._current_terms() - translated)
        self.assertFalse(missing, "untranslated in zh_CN.po (run `make i18n`, then translate): %s" % missing[:20])

    def test_template_is_up_to_date(self):
        pot = polib.pofile(file_path('sales_followup/i18n/sales_followup.pot'))
        self.assertEqual(self._current_terms() - {e.msgid for e in pot}, set(),
                         "sales_followup.pot is stale: run `make i18n`")

    def test_menu_speaks_chinese(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['sales_followup'], ['zh_CN'], overwrite=True)
        menu = self.env.ref('sales_followup.menu_followup_root').with_context(lang='zh_CN')
        expected = next(e.msgstr for e in self.zh_cn if e.msgid == 'After-Sales')
        self.assertEqual(menu.name, expected)
        self.assertNotEqual(menu.name, 'After-Sales')
