# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCK := requirements/dev.txt
LOCK_OPTS := --quiet --strip-extras --generate-hashes --allow-unsafe --no-emit-find-links --no-emit-index-url
PORT ?= 8000

# Test workers (pytest-xdist): one per core; WORKERS=0 runs the tests in this process.
WORKERS ?= auto

.PHONY: lock run test test-fast setup install lint format chromium clean admin loadtest bench bench-writes mutation lighthouse

# Exactly the locked versions, checked against their hashes (requirements/*.txt; `make lock`).
$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

# After changing a range in pyproject.toml: pin every package again, with hashes.
lock: install
	$(VENV)/bin/pip-compile $(LOCK_OPTS) -o requirements/base.txt pyproject.toml
	$(VENV)/bin/pip-compile $(LOCK_OPTS) --extra dev -o requirements/dev.txt pyproject.toml

install: $(STAMP)

var:
	mkdir -p var

# Local development defaults; production sets DEBUG=0 and SECRET_KEY (see .env.example).
setup run admin: export DEBUG ?= 1

setup: install var
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_obscc
	$(PY) manage.py collectstatic --no-input --verbosity 0

run: setup
	@echo "Serving the dashboard on http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# An account (none exists by default). `make admin ADMIN_USER=alice ADMIN_EMAIL=a@example.org`
# makes an editor and prints a one-time link to set the password, for SITE_URL when set, else
# for http://127.0.0.1:$(PORT) as `make run` serves (no terminal needed);
# `make admin` alone, in a terminal, creates a superuser interactively.
admin: setup
	@if [ -n "$(ADMIN_USER)" ]; then \
	  $(PY) manage.py add_editor "$(ADMIN_USER)" "$(ADMIN_EMAIL)" --port "$(PORT)"; \
	elif [ -t 0 ]; then \
	  $(PY) manage.py createsuperuser; \
	else \
	  echo "No terminal: run make admin ADMIN_USER=name ADMIN_EMAIL=address (an editor)" >&2; exit 2; \
	fi

# Browser tests need Debian's Chromium; install it when missing and we may (root, apt).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need /usr/bin/chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

test: install var chromium
	$(PY) -m pytest -n $(WORKERS) $(PYTEST_ARGS)

# Everything but the browser tests (marker "browser"): no Chromium needed.
test-fast: install var
	$(PY) -m pytest -n $(WORKERS) -m "not browser" $(PYTEST_ARGS)

# 50 connections for 60 s against gunicorn on 127.0.0.1 (production settings); see docs/operations.md.
loadtest: install var
	scripts/loadtest.sh

# Lighthouse (mobile) on the public pages, served by gunicorn with production settings, run with
# Debian's Chromium; prints the four scores per page and writes var/lighthouse.json. Lighthouse
# is the version in scripts/lighthouse/package-lock.json, installed once by `npm ci`.
LIGHTHOUSE_NPM := scripts/lighthouse/node_modules/.package-lock.json
$(LIGHTHOUSE_NPM): scripts/lighthouse/package-lock.json
	npm ci --prefix scripts/lighthouse --ignore-scripts --no-audit --no-fund --loglevel=error

lighthouse: install var chromium $(LIGHTHOUSE_NPM)
	$(PY) scripts/lighthouse.py

# Pages and exports on PostgreSQL at 127.0.0.1: the real data and 10,000 bodies x 10 rounds.
bench: install var
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	$(PY) scripts/bench.py

# One write (an admin edit, a correction) and its summaries' rebuild, at 10,000 x 10 bodies.
bench-writes: install var
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	$(PY) scripts/bench_writes.py

# ruff, then the layers and forbidden imports declared in pyproject.toml ([tool.importlinter]).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var/static

# Mutation testing of stats, importing and corrections (slow; not part of `make test`).
# MUTATE=surveys/stats/figures.py to do one module; see scripts/mutation.py and docs/mutation.md.
mutation: install var
	$(PY) scripts/mutation.py $(MUTATE)
