from odoo import api, fields, models
from odoo.exceptions import AccessError


class CreditExposure(models.AbstractModel):
    """Credit figures of commercial partners, in company currency, computed
    with one grouped SQL statement whatever the number of partners, order
    lines or open invoices.

    Exposure = open receivables (posted, unreconciled residual: credit notes,
    payments and paid down payments count negative or zero) + the part of
    confirmed orders not yet covered by a posted invoice (down payment
    invoices already count as invoiced, so they are never counted twice)."""
    _name = 'credit.exposure'
    _description = 'Credit Exposure Service'

    @api.model
    def _get_figures(self, partner_ids, company, exclude_order_ids=()):
        """Return ``{partner_id: {'receivable', 'to_invoice', 'exposure',
        'overdue_amount', 'overdue_days', 'limit', 'hold'}}`` for every id of
        ``partner_ids`` (commercial partners), in ``company``'s currency.
        ``limit`` is Odoo's own company-dependent ``credit_limit`` (the
        company default when the partner has none), read in the same
        statement so the check costs no extra query for it.

        ``exclude_order_ids`` leaves those confirmed orders out of the sum, so
        that an order being re-checked is not counted twice."""
        partner_ids = list(set(partner_ids))
        today = fields.Date.context_today(self)
        figures = {
            partner_id: {
                'receivable': 0.0, 'to_invoice': 0.0, 'exposure': 0.0,
                'overdue_amount': 0.0, 'overdue_days': 0, 'limit': 0.0, 'hold': False,
            }
            for partner_id in partner_ids
        }
        if not partner_ids:
            return figures
        self.env.flush_all()
        self.env.cr.execute("""
            WITH receivable AS (
                SELECT aml.partner_id,
                       SUM(aml.amount_residual) AS residual,
                       SUM(aml.amount_residual) FILTER (
                           WHERE aml.amount_residual > 0 AND aml.date_maturity < %(today)s
                       ) AS overdue_amount,
                       MIN(aml.date_maturity) FILTER (
                           WHERE aml.amount_residual > 0 AND aml.date_maturity < %(today)s
                       ) AS oldest_due
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                 WHERE aml.partner_id = ANY(%(partner_ids)s)
                   AND aml.company_id = %(company_id)s
                   AND aml.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND NOT aml.reconciled
                   AND aml.amount_residual != 0
                 GROUP BY aml.partner_id
            ), invoiced AS (
                SELECT sol.order_id,
                       SUM(CASE WHEN move.move_type = 'out_refund'
                                THEN -inv_line.price_total ELSE inv_line.price_total END) AS amount
                  FROM sale_order so
                  JOIN res_partner invoice_partner ON invoice_partner.id = so.partner_invoice_id
                  JOIN sale_order_line sol ON sol.order_id = so.id
                  JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
                  JOIN account_move_line inv_line ON inv_line.id = rel.invoice_line_id
                  JOIN account_move move ON move.id = inv_line.move_id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company_id)s
                   AND invoice_partner.commercial_partner_id = ANY(%(partner_ids)s)
                   AND move.state = 'posted'
                 GROUP BY sol.order_id
            ), to_invoice AS (
                SELECT invoice_partner.commercial_partner_id AS partner_id,
                       SUM(GREATEST(so.amount_total - COALESCE(invoiced.amount, 0), 0)
                           / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS amount
                  FROM sale_order so
                  JOIN res_partner invoice_partner ON invoice_partner.id = so.partner_invoice_id
             LEFT JOIN invoiced ON invoiced.order_id = so.id
                 WHERE so.state = 'sale'
                   AND so.company_id = %(company_id)s
                   AND invoice_partner.commercial_partner_id = ANY(%(partner_ids)s)
                   AND so.id != ALL(%(exclude_order_ids)s)
                 GROUP BY invoice_partner.commercial_partner_id
            )
            SELECT partner.id,
                   COALESCE(receivable.residual, 0),
                   COALESCE(to_invoice.amount, 0),
                   COALESCE(receivable.overdue_amount, 0),
                   receivable.oldest_due,
                   COALESCE((partner.credit_limit ->> %(company_key)s)::float8, %(default_limit)s),
                   COALESCE(partner.credit_hold, FALSE)
              FROM res_partner partner
         LEFT JOIN receivable ON receivable.partner_id = partner.id
         LEFT JOIN to_invoice ON to_invoice.partner_id = partner.id
             WHERE partner.id = ANY(%(partner_ids)s)
        """, {
            'partner_ids': partner_ids,
            'company_id': company.id,
            'company_key': str(company.id),
            'default_limit': self._default_limit(company),
            'today': today,
            'exclude_order_ids': list(exclude_order_ids) or [0],
        })
        rows = self.env.cr.fetchall()
        # Only now: reading the company may run a query, which would replace
        # the result not yet fetched.
        currency = company.currency_id
        for partner_id, receivable, to_invoice, overdue_amount, oldest_due, limit, hold in rows:
            receivable = currency.round(receivable)
            to_invoice = currency.round(to_invoice)
            figures[partner_id] = {
                'receivable': receivable,
                'to_invoice': to_invoice,
                'exposure': currency.round(receivable + to_invoice),
                'overdue_amount': currency.round(overdue_amount),
                'overdue_days': (today - oldest_due).days if oldest_due else 0,
                'limit': limit or 0.0,
                'hold': hold,
            }
        return figures

    @api.model
    def _default_limit(self, company):
        """The company's default credit limit (Invoicing settings), which
        Odoo stores as the fallback of the company-dependent field."""
        partners = self.env['res.partner'].sudo().with_company(company)
        return partners._fields['credit_limit'].get_company_dependent_fallback(partners) or 0.0

    @api.model
    def _get_limit_settings(self, company):
        """Whether the credit check applies in ``company``, and how."""
        mode = company.followup_credit_mode if company.account_use_credit_limit else 'off'
        return {
            'mode': mode,
            'tolerance': company.followup_credit_tolerance or 0.0,
            'overdue_days': company.followup_credit_overdue_days or 0,
        }

    @api.model
    def _is_controller(self):
        """Superuser code (sync of commercial fields, portal flows) is trusted;
        a user must be a credit controller. There is deliberately no context
        key to get around this."""
        return self.env.su or self.env.user.has_group('sales_followup.group_credit_controller')

    @api.model
    def _ensure_controller(self):
        if not self._is_controller():
            raise AccessError(self.env._(
                "Only credit controllers can change credit limits and holds, "
                "or approve and reject orders above the credit limit."
            ))
