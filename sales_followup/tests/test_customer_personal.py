import io
from datetime import date

from PyPDF2 import PdfReader

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, JsonRpcException, new_test_user, tagged

from .common_board import PERSONAL_VALUES, CustomerBoardCase
from .common_card_import import CardImportCase

PERSONAL = list(PERSONAL_VALUES)
EMPTY = dict.fromkeys(PERSONAL, False)
SPEC = {fname: {} for fname in PERSONAL}


@tagged('post_install', '-at_install')
class TestPersonalDataRead(CustomerBoardCase):
    """Birthday, interests and family notes are the salesperson's and the
    after-sales managers' to read, on every path a client has."""

    def test_salesperson_and_manager_read_the_values(self):
        for user in (self.salesperson, self.sales_manager):
            with self.subTest(user=user.login):
                Partner = self.env['res.partner'].with_user(user)
                person = self.person.with_user(user)
                self.assertRecordValues(person, [PERSONAL_VALUES])
                self.assertEqual(person.read(PERSONAL)[0]['customer_interests'], 'Go, tea ceremonies')
                self.assertEqual(Partner.search_read([('id', '=', person.id)], PERSONAL)[0]['birthday'],
                                 date(1980, 5, 17))
                self.assertEqual(person.web_read({'birthday': {}})[0]['birthday'], date(1980, 5, 17))
                self.assertEqual(Partner.search([('customer_interests', 'ilike', 'tea ceremonies')]), person)
                self.assertEqual(Partner.search([('birthday', '=', date(1980, 5, 17))]), person)
                self.assertEqual(self.contact.with_user(user).birthday, date(1975, 1, 2))
                self.assertTrue(person.can_access_personal)

    def test_a_manager_reads_every_customers_values(self):
        self.assertEqual(self.colleague_person.with_user(self.sales_manager).customer_interests, 'Tennis')
        self.assertFalse(self.colleague_person.with_user(self.salesperson).customer_interests)

    def test_colleagues_and_employees_read_nothing(self):
        for user in (self.colleague, self.employee):
            with self.subTest(user=user.login):
                Partner = self.env['res.partner'].with_user(user)
                people = (self.person | self.contact).with_user(user)
                self.assertRecordValues(people, [EMPTY, EMPTY])
                self.assertEqual(people.mapped('can_access_personal'), [False, False])
                self.assertEqual(people.read(PERSONAL)[0], {'id': self.person.id, **EMPTY})
                self.assertEqual(Partner.search_read([('id', '=', self.person.id)], PERSONAL)[0],
                                 {'id': self.person.id, **EMPTY})
                self.assertEqual(people.web_read(SPEC)[0], {'id': self.person.id, **EMPTY})
                result = Partner.web_search_read([('id', '=', self.person.id)], SPEC)
                self.assertEqual(result['records'][0], {'id': self.person.id, **EMPTY})
                exported = people.export_data(['name', *PERSONAL])['datas']
                self.assertEqual([row[1:] for row in exported], [['', '', ''], ['', '', '']])

    def test_searching_sorting_and_grouping_tell_a_colleague_nothing(self):
        # created after the person, born before: sorting by birthday and by
        # id disagree
        elder = self.env['res.partner'].create({
            'name': 'Old Master Qiu', 'customer_kind': 'individual', 'user_id': self.salesperson.id,
            'birthday': date(1950, 1, 1)})
        both = self.person | elder
        Partner = self.env['res.partner'].with_user(self.salesperson)
        self.assertEqual(Partner.search([('id', 'in', both.ids)], order='birthday, id').ids, [elder.id, self.person.id])
        Partner = self.env['res.partner'].with_user(self.colleague)
        for domain in ([('birthday', '=', date(1980, 5, 17))], [('birthday', '<', date(1990, 1, 1))],
                       [('birthday', '!=', False)], [('customer_interests', 'ilike', 'tea')],
                       [('customer_family_notes', '!=', False)], [('customer_family_notes', 'ilike', 'daughters')]):
            with self.subTest(domain=domain):
                self.assertFalse(Partner.search([('id', 'in', both.ids), *domain]))
        self.assertEqual(Partner.search([('id', 'in', both.ids)], order='birthday, id').ids, [self.person.id, elder.id])
        self.assertEqual(Partner.search([('id', 'in', both.ids)], order='customer_interests desc, id').ids,
                         [self.person.id, elder.id])
        self.assertEqual(
            Partner.formatted_read_group([('id', 'in', both.ids)], ['birthday:year'], ['__count']),
            [{'birthday:year': False, '__count': 2, '__extra_domain': [('birthday', '=', False)]}])
        self.assertEqual(
            Partner._read_group([('id', 'in', both.ids)], [], ['birthday:max', 'customer_interests:count_distinct']),
            [(False, 0)])
        groups = Partner.web_read_group([('id', 'in', both.ids)], ['customer_interests'], ['__count'])['groups']
        self.assertEqual([group['customer_interests'] for group in groups], [False])

    def test_the_stored_values_are_out_of_reach(self):
        for user in (self.salesperson, self.colleague):
            with self.subTest(user=user.login):
                Partner = self.env['res.partner'].with_user(user)
                self.assertNotIn('personal_birthday', Partner.fields_get())
                with self.assertRaises(AccessError):
                    self.person.with_user(user).read(['personal_birthday'])
                with self.assertRaises(AccessError):
                    Partner.search([('personal_interests', 'ilike', 'tea')])
                with self.assertRaises(AccessError):
                    Partner.search([], order='personal_birthday')
                with self.assertRaises(AccessError):
                    Partner.formatted_read_group([], ['personal_family_notes'], ['__count'])

    def test_a_duplicate_does_not_carry_personal_data(self):
        copy = self.person.with_user(self.colleague).copy({'user_id': self.colleague.id})
        self.assertRecordValues(copy.sudo(), [EMPTY])

    def test_the_form_hides_what_the_user_may_not_see(self):
        self.assertTrue(Form(self.person.with_user(self.colleague))._get_modifier('birthday', 'invisible'))
        with Form(self.person.with_user(self.salesperson)) as card:
            self.assertFalse(card._get_modifier('birthday', 'invisible'))
            card.customer_interests = 'Go, tea ceremonies, calligraphy'
        self.assertEqual(self.person.customer_interests, 'Go, tea ceremonies, calligraphy')
        # a colleague saving the form keeps the values they were not shown
        with Form(self.person.with_user(self.colleague)) as card:
            card.phone = '+86 21 5555 0199'
        self.assertEqual(self.person.phone, '+86 21 5555 0199')
        self.assertEqual(self.stored_personal(self.person)['birthday'], date(1980, 5, 17))


