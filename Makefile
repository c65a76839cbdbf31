# Tillpoint developer entry points. `make test` is what CI (.ci/run) runs.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: install test test-fast lint demo bench clean distclean

install: $(STAMP)

# (Re)install whenever pyproject.toml changes. editable_mode=compat puts the repo root on
# sys.path, so packages created after the install (e.g. local_db) import without reinstalling.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "need Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install --config-settings editable_mode=compat -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy runtime
	$(VENV)/bin/lint-imports

# Everything, including tests marked slow.
test: lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow"

demo: $(STAMP)
	$(VENV)/bin/tillpoint demo

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
