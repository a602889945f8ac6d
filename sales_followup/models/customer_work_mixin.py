from odoo import api, models
from odoo.exceptions import AccessError


class CustomerWorkMixin(models.AbstractModel):
    """After-sales work about one customer that salespeople record by hand:
    follow-up cards, complaints, returns, referrals.

    Record rules let salespeople read the work of their own customers; these
    checks keep them from planting work elsewhere. A salesperson (not an
    after-sales manager) may record work only for their own customers or
    customers nobody sells to yet, and assign it only to themselves or to
    the customer's salesperson. Anyone who links a document (an order, an
    invoice, a complaint) must be allowed to read it, or the link would
    show them what they may not open; and work is recorded only in the
    companies the user works for.

    The checks run after ``create`` and ``write`` on the values actually
    stored, whatever the path (form, RPC, import), so that defaults and
    computed values are checked too. Superuser code (the daily cron, the
    portal, side effects of a workflow step) is trusted.

    A model sets ``_work_partner_field``, ``_work_user_field`` and
    ``_work_link_fields`` and calls :meth:`_ensure_work_companies` before
    and :meth:`_ensure_work_allowed` after its ``create``, and
    :meth:`_ensure_work_allowed` after its ``write``.
    """
    _name = 'customer.work.mixin'
    _description = "After-Sales Work about a Customer"

    _work_partner_field = 'partner_id'
    _work_user_field = 'user_id'
    _work_link_fields = ()

    @api.model
    def _ensure_work_companies(self, vals_list):
        """Refuse, before anything is written, work for a company the user
        does not work for: Odoo's own refusal would only say that some
        record is out of reach."""
        if self.env.su:
            return
        companies = self.env['res.company'].browse(
            {vals['company_id'] for vals in vals_list if vals.get('company_id')})
        foreign = companies - self.env.user.company_ids
        if foreign:
            raise AccessError(self.env._(
                "You cannot record %(work)s for %(company)s: you do not work for that company.",
                work=self._description, company=foreign[0].sudo().name))

    @api.private
    def _ensure_work_allowed(self, fnames=None):
        """Check the work of ``self`` for the user of the environment.
        ``fnames``: the fields just written (all of them after a create)."""
        if self.env.su or not self:
            return
        fnames = set(fnames) if fnames is not None else None

        def written(fname):
            return fnames is None or fname in fnames

        user = self.env.user
        is_manager = user.has_group('sales_followup.group_followup_manager')
        for record in self:
            company = record['company_id'] if 'company_id' in record._fields else False
            if company and written('company_id') and company not in user.company_ids:
                raise AccessError(self.env._(
                    "You cannot record %(work)s for %(company)s: you do not work for that company.",
                    work=self._description, company=company.sudo().name))
            customer = record[self._work_partner_field].sudo().commercial_partner_id
            salesperson = customer.user_id
            if not is_manager and written(self._work_partner_field) and salesperson and salesperson != user:
                raise AccessError(self.env._(
                    "%(customer)s is %(salesperson)s's customer: only they or an after-sales manager "
                    "can record %(work)s for this customer.",
                    customer=customer.display_name, salesperson=salesperson.name, work=self._description))
            assignee = record[self._work_user_field] if self._work_user_field else False
            if (not is_manager and assignee and written(self._work_user_field)
                    and assignee not in (user, salesperson)):
                raise AccessError(self.env._(
                    "You can assign %(work)s only to yourself or to the customer's salesperson, "
                    "not to %(assignee)s.", work=self._description, assignee=assignee.name))
            for fname in self._work_link_fields:
                document = record[fname]
                if document and written(fname) and not document.has_access('read'):
                    raise AccessError(self.env._(
                        "You cannot link %(work)s to %(document)s: you are not allowed to open it.",
                        work=self._description, document=document.sudo().display_name))