@tagged('post_install', '-at_install')
class TestPersonalDataWrite(CustomerBoardCase):
    """Writing personal data follows the same rule as reading it."""

    def _create_queries(self, count, start, birthdays=True):
        vals = [{'name': f'Birthday {start + index}', 'user_id': self.salesperson.id}
                for index in range(count)]
        if birthdays:
            for index, row in enumerate(vals):
                row['birthday'] = date(1960 + (start + index) // 28, 1, 1 + index % 28)
        Partner = self.env['res.partner'].with_user(self.salesperson)
        self.env.flush_all()
        before = self.cr.sql_log_count
        partners = Partner.create(vals)
        self.env.flush_all()
        self.assertEqual(len(set(partners.sudo().mapped('personal_birthday'))), count if birthdays else 1)
        return self.cr.sql_log_count - before

    def test_birthdays_cost_no_query_of_their_own(self):
        # Imports create thousands of customers with as many birthdays.
        self._create_queries(3, 0)  # caches warm up
        self.assertEqual(self._create_queries(30, 100), self._create_queries(30, 200, birthdays=False),
                         "30 customers with 30 different birthdays cost what 30 without cost")

    def test_a_colleague_cannot_write_it(self):
        before = self.stored_personal(self.person)
        for vals in ({'birthday': date(2000, 1, 1)}, {'customer_interests': 'Spam'},
                     {'name': 'Renamed', 'customer_family_notes': 'Forged'}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self.person.with_user(self.colleague).write(vals)
        self.env.invalidate_all()
        self.assertEqual(self.stored_personal(self.person), before)
        self.assertEqual(self.person.name, 'Wang Fang')

    def test_sending_back_the_empty_values_changes_nothing(self):
        # what a form of a colleague sends back: what they were shown
        self.person.with_user(self.colleague).write({**EMPTY, 'phone': '+86 10 1234 5678'})
        self.assertEqual(self.stored_personal(self.person), PERSONAL_VALUES)
        self.assertEqual(self.person.phone, '+86 10 1234 5678')

    def test_a_colleague_cannot_plant_it_on_a_new_contact(self):
        with self.assertRaises(AccessError):
            self.env['res.partner'].with_user(self.colleague).create({
                'name': 'Planted Contact', 'parent_id': self.customer.id, 'birthday': date(1999, 9, 9)})
        self.assertFalse(self.env['res.partner'].search([('name', '=', 'Planted Contact')]))

    def test_a_refused_new_customer_is_never_inserted(self):
        """Refused before the insert: code that catches the error without a
        savepoint keeps no partner either."""
        Partner = self.env['res.partner'].with_user(self.colleague)
        for vals in ({'name': 'Planted Contact', 'parent_id': self.customer.id, 'birthday': date(1999, 9, 9)},
                     {'name': 'Planted Person', 'customer_kind': 'individual', 'user_id': self.salesperson.id,
                      'customer_interests': 'Forged'},
                     {'name': 'Planted Orphan', 'customer_kind': 'individual', 'customer_family_notes': 'Forged'}):
            with self.subTest(name=vals['name']):
                refusal = None
                try:
                    Partner.create(vals)
                except AccessError as error:
                    refusal = error
                self.assertIn('personal data', str(refusal))
                self.assertFalse(self.env['res.partner'].with_context(active_test=False).search_count(
                    [('name', '=', vals['name'])]))

    def test_a_company_contact_of_ones_own_customer_may_have_it(self):
        Partner = self.env['res.partner'].with_user(self.salesperson)
        contact = Partner.create({'name': 'New Buyer', 'parent_id': self.customer.id, 'birthday': date(1990, 3, 3)})
        self.assertEqual(contact.birthday, date(1990, 3, 3))
        mine = Partner.with_context(default_user_id=self.salesperson.id).create(
            {'name': 'Defaulted To Me', 'customer_kind': 'individual', 'customer_interests': 'Chess'})
        self.assertEqual(mine.customer_interests, 'Chess')

    def test_a_customer_nobody_sells_to_needs_its_salesperson_first(self):
        Partner = self.env['res.partner'].with_user(self.salesperson)
        with self.assertRaises(AccessError) as caught:
            Partner.create({'name': 'Nobody Yet', 'customer_kind': 'individual', 'birthday': date(1985, 4, 1)})
        self.assertIn('Nobody Yet has no salesperson: make yourself its salesperson', caught.exception.args[0])
        self.assertFalse(self.env['res.partner'].search([('name', '=', 'Nobody Yet')]))
        mine = Partner.create({'name': 'Mine Now', 'customer_kind': 'individual', 'user_id': self.salesperson.id,
                               'birthday': date(1985, 4, 1), 'customer_family_notes': 'Newly wed'})
        self.assertRecordValues(mine, [{'birthday': date(1985, 4, 1), 'customer_family_notes': 'Newly wed'}])

    def test_the_salesperson_and_a_manager_write_it(self):
        self.person.with_user(self.salesperson).birthday = date(1980, 5, 18)
        self.colleague_person.with_user(self.sales_manager).customer_family_notes = 'Expecting a child'
        self.assertEqual(self.stored_personal(self.person)['birthday'], date(1980, 5, 18))
        self.assertEqual(self.stored_personal(self.colleague_person)['customer_family_notes'], 'Expecting a child')
        self.person.with_user(self.salesperson).customer_interests = False
        self.assertFalse(self.stored_personal(self.person)['customer_interests'])

    def test_a_handover_hands_over_the_personal_data(self):
        self.person.with_user(self.sales_manager).user_id = self.colleague
        self.assertEqual(self.person.with_user(self.colleague).birthday, date(1980, 5, 17))
        self.assertFalse(self.person.with_user(self.salesperson).birthday)

    def test_completeness_counts_personal_data_whoever_changes_the_card(self):
        # kind, birthday, interests: 3 of 9
        self.assertEqual(self.person.card_completeness, 33)
        self.person.with_user(self.colleague).write({'phone': '+86 21 5555 0101'})
        self.assertEqual(self.person.card_completeness, 44)
        self.person.with_user(self.salesperson).write({'customer_interests': False})
        self.assertEqual(self.person.card_completeness, 33)


@tagged('post_install', '-at_install')
class TestPersonalDataReport(CustomerBoardCase):
    """The printed customer card shows personal data to those who may read it."""

    def _html(self, partner, user):
        html, __ = self.env['ir.actions.report'].with_user(user)._render_qweb_html(
            'sales_followup.report_customer_card', partner.ids)
        return html.decode()

    def test_the_salesperson_prints_it(self):
        html = self._html(self.person, self.salesperson)
        for text in ('o_customer_card_personal', '05/17/1980', 'Go, tea ceremonies', 'Two daughters'):
            self.assertIn(text, html)

    def test_a_colleague_prints_the_card_without_it(self):
        for user in (self.colleague, self.employee):
            with self.subTest(user=user.login):
                html = self._html(self.person, user)
                self.assertIn('Wang Fang', html)
                for text in ('o_customer_card_personal', '1980', 'tea ceremonies', 'daughters'):
                    self.assertNotIn(text, html)

    def test_a_colleague_prints_a_pdf_without_it(self):
        pdf, __ = self.env['ir.actions.report'].with_user(self.colleague).with_context(
            force_report_rendering=True,
        )._render_qweb_pdf('sales_followup.action_report_customer_card', self.person.ids)
        text = ' '.join(''.join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
        self.assertIn('Wang Fang', text)
        self.assertNotIn('tea ceremonies', text)
        self.assertNotIn('1980', text)

    def test_no_personal_block_for_a_company_or_a_government_body(self):
        body = self.env['res.partner'].create({
            'name': 'Suzhou Water Bureau', 'is_company': True, 'customer_kind': 'government',
            'user_id': self.salesperson.id})
        for partner in (self.customer, body):
            with self.subTest(partner=partner.name):
                self.assertNotIn('o_customer_card_personal', self._html(partner, self.salesperson))

    def test_who_is_an_individual(self):
        Partner = self.env['res.partner']
        cases = [
            ({'name': 'A Company', 'is_company': True}, False),
            ({'name': 'A Corporation', 'is_company': True, 'customer_kind': 'corporate'}, False),
            ({'name': 'A Bureau', 'is_company': True, 'customer_kind': 'government'}, False),
            # recorded as a person, yet a government body
            ({'name': 'A Bureau Without Flag', 'customer_kind': 'government'}, False),
            ({'name': 'A Person'}, True),
            ({'name': 'An Individual', 'customer_kind': 'individual'}, True),
            ({'name': 'An Individual Flagged Company', 'is_company': True, 'customer_kind': 'individual'}, True),
            ({'name': 'A Contact', 'parent_id': self.customer.id}, True),
        ]
        for vals, individual in cases:
            with self.subTest(partner=vals['name']):
                self.assertEqual(Partner.create(vals).is_individual, individual)


@tagged('post_install', '-at_install')
class TestPersonalDataImport(CustomerBoardCase, CardImportCase):
    """Salespeople import the personal data of their own customers only,
    and the import tells nothing about a colleague's customers."""

    def test_a_salesperson_imports_their_customers_birthdays(self):
        self.run_import(self.xlsx([{'name': 'Imported Person', 'ref': 'PB1', 'customer_kind': 'individual',
                                    'birthday': date(1981, 2, 3), 'salesperson': 'sf_salesperson'}]),
                        user=self.salesperson)
        partner = self.Partner.with_user(self.salesperson).search([('ref', '=', 'PB1')])
        self.assertRecordValues(partner, [{'birthday': date(1981, 2, 3), 'user_id': self.salesperson.id}])
        self.person.ref = 'PB2'
        self.run_import(self.xlsx([{'name': 'Wang Fang', 'ref': 'PB2', 'birthday': date(1980, 5, 19)}]),
                        user=self.salesperson)
        self.assertEqual(self.person.birthday, date(1980, 5, 19))

    def test_no_birthday_for_a_customer_without_its_salesperson(self):
        before = self.snapshot()
        with self.assertRaisesRegex(UserError, "Row 2: only the customer's salesperson"):
            self.run_import(self.xlsx([{'name': 'Orphan Person', 'ref': 'PB3', 'customer_kind': 'individual',
                                        'birthday': date(1981, 2, 3)}]), user=self.salesperson)
        self.assertEqual(self.snapshot(), before)

    def test_a_colleague_learns_nothing_from_a_preview(self):
        self.person.ref = 'PB4'
        previews = [
            self.preview(self.xlsx([{'name': 'Wang Fang', 'ref': 'PB4', 'birthday': birthday}]), user=self.colleague)
            for birthday in (date(1980, 5, 17), date(1970, 1, 1))
        ]
        # the right and a wrong guess get the same answer
        for wizard in previews:
            self.assertRecordValues(wizard, [{'error_count': 1, 'unchanged_count': 0, 'update_count': 0}])
            self.assertIn("only the customer's salesperson", wizard.error_text)
        self.assertEqual(self.stored_personal(self.person), PERSONAL_VALUES)

    def _exported(self, user):
        action = self.person.with_user(user).action_export_customer_cards()
        __, rows = self.exported_rows(action)
        return dict(zip(rows[0], rows[1], strict=True))

    def test_a_colleague_exports_the_card_without_it(self):
        exported = self._exported(self.colleague)
        self.assertEqual(exported['name'], 'Wang Fang')
        self.assertIsNone(exported['birthday'])
        self.assertEqual(self._exported(self.salesperson)['birthday'].date(), date(1980, 5, 17))


@tagged('post_install', '-at_install')
class TestPersonalDataRpc(HttpCase):
    """A colleague's JSON-RPC client gets no personal value and changes none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = 'sales_team.group_sale_salesman,base.group_partner_manager,base.group_allow_export'
        cls.owner = new_test_user(cls.env, login='sf_personal_owner', password='sf_personal_owner', groups=groups)
        new_test_user(cls.env, login='sf_personal_peer', password='sf_personal_peer', groups=groups)
        cls.person = cls.env['res.partner'].create({
            'name': 'Rpc Person', 'customer_kind': 'individual', 'user_id': cls.owner.id, **PERSONAL_VALUES})

    def _call(self, method, args, kwargs=None):
        return self.make_jsonrpc_request(f'/web/dataset/call_kw/res.partner/{method}', {
            'model': 'res.partner', 'method': method, 'args': args, 'kwargs': kwargs or {}})

    def _read_everything(self):
        """The personal values every read path returns."""
        domain = [('id', '=', self.person.id)]
        return [
            self._call('read', [self.person.ids, PERSONAL])[0],
            self._call('web_read', [self.person.ids], {'specification': SPEC})[0],
            self._call('web_search_read', [domain], {'specification': SPEC})['records'][0],
            self._call('search_read', [domain, PERSONAL])[0],
            dict(zip(PERSONAL, self._call('export_data', [self.person.ids, PERSONAL])['datas'][0], strict=True)),
            {'found': self._call('search_count', [[*domain, ('customer_interests', 'ilike', 'tea')]])},
            {'groups': [group['birthday:year'] for group in self._call(
                'formatted_read_group', [domain, ['birthday:year'], ['__count']])]},
        ]

    def test_the_owner_reads_and_a_colleague_does_not(self):
        self.authenticate('sf_personal_owner', 'sf_personal_owner')
        owner_view = self._read_everything()
        self.assertEqual(owner_view[0]['customer_interests'], 'Go, tea ceremonies')
        self.assertEqual(owner_view[5], {'found': 1})
        self.assertEqual(owner_view[6], {'groups': [['1980-01-01', '1980']]})

        self.authenticate('sf_personal_peer', 'sf_personal_peer')
        colleague_view = self._read_everything()
        for values in colleague_view[:4]:
            self.assertEqual({fname: values[fname] for fname in PERSONAL}, EMPTY)
        self.assertEqual(colleague_view[4], dict.fromkeys(PERSONAL, ''))
        self.assertEqual(colleague_view[5], {'found': 0})
        self.assertEqual(colleague_view[6], {'groups': [False]})
        with self.assertRaises(JsonRpcException) as caught:
            self._call('read', [self.person.ids, ['personal_birthday']])
        self.assertIn('AccessError', str(caught.exception))

    def test_a_colleague_cannot_write_over_rpc(self):
        self.authenticate('sf_personal_peer', 'sf_personal_peer')
        with self.assertRaises(JsonRpcException) as caught:
            self._call('write', [self.person.ids, {'name': 'Renamed', 'birthday': '2001-01-01'}])
        self.assertIn('AccessError', str(caught.exception))
        with self.assertRaises(JsonRpcException):
            self._call('web_save', [self.person.ids, {'customer_family_notes': 'Forged'}], {'specification': {}})
        self.env.invalidate_all()
        self.assertRecordValues(self.person.sudo(), [{'name': 'Rpc Person', **PERSONAL_VALUES}])
