#!/usr/bin/env bash
# The Django app's tests (loginbycall.django, bindings/python/tests_django): the whole flow with
# Django's test client against the sandbox, the security items, the checks, both languages; the
# example site under gunicorn (4 workers) with Redis as the cache; a real browser (Debian's
# chromium, driven by selenium) logging in on the example site under runserver; mypy --strict.
#
# Runs twice, against the installed wheel and never the source tree: Django 5.2 LTS with the
# machine's python3, and the current Django with a newer CPython from pyenv (3.13 or 3.12).
#
# Installs what it needs: Debian's gettext, redis-server, chromium and chromium-driver (apt-get,
# when missing), the Python packages at pinned versions into virtual environments under
# ${CARGO_TARGET_DIR:-target}/django. The wheel is the one scripts/test-python.sh builds
# (${CARGO_TARGET_DIR:-target}/python/wheels, scripts/lib.sh's build_wheel), rebuilt only when the
# lock file, a manifest or a source it is made of changed since. Redis runs on a free localhost
# port in a temporary directory and is stopped at the end.
#
# LBC_ONE_PYTHON=1 (scripts/test.sh, when the Debian 13 root runs the whole suite on the same current
# Django with Python 3.13, but has no browser): the current Django runs only the tests that need
# chromium, and mypy, here.
#
# LBC_EXTRA_PYTHON=/path/to/python3.12+ chooses the second interpreter. The screenshot of the
# code page goes to $LBC_ARTIFACTS (default: a new temporary directory); with
# LBC_UPDATE_SCREENSHOT=1 it also replaces docs/django-code-page.png. The first run also keeps
# screenshots of every state of the pages (English and Russian, 900 and 360 px wide) in
# $LBC_ARTIFACTS/django-screens (the pages are the same on both Django versions).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PYTEST_VERSION=9.2.0
PYTEST_DJANGO_VERSION=4.14.0
MYPY_VERSION=2.4.1
GUNICORN_VERSION=27.0.1
REDIS_PY_VERSION=8.1.0
SELENIUM_VERSION=4.51.0
DJANGO_LTS=5.2.19
DJANGO_STUBS_LTS=5.2.9
DJANGO_STUBS_CURRENT=6.1.2

BUILD=$TARGET/django
mkdir -p "$BUILD"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

# Debian packages: gettext (the catalog test runs makemessages), Redis, the browser.
apt_need msgfmt:gettext xgettext:gettext redis-server:redis-server chromium:chromium \
  chromedriver:chromium-driver fonts-dejavu-core

PRIMARY=$(command -v python3)
# The current Django needs Python 3.12 or later.
EXTRA=$(second_python 12)

# The wheel scripts/test-python.sh built, unless its inputs changed since.
build_wheel

# Redis on a free port, in a temporary directory, stopped on exit.
REDIS_DIR=$(mktemp -d)
REDIS_PORT=$(free_port)
stop_redis() {
  if [ -f "$REDIS_DIR/redis.pid" ]; then
    kill "$(cat "$REDIS_DIR/redis.pid")" 2>/dev/null || true
    for _ in $(seq 50); do [ -f "$REDIS_DIR/redis.pid" ] || break; sleep 0.1; done
  fi
  rm -rf "$REDIS_DIR"
}
trap stop_redis EXIT
step "Redis on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save "" \
  --appendonly no --daemonize yes --pidfile "$REDIS_DIR/redis.pid" \
  --logfile "$REDIS_DIR/redis.log"
for _ in $(seq 100); do
  redis-cli -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
  sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping | grep -q PONG

ARTIFACTS=${LBC_ARTIFACTS:-$(mktemp -d)}
mkdir -p "$ARTIFACTS"
export LBC_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" LBC_DJANGO_REQUIRE_ALL=1

# Installs the wheel with the django extra into a fresh virtual environment for interpreter $1
# (name $2) with Django $3 and django-stubs $4, and runs the suite and mypy there.
run_suite() {
  local python=$1 name=$2 django=$3 stubs=$4 screens=${5:-}
  shift 5
  local venv=$BUILD/venv-$name
  "$python" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install -q "$WHEEL[django]" "django==$django" \
    "pytest==$PYTEST_VERSION" "pytest-django==$PYTEST_DJANGO_VERSION" \
    "gunicorn==$GUNICORN_VERSION" "redis==$REDIS_PY_VERSION" "selenium==$SELENIUM_VERSION" \
    "mypy==$MYPY_VERSION" "django-stubs==$stubs"
  step "Python $(version_of "$python"), Django $django: pytest against the installed wheel"
  (
    cd "$ROOT/bindings/python/tests_django"
    LBC_DJANGO_SCREENSHOT="$ARTIFACTS/django-code-page-$name.png" \
      LBC_DJANGO_SCREENSHOTS="$screens" "$venv/bin/python" -m pytest "$@"
  )
  step "Python $(version_of "$python"), Django $django: mypy --strict (the app, the tests)"
  (
    cd "$ROOT/bindings/python/tests_django"
    mypy=("$venv/bin/python" -m mypy --config-file mypy.ini --cache-dir "$BUILD/mypy-$name")
    "${mypy[@]}" -p loginbycall.django
    "${mypy[@]}" .
  )
}

export LBC_DJANGO_SCREENSHOT_COPY=""
if [ "${LBC_UPDATE_SCREENSHOT:-0}" = 1 ]; then
  LBC_DJANGO_SCREENSHOT_COPY="$ROOT/docs/django-code-page.png"
fi
run_suite "$PRIMARY" "django-$DJANGO_LTS" "$DJANGO_LTS" "$DJANGO_STUBS_LTS" "$ARTIFACTS/django-screens"
LBC_DJANGO_SCREENSHOT_COPY=""

if [ -n "$EXTRA" ]; then
  only=()
  [ "${LBC_ONE_PYTHON:-0}" != 1 ] || only=(test_browser.py test_readme_project.py)
  run_suite "$EXTRA" "django-$DJANGO_CURRENT" "$DJANGO_CURRENT" "$DJANGO_STUBS_CURRENT" "" "${only[@]}"
else
  step "no Python 3.12 or later (pyenv, or LBC_EXTRA_PYTHON) found: Django $DJANGO_CURRENT not tested"
fi
step "the screenshots of the code page, and of every state in django-screens/, are in $ARTIFACTS"
