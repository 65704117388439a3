#!/usr/bin/env bash
# The Python binding's tests: builds the abi3 wheel once (maturin, release), installs it into a
# fresh virtual environment for the machine's python3 and for one more CPython version (pyenv's
# newest 3.13 or 3.12), and runs there, against the installed package and not the source tree:
# pytest (bindings/python/tests, with Starlette and httpx for the asyncio example), mypy --strict
# (the package, the tests, the tools, benches/bench_async.py, examples/starlette_site) and
# mypy.stubtest (the native module's stubs against the module).
#
# Everything it installs goes into virtual environments under the build directory
# (${CARGO_TARGET_DIR:-target}/python), with pinned versions; it needs python3 with venv and pip,
# cargo, and PyPI. LBC_EXTRA_PYTHON=/path/to/python3 chooses the second interpreter; LBC_ONE_PYTHON=1
# tests on python3 alone (scripts/test.sh --quick). The wheel is built by scripts/lib.sh's
# build_wheel, only when its inputs changed (scripts/test-django.sh uses the same one).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PYTEST_VERSION=9.2.0
MYPY_VERSION=2.4.1
# The fork test serves a client made before the fork with gunicorn --preload (issue 15).
GUNICORN_VERSION=27.0.1
# The asyncio example (examples/starlette_site) and its test client (issue 17): Starlette 1.x needs
# Python 3.11, so older interpreters get the last 0.x.
STARLETTE=("starlette==1.10.0; python_version >= '3.11'" "starlette==0.49.3; python_version < '3.11'"
    "httpx==0.28.1")

# The store races on a real Redis; the TLS test makes a self-signed certificate with openssl.
apt_need redis-server:redis-server openssl:openssl
# Here every tool is installed, so no test may skip for want of one.
export LBC_PYTHON_REQUIRE_ALL=1

BUILD=$TARGET/python
mkdir -p "$BUILD"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

PRIMARY=$(command -v python3)
PRIMARY_VERSION=$(version_of "$PRIMARY")
EXTRA=""
if [ -z "${LBC_ONE_PYTHON:-}" ]; then
  EXTRA=$(second_python 9)
fi

build_wheel

# Installs the wheel into a fresh virtual environment for interpreter $1 (name $2) with the
# packages that follow, and runs the suite there from the build directory, where
# `import loginbycall` can only find the installed package.
run_suite() {
  local python=$1 name=$2
  shift 2
  local venv=$BUILD/venv-$name
  "$python" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install -q "$WHEEL" "pytest==$PYTEST_VERSION" \
      "gunicorn==$GUNICORN_VERSION" "${STARLETTE[@]}" "$@"
  (cd "$BUILD" && "$venv/bin/python" -m pytest -p no:cacheprovider "$ROOT/bindings/python/tests")
}

step "Python $PRIMARY_VERSION ($PRIMARY): pytest against the installed wheel"
run_suite "$PRIMARY" "$PRIMARY_VERSION" "mypy==$MYPY_VERSION"
venv=$BUILD/venv-$PRIMARY_VERSION

step "Python $PRIMARY_VERSION: mypy --strict (package, tests, tools) and stubtest"
# loginbycall.django needs Django (and its stubs) to type-check: it is checked where Django is
# installed, not here.
(
  cd "$BUILD"
  mypy=("$venv/bin/python" -m mypy --strict --cache-dir "$BUILD/mypy-cache")
  "${mypy[@]}" -m loginbycall -m loginbycall._native -m loginbycall.answers -m loginbycall.errors \
      -m loginbycall.testing
  "${mypy[@]}" "$ROOT/bindings/python/tests" "$ROOT/bindings/python/tools" \
      "$ROOT/bindings/python/benches/bench_async.py" "$ROOT/examples/starlette_site/app.py"
  printf '[mypy]\n[mypy-loginbycall.django.*]\nignore_errors = True\n' >"$BUILD/stubtest.ini"
  printf 'loginbycall\\.django(\\..*)?\n' >"$BUILD/stubtest-allowlist.txt"
  stubtest=("$venv/bin/python" -m mypy.stubtest --ignore-unused-allowlist --mypy-config-file "$BUILD/stubtest.ini"
      --allowlist "$BUILD/stubtest-allowlist.txt")
  "${stubtest[@]}" loginbycall._native
  "${stubtest[@]}" loginbycall.answers loginbycall.errors loginbycall.testing
)

if [ -n "$EXTRA" ]; then
  EXTRA_VERSION=$(version_of "$EXTRA")
  step "Python $EXTRA_VERSION ($EXTRA): the same wheel, pytest"
  run_suite "$EXTRA" "$EXTRA_VERSION"
elif [ -n "${LBC_ONE_PYTHON:-}" ]; then
  step "LBC_ONE_PYTHON: only $PRIMARY_VERSION tested"
else
  step "no second Python (3.13 or 3.12 from pyenv, or LBC_EXTRA_PYTHON) found: only $PRIMARY_VERSION tested"
fi
