# One-command entry points. `make run`, `make test` and `make test-all` set up .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-all lint export clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m tools.export_models
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python test.py $(ARGS)

# The quick suite: every module, without the tests marked slow.
test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

# Everything, as CI runs it.
test-all: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# After training new models: the app and `predict` read with networks exported from them.
export: $(STAMP)
	$(BIN)/python -m tools.export_models

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
