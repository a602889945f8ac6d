"""Read the logs of Odoo's own test runner and sort what differs.

    compare.py diff BARE_LOG ADDON_LOG --mode MODE   bare Odoo against Odoo with the addon
    compare.py check ADDON_LOG --mode MODE            one run, no baseline (make test's subset)

Every test that does not pass falls in one of three groups:

(a) regressions: the test passes on bare Odoo and not with the addon, and no
    entry of deliberate.txt explains it (or the failure does not say what the
    entry expects). The only group that makes the command fail.
(b) deliberate changes: listed in deliberate.txt for this credit mode, with
    the text the failure must show and the row of the README's "What changes
    in Odoo" table that explains it.
(c) environment failures: the test fails on bare Odoo too (a missing browser
    feature, a missing localisation…): nothing the addon can fix.
"""
import argparse
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
README = HERE.parent / 'README.md'
DELIBERATE = HERE / 'deliberate.txt'

RECORD = re.compile(
    r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) \S+ (?P<logger>[\w.]+): (?P<msg>.*)$')
SUMMARY = re.compile(r'(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database')
WORSE = {'pass': 0, 'skip': 1, 'fail': 2, 'error': 3}
# How bad an outcome is, comparing two runs; None: the test did not run.
RANK = {'pass': 0, 'skip': 1, None: 2, 'fail': 3, 'error': 3}


class Run:
    """The outcome of every test of one run of Odoo's test runner."""

    def __init__(self, path):
        self.path = path
        self.outcome = {}   # test id -> pass / skip / fail / error
        self.details = {}   # test id -> the failure's text
        self.counts = None  # Odoo's own (tests, failures, errors)
        current = None      # the test id whose traceback follows
        for line in pathlib.Path(path).read_text(errors='replace').splitlines():
            record = RECORD.match(line)
            if not record:
                if current:
                    self.details[current] += line + '\n'
                continue
            current = None
            logger, msg = record['logger'], record['msg'].rstrip()
            if summary := SUMMARY.search(msg):
                failed, errors, tests = map(int, summary.groups())
                self.counts = (tests, failed, errors)
            elif match := re.match(r'Starting (\S+) \.\.\.$', msg):
                self.outcome.setdefault(self._test_id(logger, match[1]), 'pass')
            elif match := re.match(r'skipped (\S+) : ', msg):
                self._set(self._test_id(logger, match[1]), 'skip')
            elif record['level'] == 'ERROR' and (match := re.match(r'(FAIL|ERROR): (.+)$', msg)):
                test_id = self._failure_id(logger, match[2])
                if test_id:
                    self._set(test_id, 'fail' if match[1] == 'FAIL' else 'error')
                    current = test_id
                    self.details.setdefault(test_id, '')
                    self.details[test_id] += msg + '\n'

    @staticmethod
    def _test_id(logger, description):
        return f"{logger.removeprefix('odoo.addons.')}.{description}"

    def _failure_id(self, logger, description):
        # "Subtest Class.method (values)" counts for its test.
        if match := re.match(r'Subtest (\S+) ', description):
            return self._test_id(logger, match[1])
        # "setUpClass (odoo.addons.module.tests.file.Class)": no test of the
        # class ran, the class itself failed.
        if match := re.match(r'(\w+) \((?:odoo\.addons\.)?([\w.]+)\)$', description):
            return f'{match[2]}.{match[1]}'
        if re.match(r'\w+\.\w+$', description) and '.tests.' in logger:
            return self._test_id(logger, description)
        return None

    def _set(self, test_id, outcome):
        if WORSE[outcome] > WORSE[self.outcome.get(test_id, 'pass')]:
            self.outcome[test_id] = outcome

    def failing(self):
        return {test for test, outcome in self.outcome.items() if outcome in ('fail', 'error')}

    def describe(self):
        if not self.counts:
            return "no summary: the run did not finish (see the log)"
        tests, failed, errors = self.counts
        return f"{tests} tests, {failed} failures, {errors} errors"


def readme_rows():
    """First cells of the rows of the README's "What changes in Odoo" table."""
    text = README.read_text()
    section = text.split('## What changes in Odoo', 1)
    if len(section) < 2:
        return set()
    body = section[1].split('\n## ', 1)[0]
    rows = set()
    for line in body.splitlines():
        cells = [cell.strip() for cell in line.strip().strip('|').split('|')]
        if line.lstrip().startswith('|') and cells and not set(cells[0]) <= set('-: '):
            rows.add(cells[0])
    return rows


