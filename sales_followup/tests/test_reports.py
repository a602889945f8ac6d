"""What each report opens on: a pivot a manager reads at 1400 px, grouped by
labelled dimensions, with no row for OdooBot and an explicit label for the
figures of no salesperson."""
from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common_team import TeamCase

TODAY = '2026-05-20'
MAY = date(2026, 5, 1)


@tagged('post_install', '-at_install')
class TestReportDefaults(TeamCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kpi = cls.env['customer.followup.kpi.report']
        cls.root = cls.env.ref('base.user_root')

    def _action_views(self, xmlid):
        """The action's context and the arch of each of its views, as the web
        client loads them."""
        action = self.env['ir.actions.act_window']._for_xml_id(xmlid)
        views = [(view_id or False, mode) for view_id, mode in action['views']]
        result = self.env[action['res_model']].get_views(views + [(action.get('search_view_id') and
                                                                   action['search_view_id'][0], 'search')])
        context = safe_eval(action.get('context') or '{}', {'uid': self.env.uid})
        archs = {mode: etree.fromstring(view['arch']) for mode, view in result['views'].items()}
        return action, context, archs, result['models'][action['res_model']]['fields']

    @staticmethod
    def _pivot(arch):
        return {
            kind: [(node.get('name'), node.get('interval')) for node in arch.xpath(f"//field[@type='{kind}']")]
            for kind in ('row', 'col', 'measure')
        }

    def _reporting_actions(self):
        """Every window action of After-Sales › Reporting and of the referral
        reports."""
        menus = self.env['ir.ui.menu'].search([('id', 'child_of', [
            self.env.ref('sales_followup.menu_followup_reporting').id,
            self.env.ref('sales_followup.menu_customer_referral_leaderboard').id,
            self.env.ref('sales_followup.menu_customer_referral_centers').id,
        ])])
        actions = self.env['ir.actions.act_window'].browse([
            action.id for action in menus.mapped('action') if action and action._name == 'ir.actions.act_window'])
        self.assertGreaterEqual(len(actions), 6)
        return actions

    # ------------------------------------------------------------------
    # Defaults of each report
    # ------------------------------------------------------------------

    def test_kpi_pivot_opens_on_three_headline_measures_per_month(self):
        __, context, archs, fields = self._action_views('sales_followup.action_followup_kpi_report')
        self.assertEqual(self._pivot(archs['pivot']), {
            'row': [('user_id', None)],
            'col': [('date', 'month')],
            'measure': [('confirmed_sales', None), ('collection_rate', None), ('on_time_rate', None)],
        })
        # The other figures stay a click away: in the measures menu and the list.
        listed = {node.get('name') for node in archs['list'].xpath('//field')}
        for fname in ('invoiced_amount', 'collected_amount', 'cards_overdue', 'return_rate', 'referrals_won',
                      'satisfaction_avg', 'retention_rate', 'new_customers', 'card_completeness'):
            self.assertIn(fname, fields)
            self.assertIn(fname, listed)
        # Two months, not the whole history, side by side: 3 x 3 columns with the total.
        self.assertEqual(context.get('search_default_last_two_months'), 1)
        [last_months] = archs['search'].xpath("//filter[@name='last_two_months']")
        domain = safe_eval(last_months.get('domain'), {
            'context_today': lambda: date(2026, 5, 20), 'relativedelta': relativedelta})
        self.assertEqual(domain, [('date', '>=', '2026-04-01')])

    def test_complaint_analysis_opens_on_months_by_severity(self):
        __, context, archs, __ = self._action_views('sales_followup.action_customer_complaint_report')
        self.assertEqual(self._pivot(archs['pivot']), {
            'row': [('date_received', 'month')],
            'col': [('severity', None)],
            'measure': [('resolution_days', None)],
        })
        # The count first: a month of complaints still open has no resolution time.
        self.assertEqual(context['pivot_measures'], ['__count', 'resolution_days'])
        self._file_complaint(severity='high', date_received=date(2026, 5, 4))
        self._file_complaint(severity='low', date_received=date(2026, 5, 6))  # no responsibility yet
        self.env.flush_all()
        Report = self.env['customer.complaint.report']
        groups = Report._read_group([('user_id', '=', self.salesperson.id)], ['date_received:month', 'severity'],
                                    ['__count'])
        labels = dict(Report._fields['severity']._description_selection(self.env))
        self.assertEqual(sorted((labels[severity], count) for __, severity, count in groups),
                         [('High', 1), ('Low', 1)], "every column is a named severity, none is empty")
        self.assertNotIn(False, [month for month, __, __ in groups])

    def test_return_analysis_fits_the_screen(self):
        __, context, archs, __ = self._action_views('sales_followup.action_customer_return_line_analysis')
        self.assertEqual(self._pivot(archs['pivot']), {
            'row': [('product_id', None)],
            'col': [('reason', None)],
            'measure': [('quantity', None)],
        })
        self.assertEqual(context, {'search_default_accepted': 1})

    def test_every_report_groups_by_labelled_dimensions_and_fits_the_screen(self):
        for action in self._reporting_actions():
            __, __, archs, fields = self._action_views(action.get_external_id()[action.id])
            for mode in ('pivot', 'graph'):
                if mode not in archs:
                    continue
                arch = archs[mode]
                if mode == 'pivot':
                    pivot = self._pivot(arch)
                    dimensions = [name for name, __ in pivot['row'] + pivot['col']]
                    measures = pivot['measure']
                    # Measures side by side, times the column groups.
                    self.assertLessEqual(len(measures), 3 if pivot['col'] else 5, f"{action.name}: {mode}")
                else:
                    dimensions = [node.get('name') for node in arch.xpath('//field[not(@type)]')]
                for fname in dimensions:
                    field = fields[fname]
                    with self.subTest(action=action.name, view=mode, field=fname):
                        self.assertTrue(
                            field.get('falsy_value_label') or field['type'] == 'date'
                            or self._never_empty(self.env[action.res_model], fname),
                            f"{action.name} {mode} {fname}: a row or column of empty values would be called None")

    def _never_empty(self, model, fname):
        """Whether the field is required where its values come from: the
        field itself, the field it is related to, or the field of the same
        name of the model a report reads."""
        field = model._fields[fname]
        if field.related:
            # A partner's commercial entity is always set (itself at least).
            first = model._fields[field.related.split('.')[0]]
            target = field.related_field
            return first.required and (target.required or target.name == 'commercial_partner_id')
        if not model._auto and model._name == 'customer.complaint.report':
            field = self.env['customer.complaint']._fields[fname]
        return field.required

    # ------------------------------------------------------------------
    # Salespeople: no OdooBot, an explicit label for nobody
    # ------------------------------------------------------------------

    def test_no_salesperson_has_an_explicit_translatable_label(self):
        for model in ('customer.followup.kpi.report', 'customer.team.dashboard', 'customer.complaint.report',
                      'customer.return.line', 'customer.return', 'customer.referral'):
            with self.subTest(model=model):
                self.assertEqual(self.env[model].fields_get(['user_id'])['user_id']['falsy_value_label'],
                                 "No Salesperson")
        self.assertEqual(self.env['customer.team.dashboard'].fields_get(['team_id'])['team_id']['falsy_value_label'],
                         "No Sales Team")
        self.env['res.lang']._activate_lang('zh_CN')
        self.env['ir.module.module']._load_module_terms(['sales_followup'], ['zh_CN'], overwrite=True)
        label = self.Kpi.with_context(lang='zh_CN').fields_get(['user_id'])['user_id']['falsy_value_label']
        self.assertNotEqual(label, "No Salesperson")
        self.assertTrue(label)

    def test_kpi_counts_odoobot_and_portal_users_as_no_salesperson(self):
        portal = new_test_user(self.env, login='sf_report_portal', groups='base.group_portal')
        self._sale(self.customer, 100.0, date(2026, 5, 4))                     # the salesperson's
        self._sale(self.customer, 40.0, date(2026, 5, 5), user=self.root)      # OdooBot's
        nobody = self._sale(self.customer, 2.0, date(2026, 5, 6))
        nobody.user_id = False
        by_portal = self._sale(self.customer, 0.5, date(2026, 5, 7))
        by_portal.sudo().user_id = portal
        with freeze_time(TODAY):
            self.env.flush_all()
            groups = dict(self.Kpi._read_group([('date', '=', MAY)], ['user_id'], ['confirmed_sales:sum']))
            self.assertNotIn(self.root, groups, "no row for OdooBot")
            self.assertNotIn(portal, groups, "no row for a portal user")
            self.assertEqual(groups[self.salesperson], 100.0)
            self.assertEqual(groups[self.env['res.users']], 42.5, "OdooBot's, nobody's and the portal user's")
            # user_id stays a field to filter on.
            self.assertEqual(self.Kpi.search([('date', '=', MAY), ('user_id', '=', False)]).mapped('confirmed_sales'),
                             [42.5])
            self.assertEqual(self.Kpi.search([('date', '=', MAY), ('user_id', '=', self.root.id)]).ids, [])
            self.assertEqual(
                self.Kpi.search([('date', '=', MAY), ('user_id', '=', self.salesperson.id)]).confirmed_sales, 100.0)
            # The manager's dashboard never shows a card for nobody or OdooBot.
            cards = self.env['customer.team.dashboard'].search([])
            self.assertNotIn(self.root, cards.user_id)
            self.assertNotIn(portal, cards.user_id)
            self.assertTrue(all(cards.mapped('user_id')))

    def test_referral_pivot_shows_no_salesperson_under_its_label(self):
        referrer, referred = self.env['res.partner'].create([
            {'name': 'Report Referrer', 'is_company': True},
            {'name': 'Report Referred', 'is_company': True},
        ])
        self.env['customer.referral'].create({
            'referrer_id': referrer.id, 'referred_id': referred.id, 'user_id': False,
        })
        self.env.flush_all()
        groups = self.env['customer.referral']._read_group(
            [('referrer_id', '=', referrer.id)], ['user_id'], ['__count'])
        self.assertEqual(groups, [(self.env['res.users'], 1)])
        self.assertEqual(self.env['customer.referral'].fields_get(['user_id'])['user_id']['falsy_value_label'],
                         "No Salesperson")

    def test_team_dashboard_pivot_and_graph(self):
        __, __, archs, fields = self._action_views('sales_followup.action_customer_team_dashboard')
        pivot = self._pivot(archs['pivot'])
        self.assertEqual(pivot['row'], [('team_id', None), ('user_id', None)])
        self.assertFalse(pivot['col'])
        self.assertEqual(fields['team_id']['falsy_value_label'], "No Sales Team")
        self.assertEqual([node.get('name') for node in archs['graph'].xpath('//field[not(@type)]')], ['user_id'])
