"""Small helpers shared by the models."""
from contextlib import contextmanager

from odoo import fields
from odoo.exceptions import ValidationError


@contextmanager
def cursor_flag(env, key, ids):
    """Mark ``ids`` under ``key`` on the cursor while the block runs.

    Internal code uses it to tell its own writes apart (a workflow step, a
    confirmation that passed the credit check). Unlike a context key, no RPC
    caller can set a cursor attribute, so the flag can never widen what a
    user may do.
    """
    marked = env.cr.cache.setdefault(key, set())
    added = set(ids) - marked
    marked |= added
    try:
        yield
    finally:
        marked -= added


def cursor_flagged(env, key):
    """The ids currently marked under ``key`` (see :func:`cursor_flag`)."""
    return env.cr.cache.get(key, frozenset())


# Dates further than this from today are typing mistakes (1900, 2206), not
# after-sales work.
PLAUSIBLE_YEARS = 20


def ensure_selection_values(model, vals):
    """Refuse, with a clear message, values of ``vals`` that are not options
    of their selection field (Odoo would fail deeper, with a ValueError or a
    KeyError in a compute)."""
    for fname, value in vals.items():
        field = model._fields.get(fname)
        if not value or not field or field.type != 'selection':
            continue
        options = dict(field._description_selection(model.env))
        if value not in options:
            raise ValidationError(model.env._(
                "%(value)s is not a valid %(field)s. Choose one of: %(options)s.",
                value=value, field=field._description_string(model.env),
                options=", ".join(options.values())))


def ensure_plausible_date(record, fname):
    """Refuse a date of ``record`` centuries away, whatever path wrote it."""
    value = record[fname]
    if not value:
        return
    today = fields.Date.context_today(record)
    if abs(value.year - today.year) > PLAUSIBLE_YEARS:
        raise ValidationError(record.env._(
            "%(date)s is not a plausible %(field)s: it must be within %(years)s years of today.",
            date=value, field=record._fields[fname]._description_string(record.env), years=PLAUSIBLE_YEARS))
