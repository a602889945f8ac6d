import base64
import io
import struct
from datetime import date, datetime

import openpyxl
import xlwt

from odoo.tests import new_test_user

from .common import SalesFollowupCase

HEADER = ('name', 'ref', 'customer_kind', 'email', 'phone', 'city', 'country_code', 'birthday', 'grade',
          'money', 'authority', 'need', 'credit_limit', 'salesperson', 'referred_by')
# Partner fields a customer card sets, to compare customers before and after.
CARD_FIELDS = ['name', 'ref', 'customer_kind', 'email', 'phone', 'city', 'country_id', 'birthday',
               'customer_grade', 'customer_grade_locked', 'man_money', 'man_authority', 'man_need',
               'credit_limit', 'user_id', 'referred_by_id', 'write_date']


class CardImportCase(SalesFollowupCase):
    """Workbooks built in memory, in both formats, and the wizard run as a
    given user. The importing salesperson may create contacts; the manager
    is a sales administrator who may also set credit limits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson.group_ids |= cls.env.ref('base.group_partner_manager')
        cls.importer = new_test_user(
            cls.env, login='sf_card_importer', name='Ivy Importer',
            groups='sales_team.group_sale_manager,sales_followup.group_credit_controller',
        )
        cls.Partner = cls.env['res.partner']
        cls.Wizard = cls.env['customer.card.import']

    # ------------------------------------------------------------------
    # workbooks
    # ------------------------------------------------------------------
    @staticmethod
    def xlsx(rows, header=HEADER):
        """An .xlsx file: the header row then ``rows`` (lists of cell
        values, or dicts by column name)."""
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = 'Cards'
        if header:
            sheet.append(header)
        for row in rows:
            sheet.append(CardImportCase._cells(row, header))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def xls(rows, header=HEADER):
        """The same sheet as an .xls file; dates are date cells."""
        workbook = xlwt.Workbook()
        sheet = workbook.add_sheet('Cards')
        date_style = xlwt.easyxf(num_format_str='YYYY-MM-DD')
        lines = ([list(header)] if header else []) + [CardImportCase._cells(row, header) for row in rows]
        for index, cells in enumerate(lines):
            for column, value in enumerate(cells):
                if isinstance(value, (date, datetime)):
                    sheet.write(index, column, value, date_style)
                elif value is not None:
                    sheet.write(index, column, value)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    @staticmethod
    def _cells(row, header):
        if isinstance(row, dict):
            return [row.get(column) for column in header]
        return row

    @classmethod
    def encrypted_xlsx(cls):
        """What Excel writes for an .xlsx with a password: an OLE2 compound
        file whose stream EncryptedPackage holds the encrypted workbook.
        Built from an .xls compound file by renaming its stream."""
        data = bytearray(cls.xls([['Lotus Trading']]))
        old = 'Workbook'.encode('utf-16-le')
        new = 'EncryptedPackage'.encode('utf-16-le')
        position = data.rfind(old)
        data[position:position + 64] = new.ljust(64, b'\0')
        data[position + 64:position + 66] = struct.pack('<H', len(new) + 2)
        return bytes(data)

    # ------------------------------------------------------------------
    # the wizard
    # ------------------------------------------------------------------
    def wizard(self, content, user=None, filename='cards.xlsx'):
        return self.Wizard.with_user(user or self.importer).create({
            'file': base64.b64encode(content), 'filename': filename})

    def run_import(self, content, user=None, filename='cards.xlsx'):
        self.wizard(content, user, filename).action_import()
        self.env.invalidate_all()

    def preview(self, content, user=None, filename='cards.xlsx'):
        wizard = self.wizard(content, user, filename)
        wizard.action_preview()
        return wizard

    def cards(self, domain):
        """The card values of the partners matching ``domain``, by ref."""
        self.env.invalidate_all()
        partners = self.Partner.with_context(active_test=False).search(domain)
        return {partner.ref or partner.name: partner.sudo().read(CARD_FIELDS)[0] for partner in partners}

    def snapshot(self):
        """Everything an import could change: the partners and their card
        values, grading rows and chatter messages."""
        self.env.cr.flush()  # chatter messages of earlier writes are posted now
        self.env.invalidate_all()
        partners = self.Partner.with_context(active_test=False).search([])
        return {
            'partners': {partner.id: partner.sudo().read(CARD_FIELDS)[0] for partner in partners},
            'gradings': self.env['res.partner.grading'].sudo().search_count([]),
            'messages': self.env['mail.message'].sudo().search_count([('model', '=', 'res.partner')]),
        }

    def exported_rows(self, action):
        """The rows of the workbook an export or template action downloads."""
        holder_id = int(action['url'].split('/')[4])
        holder = self.Wizard.browse(holder_id)
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(holder.file)))
        return workbook, [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
