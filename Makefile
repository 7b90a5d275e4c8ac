# The two commands of the README: `make run` and `make test`. Both set up .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# The port `make run` serves on: make run PORT=8001.
PORT ?= 8000

.PHONY: install prepare port run serve test lint format clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The database schema and the static files, as a deployment needs them before serving.
prepare: install
	@mkdir -p -m 700 var  # owner-only: the secret key, the SQLite database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# PORT is a number (before anything is set up for it).
port:
	@case "$(PORT)" in ''|*[!0-9]*) echo "PORT phải là một số, ví dụ: make run PORT=8001" >&2; exit 2;; esac

# Serves as production does (gunicorn, DEBUG off, static files by WhiteNoise), with the seed
# and demo data, on plain http at 127.0.0.1:$(PORT) (8000 unless PORT=…): secure cookies and
# the https redirect are off for this local run only. DJANGO_DEBUG=1 make run for Django's
# debug pages.
run: port prepare
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py load_demo --scenario 2025
	$(BIN)/python manage.py create_demo_accounts --url http://127.0.0.1:$(PORT)
	@echo "Mở http://127.0.0.1:$(PORT) (Ctrl+C để dừng)."
	exec env DJANGO_SECURE_COOKIES=$${DJANGO_SECURE_COOKIES:-0} GUNICORN_BIND=127.0.0.1:$(PORT) \
		$(BIN)/gunicorn -c config/gunicorn.py

# Production serving: gunicorn with workers, timeout and recycling from the environment
# (config/gunicorn.py); settings from the environment (README).
serve: prepare
	exec $(BIN)/gunicorn -c config/gunicorn.py

# Runs the whole suite on DATABASE_URL if set, else on SQLite. Browser tests need Debian's
# Chromium at /usr/bin/chromium (apt-get install -y chromium); without it they are deselected
# with a warning, unless REQUIRE_BROWSER=1 (as in CI), where they then fail. Likewise tests that
# read the source document beside the repository (../shared/seed/) are deselected with a warning
# when it is absent (tests/conftest.py), unless REQUIRE_SOURCE=1, and so are the tests that
# convert the Word file with LibreOffice Writer when soffice cannot (apt-get install -y
# libreoffice-writer-nogui), unless REQUIRE_LIBREOFFICE=1. Prints the 15 slowest tests and
# the time the suite took; exits with pytest's status.
test: install
	@start=$$(date +%s); \
	if [ -x /usr/bin/chromium ] || [ "$${REQUIRE_BROWSER:-0}" = "1" ]; then \
		$(BIN)/pytest --durations=15 $(PYTEST_ARGS); \
	else \
		echo "!! /usr/bin/chromium not found: browser tests deselected (apt-get install -y chromium)"; \
		$(BIN)/pytest -m "not browser" --durations=15 $(PYTEST_ARGS); \
	fi; \
	status=$$?; elapsed=$$(( $$(date +%s) - start )); \
	printf 'make test: %d min %02d s (exit status %d)\n' $$((elapsed / 60)) $$((elapsed % 60)) $$status; \
	exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
