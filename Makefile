# orgmodel — two commands set up a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck pytest bench sysdeps clean i18n

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,pandas]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests need Debian's chromium and a CJK font; install them when missing.
sysdeps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then \
	  echo "installing chromium and fonts-wqy-microhei with apt-get"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

demo: $(STAMP)
	$(BIN)/orgmodel demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy orgmodel api

# The Neo4j store tests run against a real Bolt server: the one of NEO4J_URI when set, else
# ArcadeDB, installed once into .cache/ and started on loopback for this run only
# (tests/bolt_server.py prints which, and stops it however pytest ends).
pytest: $(STAMP) sysdeps
	$(BIN)/python -m tests.bolt_server -- $(BIN)/pytest -n 2

test: lint typecheck pytest

# Catalogues (orgmodel/locale): extract the msgids of orgmodel/ with Babel (babel.cfg; keywords
# _, N_, ngettext and lazy), update the Chinese .po (new msgids arrive untranslated: translate
# them, then run this again) and compile the .mo. Both files are committed; tests/test_i18n.py
# checks that the .mo is the .po compiled and that every msgid has a translation.
LOCALES := orgmodel/locale
POT := .cache/orgmodel.pot
i18n: $(STAMP)
	mkdir -p .cache
	$(BIN)/pybabel --quiet extract -F babel.cfg -k lazy --no-location --sort-output \
	  --project orgmodel --copyright-holder "orgmodel contributors" -o $(POT) .
	@if [ -f $(LOCALES)/zh/LC_MESSAGES/orgmodel.po ]; then \
	  $(BIN)/pybabel --quiet update -i $(POT) -d $(LOCALES) -D orgmodel -l zh \
	    --no-fuzzy-matching --ignore-obsolete; \
	else \
	  $(BIN)/pybabel --quiet init -i $(POT) -d $(LOCALES) -D orgmodel -l zh; \
	fi
	@# a fixed extraction date (Babel would stamp the time, and make one up when it is
	@# missing): running this twice changes nothing, the .mo is reproducible, merges stay clean
	sed -i 's/^"POT-Creation-Date: .*/"POT-Creation-Date: 2026-01-01 00:00+0000\\n"/' \
	  $(LOCALES)/zh/LC_MESSAGES/orgmodel.po
	$(BIN)/pybabel compile -d $(LOCALES) -D orgmodel --statistics

bench: $(STAMP)
	$(BIN)/python -m tests.bolt_server -- $(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .cache .mypy_cache .pytest_cache .ruff_cache
