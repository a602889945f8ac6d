import base64
import math
from collections import defaultdict
from datetime import date, datetime
from urllib.parse import quote

from openpyxl.utils import get_column_letter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, email_normalize, split_every

from .. import spreadsheet
from ..const import CUSTOMER_CARD_COLUMNS, CUSTOMER_CARD_YES_NO, CUSTOMER_GRADES
from ..models.res_partner import PERSONAL_FIELDS, PERSONAL_IMPORT_KEY
from ..tools import cursor_flag

# Larger files are split: an import is one transaction.
MAX_ROWS = 50_000
# Lookups and writes go by batches of rows: a few queries per batch, none per row.
BATCH_SIZE = 1_000
COLUMN_FIELDS = {column.key: column.field for column in CUSTOMER_CARD_COLUMNS}
COLUMN_TYPES = {column.key: column.type for column in CUSTOMER_CARD_COLUMNS}
# A card is a commercial entity's: a company, or a person without one.
COMMERCIAL_DOMAIN = Domain('is_company', '=', True) | Domain('parent_id', '=', False)
# Written by one call per value rather than per customer: each call of their
# inverse or company-dependent write costs queries.
GROUPED_FIELDS = ('customer_grade', 'customer_grade_locked', 'credit_limit')
# Yes/no cells also take the usual spreadsheet spellings.
YES_NO_WORDS = {'yes': True, 'y': True, 'true': True, '1': True, 'no': False, 'n': False, 'false': False, '0': False}
SHEET_NAME = 'Customer cards'
TEMPLATE_FILENAME = 'customer_cards_template.xlsx'
EXPORT_FILENAME = 'customer_cards.xlsx'


class _BadCell(Exception):
    """A cell whose value cannot be used; the message says why."""


class _Row:
    """One customer row of the sheet, from its cells to what gets written."""
    __slots__ = ('email_key', 'errors', 'number', 'partner', 'referrer', 'vals', 'values')

    def __init__(self, number):
        self.number = number  # in the sheet, the header being row 1
        self.values = {}  # column -> value, empty cells left out
        self.errors = []
        self.email_key = None  # normalized e-mail, for matching
        self.partner = None  # the existing customer the row updates
        self.referrer = None  # a partner id, or the earlier _Row creating the referrer
        self.vals = {}  # partner values to write: only the changed ones on an update

    @property
    def target(self):
        """The customer the row stands for: a partner id, or the row itself
        when it creates the customer."""
        return self.partner.id if self.partner else self


class _Plan:
    """What an import of the sheet does, found before anything is written."""

    def __init__(self, rows):
        self.rows = rows
        self.bad_rows = []
        self.to_create = []
        self.to_update = []  # rows with a change
        self.unchanged = []
        self.country_ids = {}  # code -> id
        self.user_ids = {}  # login -> id


