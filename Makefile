# EPOCH's front door. `make run` serves the demo; `make test` runs every test. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON_VERSION := 3.12
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails and PDFs point here; by default at what `make run` serves (`make run PORT=8101` links to 8101).
SITE_URL ?= http://$(HOST):$(PORT)
PG_URL ?= postgres://postgres@127.0.0.1:5432/epoch
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: bench-postgres bench-sqlite help install run serve worker test test-postgres test-fast bench loadtest lint format migrate demo check-deploy system-packages clean

help:
	@echo "make run            install, migrate, load the demo network, serve on http://$(HOST):$(PORT) with the task worker"
	@echo "make test           every test on SQLite (installs what the tests need)"
	@echo "make test-postgres  the same suite on DATABASE_URL (default $(PG_URL))"
	@echo "make bench          every main page at scale 1 and 10 on PostgreSQL, against budgets (bench/results.md)"
	@echo "make loadtest       locust: 30 users, 2 minutes, gunicorn + PostgreSQL (epoch_load)"
	@echo "make lint           ruff"

# uv, bootstrapped into .tools/ from whatever Python 3 is here (quick, once).
$(UV):
	@python3 -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv

# The virtualenv follows the lock file; rerunning with nothing changed takes well under a second.
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	@$(UV) sync --frozen --python $(PYTHON_VERSION) --quiet
	@touch $@

install: $(VENV)/.synced

migrate: install
	@$(PY) manage.py migrate --no-input

demo: migrate
	@$(PY) manage.py seed_demo

# Serve the app with the background worker and the scheduler beside it; Ctrl-C stops all three.
run: demo
	@echo "EPOCH on http://$(HOST):$(PORT)/ (links in emails: $(SITE_URL))  (demo logins in README.md; Ctrl-C to stop)"
	@trap 'kill 0' INT TERM EXIT; \
	  export SITE_URL="$(SITE_URL)"; \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py db_worker --queue-name default & \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py run_scheduler & \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium; PDFs need poppler and harfbuzz. Installed when missing.
system-packages:
	@missing=""; \
	  command -v chromium >/dev/null || missing="$$missing chromium"; \
	  command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	  ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	  ldconfig -p | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then echo "Installing:$$missing"; apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	    else echo "Please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; \
	  fi

test: install system-packages
	@EPOCH_TESTING=1 DATABASE_URL= $(PY) -m pytest $(ARGS)

test-fast: install
	@EPOCH_TESTING=1 DATABASE_URL= $(PY) -m pytest -m "not browser" $(ARGS)

test-postgres: install system-packages
	@EPOCH_TESTING=1 DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) -m pytest $(ARGS)

# Scale 1 and scale 10 with the database cache, as production runs: on PostgreSQL (bench/results.md), then on
# SQLite (bench/results-sqlite.md); each fails when a budget breaks. `make bench-postgres` or `bench-sqlite` for one.
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/epoch_bench
bench: install
	@$(MAKE) --no-print-directory bench-postgres; pg=$$?; $(MAKE) --no-print-directory bench-sqlite; lite=$$?; \
	  exit $$(( pg || lite ))

bench-postgres: install
	@EPOCH_TESTING=1 DATABASE_URL=$${DATABASE_URL:-$(BENCH_URL)} $(PY) -m bench $(ARGS)

bench-sqlite: install
	@EPOCH_TESTING=1 DATABASE_URL=sqlite:///bench.sqlite3 $(PY) -m bench $(ARGS)

# Not part of `make test`: 30 users for 2 minutes against gunicorn and PostgreSQL (database epoch_load).
loadtest: install
	@bash loadtest/run.sh

lint: install
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: install
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

check-deploy: install
	@DEBUG=0 SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=epoch.example.org \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) .tools staticfiles
