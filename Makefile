# The two commands of the README: `make run` and `make test`. Both set up from zero.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.voxdesk-installed
XVFB := xvfb-run -a -s "-screen 0 1600x1000x24 +extension GLX"

.PHONY: run test lint venv sysdeps test-fast bench screenshots translations clean install-desktop uninstall-desktop package smoke-frozen

# setuptools' note on editable installs (resources/ is mapped into the package) is information, not a
# warning about this project: it is filtered so that `make run` prints nothing it need not.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "VoxDesk needs Python >= 3.10 ($(PYTHON) is older)"; exit 2; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

# Debian packages the GUI and its tests need (xcb and GL runtime for the window, Xvfb for
# tests); installs them when missing and run as root, else prints the apt-get line.
sysdeps:
	@bash packaging/install-sysdeps.sh

run: venv sysdeps
	@$(VENV)/bin/voxdesk --sample

test: venv sysdeps
	@bash .ci/test.sh $(PY)

# ruff, configured in pyproject.toml ([tool.ruff]).
lint: venv
	$(VENV)/bin/ruff check voxdesk tests benchmarks

# Engine and CLI only; no GUI, no Xvfb.
test-fast: venv
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/engine tests/cli

bench: venv
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(XVFB) $(PY) $$f || exit 1; done

screenshots: venv sysdeps
	$(XVFB) env QT_QPA_PLATFORM=xcb bash packaging/make-screenshots.sh $(VENV)

# The launcher, file types (.nii, .nii.gz, .npy, .npz, .voxmodel, .voxproj) and icon for the
# current user, under $XDG_DATA_HOME (default ~/.local/share): double-clicking a scan opens it.
install-desktop: venv
	@bash packaging/install-desktop.sh --exec $(abspath $(VENV))/bin/voxdesk

uninstall-desktop:
	@bash packaging/install-desktop.sh --uninstall

# A one-folder app that needs no Python: dist/voxdesk/voxdesk and dist/voxdesk/voxdesk-cli
# (PyInstaller, the `package` extra). Slow (TensorFlow): not part of `make test`.
package: venv
	PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install -q --disable-pip-version-check -e '.[package]'
	TF_CPP_MIN_LOG_LEVEL=2 $(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/voxdesk.spec
	@du -sh dist/voxdesk

# Runs the frozen app of `make package` under Xvfb with no Python on PATH: demo, train, classify, screenshot.
smoke-frozen: sysdeps
	@bash packaging/smoke-frozen.sh dist/voxdesk

# Korean: rescan the GUI's strings into the .ts (new ones arrive unfinished), then compile the .qm
# the app loads (README, "Translating"; voxdesk/gui/infra/i18n.py). Both files are committed.
TS := resources/translations/voxdesk_ko.ts
translations: venv
	$(VENV)/bin/pyside6-lupdate $$(find voxdesk/gui -name '*.py' | sort) -no-obsolete -locations relative -target-language ko_KR -ts $(TS)
	$(VENV)/bin/pyside6-lrelease $(TS) -qm $(TS:.ts=.qm)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
