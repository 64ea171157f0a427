# Everything needs only python3: the first target that needs the venv creates it.

VENV ?= .venv
PY    = $(VENV)/bin/python
BIN   = $(VENV)/bin
STAMP = $(VENV)/.installed

# The generated sample PDF if `make fixtures` has run, else the committed text dump.
DEMO_PDF   = tests/fixtures/pdf/banner-outline.pdf
DEMO_TEXT  = tests/fixtures/text/monthly-2024-09.txt
DEMO_INPUT = $(firstword $(wildcard $(DEMO_PDF)) $(DEMO_TEXT))

.PHONY: install demo test lint format fixtures bench clean distclean

install: $(STAMP)

# Reinstall whenever the dependencies change; the stamp records the last install.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# A table of the entries on screen, plus the JSON and the Excel-ready CSV in out/.
demo: $(STAMP)
	@mkdir -p out
	@echo "\$$ reportparse -v extract $(DEMO_INPUT) -o out/demo.json"
	@$(BIN)/reportparse -v extract $(DEMO_INPUT) -o out/demo.json
	@$(BIN)/reportparse extract $(DEMO_INPUT) --format csv --bom -o out/demo.csv
	@$(PY) -c "$$DEMO_TABLE" out/demo.json
	@echo "Wrote out/demo.json (the whole issue) and out/demo.csv (one row per entry, for Excel)."

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

fixtures: $(STAMP)
	$(PY) tests/fixtures/generate.py
	$(PY) tests/fixtures/verify.py

bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/batch.py
	$(PY) bench/archive.py

clean:
	rm -rf out build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis src/*.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)

# Prints the entries of an issue JSON as a table (used by `make demo`).
define DEMO_TABLE
import json, sys
from rich.console import Console
from rich.table import Table
issue = json.load(open(sys.argv[1], encoding="utf-8"))
info = issue["issue"]
table = Table(title=f"{info['title'] or 'issue'} {info['period'] or ''}".strip())
for column in ("section", "no.", "title", "date", "source", "pages"):
    table.add_column(column, overflow="fold", no_wrap=column != "title" and column != "source", ratio=3 if column == "title" else None)
for e in issue["entries"]:
    pages = "-".join(str(p) for p in dict.fromkeys(e["pages"]))
    table.add_row(e["section"], str(e["number"]), e["title"], e["date"] or "", e["source"] or "", pages)
Console().print(table)
endef
export DEMO_TABLE