class CustomerCardImport(models.TransientModel):
    _name = 'customer.card.import'
    _description = 'Import Customer Cards'

    file = fields.Binary(
        attachment=False,
        help="An .xlsx or .xls workbook whose first sheet has a header row and one row per customer.")
    filename = fields.Char()
    previewed = fields.Boolean(readonly=True)
    create_count = fields.Integer(string="New Customers", readonly=True)
    update_count = fields.Integer(string="Customers to Update", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged Customers", readonly=True)
    error_count = fields.Integer(string="Bad Rows", readonly=True)
    error_text = fields.Text(string="Problems", readonly=True)

    @api.onchange('file')
    def _onchange_file(self):
        # A new file needs a new preview.
        self.update({'previewed': False, 'create_count': 0, 'update_count': 0, 'unchanged_count': 0,
                     'error_count': 0, 'error_text': False})

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_preview(self):
        """Check the whole file and show what an import would do, writing nothing."""
        self.ensure_one()
        plan = self._plan()
        self.write({
            'previewed': True,
            'create_count': len(plan.to_create),
            'update_count': len(plan.to_update),
            'unchanged_count': len(plan.unchanged),
            'error_count': len(plan.bad_rows),
            'error_text': self._bad_rows_text(plan) or False,
        })
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_card_import')
        action['res_id'] = self.id
        return action

    def action_import(self):
        """Write every card of the file, or nothing at all when a row is invalid."""
        self.ensure_one()
        plan = self._plan()
        if plan.bad_rows:
            raise UserError(self.env._(
                "Nothing was imported: %(count)s rows of the file are invalid. Correct them and import "
                "the file again.\n\n%(rows)s", count=len(plan.bad_rows), rows=self._bad_rows_text(plan)))
        partners = self._apply(plan)
        action = self.env['ir.actions.act_window']._for_xml_id('sales_followup.action_customer_board')
        action.update({'domain': [('id', 'in', partners.ids)], 'context': {}})
        return {
            'type': 'ir.actions.client',
            'tag': 'display_notification',
            'params': {
                'type': 'success',
                'message': self.env._(
                    "Customer cards imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.",
                    created=len(plan.to_create), updated=len(plan.to_update), unchanged=len(plan.unchanged)),
                'next': action,
            },
        }

    def action_download_template(self):
        """Download an empty sheet: the header row, an example row and drop-down lists."""
        return self._download(self._template_content(), TEMPLATE_FILENAME)

    # ------------------------------------------------------------------
    # Business helpers: reading the file
    # ------------------------------------------------------------------

    def _plan(self):
        if not self.file:
            raise UserError(self.env._("Choose the file to import first."))
        sheet = spreadsheet.read_sheet(self.env, base64.b64decode(self.file), MAX_ROWS)
        vocabulary = self._vocabulary()
        header_number, header = sheet.rows[0]
        columns = self._read_header(header, vocabulary)
        rows = [self._read_row(number, cells, columns, sheet, vocabulary) for number, cells in sheet.rows[1:]]
        if not rows:
            raise UserError(self.env._(
                "The sheet has a header row (row %(row)s) but no customer under it.", row=header_number))
        plan = _Plan(rows)
        self._resolve(plan)
        return plan

    def _vocabulary(self):
        """The words accepted in headers and cells, in lower case: column
        names, English and zh_CN labels, and the user's own language for
        the values."""
        langs = dict.fromkeys(['en_US', 'zh_CN', self.env.lang or 'en_US'])
        installed = dict(self.env['res.lang'].get_installed())
        headers = {}
        for column in CUSTOMER_CARD_COLUMNS:
            for alias in (column.key, column.label._translate('en_US'), column.label._translate('zh_CN')):
                headers.setdefault(alias.casefold(), column.key)
        kinds, grades, yes_no = {}, {}, dict(YES_NO_WORDS)
        for value, __ in CUSTOMER_GRADES:
            grades[value] = value
        for lang in langs:
            for value, word in CUSTOMER_CARD_YES_NO.items():
                yes_no.setdefault(word._translate(lang).casefold(), value)
            if lang not in installed:
                continue
            Partner = self.env['res.partner'].with_context(lang=lang)
            for value, label in Partner._fields['customer_kind']._description_selection(Partner.env):
                kinds.setdefault(value, value)
                kinds.setdefault(label.casefold(), value)
            for value, label in Partner._fields['customer_grade']._description_selection(Partner.env):
                grades.setdefault(label.casefold(), value)
        return {'headers': headers, 'kind': kinds, 'grade': grades, 'yes_no': yes_no}

    def _read_header(self, cells, vocabulary):
        """The column of each cell of the header row (None: no header)."""
        columns, unknown, twice = [], [], []
        for cell in cells:
            if cell is None:
                columns.append(None)
                continue
            key = vocabulary['headers'].get(self._text(cell).casefold())
            if key is None:
                unknown.append(self._text(cell))
            elif key in columns:
                twice.append(self._text(cell))
            columns.append(key)
        problems = []
        if unknown:
            problems.append(self.env._(
                "Unknown columns: %(columns)s. The columns are: %(known)s.",
                columns=", ".join(f"'{name}'" for name in unknown),
                known=", ".join(column.key for column in CUSTOMER_CARD_COLUMNS)))
        if twice:
            problems.append(self.env._(
                "These columns appear twice: %(columns)s.", columns=", ".join(f"'{name}'" for name in twice)))
        if 'name' not in columns:
            problems.append(self.env._("The name column is missing: every customer needs a name."))
        if problems:
            raise UserError(self.env._(
                "The header row (the first row of the sheet) is not right:\n%(problems)s",
                problems="\n".join(problems)))
        return columns

    def _read_row(self, number, cells, columns, sheet, vocabulary):
        row = _Row(number)
        for index, cell in enumerate(cells):
            if cell is None:
                continue
            key = columns[index] if index < len(columns) else None
            if key is None:
                row.errors.append(self.env._(
                    "a value in column %(column)s, which has no header", column=get_column_letter(index + 1)))
                continue
            try:
                row.values[key] = self._parse_cell(key, cell, sheet, vocabulary, row)
            except _BadCell as bad:
                row.errors.append(str(bad))
        if not row.values.get('name'):
            row.errors.insert(0, self.env._("the name is missing"))
        return row

    def _parse_cell(self, key, cell, sheet, vocabulary, row):
        kind = COLUMN_TYPES[key]
        if kind in ('kind', 'grade', 'yes_no'):
            value = vocabulary[kind].get(self._text(cell).casefold())
            if value is None:
                raise _BadCell(self._unknown_value_message(kind, key, cell))
            return value
        if kind == 'date':
            return self._parse_date(key, cell, sheet)
        if kind == 'amount':
            return self._parse_amount(cell)
        text = self._text(cell)
        if kind == 'email':
            row.email_key = email_normalize(text, strict=True)
            if not row.email_key:
                raise _BadCell(self.env._("malformed e-mail '%(value)s'", value=text))
        elif kind == 'country':
            text = text.upper()
        return text

    def _unknown_value_message(self, kind, key, cell):
        if kind == 'kind':
            return self.env._("unknown customer kind '%(value)s' (government, corporate or individual)",
                              value=self._text(cell))
        if kind == 'grade':
            return self.env._("unknown grade '%(value)s' (A, B or C)", value=self._text(cell))
        return self.env._("unknown yes/no value '%(value)s' in column %(column)s (yes or no)",
                          value=self._text(cell), column=key)

    def _parse_date(self, key, cell, sheet):
        value = self._cell_date(cell, sheet)
        if value is None:
            raise _BadCell(self.env._(
                "impossible date '%(value)s' in column %(column)s (a date cell or YYYY-MM-DD)",
                value=self._text(cell), column=key))
        return value

    @api.model
    def _cell_date(self, cell, sheet):
        """The date of a date cell, a serial number (days since the
        workbook's epoch) or an ISO text; None when there is none."""
        if isinstance(cell, datetime):
            return cell.date()
        if isinstance(cell, date):
            return cell
        try:
            if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                return sheet.date_from_serial(cell).date() if spreadsheet.excel_serial_is_date(cell) else None
            if isinstance(cell, str):
                return datetime.fromisoformat(cell).date()
        except (ValueError, OverflowError, TypeError):
            return None
        return None

    def _parse_amount(self, cell):
        try:
            if isinstance(cell, str):
                amount = float(cell.replace(' ', ''))
            else:
                amount = None if isinstance(cell, bool) else float(cell)
        except (ValueError, TypeError):
            amount = None
        if amount is None or not math.isfinite(amount):
            raise _BadCell(self.env._("the credit limit '%(value)s' is not a number", value=self._text(cell)))
        if amount < 0:
            raise _BadCell(self.env._("negative credit limit (%(value)s)", value=self._text(cell)))
        return amount

    @api.model
    def _text(self, cell):
        """A cell as text: whole numbers without decimals, dates in ISO."""
        if isinstance(cell, float) and cell.is_integer():
            return str(int(cell))
        if isinstance(cell, datetime) and cell.time() == datetime.min.time():
            return cell.date().isoformat()
        if isinstance(cell, date):
            return cell.isoformat()
        return str(cell).strip()

    # ------------------------------------------------------------------
    # Business helpers: matching, references and rights, by batches
    # ------------------------------------------------------------------

    def _resolve(self, plan):
        rows = plan.rows
        self._resolve_lookups(plan)
        self._resolve_targets(rows)
        self._check_referral_loops(rows)
        self._resolve_values(plan)
        for row in rows:
            if row.errors:
                plan.bad_rows.append(row)
            elif not row.partner:
                plan.to_create.append(row)
            elif row.vals or self._referrer_changes(row):
                plan.to_update.append(row)
            else:
                plan.unchanged.append(row)

    def _resolve_lookups(self, plan):
        """Countries and salespeople, one query per batch of distinct values."""
        rows = plan.rows
        codes = {row.values['country_code'] for row in rows if 'country_code' in row.values}
        country_ids = {country.code: country.id for country in self.env['res.country'].search_fetch(
            [('code', 'in', list(codes))], ['code'])} if codes else {}
        logins = {row.values['salesperson'] for row in rows if 'salesperson' in row.values}
        user_ids = {}
        for batch in split_every(BATCH_SIZE, logins):
            users = self.env['res.users'].search_fetch(
                [('login', 'in', list(batch)), ('share', '=', False)], ['login'])
            user_ids.update((user.login, user.id) for user in users)
        for row in rows:
            code = row.values.get('country_code')
            if code and code not in country_ids:
                row.errors.append(self.env._("unknown country code '%(code)s'", code=code))
            login = row.values.get('salesperson')
            if login and login not in user_ids:
                row.errors.append(self.env._("unknown salesperson login '%(login)s'", login=login))
        plan.country_ids, plan.user_ids = country_ids, user_ids

    def _search_partners(self, fname, values, domain=None):
        """``{value: partners}`` of the partners whose ``fname`` is one of
        ``values``, visible to the user, one query per batch."""
        Partner = self.env['res.partner']
        found = defaultdict(lambda: Partner)
        for batch in split_every(BATCH_SIZE, values):
            partners = Partner.search_fetch(
                Domain(fname, 'in', list(batch)) & (domain or Domain.TRUE), self._partner_fields())
            for partner in partners:
                found[partner[fname]] |= partner
        return found

    @api.model
    def _partner_fields(self):
        Partner = self.env['res.partner']
        return ['email_normalized', *(
            fname for fname in COLUMN_FIELDS.values()
            if Partner._fields[fname].store and Partner._has_field_access(Partner._fields[fname], 'read'))]

    def _resolve_targets(self, rows):
        """Find the customer of each row (its ref, else its e-mail) and its
        referrer, row by row: a referrer may be created by an earlier row."""
        by_ref = self._search_partners(
            'ref', {row.values['ref'] for row in rows if 'ref' in row.values}, COMMERCIAL_DOMAIN)
        by_email = self._search_partners(
            'email_normalized', {row.email_key for row in rows if row.email_key}, COMMERCIAL_DOMAIN)
        names = {row.values['referred_by'] for row in rows if 'referred_by' in row.values}
        referrers_by_ref = self._search_partners('ref', names)
        referrers_by_name = self._search_partners('name', names)
        seen_refs, seen_targets = {}, {}
        new_by_email = {}
        earlier_by_ref, earlier_by_name = defaultdict(set), defaultdict(set)
        for row in rows:
            ref = row.values.get('ref')
            if ref and ref in seen_refs:
                row.errors.append(self.env._(
                    "the ref '%(ref)s' is already on row %(row)s", ref=ref, row=seen_refs[ref].number))
                continue
            if ref:
                seen_refs[ref] = row
            self._match_row(row, by_ref, by_email, new_by_email, seen_targets)
            # the row itself counts, so that a customer naming itself as its referrer is told so
            if ref:
                earlier_by_ref[ref].add(row.target)
            if row.values.get('name'):
                earlier_by_name[row.values['name']].add(row.target)
            if 'referred_by' in row.values:
                self._match_referrer(row, (referrers_by_ref, earlier_by_ref), (referrers_by_name, earlier_by_name))

    def _match_row(self, row, by_ref, by_email, new_by_email, seen_targets):
        ref = row.values.get('ref')
        candidates = by_ref[ref] if ref else None
        if not candidates and row.email_key:
            # An e-mail match never takes over a customer known by another ref.
            candidates = by_email[row.email_key].filtered(lambda p: not (ref and p.ref and p.ref != ref))
        if candidates and len(candidates) > 1:
            row.errors.append(self.env._(
                "it matches %(count)s customers (%(names)s): give it the ref of one of them",
                count=len(candidates), names=", ".join(candidates[:5].mapped('display_name'))))
            return
        if candidates:
            earlier = seen_targets.get(candidates.id)
        else:
            # an earlier row creating a customer with this e-mail, unless both have their own ref
            earlier = next((other for other in new_by_email.get(row.email_key, ())
                            if not (ref and other.values.get('ref'))), None)
        if earlier:
            row.errors.append(self.env._(
                "it is the same customer as row %(row)s", row=earlier.number))
        elif candidates:
            row.partner = candidates
            seen_targets[candidates.id] = row
        elif row.email_key:
            new_by_email.setdefault(row.email_key, []).append(row)

    def _match_referrer(self, row, *tiers):
        """The referrer by ref, else by exact name, among the partners the
        user can see and the customers of earlier rows."""
        value = row.values['referred_by']
        matches = set()
        for found, earlier in tiers:
            matches = set(found[value].ids) | earlier.get(value, set())
            if matches:
                break
        if not matches:
            row.errors.append(self.env._(
                "referred_by '%(value)s' matches no customer (put a referrer from the file on an earlier row)",
                value=value))
        elif len(matches) > 1:
            row.errors.append(self.env._(
                "referred_by '%(value)s' matches %(count)s partners: use the referrer's ref",
                value=value, count=len(matches)))
        else:
            referrer = matches.pop()
            if referrer == row.target:
                row.errors.append(self.env._("a customer cannot be referred by itself"))
            else:
                row.referrer = referrer

    def _check_referral_loops(self, rows):
        """A referrer must not be referred, directly or through others, by
        the customer it refers. One query reads the referrer chains."""
        referrer_ids = {row.referrer for row in rows if isinstance(row.referrer, int)}
        parents = {}
        if referrer_ids:
            self.env['res.partner'].flush_model(['referred_by_id'])
            self.env.cr.execute(SQL("""
                WITH RECURSIVE chain(id, parent_id) AS (
                    SELECT id, referred_by_id FROM res_partner WHERE id = ANY(%(ids)s)
                     UNION
                    SELECT p.id, p.referred_by_id FROM res_partner p JOIN chain c ON p.id = c.parent_id
                )
                SELECT id, parent_id FROM chain
            """, ids=list(referrer_ids)))
            parents = dict(self.env.cr.fetchall())
        # the file's referrers replace those of the customers it updates
        parents.update((row.target, row.referrer) for row in rows if row.referrer)
        for row in rows:
            node, seen = row.referrer, set()
            while node and node not in seen:
                if node == row.target:
                    row.errors.append(self.env._(
                        "referred_by '%(value)s' would make a referral loop: that customer is itself "
                        "referred, directly or through others, by this one", value=row.values['referred_by']))
                    break
                seen.add(node)
                node = parents.get(node)

    def _resolve_values(self, plan):
        """The values each row writes (only changes on an update), and the
        rights they need, checked by the rules of res.partner itself."""
        Partner = self.env['res.partner']
        may_create = Partner.has_access('create')
        # one recordset, so that current values are read for all rows at once
        partners = Partner.browse([row.partner.id for row in plan.rows if row.partner])
        by_id = {partner.id: partner for partner in partners}
        writable = partners._filtered_access('write')
        sees_all_personal = Partner._personal_sees_all()
        for row in plan.rows:
            if row.partner:
                row.partner = by_id[row.partner.id]
            # Only what changes is written: on a new customer, what differs
            # from a new customer's defaults. What changes nothing (a zero
            # credit limit, the current grade) needs no right.
            row.vals = vals = {
                fname: value for fname, value in self._row_vals(row, plan).items()
                if not Partner._same_value(fname, value, row.partner or Partner, not row.partner)
            }
            if not vals and not (row.referrer and self._referrer_changes(row)):
                continue
            if not row.partner and not may_create:
                row.errors.append(self.env._("you are not allowed to create customers"))
            elif row.partner and row.partner not in writable:
                row.errors.append(self.env._("you are not allowed to change %(customer)s",
                                             customer=row.partner.display_name))
            for protected in (('customer_grade', 'customer_grade_locked'), ('credit_limit',)):
                checked = {fname: vals[fname] for fname in protected if fname in vals}
                try:
                    Partner._ensure_may_set(checked, row.partner or Partner, new=not row.partner)
                except (AccessError, UserError) as error:
                    row.errors.append(error.args[0])
            if not sees_all_personal and PERSONAL_FIELDS.keys() & vals.keys():
                # the salesperson the customer has once the row is written
                owner = vals.get('user_id', row.partner.user_id.id if row.partner else False)
                if owner != self.env.uid:
                    row.errors.append(self.env._(
                        "only the customer's salesperson or an after-sales manager can set its birthday"))

    def _row_vals(self, row, plan):
        vals = {}
        for key, value in row.values.items():
            fname = COLUMN_FIELDS[key]
            if key == 'referred_by':
                continue
            if key == 'country_code':
                value = plan.country_ids.get(value)
            elif key == 'salesperson':
                value = plan.user_ids.get(value)
            elif key == 'grade':
                # a grade from the file is a manual grade: the daily grading keeps it
                vals['customer_grade_locked'] = True
            vals[fname] = value
        return vals

    @api.model
    def _referrer_changes(self, row):
        if not row.referrer:
            return False
        return not (row.partner and isinstance(row.referrer, int) and row.partner.referred_by_id.id == row.referrer)

    def _bad_rows_text(self, plan):
        return "\n".join(
            self.env._("Row %(row)s: %(problems)s", row=row.number, problems="; ".join(row.errors))
            for row in plan.bad_rows)

    # ------------------------------------------------------------------
    # Business helpers: writing
    # ------------------------------------------------------------------

    def _apply(self, plan):
        """Create, then update, by batches. All of it or nothing: an error of
        the models (a referral rule, a constraint) undoes what was written."""
        # A salesperson given a thousand customers follows them all, but gets
        # no "you have been assigned" message per customer.
        importer = self.with_context(mail_auto_subscribe_no_notify=True)
        Partner = self.env['res.partner']
        created = {}  # _Row -> id of the partner it created
        rows = []
        try:
            with self.env.cr.savepoint():
                for rows in split_every(BATCH_SIZE, plan.to_create):
                    importer._create_batch(rows, created)
                for rows in split_every(BATCH_SIZE, plan.to_update):
                    importer._update_batch(rows, created)
                # checks and chatter that wait for the commit run inside the savepoint too
                self.env.cr.flush()
        except UserError as error:
            raise UserError(self.env._(
                "Nothing was imported: %(rows)s could not be written.\n%(error)s",
                rows=self._rows_label(rows), error=error.args[0])) from error
        return Partner.browse(list(created.values())) | Partner.browse([row.partner.id for row in plan.to_update])

    def _create_batch(self, rows, created):
        """Create the customers of ``rows`` with their referrers: by waves
        when some are referred by a customer of the same batch. A referrer
        always comes from an earlier row, so each wave creates at least the
        first row left."""
        Partner = self.env['res.partner']
        batch = rows
        while rows:
            ready = [row for row in rows if not isinstance(row.referrer, _Row) or row.referrer in created]
            # Personal values were checked against each row's salesperson,
            # which is set below, after the creation.
            with cursor_flag(self.env, PERSONAL_IMPORT_KEY, [self.env.uid]):
                partners = Partner.create([{
                    **{fname: value for fname, value in row.vals.items() if fname != 'user_id'},
                    'is_company': row.values.get('customer_kind') != 'individual',
                    'customer_rank': 1,
                    **({'referred_by_id': created.get(row.referrer, row.referrer)} if row.referrer else {}),
                } for row in ready])
            created.update(zip(ready, partners.ids, strict=True))
            rows = [row for row in rows if row not in created]
        # Following a created record costs queries per record, following
        # written records costs them per call: salespeople are set by a write
        # per salesperson.
        self._write_grouped(batch, lambda row: {'user_id': row.vals['user_id']} if 'user_id' in row.vals else {},
                            created)

    def _update_batch(self, rows, created):
        def plain_values(row):
            vals = {fname: value for fname, value in row.vals.items() if fname not in GROUPED_FIELDS}
            if self._referrer_changes(row):
                vals['referred_by_id'] = created.get(row.referrer, row.referrer)
            return vals

        self._write_grouped(rows, plain_values, created)
        self._write_grouped(
            rows, lambda row: {fname: row.vals[fname] for fname in GROUPED_FIELDS if fname in row.vals}, created)

    def _write_grouped(self, rows, values_of, created):
        """Write ``values_of(row)`` on each row's customer, by one call for
        all the rows writing the same values."""
        groups = defaultdict(list)
        for row in rows:
            vals = values_of(row)
            if vals:
                groups[tuple(sorted(vals.items()))].append(created[row] if row.partner is None else row.partner.id)
        # what a write reads (current values, contacts, users) is read once for all the rows
        prefetch_ids = [pid for ids in groups.values() for pid in ids]
        for vals, ids in groups.items():
            self.env['res.partner'].browse(ids).with_prefetch(prefetch_ids).write(dict(vals))

    def _rows_label(self, rows):
        numbers = [row.number for row in rows]
        if len(numbers) > 10:
            return self.env._("rows %(first)s to %(last)s", first=numbers[0], last=numbers[-1])
        return self.env._("row %(rows)s", rows=", ".join(map(str, numbers)))

    # ------------------------------------------------------------------
    # Business helpers: template and export
    # ------------------------------------------------------------------

    @api.model
    def _export_partners(self, partners):
        """Download the cards of ``partners``' commercial entities, in the
        columns of the import; referrers come before those they referred."""
        partners = partners.commercial_partner_id
        return self._download(self._sheet_content(self._referrers_first(partners)), EXPORT_FILENAME)

    @api.model
    def _referrers_first(self, partners):
        """``partners`` in their order, but each one's referrer, when it is
        exported too, before it."""
        exported, placed, ordered = set(partners.ids), set(), []
        for partner in partners:
            chain, node = [], partner
            while node.id in exported and node.id not in placed and node not in chain:
                chain.append(node)
                node = node.referred_by_id
            for node in reversed(chain):
                placed.add(node.id)
                ordered.append(node)
        return ordered

    def _sheet_content(self, partners, example=None):
        lang = self._sheet_lang()
        Partner = self.env['res.partner']
        may_read_limit = Partner._has_field_access(Partner._fields['credit_limit'], 'read')
        rows = [example] if example else []
        for partner in partners:
            rows.append([self._cell_out(partner, key, lang, may_read_limit) for key in COLUMN_FIELDS])
        headers = [column.label._translate(lang) if lang else column.key for column in CUSTOMER_CARD_COLUMNS]
        keys = list(COLUMN_FIELDS)
        lists = {}
        for index, key in enumerate(keys):
            ctype = COLUMN_TYPES[key]
            if ctype == 'kind':
                lists[index] = [self._kind_out(value, lang) for value in self._kind_values()]
            elif ctype == 'grade':
                lists[index] = [value.upper() for value, __ in CUSTOMER_GRADES]
            elif ctype == 'yes_no':
                lists[index] = [word._translate(lang or 'en_US') for word in CUSTOMER_CARD_YES_NO.values()]
        return spreadsheet.write_xlsx(
            SHEET_NAME, headers, rows, lists=lists,
            date_columns={index for index, key in enumerate(keys) if COLUMN_TYPES[key] == 'date'},
            widths={keys.index('name'): 30, keys.index('email'): 28})

    def _template_content(self):
        """The sheet of the template: one example row, with the values the
        user may set."""
        lang = self._sheet_lang()
        example = {
            'name': self.env._("Example Trading Co."),
            'ref': 'C0001',
            'customer_kind': self._kind_out('corporate', lang),
            'email': 'buyer@example.com',
            'phone': '+86 21 5555 0100',
            'city': self.env._("Shanghai"),
            'country_code': 'CN',
            'birthday': None,
            'grade': 'B' if self.env.user.has_group('sales_followup.group_followup_manager') else None,
            'money': CUSTOMER_CARD_YES_NO[True]._translate(lang or 'en_US'),
            'authority': CUSTOMER_CARD_YES_NO[True]._translate(lang or 'en_US'),
            'need': CUSTOMER_CARD_YES_NO[False]._translate(lang or 'en_US'),
            'credit_limit': 10000.0 if self.env['credit.exposure']._is_controller() else None,
            'salesperson': self.env.user.login,
            'referred_by': None,
        }
        return self._sheet_content(self.env['res.partner'], example=[example[key] for key in COLUMN_FIELDS])

    def _sheet_lang(self):
        """Chinese users get Chinese headers and values; everyone else the
        column names and value codes, which read the same in every language."""
        return 'zh_CN' if self.env.lang == 'zh_CN' else None

    def _kind_values(self):
        return [value for value, __ in self.env['res.partner']._fields['customer_kind'].selection]

    def _kind_out(self, value, lang):
        if not lang:
            return value
        Partner = self.env['res.partner'].with_context(lang=lang)
        return dict(Partner._fields['customer_kind']._description_selection(Partner.env))[value]

    def _cell_out(self, partner, key, lang, may_read_limit):
        ctype = COLUMN_TYPES[key]
        if ctype == 'amount' and not may_read_limit:
            return None
        value = partner[COLUMN_FIELDS[key]]
        if ctype == 'kind':
            return self._kind_out(value, lang) if value else None
        if ctype == 'grade':
            # only a manual (locked) grade is a card value; the grading computes the others
            return value.upper() if value and partner.customer_grade_locked else None
        if ctype == 'yes_no':
            return CUSTOMER_CARD_YES_NO[bool(value)]._translate(lang or 'en_US')
        if ctype == 'amount':
            return value
        if ctype == 'country':
            return value.code or None
        if ctype == 'login':
            return value.sudo().login or None
        if ctype == 'referrer':
            return value.ref or value.name or None
        return value or None

    def _download(self, content, filename):
        holder = self.create({'file': base64.b64encode(content), 'filename': filename})
        return {
            'type': 'ir.actions.act_url',
            'target': 'download',
            'url': f'/web/content/{holder._name}/{holder.id}/file/{quote(filename)}?download=true',
        }
