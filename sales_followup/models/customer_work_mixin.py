from collections import Counter

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.fields import Domain


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

    **Handover.** When a customer changes salesperson (its commercial
    partner's ``user_id``, or the *Hand over customers* wizard), the open
    work of every model of this mixin moves to the successor with
    :meth:`_hand_over_work`: the records of that customer (through
    ``_work_partner_field``) still open and assigned (``_work_user_field``)
    to the previous salesperson or to nobody, with their activities of the
    previous salesperson. A model says which of its records are still open
    by overriding one method, :meth:`_work_open_domain`::

        @api.model
        def _work_open_domain(self):
            return Domain('state', 'in', ('draft', 'approved', 'received'))

    Without it, records whose ``is_open`` field is set are open (no such
    field: nothing moves). The move is one search and one ``write`` per
    model, whatever the number of customers, so a model's ``write`` of its
    user field must stay set-based too.
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

    @api.model
    def _work_open_domain(self):
        """The records of this model that are still open work, as a domain:
        those move to the new salesperson when the customer changes hands.
        Override it in each model; by default, records whose ``is_open``
        field is set."""
        if 'is_open' in self._fields:
            return Domain('is_open', '=', True)
        return Domain.FALSE

    @api.model
    @api.private
    def _hand_over_work(self, customers, old_user, new_user):
        """Move the open work about ``customers`` (commercial partners)
        assigned to ``old_user`` or to nobody, in every model of the mixin,
        to ``new_user``, with ``old_user``'s activities on it. Set-based: a
        constant number of queries per model, whatever the number of
        customers or records. Rights are the caller's business.

        :return: {customer id: Counter({model description: moved records})}
        """
        moved = {}
        if not customers or not new_user:
            return moved
        Activity = self.env['mail.activity'].sudo().with_context(mail_activity_quick_update=True)
        for model_name in sorted(self.env['customer.work.mixin']._inherit_children):
            Model = self.env[model_name].sudo()
            if Model._abstract or Model._transient or not Model._work_user_field:
                continue
            partner_field, user_field = Model._work_partner_field, Model._work_user_field
            records = Model.search(Domain.AND([
                Model._work_open_domain(),
                Domain(f'{partner_field}.commercial_partner_id', 'in', customers.ids),
                Domain(user_field, 'in', [old_user.id, False] if old_user else [False]),
            ]))
            if not records:
                continue
            if old_user:
                # Activities first: a model that keeps its activities in
                # step with its user (follow-up cards) then finds nothing
                # left to change.
                Activity.search([
                    ('res_model', '=', model_name), ('res_id', 'in', records.ids), ('user_id', '=', old_user.id),
                ]).write({'user_id': new_user.id})
            # The chatter of each record says who took over; tracking and
            # assignment e-mails would cost a message per record.
            records.with_context(mail_notrack=True, mail_auto_subscribe_no_notify=True).write(
                {user_field: new_user.id})
            description = self.env['ir.model']._get(model_name).name
            if hasattr(records, '_message_log_batch'):
                body = (self.env._("%(new)s took over from %(old)s.", new=new_user.name, old=old_user.name)
                        if old_user else self.env._("%(new)s took over.", new=new_user.name))
                records._message_log_batch({record.id: body for record in records})
            for record in records:
                customer = record[partner_field].commercial_partner_id.id
                moved.setdefault(customer, Counter())[description] += 1
        return moved
