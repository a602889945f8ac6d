from odoo import api, fields, models


class CreditLock(models.Model):
    """One row per (commercial partner, company), bumped by every credit
    check. Bumping the row serialises concurrent confirmations for the same
    customer without ever writing to ``res_partner``, which stays a cold row
    for everything else (grading, chatter, address edits)."""
    _name = 'credit.lock'
    _description = 'Credit Check Lock'
    _log_access = False

    partner_id = fields.Many2one(
        comodel_name='res.partner', string="Commercial Partner",
        required=True, ondelete='cascade', index=False)
    company_id = fields.Many2one(
        comodel_name='res.company', required=True, ondelete='cascade')
    check_count = fields.Integer(string="Checks", default=0)

    _partner_company_uniq = models.Constraint(
        'UNIQUE(partner_id, company_id)',
        "There is a single credit lock per partner and company.",
    )

    @api.model
    def _acquire_for_orders(self, order_ids, company_id):
        """Lock the commercial partners of the invoice addresses of
        ``order_ids`` for ``company_id`` until the end of the transaction,
        and return ``{order_id: commercial_partner_id}``: one statement.

        The row is always *updated* (never only locked): under Odoo's
        REPEATABLE READ isolation, a transaction whose snapshot predates a
        concurrent committed check then fails with a serialization error and
        is retried, so it sees the other order instead of ignoring it. Rows
        are taken in partner order, so two checks never deadlock."""
        if not order_ids:
            return {}
        self.env['sale.order'].flush_model(['partner_invoice_id'])
        self.env['res.partner'].flush_model(['commercial_partner_id'])
        self.env.cr.execute("""
            WITH target AS (
                SELECT so.id AS order_id, invoice_partner.commercial_partner_id AS partner_id
                  FROM sale_order so
                  JOIN res_partner invoice_partner ON invoice_partner.id = so.partner_invoice_id
                 WHERE so.id = ANY(%(order_ids)s)
            ), locked AS (
                INSERT INTO credit_lock (partner_id, company_id, check_count)
                     SELECT DISTINCT partner_id, %(company_id)s, 1
                       FROM target
                      ORDER BY partner_id
                ON CONFLICT (partner_id, company_id)
                  DO UPDATE SET check_count = credit_lock.check_count + 1
            )
            SELECT order_id, partner_id FROM target
        """, {'order_ids': list(order_ids), 'company_id': company_id})
        return dict(self.env.cr.fetchall())
