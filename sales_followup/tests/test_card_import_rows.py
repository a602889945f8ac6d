from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common_card_import import CardImportCase


@tagged('post_install', '-at_install')
class TestCardImportRows(CardImportCase):
    """Every bad row is named with its sheet row number and why; one bad row
    means nothing is written; the preview never writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Partner.create([
            {'name': 'Twin Trading', 'ref': 'TW1', 'is_company': True},
            {'name': 'Twin Trading', 'ref': 'TW2', 'is_company': True},
        ])
        cls.existing = cls.Partner.create({
            'name': 'Existing Co', 'ref': 'E1', 'is_company': True, 'email': 'existing@example.com',
            'phone': '111',
        })

    # Row numbers in the sheet: the header is row 1, so the n-th row of the
    # list is row n + 1.
    BAD_ROWS = [
        ({'name': 'Good One', 'ref': 'G1'}, None),
        ({'ref': 'B1', 'email': 'nameless@example.com'}, "the name is missing"),
        ({'name': 'Kind', 'customer_kind': 'alien'}, "unknown customer kind 'alien'"),
        ({'name': 'Grade', 'grade': 'D'}, "unknown grade 'D'"),
        ({'name': 'Yes no', 'money': 'maybe'}, "unknown yes/no value 'maybe' in column money"),
        ({'name': 'Date', 'birthday': '2023-02-29'}, "impossible date '2023-02-29' in column birthday"),
        ({'name': 'Negative', 'credit_limit': -10}, "negative credit limit (-10)"),
        ({'name': 'Not a number', 'credit_limit': 'lots'}, "the credit limit 'lots' is not a number"),
        ({'name': 'Login', 'salesperson': 'nobody'}, "unknown salesperson login 'nobody'"),
        ({'name': 'Nobody refers', 'referred_by': 'Ghost Ltd'}, "referred_by 'Ghost Ltd' matches no customer"),
        ({'name': 'Twice referred', 'referred_by': 'Twin Trading'},
         "referred_by 'Twin Trading' matches 2 partners"),
        ({'name': 'Country', 'country_code': 'XX'}, "unknown country code 'XX'"),
        ({'name': 'Mail', 'email': 'john at example.com'}, "malformed e-mail 'john at example.com'"),
        ({'name': 'Same ref', 'ref': 'G1'}, "the ref 'G1' is already on row 2"),
        ({'name': 'Good Two', 'ref': 'G2', 'referred_by': 'G1'}, None),
        ({'name': 'Existing Co', 'ref': 'E1', 'phone': '222'}, None),
    ]

    def test_every_bad_row_is_listed_and_nothing_is_written(self):
        rows = [row for row, __ in self.BAD_ROWS]
        for writer in (self.xlsx, self.xls):
            with self.subTest(writer=writer.__name__):
                before = self.snapshot()
                with self.assertRaises(UserError) as caught:
                    self.run_import(writer(rows))
                message = caught.exception.args[0]
                self.assertIn("Nothing was imported: 13 rows of the file are invalid", message)
                for number, (__, reason) in enumerate(self.BAD_ROWS, start=2):
                    if reason:
                        self.assertIn(f"Row {number}: {reason}", message)
                    else:
                        self.assertNotIn(f"Row {number}:", message)
                self.assertEqual(self.snapshot(), before, "the good rows are not written either")
                self.assertFalse(self.Partner.search([('ref', 'in', ['G1', 'G2'])]))
                self.assertEqual(self.existing.phone, '111')

    def test_a_row_lists_all_its_problems(self):
        with self.assertRaises(UserError) as caught:
            self.run_import(self.xlsx([{'email': 'bad@', 'country_code': 'ZZ', 'need': 'perhaps'}]))
        self.assertIn("Row 2: the name is missing; malformed e-mail 'bad@'; unknown yes/no value 'perhaps' "
                      "in column need (yes or no); unknown country code 'ZZ'", caught.exception.args[0])

    def test_a_value_without_header_is_a_bad_row(self):
        with self.assertRaises(UserError) as caught:
            self.run_import(self.xlsx([['Lotus', None, 'stray']], header=['name', None]))
        self.assertIn("Row 2: a value in column C, which has no header", caught.exception.args[0])

    def test_empty_rows_are_skipped_but_rows_keep_their_sheet_number(self):
        with self.assertRaises(UserError) as caught:
            self.run_import(self.xlsx([{'name': 'First'}, {}, {}, {'name': 'Fifth', 'country_code': 'QQ'}]))
        self.assertIn("Row 5: unknown country code 'QQ'", caught.exception.args[0])

    def test_preview_counts_and_writes_nothing(self):
        rows = [row for row, __ in self.BAD_ROWS]
        rows.append({'name': 'Twin Trading', 'ref': 'TW1'})  # unchanged
        for writer in (self.xlsx, self.xls):
            with self.subTest(writer=writer.__name__):
                before = self.snapshot()
                wizard = self.preview(writer(rows))
                self.assertRecordValues(wizard, [{
                    'previewed': True, 'create_count': 2, 'update_count': 1, 'unchanged_count': 1,
                    'error_count': 13,
                }])
                self.assertIn("Row 3: the name is missing", wizard.error_text)
                self.assertEqual(self.snapshot(), before)

    def test_preview_of_a_valid_file_then_import(self):
        content = self.xlsx([{'name': 'New Co', 'ref': 'N1', 'grade': 'A'},
                             {'name': 'Existing Co', 'ref': 'E1', 'phone': '333'}])
        before = self.snapshot()
        wizard = self.wizard(content)
        action = wizard.action_preview()
        self.assertEqual((action['res_model'], action['res_id']), ('customer.card.import', wizard.id))
        self.assertRecordValues(wizard, [{'create_count': 1, 'update_count': 1, 'unchanged_count': 0,
                                          'error_count': 0, 'error_text': False}])
        self.assertEqual(self.snapshot(), before)
        result = wizard.action_import()
        self.assertEqual(result['params']['message'],
                         "Customer cards imported: 1 created, 1 updated, 0 unchanged.")
        imported = self.Partner.search(result['params']['next']['domain'])
        self.assertEqual(sorted(imported.mapped('ref')), ['E1', 'N1'])
        self.assertEqual(self.existing.phone, '333')

    def test_a_refusal_of_the_models_undoes_the_whole_import(self):
        """A rule of the models (here, standing for the referral rules: a
        customer is referred at most once) that refuses a row once the
        writing has begun undoes everything, even for a caller that catches
        the error."""
        referrer = self.Partner.create({'name': 'First Referrer', 'ref': 'R1', 'is_company': True})
        self.existing.referred_by_id = referrer
        write = type(self.Partner).write
        refusal = "A customer is referred at most once."

        def write_refusing_a_second_referrer(records, vals):
            if vals.get('referred_by_id') and records.filtered('referred_by_id'):
                raise ValidationError(refusal)
            return write(records, vals)

        self.patch(type(self.Partner), 'write', write_refusing_a_second_referrer)
        content = self.xlsx([
            {'name': 'Fresh Co', 'ref': 'F1', 'grade': 'B'},
            {'name': 'Existing Co', 'ref': 'E1', 'phone': '999', 'referred_by': 'F1'},
        ])
        before = self.snapshot()
        wizard = self.wizard(content)
        try:
            wizard.action_import()
        except UserError as error:
            message = error.args[0]
        else:
            self.fail("the import should have failed")
        self.assertIn("Nothing was imported: row 3 could not be written.", message)
        self.assertIn("A customer is referred at most once.", message)
        self.assertEqual(self.snapshot(), before)
        self.assertFalse(self.Partner.search([('ref', '=', 'F1')]))
