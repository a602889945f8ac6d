from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_card_import import HEADER, CardImportCase


@tagged('post_install', '-at_install')
class TestCardImportMatching(CardImportCase):
    """Updates by ref, else by e-mail; referrers from the database or from
    an earlier row; the template; an export that imports back unchanged."""

    def assert_bad_row(self, rows, message):
        before = self.snapshot()
        with self.assertRaises(UserError) as caught:
            self.run_import(self.xlsx(rows))
        self.assertIn(message, caught.exception.args[0])
        self.assertEqual(self.snapshot(), before)

    def test_update_by_ref(self):
        self.customer.write({'ref': 'LT-1', 'phone': '111', 'city': 'Hangzhou'})
        self.run_import(self.xlsx([{'name': 'Lotus Trading Ltd', 'ref': 'LT-1', 'phone': '222', 'money': 'yes'}]))
        self.assertRecordValues(self.customer, [{
            'name': 'Lotus Trading Ltd', 'phone': '222', 'man_money': True,
            'city': 'Hangzhou',  # an empty cell changes nothing
        }])
        self.assertEqual(self.Partner.search_count([('ref', '=', 'LT-1')]), 1)

    def test_update_by_email_whatever_the_case(self):
        self.customer.email = 'Buyer@Lotus.example'
        self.run_import(self.xlsx([{'name': 'Lotus Trading', 'ref': 'LT-2', 'email': 'buyer@LOTUS.example',
                                    'customer_kind': 'corporate'}]))
        self.assertRecordValues(self.customer, [{'ref': 'LT-2', 'customer_kind': 'corporate'}])
        self.assertEqual(self.Partner.search_count([('email_normalized', '=', 'buyer@lotus.example')]), 1)

    def test_ref_wins_over_email_and_email_never_takes_another_ref(self):
        self.customer.write({'ref': 'LT-3', 'email': 'shared@example.com'})
        other = self.Partner.create({'name': 'Other Co', 'ref': 'OT-1', 'is_company': True,
                                     'email': 'other@example.com'})
        self.run_import(self.xlsx([
            {'name': 'Other Co', 'ref': 'OT-1', 'email': 'shared@example.com'},
            {'name': 'Branch Co', 'ref': 'BR-1', 'email': 'shared@example.com'},
        ]))
        self.assertEqual(other.email, 'shared@example.com')
        branch = self.Partner.search([('ref', '=', 'BR-1')])
        self.assertTrue(branch)
        self.assertNotEqual(branch, self.customer)
        self.assertEqual(self.customer.ref, 'LT-3')

    def test_contacts_are_not_matched(self):
        self.Partner.create({'name': 'Lin', 'parent_id': self.customer.id, 'email': 'lin@lotus.example'})
        self.run_import(self.xlsx([{'name': 'Lin Personal', 'email': 'lin@lotus.example'}]))
        created = self.Partner.search([('name', '=', 'Lin Personal')])
        self.assertRecordValues(created, [{'parent_id': False, 'email': 'lin@lotus.example'}])

    def test_a_row_matching_two_customers(self):
        self.Partner.create([{'name': f'Dup {index}', 'email': 'dup@example.com', 'is_company': True}
                             for index in range(2)])
        self.assert_bad_row([{'name': 'Dup', 'email': 'dup@example.com'}],
                            "Row 2: it matches 2 customers (Dup 0, Dup 1): give it the ref of one of them")

    def test_the_same_customer_twice(self):
        self.customer.ref = 'LT-4'
        self.assert_bad_row([{'name': 'Lotus', 'ref': 'LT-4'}, {'name': 'Lotus', 'email': 'x@example.com'},
                             {'name': 'Lotus bis', 'email': 'X@example.com'}],
                            "Row 4: it is the same customer as row 3")
        self.customer.email = 'lotus@example.com'
        self.assert_bad_row([{'name': 'Lotus', 'ref': 'LT-4'}, {'name': 'Lotus', 'email': 'lotus@example.com'}],
                            "Row 3: it is the same customer as row 2")

    def test_referrers_from_earlier_rows_and_the_database(self):
        self.customer.ref = 'LT-5'
        self.run_import(self.xlsx([
            {'name': 'Referrer Co', 'ref': 'RF-1'},
            {'name': 'By ref of an earlier row', 'ref': 'RD-1', 'referred_by': 'RF-1'},
            {'name': 'By name of an earlier row', 'ref': 'RD-2', 'referred_by': 'Referrer Co'},
            {'name': 'By ref in the database', 'ref': 'RD-3', 'referred_by': 'LT-5'},
            {'name': 'By name in the database', 'ref': 'RD-4', 'referred_by': 'Lotus Trading'},
            {'name': 'By a referred one', 'ref': 'RD-5', 'referred_by': 'RD-1'},
        ]))
        referrer = self.Partner.search([('ref', '=', 'RF-1')])
        partners = self.Partner.search([('ref', 'like', 'RD-')], order='ref')
        self.assertEqual(partners.mapped('referred_by_id'),
                         referrer | self.customer | partners[0])
        self.assertEqual([p.referred_by_id.ref for p in partners], ['RF-1', 'RF-1', 'LT-5', 'LT-5', 'RD-1'])

    def test_referrer_on_a_later_row_is_not_found(self):
        self.assert_bad_row([{'name': 'Early', 'referred_by': 'Late Co'}, {'name': 'Late Co'}],
                            "Row 2: referred_by 'Late Co' matches no customer")

    def test_no_self_referral_and_no_loop(self):
        self.assert_bad_row([{'name': 'Narcissus', 'ref': 'NA-1', 'referred_by': 'NA-1'}],
                            "Row 2: a customer cannot be referred by itself")
        self.customer.ref = 'LT-6'
        referred = self.Partner.create({'name': 'Referred', 'ref': 'RE-1', 'referred_by_id': self.customer.id})
        self.Partner.create({'name': 'Grandchild', 'ref': 'GC-1', 'referred_by_id': referred.id})
        self.assert_bad_row([{'name': 'Lotus Trading', 'ref': 'LT-6', 'referred_by': 'GC-1'}],
                            "Row 2: referred_by 'GC-1' would make a referral loop")
        # through the file: a new customer referred by Lotus, which the next row says it referred
        self.assert_bad_row([{'name': 'Newcomer', 'ref': 'NC-1', 'referred_by': 'LT-6'},
                             {'name': 'Lotus Trading', 'ref': 'LT-6', 'referred_by': 'NC-1'}],
                            "Row 3: referred_by 'NC-1' would make a referral loop")
        # a chain without a loop
        self.run_import(self.xlsx([{'name': 'A', 'ref': 'A-1'}, {'name': 'B', 'ref': 'B-1', 'referred_by': 'A-1'},
                                   {'name': 'Lotus Trading', 'ref': 'LT-6', 'referred_by': 'B-1'}]))
        self.assertEqual(self.customer.referred_by_id.referred_by_id.ref, 'A-1')

    def test_round_trip_changes_nothing(self):
        """Customers with every card value set, exported and imported back."""
        self.env['res.lang']._activate_lang('zh_CN')
        referrer = self.Partner.create({'name': 'Same Name', 'ref': 'RT-0', 'is_company': True})
        self.Partner.create({'name': 'Same Name', 'is_company': True})
        full = self.Partner.create({
            'name': 'Full Card Ltd', 'ref': 'RT-1', 'is_company': True, 'customer_kind': 'government',
            'email': 'full@example.com', 'phone': '+86 10 1234 5678', 'city': 'Beijing',
            'country_id': self.env.ref('base.cn').id, 'birthday': date(1975, 12, 31),
            'man_money': True, 'man_need': True, 'user_id': self.salesperson.id,
            'referred_by_id': referrer.id,
        })
        full.with_user(self.importer).write({'customer_grade': 'a', 'customer_grade_locked': True,
                                             'credit_limit': 12345.5})
        no_ref = self.Partner.create({'name': 'No Ref Person', 'email': 'noref@example.com',
                                      'customer_kind': 'individual', 'referred_by_id': full.id})
        contact = self.Partner.create({'name': 'Contact of Full', 'parent_id': full.id})
        unlocked = self.Partner.create({'name': 'Engine Graded', 'ref': 'RT-2', 'is_company': True})
        unlocked.with_user(self.importer).customer_grade = 'c'
        partners = no_ref | contact | unlocked | referrer
        for lang in ('en_US', 'zh_CN'):
            with self.subTest(lang=lang):
                self.importer.lang = lang
                action = partners.with_user(self.importer).with_context(lang=lang).action_export_customer_cards()
                __, rows = self.exported_rows(action)
                self.assertEqual(len(rows), 1 + 4, "the contact exports its company's card")
                before = self.snapshot()
                wizard = self.wizard(self.xlsx(rows[1:], header=rows[0]))
                wizard.with_context(lang=lang).action_preview()
                self.assertRecordValues(wizard, [{'create_count': 0, 'update_count': 0, 'unchanged_count': 4,
                                                  'error_count': 0}])
                wizard.with_context(lang=lang).action_import()
                self.assertEqual(self.snapshot(), before)

    def test_export_puts_referrers_first_and_reads_as_the_user(self):
        later = self.Partner.create({'name': 'Late Referrer', 'ref': 'LR-1', 'is_company': True})
        self.customer.write({'referred_by_id': later.id, 'ref': 'LT-7'})
        self.customer.sudo().credit_limit = 500.0
        action = (self.customer | later).with_user(self.salesperson).action_export_customer_cards()
        __, rows = self.exported_rows(action)
        self.assertEqual(rows[0], list(HEADER))
        self.assertEqual([row[0] for row in rows[1:]], ['Late Referrer', 'Lotus Trading'])
        self.assertEqual(rows[2][HEADER.index('referred_by')], 'LR-1')
        self.assertIsNone(rows[2][HEADER.index('credit_limit')], "salespeople may not read credit limits")
        action = self.customer.with_user(self.importer).action_export_customer_cards()
        self.assertEqual(self.exported_rows(action)[1][1][HEADER.index('credit_limit')], 500)

    def test_export_needs_a_selection(self):
        with self.assertRaises(UserError):
            self.Partner.with_user(self.importer).action_export_customer_cards()

    def test_template(self):
        action = self.Wizard.with_user(self.importer).create({}).action_download_template()
        self.assertEqual(action['type'], 'ir.actions.act_url')
        self.assertTrue(action['url'].endswith('/customer_cards_template.xlsx?download=true'))
        workbook, rows = self.exported_rows(action)
        self.assertEqual(rows[0], list(HEADER))
        self.assertEqual(len(rows), 2)
        example = dict(zip(HEADER, rows[1], strict=True))
        self.assertEqual((example['customer_kind'], example['grade'], example['money'], example['need']),
                         ('corporate', 'B', 'yes', 'no'))
        lists = {str(validation.sqref).split(':')[0]: validation.formula1
                 for validation in workbook.worksheets[0].data_validations.dataValidation}
        self.assertEqual(lists, {
            'C2': '"government,corporate,individual"', 'I2': '"A,B,C"',
            'J2': '"yes,no"', 'K2': '"yes,no"', 'L2': '"yes,no"',
        })
        # the example imports as it is
        self.run_import(self.xlsx(rows[1:], header=rows[0]))
        self.assertRecordValues(self.Partner.search([('ref', '=', 'C0001')]), [{
            'name': 'Example Trading Co.', 'customer_grade': 'b', 'user_id': self.importer.id,
        }])

    def test_template_offers_only_what_the_user_may_set(self):
        action = self.Wizard.with_user(self.salesperson).create({}).action_download_template()
        example = dict(zip(HEADER, self.exported_rows(action)[1][1], strict=True))
        self.assertIsNone(example['grade'])
        self.assertIsNone(example['credit_limit'])
        self.run_import(self.xlsx([list(example.values())]), user=self.salesperson)
        self.assertTrue(self.Partner.search([('ref', '=', 'C0001')]))

    def test_template_in_chinese(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['sales_followup'], ['zh_CN'], overwrite=True)
        self.importer.lang = 'zh_CN'
        action = self.Wizard.with_user(self.importer).with_context(lang='zh_CN').create({}) \
            .action_download_template()
        __, rows = self.exported_rows(action)
        self.assertEqual(rows[0][0], '名称')
        example = rows[1]
        self.assertEqual((example[2], example[9]), ('企业', '是'))
        self.run_import(self.xlsx(rows[1:], header=rows[0]))
        self.assertRecordValues(self.Partner.search([('ref', '=', 'C0001')]), [{
            'customer_kind': 'corporate', 'man_money': True, 'man_need': False,
        }])
