# The two commands of the README: `make run` and `make test`.
.PHONY: setup run test bench clean

setup:
	@bash scripts/setup.sh

run: setup
	@bash scripts/run.sh

test: setup
	@bash scripts/test.sh $(ARGS)

bench: setup
	@bash scripts/bench.sh $(ARGS)

clean:
	rm -rf .odoo .venv
