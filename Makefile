# Tillpoint developer entry points. `make test` is what CI (.ci/run) runs.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.installed
# emupos (the independent ESC/POS device emulator used by the integration tests) needs
# Python >= 3.13, so it lives in a venv of its own; tests find it at .venv-emupos/bin/emupos.
PY313 ?= $(firstword $(wildcard /root/.pyenv/versions/3.13*/bin/python3.13) $(shell command -v python3.13 2>/dev/null))
EMUPOS_VENV := .venv-emupos
EMUPOS_STAMP := $(EMUPOS_VENV)/.installed

.PHONY: install emupos test test-fast lint demo demo-headless bench clean distclean

install: $(STAMP)

# (Re)install whenever pyproject.toml changes. editable_mode=compat puts the repo root on
# sys.path, so packages created after the install (e.g. local_db) import without reinstalling.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "need Python >= 3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install --config-settings editable_mode=compat -e '.[dev]'
	touch $(STAMP)

emupos: $(EMUPOS_STAMP)

$(EMUPOS_STAMP):
	@test -n "$(PY313)" || { echo "emupos needs python3.13 on the PATH (or PY313=...)"; exit 1; }
	test -x $(EMUPOS_VENV)/bin/python || $(PY313) -m venv $(EMUPOS_VENV)
	$(EMUPOS_VENV)/bin/pip install 'emupos>=0.4,<0.5'
	touch $(EMUPOS_STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy runtime
	$(VENV)/bin/lint-imports

# Everything, including tests marked slow.
test: lint $(EMUPOS_STAMP)
	TILLPOINT_TEST_PG_DSN=$${TILLPOINT_TEST_PG_DSN:-$$(bash .ci/postgres.sh)} QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test-fast: $(STAMP) $(EMUPOS_STAMP)
	TILLPOINT_TEST_PG_DSN=$${TILLPOINT_TEST_PG_DSN:-$$(bash .ci/postgres.sh)} QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow"

# The cashier register on the demo store with virtual devices. With no display it runs under
# Xvfb when xvfb-run exists (watch it with x11vnc + a VNC viewer, see README), else it renders
# the screens to .demo/screenshots. `make demo-headless` is the scripted sale without Qt.
demo: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(VENV)/bin/tillpoint register --demo; \
	elif command -v xvfb-run >/dev/null 2>&1; then \
		echo "No display: running the register under Xvfb (1920x1080)."; \
		xvfb-run -a -s "-screen 0 1920x1080x24" $(VENV)/bin/tillpoint register --demo; \
	else \
		$(VENV)/bin/tillpoint register --demo; \
	fi

demo-headless: $(STAMP)
	$(VENV)/bin/tillpoint demo

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(EMUPOS_VENV)
