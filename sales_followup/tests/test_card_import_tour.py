import base64

from odoo.tests import HttpCase, new_test_user, tagged

from .common_card_import import CardImportCase


@tagged('post_install', '-at_install')
class TestCardImportTour(HttpCase):
    """A salesperson imports a workbook from the menu, previews it, imports
    it, and finds the export in the customer list's action menu."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env, login='sf_card_tour', password='sf_card_tour', name='Tour Importer',
            groups='sales_team.group_sale_salesman,base.group_partner_manager',
        )
        cls.existing = cls.env['res.partner'].create({
            'name': 'Tour Existing', 'ref': 'TOUR-1', 'is_company': True, 'customer_rank': 1})
        content = CardImportCase.xlsx([
            {'name': 'Tour Imported Ltd', 'ref': 'TOUR-2', 'customer_kind': 'corporate',
             'salesperson': 'sf_card_tour', 'money': 'yes'},
            {'name': 'Tour Existing Ltd', 'ref': 'TOUR-1', 'referred_by': 'TOUR-2'},
        ])
        attachment = cls.env['ir.attachment'].create({
            'name': 'cards.xlsx', 'datas': base64.b64encode(content), 'public': True})
        cls.env['ir.model.data'].create({
            'module': 'sales_followup', 'name': 'card_import_tour_file',
            'model': 'ir.attachment', 'res_id': attachment.id})

    def test_import_from_the_menu(self):
        self.start_tour('/odoo/customer-board', 'sales_followup_card_import', login='sf_card_tour')
        imported = self.env['res.partner'].search([('ref', '=', 'TOUR-2')])
        self.assertRecordValues(imported, [{'name': 'Tour Imported Ltd', 'user_id': self.salesperson.id,
                                            'man_money': True}])
        self.assertRecordValues(self.existing, [{'name': 'Tour Existing Ltd', 'referred_by_id': imported.id}])
