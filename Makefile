# The two commands the README gives: `make demo` and `make test`.
# Both bootstrap their own virtualenv in .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo lint warm test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files re-run the install when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/cio-console --sandbox

# One test stores a key through the real Secret Service: where dbus-run-session and
# gnome-keyring-daemon exist, pytest runs inside a private D-Bus session with an
# unlocked gnome-keyring (tests/with_secret_service.sh; its files under .venv).
HAVE_SECRET_SERVICE := $(shell command -v dbus-run-session >/dev/null 2>&1 && command -v gnome-keyring-daemon >/dev/null 2>&1 && echo yes)

# The static checks; `test` runs them first. Layering contracts ([tool.importlinter]),
# ruff's lint and format check, mypy; config in pyproject.toml. mypy checks console/ (strict)
# and screens/ (the default), both at zero: the files and flags come from [tool.mypy].
lint: $(VENV)/.installed-dev
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The suite runs on every core (pytest-xdist). PYTEST_ARGS go after it, so
# `make test PYTEST_ARGS="-n 0 tests/ui"` runs one process; XDIST= drops it too.
# worksteal: a worker that runs out takes tests queued for another, so a few long Pilot
# tests left at the end of one worker's share do not hold the run while the other idles.
XDIST ?= -n auto --dist worksteal

# pytest rewrites the asserts of each test module (and of its plugins) as it imports them,
# in every xdist worker, and keeps the result only where Python may write bytecode. With
# PYTHONDONTWRITEBYTECODE set (these machines set it) four workers did that work four times:
# their start took 15 s, 5 s once the rewritten modules are kept. Two collect-only runs over
# halves of the suite write them first, side by side (4 s; __pycache__ is ignored by git).
# (benchmarks/suite_time.py runs `make warm` too.)
WARM := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest --collect-only -q

warm: $(VENV)/.installed-dev
	$(WARM) tests/ui tests/cli >/dev/null & $(WARM) --ignore=tests/ui --ignore=tests/cli >/dev/null; wait

test: lint warm $(VENV)/.installed-dev
ifeq ($(HAVE_SECRET_SERVICE),yes)
	sh tests/with_secret_service.sh $(CURDIR)/$(VENV)/test-keyring $(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
else
	@echo "note: dbus-run-session or gnome-keyring-daemon missing: the Secret Service test will be skipped"
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
endif

bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
