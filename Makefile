# Besedka: `make run` to chat, `make test` to prove it works.
# Both create .venv on first use; nothing needs installing by hand.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PACKAGE_STAMP := $(VENV)/.package-stamp
HOST ?= 127.0.0.1
PORT ?= 7447

.PHONY: run server client test typecheck install qt-libs postgres-programs translations screenshots bench package package-test clean

# What `make install` and `make package` install (in variables: a comma
# inside $(call ...) would split the argument).
INSTALL_EXTRAS := .[test,postgres]
PACKAGE_EXTRAS := .[test,package]

# Reinstall only when the project description changes.
# pip's and setuptools' chatter goes to a log, shown only if installing fails.
INSTALL_LOG := $(VENV)/install.log
define pip_install
	@echo "Installing Besedka and what it needs into $(VENV) (log: $(INSTALL_LOG))"
	@{ $(PY) -m pip install --upgrade pip && $(PY) -m pip install -e '$(1)'; } \
		>$(INSTALL_LOG) 2>&1 || { cat $(INSTALL_LOG); echo "Installing failed: the log above"; exit 1; }
endef

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Besedka needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(call pip_install,$(INSTALL_EXTRAS))
	@touch $@

install: $(STAMP)

qt-libs:
	@sh packaging/linux/ensure-qt-libs.sh

# A local server on the default SQLite database, then the client.  If a
# server already answers on HOST:PORT, the client simply uses it.  The
# server stops when the client window closes.  Both speak TLS; the client
# asks once whether to trust the server's certificate (its fingerprint is
# in the server's log).  The server serves the whole LAN and announces
# itself there; `make run SERVER_OPTIONS="--host 127.0.0.1 --no-announce"`
# keeps it to this computer.
SERVER_OPTIONS ?=
run: $(STAMP) qt-libs
	@set -e; \
	if $(PY) -m server.probe $(HOST) $(PORT); then \
		echo "A server is already running on $(HOST):$(PORT)"; \
		$(PY) -m client_gui --server $(HOST):$(PORT); \
	else \
		$(PY) -m server --port $(PORT) $(SERVER_OPTIONS) & server=$$!; \
		trap 'kill $$server 2>/dev/null; wait $$server' EXIT INT TERM; \
		$(PY) -m server.probe $(HOST) $(PORT) --wait 20; \
		$(PY) -m client_gui --server $(HOST):$(PORT); \
	fi

server: $(STAMP)
	$(PY) -m server --port $(PORT) $(SERVER_OPTIONS)

client: $(STAMP) qt-libs
	$(PY) -m client_gui --server $(HOST):$(PORT)

# Client translations: collect tr() strings into the .ts sources, then
# compile the .qm files the client loads (both are committed).  lrelease
# comes from Debian's qt6-l10n-tools.
TS := client_gui/translations/besedka_ru.ts client_gui/translations/besedka_en.ts
LRELEASE ?= $(shell command -v lrelease || echo /usr/lib/qt6/bin/lrelease)
translations: $(STAMP)
	$(VENV)/bin/pylupdate6 --no-obsolete $(addprefix --ts ,$(TS)) client_gui
	@test -x $(LRELEASE) || { echo "lrelease is missing: apt-get install qt6-l10n-tools"; exit 1; }
	$(LRELEASE) $(TS)

# Pictures of the client's windows in English and Russian for the docs.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) docs/make_screenshots.py docs/screenshots

# PostgreSQL's server programs for the tests that run on it (installed as
# root when missing; otherwise those tests are skipped, and fail under CI).
postgres-programs:
	@sh packaging/linux/ensure-postgres.sh

# The suite runs in parallel (pytest-xdist): a worker per CPU, at most
# TEST_WORKERS_MAX of them, since every worker starts servers, clients and
# a PostgreSQL cluster of its own and a big machine would otherwise start
# dozens.  `make test TEST_WORKERS=0` runs it in this one process, in order.
# The package tests (marker `package`) stay out, as in pyproject.toml's
# addopts; `make package-test` runs them, serially.  Tests go to the
# workers one by one (xdist's default `--dist load`; bench/README.md,
# issue 20's fourth session, has the measurements).
TEST_WORKERS ?= auto
TEST_WORKERS_MAX ?= 4
PYTEST_PARALLEL = -n $(TEST_WORKERS) --maxprocesses $(TEST_WORKERS_MAX)
test: $(STAMP) postgres-programs
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_PARALLEL)

# Static types: mypy --strict over protocol, db, server and client_gui
# (pyproject.toml, [tool.mypy]), once for this system and once as if on
# Windows, so the Windows-only code (sys.platform == "win32") is checked too;
# then the benchmarks, which run on Linux only (taskset, /proc, ngircd).
typecheck: $(STAMP)
	$(PY) -m mypy
	$(PY) -m mypy --platform win32
	$(PY) -m mypy -p bench

# Load tests against ngircd (bench/README.md); slow, so not part of `make test`.
# BENCH_QUICK=1 for a smoke run; the table goes to bench/results/latest.md.
bench: $(STAMP)
	$(PY) -m bench.run

# The frozen programs (PyInstaller) and, on Debian/Ubuntu, the .deb, in dist/.
# PyInstaller comes from the `package` extra, installed here only.
$(PACKAGE_STAMP): $(STAMP)
	$(call pip_install,$(PACKAGE_EXTRAS))
	@touch $@

package: $(PACKAGE_STAMP)
	$(PY) packaging/build.py

# Builds everything like `make package`, then proves the frozen server and
# client (and, as root with apt, the installed .deb) work: tests/packaging.
package-test: $(PACKAGE_STAMP) qt-libs
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m package tests/packaging

clean:
	rm -rf $(VENV) build dist .pytest_cache
