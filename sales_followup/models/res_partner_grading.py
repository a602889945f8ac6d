from odoo import fields, models

from .res_partner import CUSTOMER_GRADES, CUSTOMER_LIFECYCLES


class CompanyKey(fields.Many2one):
    """A link to the company without a database foreign key, the way Odoo
    keys its own company-dependent values (a jsonb keyed by company id).

    The grading engine inserts a row per customer, and PostgreSQL checks a
    foreign key row by row: checking the one company of a run 20,000 times
    cost a third of the insert. Deleting a company deletes its rows through
    res.company's unlink instead.
    """

    def update_db_foreign_key(self, model, column):
        return


class ResPartnerGrading(models.Model):
    """A commercial partner's grading figures in one company.

    They live in this narrow table rather than in company-dependent columns
    of ``res_partner`` because the grading engine rewrites them for every
    customer: ``res_partner`` carries about 40 indexes, so rewriting 20,000
    of its rows costs more than the whole grading query, while inserting or
    updating rows here is cheap. On ``res.partner`` the same names are
    per-company fields that read, search, group and sort through this table.
    """
    _name = 'res.partner.grading'
    _description = "Customer Grading per Company"
    _order = 'company_id, partner_id'
    _rec_name = 'partner_id'
    # Written by the engine for every customer: no create/write stamps, whose
    # two foreign keys to res_users would cost a third of every insert. Who
    # changed a grade is in the partner's chatter.
    _log_access = False

    partner_id = fields.Many2one(
        comodel_name='res.partner', string="Customer", required=True, ondelete='cascade',
        readonly=True)  # indexed by the unique (partner_id, company_id) key
    company_id = CompanyKey(comodel_name='res.company', string="Company", required=True, readonly=True)
    currency_id = fields.Many2one(related='company_id.currency_id')
    customer_grade = fields.Selection(selection=CUSTOMER_GRADES, string="Grade")
    customer_grade_locked = fields.Boolean(string="Grade Locked")
    customer_lifecycle = fields.Selection(selection=CUSTOMER_LIFECYCLES, string="Lifecycle")
    grade_revenue = fields.Monetary(string="Revenue (grading window)", currency_field='currency_id')
    grade_order_count = fields.Integer(string="Orders (grading window)")
    first_order_date = fields.Date(string="First Order")
    last_order_date = fields.Date(string="Last Order")
    next_review_date = fields.Date(string="Next Review")

    _partner_company_unique = models.Constraint(
        'UNIQUE (partner_id, company_id)',
        "A customer has one set of grading figures per company.",
    )
