# defcode: `make demo` reproduces the paper's tables and writes the report; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench model detector clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "defcode needs Python >= 3.11; set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/defcode tables --format all --out out
	$(BIN)/defcode report --out out/report --quiet

test: lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	for script in bench/*.py; do $(BIN)/python $$script; done

model: $(STAMP)
	$(BIN)/defcode train --model coding/data/cluster/model.zip

# Needs the DEFT corpus (CC BY-NC-SA 4.0) beside the repository, as ../shared/data/deft.
detector: $(STAMP)
	$(BIN)/defcode train-detector --deft ../shared/data/deft --out corpus/data/deft_detector.zip

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
