# THADS — two commands do all set-up on a fresh machine with Python 3.11:
#   make demo   create .venv, install, migrate SQLite, load the demo, serve http://127.0.0.1:8000
#   make test   install the dev dependencies and run the whole suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint migrate-check ci clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo

# Both cores: the suite runs in two processes (pytest-xdist), each test file whole in one of them.
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

migrate-check: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

clean-venv:
	rm -rf $(VENV)
