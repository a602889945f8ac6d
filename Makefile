# The two commands of the README: `make run` and `make test`.
.PHONY: setup run test lint core-tests bench i18n screenshots clean

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup lint
	@bash scripts/test.sh $(ARGS)

lint: setup
	@bash scripts/lint.sh

core-tests: setup
	@bash scripts/core_tests.sh $(ARGS)

bench: setup
	@bash scripts/bench.sh $(ARGS)

i18n: setup
	@bash scripts/i18n.sh

screenshots: setup
	@bash scripts/screenshots.sh $(ARGS)

clean:
	rm -rf .odoo .venv
