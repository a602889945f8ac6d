import io
import zipfile
from datetime import date, datetime

import openpyxl
import polib
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from ..const import CUSTOMER_CARD_COLUMNS
from .common_card_import import CardImportCase


@tagged('post_install', '-at_install')
class TestCardImportFiles(CardImportCase):
    """Both formats, recognised from their content, and a clear error for
    every file that cannot be imported."""

    def _full_row(self, ref, **values):
        return {
            'name': f'Card {ref}', 'ref': ref, 'customer_kind': 'corporate', 'email': f'{ref.lower()}@example.com',
            'phone': '+86 21 5555 0100', 'city': 'Suzhou', 'country_code': 'cn', 'birthday': date(1980, 5, 17),
            'grade': 'b', 'money': 'yes', 'authority': 'No', 'need': True, 'credit_limit': 25000,
            'salesperson': 'sf_salesperson', **values,
        }

    def assert_import_error(self, content, message, filename='cards.xlsx'):
        before = self.snapshot()
        with self.assertRaises(UserError) as caught:
            self.run_import(content, filename=filename)
        self.assertIn(message, caught.exception.args[0])
        self.assertEqual(self.snapshot(), before)
        return caught.exception.args[0]

    def test_xlsx_and_xls_give_the_same_cards(self):
        for writer, ref in ((self.xlsx, 'X1'), (self.xls, 'L1')):
            with self.subTest(ref=ref):
                self.run_import(writer([self._full_row(ref)]), filename=f'{ref}.bin')
                partner = self.Partner.search([('ref', '=', ref)])
                self.assertRecordValues(partner.sudo(), [{
                    'name': f'Card {ref}', 'customer_kind': 'corporate', 'email': f'{ref.lower()}@example.com',
                    'phone': '+86 21 5555 0100', 'city': 'Suzhou', 'country_id': self.env.ref('base.cn').id,
                    'birthday': date(1980, 5, 17), 'customer_grade': 'b', 'customer_grade_locked': True,
                    'man_money': True, 'man_authority': False, 'man_need': True, 'credit_limit': 25000.0,
                    'user_id': self.salesperson.id, 'is_company': True, 'customer_rank': 1,
                }])

    def test_type_comes_from_the_content_not_the_name(self):
        self.run_import(self.xlsx([{'name': 'Named xls', 'ref': 'N1'}]), filename='cards.xls')
        self.run_import(self.xls([{'name': 'Named xlsx', 'ref': 'N2'}]), filename='cards.xlsx')
        self.run_import(self.xlsx([{'name': 'No extension', 'ref': 'N3'}]), filename='cards')
        self.assertEqual(len(self.Partner.search([('ref', 'in', ['N1', 'N2', 'N3'])])), 3)

    def test_unsupported_types(self):
        docx = io.BytesIO()
        with zipfile.ZipFile(docx, 'w') as archive:
            archive.writestr('[Content_Types].xml', '<Types/>')
            archive.writestr('word/document.xml', '<document/>')
        word_97 = self.xls([['Lotus']]).replace('Workbook'.encode('utf-16-le'), 'WordDocu'.encode('utf-16-le'))
        for content in (b'name,ref\nLotus,C1\n', b'\x89PNG\r\n\x1a\n' + b'\0' * 64, docx.getvalue(), word_97):
            with self.subTest(content=content[:8]):
                self.assert_import_error(content, "This file is not an Excel workbook")

    def test_corrupt_files(self):
        xlsx = self.xlsx([{'name': 'Lotus'}])
        broken_sheet = io.BytesIO()
        with zipfile.ZipFile(broken_sheet, 'w') as archive:
            archive.writestr('[Content_Types].xml', '<Types/>')
            archive.writestr('xl/workbook.xml', 'not xml at all')
        xls = self.xls([{'name': 'Lotus'}])
        for content in (xlsx[:len(xlsx) // 2], broken_sheet.getvalue(), xls[:len(xls) // 2] + b'\0' * 16,
                        xls[:600]):
            with self.subTest(size=len(content)):
                self.assert_import_error(content, "The file is damaged")

    def test_encrypted_xlsx(self):
        self.assert_import_error(self.encrypted_xlsx(), "The file is protected by a password")

    def test_no_file(self):
        with self.assertRaises(UserError) as caught:
            self.Wizard.with_user(self.importer).create({}).action_preview()
        self.assertIn("Choose the file to import first", caught.exception.args[0])

    def test_empty_sheet(self):
        self.assert_import_error(self.xlsx([], header=None), "The first sheet of the file is empty")
        self.assert_import_error(self.xls([], header=None), "The first sheet of the file is empty", 'cards.xls')
        self.assert_import_error(self.xlsx([[None, None]]), "but no customer under it")

    def test_header_problems(self):
        message = self.assert_import_error(self.xlsx([['C1', 'Lotus']], header=['ref', 'customer']),
                                           "Unknown columns: 'customer'")
        self.assertIn("The name column is missing", message)
        self.assert_import_error(self.xlsx([['Lotus', 'Lotus']], header=['name', 'NAME']),
                                 "These columns appear twice: 'NAME'")

    def test_more_than_50000_rows(self):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(['name'])
        for index in range(50_001):
            sheet.append([f'Customer {index}'])
        buffer = io.BytesIO()
        workbook.save(buffer)
        self.assert_import_error(buffer.getvalue(), "The file has more than 50,000 customer rows")

    def test_dates_as_date_cells_serial_numbers_and_iso_text(self):
        for writer, prefix in ((self.xlsx, 'X'), (self.xls, 'L')):
            rows = [
                {'name': 'Date cell', 'ref': f'{prefix}D1', 'birthday': date(1980, 5, 17)},
                {'name': 'Date and time cell', 'ref': f'{prefix}D2', 'birthday': datetime(1980, 5, 17, 0, 0)},
                {'name': 'Serial number', 'ref': f'{prefix}D3', 'birthday': 29358},
                {'name': 'ISO text', 'ref': f'{prefix}D4', 'birthday': '1980-05-17'},
            ]
            with self.subTest(prefix=prefix):
                self.run_import(writer(rows))
                partners = self.Partner.search([('ref', 'like', f'{prefix}D')])
                self.assertEqual(len(partners), 4)
                self.assertEqual(set(partners.mapped('birthday')), {date(1980, 5, 17)})

    def test_serial_numbers_follow_the_workbooks_date_system(self):
        workbook = openpyxl.Workbook()
        workbook.epoch = CALENDAR_MAC_1904
        workbook.active.append(['name', 'birthday'])
        workbook.active.append(['Mac customer', 29358 - 1462])
        buffer = io.BytesIO()
        workbook.save(buffer)
        self.run_import(buffer.getvalue())
        self.assertEqual(self.Partner.search([('name', '=', 'Mac customer')]).birthday, date(1980, 5, 17))

    def test_headers_ignore_case_and_may_be_english_labels(self):
        header = ['NAME', 'Reference', 'customer KIND', 'EMAIL', 'Country Code', 'Credit Limit', ' Salesperson ']
        self.run_import(self.xlsx([['Upper Ltd', 'U1', 'Government', 'up@example.com', 'FR', 10, 'sf_salesperson']],
                                  header=header))
        self.assertRecordValues(self.Partner.search([('ref', '=', 'U1')]).sudo(), [{
            'name': 'Upper Ltd', 'customer_kind': 'government', 'email': 'up@example.com',
            'country_id': self.env.ref('base.fr').id, 'credit_limit': 10.0, 'user_id': self.salesperson.id,
        }])

    def test_chinese_headers_are_the_zh_cn_labels(self):
        translations = {entry.msgid: entry.msgstr
                        for entry in polib.pofile(file_path('sales_followup/i18n/zh_CN.po')) if entry.msgstr}
        header = [translations[column.label._translate('en_US')] for column in CUSTOMER_CARD_COLUMNS]
        self.assertEqual(len(set(header)), len(CUSTOMER_CARD_COLUMNS), "every column has its own Chinese label")
        self.assertIn('名称', header)
        row = self._full_row('Z1', customer_kind='individual', money='是', authority='否', need='yes')
        self.run_import(self.xlsx([[row.get(column.key) for column in CUSTOMER_CARD_COLUMNS]], header=header))
        self.assertRecordValues(self.Partner.search([('ref', '=', 'Z1')]), [{
            'name': 'Card Z1', 'customer_kind': 'individual', 'birthday': date(1980, 5, 17),
            'man_money': True, 'man_authority': False, 'man_need': True, 'is_company': False,
        }])

    def test_chinese_values_once_chinese_is_installed(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['sales_followup'], ['zh_CN'], overwrite=True)
        self.run_import(self.xlsx([{'name': '华东贸易', 'ref': 'Z2', 'customer_kind': '企业', 'grade': 'A（重点）'}]))
        self.assertRecordValues(self.Partner.search([('ref', '=', 'Z2')]), [{
            'customer_kind': 'corporate', 'customer_grade': 'a', 'customer_grade_locked': True,
        }])
