"""Helpers shared by the benchmarks: timing, peak memory, query counting."""
import contextlib
import resource
import time
import tracemalloc

from odoo.sql_db import Cursor


@contextlib.contextmanager
def measure(trace_memory=True):
    """Yield a dict filled on exit with wall seconds, SQL queries and the
    peak of Python memory allocated inside the block (tracemalloc, which
    slows Python down: baselines are timed without it)."""
    result = {}
    counter = {'queries': 0}
    original = Cursor.execute

    def counting_execute(self, *args, **kwargs):
        counter['queries'] += 1
        return original(self, *args, **kwargs)

    if trace_memory:
        tracemalloc.start()
    Cursor.execute = counting_execute
    start = time.perf_counter()
    try:
        yield result
    finally:
        result['seconds'] = time.perf_counter() - start
        Cursor.execute = original
        if trace_memory:
            result['peak_mib'] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        result['queries'] = counter['queries']
        result['maxrss_mib'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ratio(value, baseline):
    return value / baseline if baseline else float('inf')
