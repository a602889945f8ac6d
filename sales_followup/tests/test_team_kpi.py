"""Team figures per salesperson and month, each with known data, rates and
averages recomputed from their sums when rows are grouped, and the
manager's dashboard of the current month."""
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_team import TeamCase

APRIL, MAY = date(2026, 4, 1), date(2026, 5, 1)
TODAY = '2026-05-20'


@tagged('post_install', '-at_install')
class TestTeamKpis(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(cls.env, login='sf_kpi_seller', name='Kim Seller',
                                   groups='sales_team.group_sale_salesman')
        cls.team.member_ids = [Command.link(cls.seller.id)]
        cls.a, cls.b, cls.c, cls.d = cls.env['res.partner'].create([
            {'name': f'KPI Customer {letter}', 'is_company': True, 'user_id': cls.seller.id}
            for letter in 'ABCD'])
        cls.Report = cls.env['customer.followup.kpi.report']

    def _row(self, month, user=None):
        # Rows are numbered by the query of the day: read them on that day.
        with freeze_time(TODAY):
            self.env.flush_all()
            self.env.invalidate_all()
            return self.Report.search_fetch(
                [('user_id', '=', (user or self.seller).id), ('date', '=', month)], list(self.Report._fields))

    def _grouped(self, fields, user=None):
        with freeze_time(TODAY):
            self.env.flush_all()
            [row] = self.Report._read_group(
                [('user_id', '=', (user or self.seller).id)], ['user_id'], [f'{f}:sum' for f in fields])
        return dict(zip(fields, row[1:], strict=True))

    def test_retention_rate(self):
        for partner in (self.a, self.b, self.c):
            self._sale(partner, 100.0, date(2026, 4, 10))
        self._sale(self.a, 100.0, date(2026, 5, 5))
        self._sale(self.b, 100.0, date(2026, 5, 6), user=self.colleague)  # bought again, from a colleague
        self._sale(self.d, 100.0, date(2026, 5, 7))
        self.assertRecordValues(self._row(MAY), [{
            'customers_previous': 3, 'customers_retained': 2}])
        self.assertAlmostEqual(self._row(MAY).retention_rate, 66.7, places=1)
        self.assertRecordValues(self._row(APRIL), [{'customers_previous': 0, 'retention_rate': 0.0}])
        self.assertFalse(self._row(date(2026, 6, 1)), "no figures for a month still to come")

    def test_retention_rate_is_recomputed_from_sums_when_grouped(self):
        self._sale(self.a, 100.0, date(2026, 3, 10))
        self._sale(self.a, 100.0, date(2026, 4, 10))  # April: 1 of 1 retained
        for partner in (self.b, self.c, self.d):
            self._sale(partner, 100.0, date(2026, 4, 12))  # May: 0 of 4 retained
        grouped = self._grouped(['retention_rate', 'customers_retained', 'customers_previous'])
        self.assertEqual((grouped['customers_retained'], grouped['customers_previous']), (1, 5))
        self.assertAlmostEqual(grouped['retention_rate'], 20.0, msg="1 of 5, not the average of 100 % and 0 %")

    def test_new_customers_won(self):
        self._sale(self.a, 100.0, date(2026, 4, 10))
        self._sale(self.a, 100.0, date(2026, 5, 10))  # not new any more
        self._sale(self.b, 100.0, date(2026, 5, 11))
        self._sale(self.c, 100.0, date(2026, 5, 12))
        self._sale(self.d, 100.0, date(2026, 5, 13), user=self.colleague)  # the colleague's win
        self.assertEqual(self._row(APRIL).new_customers, 1)
        self.assertEqual(self._row(MAY).new_customers, 2)
        self.assertEqual(self._row(MAY, user=self.colleague).new_customers, 1)

    def test_prospects_added(self):
        prospects = self.env['res.partner'].create([
            {'name': 'Prospect One', 'is_company': True, 'user_id': self.seller.id},
            {'name': 'Prospect Two', 'user_id': self.seller.id},
        ])
        self.env['res.partner'].create({'name': 'Their Buyer', 'parent_id': prospects[0].id,
                                        'user_id': self.seller.id})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = '2026-05-03 09:00' WHERE id = ANY(%s) OR parent_id = %s",
            [prospects.ids, prospects[0].id])
        self.env.cr.execute("UPDATE res_partner SET create_date = '2026-03-01 09:00' WHERE id = ANY(%s)",
                            [(self.a | self.b | self.c | self.d).ids])
        self.assertEqual(self._row(MAY).prospects_added, 2, "companies and individuals, not their contacts")

    def test_complaints_per_100_orders(self):
        self._sale(self.a, 100.0, date(2026, 5, 4))
        self._sale(self.b, 100.0, date(2026, 5, 5))
        self._sale(self.c, 100.0, date(2026, 5, 6))
        self._sale(self.d, 100.0, date(2026, 5, 7))
        self._file_complaint(self.a, self.seller, date_received=date(2026, 5, 8))
        cancelled = self._file_complaint(self.b, self.seller, date_received=date(2026, 5, 9))
        cancelled.action_cancel()
        self.assertRecordValues(self._row(MAY), [{
            'order_count': 4, 'complaint_count': 1, 'complaints_per_100_orders': 25.0}])

    def test_average_resolution_days_recomputed_from_sums_when_grouped(self):
        with freeze_time('2026-04-11 00:00:00'):
            self._walk_to_resolved(self._file_complaint(self.a, self.seller, date_received=date(2026, 4, 1)))
        with freeze_time('2026-05-06 00:00:00'):
            self._walk_to_resolved(self._file_complaint(self.b, self.seller, date_received=date(2026, 5, 4)))
        with freeze_time('2026-05-08 00:00:00'):
            self._walk_to_resolved(self._file_complaint(self.c, self.seller, date_received=date(2026, 5, 4)))
        self.assertRecordValues(self._row(APRIL), [{'complaints_resolved': 1, 'avg_resolution_days': 10.0}])
        self.assertRecordValues(self._row(MAY), [{
            'complaints_resolved': 2, 'resolution_days_total': 6.0, 'avg_resolution_days': 3.0}])
        grouped = self._grouped(['avg_resolution_days'])
        self.assertAlmostEqual(grouped['avg_resolution_days'], 16.0 / 3, places=2,
                               msg="16 days over 3 complaints, not the average of 10 and 3")

    def test_card_completeness_of_the_current_month(self):
        self.a.write({'customer_kind': 'corporate', 'email': 'a@example.com', 'phone': '1', 'street': 'x',
                      'city': 'y', 'country_id': self.env.ref('base.cn').id,
                      'industry_id': self.env['res.partner.industry'].create({'name': 'Retail'}).id,
                      'customer_size': 'small', 'customer_potential': 'low', 'customer_service_area': 'z',
                      'customer_relationship_notes': 'ok'})
        (self.c | self.d).write({'user_id': self.colleague.id})
        self.assertEqual((self.a.card_completeness, self.b.card_completeness), (100, 0))
        self.assertRecordValues(self._row(MAY), [{
            'card_count': 2, 'card_completeness_total': 100, 'card_completeness': 50.0}])
        self.assertFalse(self._row(APRIL), "completeness is today's: only the current month has it")
        # Grouped over salespeople: the average of all the cards, not of the averages.
        with freeze_time(TODAY):
            self.env.flush_all()
            [(completeness,)] = self.Report._read_group(
                [('user_id', 'in', (self.seller | self.colleague).ids), ('date', '=', MAY)], [],
                ['card_completeness:sum'])
        colleague_cards = self.env['res.partner'].search([
            ('user_id', '=', self.colleague.id), '|', ('is_company', '=', True), ('parent_id', '=', False)])
        self.assertAlmostEqual(completeness, 100.0 / (2 + len(colleague_cards)), places=1)

    def test_existing_figures_still_add_up(self):
        self._sale(self.a, 250.0, date(2026, 5, 4))
        self.assertRecordValues(self._row(MAY), [{'confirmed_sales': 250.0, 'order_count': 1}])


