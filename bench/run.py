"""Benchmark runner: `make bench [ARGS=name …]`.

Each bench/bench_<name>.py defines ``run(env)``; it may commit (the bench
database is rebuilt on every run) and prints its own figures, always as
ratios against a baseline measured in the same run, because wall times on a
shared machine are noisy.
"""
import importlib.util
import pathlib
import sys

import odoo
from odoo import api
from odoo.modules.registry import Registry

HERE = pathlib.Path(__file__).parent


def main(conf, dbname, *names):
    odoo.tools.config.parse_config(['-c', conf, '-d', dbname, '--log-level=warn'])
    paths = sorted(HERE.glob('bench_*.py'))
    if names:
        paths = [p for p in paths if p.stem.removeprefix('bench_') in names]
    if not paths:
        sys.exit(f"no benchmark matches {names}")
    registry = Registry(dbname)
    for path in paths:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.path.insert(0, str(HERE))
        spec.loader.exec_module(module)
        print(f"\n=== {path.stem} ===", flush=True)
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            module.run(env)
            cr.commit()


if __name__ == '__main__':
    main(*sys.argv[1:])
