"""Small helpers shared by the models."""
from contextlib import contextmanager


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
