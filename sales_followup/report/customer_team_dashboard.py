from odoo import fields, models
from odoo.tools import SQL

from ..const import NO_SALES_TEAM


class CustomerTeamDashboard(models.Model):
    """The manager's dashboard: one card per salesperson with their figures
    of the current month. The figures are those of the salesperson KPI
    report (same fields, same rates recomputed from sums when grouped);
    salespeople without any figure yet still get their card."""
    _name = 'customer.team.dashboard'
    _inherit = 'customer.followup.kpi.report'
    _description = 'Sales Team Dashboard'
    _auto = False
    _order = 'user_id, company_id'

    team_id = fields.Many2one(
        comodel_name='crm.team', string="Sales Team", readonly=True, falsy_value_label=NO_SALES_TEAM)

    @property
    def _table_query(self):
        month = fields.Date.context_today(self).replace(day=1)
        figures = [
            fname for fname, field in self._fields.items()
            if field.store and field.type in ('integer', 'float', 'monetary') and fname != 'id'
        ]
        return SQL("""
            WITH kpi AS (%(kpi)s),
            salespeople AS (
                SELECT user_id, company_id FROM kpi WHERE date = %(month)s AND user_id IS NOT NULL
                 UNION
                SELECT p.user_id, COALESCE(p.company_id, u.company_id)
                  FROM res_partner p
                  JOIN res_users u ON u.id = p.user_id
                 WHERE p.active AND p.id = p.commercial_partner_id AND u.active AND NOT u.share
                 UNION
                SELECT m.user_id, COALESCE(t.company_id, u.company_id)
                  FROM crm_team_member m
                  JOIN crm_team t ON t.id = m.crm_team_id
                  JOIN res_users u ON u.id = m.user_id
                 WHERE m.active AND t.active AND u.active AND NOT u.share
            )
            SELECT row_number() OVER (ORDER BY s.user_id, s.company_id) AS id,
                   s.user_id, s.company_id, c.currency_id, u.sale_team_id AS team_id, %(month)s::date AS date,
                   %(figures)s
              FROM salespeople s
              JOIN res_company c ON c.id = s.company_id
              JOIN res_users u ON u.id = s.user_id
         LEFT JOIN kpi k ON k.user_id = s.user_id AND k.company_id = s.company_id AND k.date = %(month)s
             WHERE s.user_id != %(root)s
        """, kpi=self.env['customer.followup.kpi.report']._table_query, month=month,
            root=self.env.ref('base.user_root').id,
            figures=SQL(",\n").join(
                SQL("COALESCE(k.%s, 0) AS %s", SQL.identifier(fname), SQL.identifier(fname)) for fname in figures))
