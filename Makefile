# defcode: `make demo` reproduces the paper's tables and writes the report; `make test` runs the tests.
# Installs are pinned by requirements.lock (`make lock` rebuilds it); pyproject.toml keeps ranges.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint docs lock bench model detector clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "defcode needs Python >= 3.11; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev,docs]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/defcode tables --format all --out out --show
	$(BIN)/defcode report --out out/report --quiet

test: lint docs
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The documentation site, built into site/; a broken link or a missing API page fails.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# Pins every package for Python 3.11 on Linux from pyproject.toml's ranges (needs uv).
lock:
	uv pip compile pyproject.toml --extra dev --extra docs --python-version 3.11 \
		--python-platform linux --custom-compile-command 'make lock' -o requirements.lock

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script; done

model: $(STAMP)
	$(BIN)/defcode train --model coding/data/cluster/model.zip

# Needs the DEFT corpus (CC BY-NC-SA 4.0) beside the repository, as ../shared/data/deft.
detector: $(STAMP)
	$(BIN)/defcode train-detector --deft ../shared/data/deft --out corpus/data/deft_detector.zip

clean:
	rm -rf $(VENV) out site .pytest_cache .ruff_cache