@tagged('post_install', '-at_install')
class TestTeamDashboard(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.teammate = new_test_user(cls.env, login='sf_dash_mate', name='Tina Teammate',
                                     groups='sales_team.group_sale_salesman')
        cls.team.member_ids = [Command.link(cls.teammate.id)]
        cls.Dashboard = cls.env['customer.team.dashboard']

    def _rows(self, user):
        with freeze_time(TODAY):
            self.env.flush_all()
            self.env.invalidate_all()
            return self.Dashboard.with_user(user).search_fetch([], list(self.Dashboard._fields))

    def test_one_card_per_salesperson_with_the_current_months_figures(self):
        self._sale(self.customer, 300.0, date(2026, 5, 4))
        self._sale(self.customer, 900.0, date(2026, 4, 4))
        rows = self._rows(self.sales_manager)
        mine = rows.filtered(lambda row: row.user_id == self.salesperson)
        self.assertRecordValues(mine, [{
            'date': MAY, 'team_id': self.team.id, 'confirmed_sales': 300.0, 'order_count': 1,
            'customers_previous': 1, 'customers_retained': 1, 'retention_rate': 100.0,
        }])
        self.assertIn(self.teammate, rows.user_id, "a salesperson without figures still has a card")
        self.assertIn(self.colleague, rows.user_id)

    def test_salespeople_see_their_team_only(self):
        rows = self._rows(self.salesperson)
        self.assertIn(self.teammate, rows.user_id)
        self.assertIn(self.salesperson, rows.user_id)
        self.assertNotIn(self.colleague, rows.user_id, "another team's figures stay hidden")
        colleague_row = self._rows(self.sales_manager).filtered(lambda row: row.user_id == self.colleague)
        with freeze_time(TODAY), self.assertRaises(AccessError):
            colleague_row.with_user(self.salesperson).invalidate_recordset()
            colleague_row.with_user(self.salesperson).read(['confirmed_sales'])
        self.assertEqual(self._rows(self.colleague).user_id, self.colleague)

    def test_the_kpi_report_stays_for_managers(self):
        with self.assertRaises(AccessError):
            self.env['customer.followup.kpi.report'].with_user(self.salesperson).search([])

    def test_grouped_by_team_rates_come_from_sums(self):
        self._sale(self.customer, 100.0, date(2026, 4, 4))
        self._sale(self.customer, 100.0, date(2026, 5, 4))
        other = self.env['res.partner'].create({'name': 'Teammate Customer', 'is_company': True,
                                                'user_id': self.teammate.id})
        self._sale(other, 100.0, date(2026, 4, 5))
        self._sale(other, 100.0, date(2026, 4, 6))
        lost = self.env['res.partner'].create({'name': 'Lost', 'is_company': True, 'user_id': self.teammate.id})
        self._sale(lost, 100.0, date(2026, 4, 7))
        with freeze_time(TODAY):
            self.env.flush_all()
            [(rate,)] = self.Dashboard.with_user(self.sales_manager)._read_group(
                [('team_id', '=', self.team.id)], [], ['retention_rate:sum'])
        self.assertAlmostEqual(rate, 100.0 / 3, places=1, msg="1 of 3 customers of April, not (100 % + 0 %) / 2")


@tagged('post_install', '-at_install')
class TestTeamDashboardTour(HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader = new_test_user(cls.env, login='sf_dash_leader', password='sf_dash_leader',
                                   name='Lena Leader', groups='sales_team.group_sale_manager')
        seller = new_test_user(cls.env, login='sf_dash_seller', name='Sam Seller',
                               groups='sales_team.group_sale_salesman')
        cls.env['crm.team'].create({'name': 'Tour Team', 'user_id': cls.leader.id,
                                    'member_ids': [Command.link(seller.id)]})
        customer = cls.env['res.partner'].create({'name': 'Tour Dashboard Customer', 'is_company': True,
                                                  'user_id': seller.id, 'customer_kind': 'corporate'})
        product = cls.env['product.product'].create({'name': 'Tour Service', 'type': 'service',
                                                     'list_price': 1234.0, 'taxes_id': [Command.clear()]})
        cls.env['sale.order'].create({
            'partner_id': customer.id, 'user_id': seller.id,
            'order_line': [Command.create({'product_id': product.id, 'tax_ids': [Command.clear()]})],
        }).action_confirm()

    def test_manager_dashboard(self):
        self.start_tour('/odoo', 'sales_followup_team_dashboard', login='sf_dash_leader')
