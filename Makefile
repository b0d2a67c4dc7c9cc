# `make run` and `make test` set everything up on a fresh machine, then run.
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
BABEL  := $(VENV)/bin/pybabel
PORT   ?= 5000
# Tests run in two or more processes (pytest-xdist), a file to a process: a
# file's tests share its servers and, for the scale-out tests, one Redis database.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --dist loadfile
export FLASK_APP := workshop

.PHONY: setup run test lint translations extract-messages bench clean

setup: $(VENV)/.installed node_modules/.installed translations

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Catalogues (.po) are kept in git; the compiled .mo files are built here.
translations: $(VENV)/.installed
	$(BABEL) compile --statistics -d translations 2>&1 | grep -v '^$$' || true

# For developers: gather new strings into the catalogues.
extract-messages: $(VENV)/.installed
	$(BABEL) extract -F babel.cfg -k _l -k lazy_gettext -k plural_forms:1,2 -o translations/messages.pot .
	$(PY) translations/update.py

run: setup
	$(VENV)/bin/flask db upgrade
	PORT=$(PORT) $(PY) -m workshop.serve

# Clean under the rules in pyproject.toml: ruff on the whole tree (tests and
# benchmarks too), then mypy on the packages listed there (workshop, analysis).
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: setup lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	$(PY) benchmarks/load.py --phones 50
	$(PY) benchmarks/page_weight.py

clean:
	rm -rf $(VENV) node_modules
