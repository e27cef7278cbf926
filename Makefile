# The README's two commands: `make run` and `make test`. Both are idempotent.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app portal

.PHONY: setup db run test test-pythons lint demo-media bench clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)
	@$(BIN)/python -m portal.i18n  # the translations (portal/translations/*/LC_MESSAGES/*.po), compiled when changed

# After changing a message in the code, a template or a script: extract them all and update each
# language's catalogues (then translate the new entries; tests/portal/test_i18n.py names the missing ones).
messages: setup
	$(BIN)/python -m portal.i18n update

db: setup
	$(FLASK) db upgrade
	$(FLASK) init
	$(FLASK) load-demo
	$(FLASK) reindex

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

test: lint
	scripts/test-prerequisites $(BIN)/python
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The whole suite under Python 3.12 and 3.13 as well (each in .venv-3.X; a missing one is skipped).
test-pythons: setup
	scripts/test-prerequisites $(BIN)/python
	scripts/other-pythons $(PYTEST_ARGS)

# Style, likely bugs and complexity (pyproject.toml [tool.ruff]), and the libraries' types ([tool.mypy]);
# `make test` runs it first.
lint: setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m mypy

demo-media: setup
	$(BIN)/python demo/build_demo.py

clean:
	rm -rf $(VENV) .venv-3.* instance

bench: setup
	$(BIN)/python bench/page_budget.py
	$(BIN)/python bench/search_bench.py --hours 10 100