def deliberate_entries(mode):
    """Entries of deliberate.txt for ``mode``: {test id: (expected text, README row)}.
    A malformed entry, or one naming no README row, stops everything: an
    unexplained entry must never hide a failure."""
    rows = readme_rows()
    entries = {}
    for number, line in enumerate(DELIBERATE.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        cells = [cell.strip() for cell in line.split('|')]
        if len(cells) != 4 or not all(cells):
            sys.exit(f"{DELIBERATE}:{number}: expected 'test | modes | failure text | README row'")
        test_id, modes, expected, row = cells
        if row not in rows:
            sys.exit(f"{DELIBERATE}:{number}: the README's \"What changes in Odoo\" table has no row {row!r}")
        if mode in modes.split(',') or modes == '*':
            entries[test_id] = (expected, row)
    return entries


def explained(run, test_id, entries):
    entry = entries.get(test_id)
    return bool(entry) and entry[0] in run.details.get(test_id, '')


def first_line(run, test_id):
    """The exception line of a failure, e.g. "odoo.exceptions.UserError: …"."""
    lines = [line.strip() for line in run.details.get(test_id, '').splitlines() if line.strip()]
    exceptions = [line for line in lines if re.match(r'[A-Za-z_][\w.]*(Error|Exception|Violation|Warning)\b', line)]
    return (exceptions or lines or [''])[-1][:200]


def print_group(title, tests, note=lambda test: ''):
    print(f"\n{title}: {len(tests)}")
    for test in sorted(tests):
        extra = note(test)
        print(f"  {test}" + (f"\n      {extra}" if extra else ''))


def diff(args):
    bare, addon = Run(args.bare), Run(args.addon)
    entries = deliberate_entries(args.mode)
    print(f"bare Odoo:            {bare.describe()}")
    print(f"with sales_followup:  {addon.describe()}  (credit mode {args.mode})")
    if not bare.counts or not addon.counts:
        return 1
    tests = set(bare.outcome) | set(addon.outcome)
    environment = {t for t in tests if t in bare.failing() and t in addon.failing()}
    changed = {t for t in tests - environment if bare.outcome.get(t) != addon.outcome.get(t)}
    # Worse with the addon: failing, or skipped or not run at all where bare Odoo passes.
    worse = {t for t in changed if RANK[addon.outcome.get(t)] > RANK[bare.outcome.get(t)]}
    deliberate = {t for t in worse if t in addon.failing() and explained(addon, t, entries)}
    regressions = worse - deliberate
    better = changed - worse
    print_group("(a) regressions: pass on bare Odoo, not with the addon", regressions,
                lambda t: f"{bare.outcome.get(t, 'not run')} -> {addon.outcome.get(t, 'not run')}: "
                          f"{first_line(addon, t)}")
    print_group("(b) deliberate changes (core_tests/deliberate.txt)", deliberate,
                lambda t: f"README, What changes in Odoo: {entries[t][1]}")
    print_group("(c) environment failures: fail on bare Odoo too", environment,
                lambda t: first_line(bare, t))
    if better:
        print_group("better with the addon (fail or skipped on bare Odoo only)", better,
                    lambda t: f"{bare.outcome.get(t, 'not run')} -> {addon.outcome.get(t, 'not run')}")
    stale = {t for t in entries if t in tests and t not in deliberate}
    if stale:
        print_group(f"entries of deliberate.txt not seen in credit mode {args.mode}", stale,
                    lambda t: addon.outcome.get(t, 'not run'))
    return 1 if regressions else 0


def check(args):
    run = Run(args.log)
    entries = deliberate_entries(args.mode)
    print(f"core subset with sales_followup: {run.describe()}  (credit mode {args.mode})")
    if not run.counts:
        return 1
    failing = run.failing()
    deliberate = {t for t in failing if explained(run, t, entries)}
    print_group("deliberate changes (expected failures, core_tests/deliberate.txt)", deliberate,
                lambda t: f"README, What changes in Odoo: {entries[t][1]}")
    print_group("failures", failing - deliberate, lambda t: first_line(run, t))
    return 1 if failing - deliberate else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    commands = parser.add_subparsers(dest='command', required=True)
    cmd = commands.add_parser('diff')
    cmd.add_argument('bare')
    cmd.add_argument('addon')
    cmd.add_argument('--mode', required=True)
    cmd.set_defaults(func=diff)
    cmd = commands.add_parser('check')
    cmd.add_argument('log')
    cmd.add_argument('--mode', required=True)
    cmd.set_defaults(func=check)
    args = parser.parse_args()
    sys.exit(args.func(args))


if __name__ == '__main__':
    main()
