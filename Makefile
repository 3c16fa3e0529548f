# Two commands on a fresh machine: `make run` (the product with demo data) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint messages benchmark clean prod backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	bin/install-fonts

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	bin/dev-server

# The production topology on this machine (gunicorn, Celery workers per queue, beat); DATABASE_URL and REDIS_URL
# name PostgreSQL and Redis. See README "Production".
prod: install
	bin/prod

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=benchmarks
	$(BIN)/python manage.py compilemessages --ignore=.venv

benchmark: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf .var
