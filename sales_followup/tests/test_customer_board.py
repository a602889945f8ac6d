from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common_board import CustomerBoardCase


@tagged('post_install', '-at_install')
class TestCustomerBoard(CustomerBoardCase):
    """Who is on the board, in which column, and which filter it opens on."""

    def _filters(self):
        arch = self.env['res.partner'].get_views(
            [(self.env.ref('sales_followup.view_partner_search_customer_board').id, 'search')]
        )['views']['search']['arch']
        return etree.fromstring(arch)

    def _filter_domain(self, name):
        [node] = self._filters().xpath(f"//filter[@name='{name}']")
        return safe_eval(node.get('domain'), {'uid': self.salesperson.id})

    def test_graded_customers_are_customers_whatever_their_rank(self):
        key = self._customer("Gemini Furniture")
        self._order(key, 1000)
        self._grade()
        # Odoo's rank is a counter other flows may leave at 0
        key.customer_rank = 0
        manual = self.env['res.partner'].create({'name': 'Graded by Hand', 'is_company': True})
        manual.with_user(self.sales_manager).customer_grade = 'b'
        supplier = self.env['res.partner'].create({'name': 'Only a Supplier', 'is_company': True, 'supplier_rank': 1})
        found = self.env['res.partner'].search(self._filter_domain('customers_and_prospects'))
        self.assertEqual(key.customer_grade, 'a')
        self.assertIn(key, found)
        self.assertIn(manual, found)
        self.assertNotIn(supplier, found)

    def test_customers_and_mine_are_two_filters_that_add_up(self):
        # filters of one group are or-ed: "my customers" must narrow the list
        names = [node.get('name') if node.tag == 'filter' else node.tag
                 for node in self._filters().iter('filter', 'separator')]
        position = names.index('customers_and_prospects')
        self.assertEqual(names[position + 1:position + 3], ['separator', 'my_customers'])

    def test_salespeople_open_the_board_on_their_customers(self):
        for user, mine in ((self.salesperson, True), (self.colleague, True), (self.sales_manager, False)):
            with self.subTest(user=user.login):
                action = self.env.ref('sales_followup.action_open_customer_board').with_user(user).run()
                self.assertEqual(action['res_model'], 'res.partner')
                self.assertEqual(action['id'], self.env.ref('sales_followup.action_customer_board').id)
                context = action['context']
                if isinstance(context, str):
                    context = safe_eval(context)
                self.assertEqual(context['search_default_customers_and_prospects'], 1)
                self.assertEqual('search_default_my_customers' in context, mine)
        menu = self.env.ref('sales_followup.menu_customer_board')
        self.assertEqual(menu.action, self.env.ref('sales_followup.action_open_customer_board'))

    def test_the_default_filter_widens_nothing(self):
        # Without the filter a salesperson reads what the rules let them read
        # (every partner, as in Odoo), but the personal data of their own
        # customers only.
        Partner = self.env['res.partner'].with_user(self.salesperson)
        everyone = Partner.search([('id', 'in', (self.person | self.colleague_person).ids)])
        self.assertEqual(everyone, self.person | self.colleague_person)
        self.assertEqual([bool(partner.birthday) for partner in everyone.sorted('id')], [True, False])

    def test_the_no_grade_column_has_a_title(self):
        selection = self.env['res.partner'].fields_get(['customer_grade'], ['selection'])['customer_grade']['selection']
        self.assertEqual(selection[-1], (False, "No grade"))
        self.assertEqual([value for value, __ in selection[:-1]], ['a', 'b', 'c'])
        # the grade itself keeps its three values
        self.assertEqual(dict(self.env['res.partner']._fields['customer_grade']._description_selection(self.env)),
                         {'a': 'A (key)', 'b': 'B (general)', 'c': 'C (occasional)'})

    def test_the_board_speaks_chinese(self):
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['sales_followup'], ['zh_CN'], overwrite=True)
        Partner = self.env['res.partner'].with_context(lang='zh_CN')
        self.assertEqual(Partner.fields_get(['customer_grade'], ['selection'])['customer_grade']['selection'][-1],
                         (False, "无等级"))
        arch = Partner.get_views([(self.env.ref('sales_followup.view_partner_kanban_customer_board').id, 'kanban')])
        arch = arch['views']['kanban']['arch']
        # one order, and any other number of them
        self.assertIn('>1 个订单<', arch)
        self.assertIn('个订单</t>', arch)
        self.assertIn('重新计算等级', arch)
