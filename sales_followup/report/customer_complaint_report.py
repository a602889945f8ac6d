from odoo import fields, models
from odoo.tools import SQL

from ..const import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_SEVERITIES,
    COMPLAINT_STATES,
    NO_RESPONSIBILITY,
    NO_SALESPERSON,
    NO_SOLUTION,
    RESPONSIBILITIES,
    SOLUTION_TYPES,
)


class CustomerComplaintReport(models.Model):
    """Complaint analysis: where complaints come from and how fast they are
    solved. A view over ``customer_complaint`` so that averages ignore what
    is not there yet (an open complaint has no resolution time, an unrated
    one no satisfaction) instead of counting it as zero."""
    _name = 'customer.complaint.report'
    _description = 'Complaint Analysis'
    _auto = False
    _order = 'date_received desc'
    _rec_name = 'complaint_id'

    complaint_id = fields.Many2one(comodel_name='customer.complaint', readonly=True)
    date_received = fields.Date(string="Received On", readonly=True)
    partner_id = fields.Many2one(comodel_name='res.partner', string="Customer", readonly=True)
    commercial_partner_id = fields.Many2one(
        comodel_name='res.partner', string="Commercial Entity", readonly=True)
    product_id = fields.Many2one(comodel_name='product.product', readonly=True)
    user_id = fields.Many2one(
        comodel_name='res.users', string="Salesperson", readonly=True, falsy_value_label=NO_SALESPERSON)
    company_id = fields.Many2one(comodel_name='res.company', readonly=True)
    category = fields.Selection(selection=COMPLAINT_CATEGORIES, readonly=True)
    severity = fields.Selection(selection=COMPLAINT_SEVERITIES, readonly=True)
    state = fields.Selection(selection=COMPLAINT_STATES, string="Status", readonly=True)
    responsibility = fields.Selection(
        selection=RESPONSIBILITIES, readonly=True, falsy_value_label=NO_RESPONSIBILITY)
    solution_type = fields.Selection(selection=SOLUTION_TYPES, readonly=True, falsy_value_label=NO_SOLUTION)
    escalated = fields.Boolean(readonly=True)
    resolution_days = fields.Float(
        string="Resolution Time (days)", readonly=True, aggregator='avg', digits=(16, 1))
    satisfaction_score = fields.Float(
        string="Satisfaction (1-5)", readonly=True, aggregator='avg', digits=(16, 1))
    compensation_amount = fields.Float(string="Compensation", readonly=True, aggregator='sum')

    @property
    def _table_query(self):
        return SQL("""
            SELECT c.id AS id,
                   c.id AS complaint_id,
                   c.date_received,
                   c.partner_id,
                   c.commercial_partner_id,
                   c.product_id,
                   c.user_id,
                   c.company_id,
                   c.category,
                   c.severity,
                   c.state,
                   c.responsibility,
                   c.solution_type,
                   c.escalated,
                   CASE WHEN c.date_resolved IS NOT NULL THEN c.resolution_days END AS resolution_days,
                   NULLIF(c.satisfaction_score, 0) AS satisfaction_score,
                   c.compensation_amount
              FROM customer_complaint c
        """)
