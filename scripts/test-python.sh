#!/usr/bin/env bash
# The Python binding's tests: builds the abi3 wheel once (maturin, release), installs it into a
# fresh virtual environment for the machine's python3 and for one more CPython version (pyenv's
# newest 3.13 or 3.12), and runs there, against the installed package and not the source tree:
# pytest (bindings/python/tests), mypy --strict (the package, the tests, the tools) and
# mypy.stubtest (the native module's stubs against the module).
#
# Everything it installs goes into virtual environments under the build directory
# (${CARGO_TARGET_DIR:-target}/python), with pinned versions; it needs python3 with venv and pip,
# cargo, and PyPI. LBC_EXTRA_PYTHON=/path/to/python3 chooses the second interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

MATURIN_VERSION=1.16.0
PYTEST_VERSION=9.2.0
MYPY_VERSION=2.4.1

TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BUILD=$TARGET/python
mkdir -p "$BUILD"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1

step() { printf '\n==> %s\n' "$*"; }
version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }

PRIMARY=$(command -v python3)
PRIMARY_VERSION=$(version_of "$PRIMARY")

# The second interpreter: LBC_EXTRA_PYTHON, else pyenv's newest 3.13 or 3.12, else python3.13 or
# python3.12 on PATH; one that differs from python3's version and can make a virtual environment.
EXTRA=""
PYENV=${PYENV_ROOT:-$HOME/.pyenv}
candidates=("${LBC_EXTRA_PYTHON:-}")
for minor in 13 12; do
  while IFS= read -r found; do candidates+=("$found"); done < <(
    ls -d "$PYENV"/versions/3."$minor".*/bin/python3 2>/dev/null | sort -V -r)
  candidates+=("python3.$minor")
done
for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  found_version=$(version_of "$path" 2>/dev/null) || continue
  if [ "$found_version" != "$PRIMARY_VERSION" ] && "$path" -c 'import venv, ensurepip' 2>/dev/null; then
    EXTRA=$path
    break
  fi
done

step "Python: building the wheel once (maturin $MATURIN_VERSION, release, abi3)"
started=$SECONDS
"$PRIMARY" -m venv "$BUILD/build-venv"
"$BUILD/build-venv/bin/python" -m pip install -q "maturin==$MATURIN_VERSION"
rm -rf "$BUILD/wheels"
CARGO_TARGET_DIR=$TARGET "$BUILD/build-venv/bin/maturin" build --release --locked \
  --manifest-path bindings/python/Cargo.toml --out "$BUILD/wheels"
WHEEL=$(ls "$BUILD"/wheels/loginbycall-*-abi3-*.whl)
echo "built $(basename "$WHEEL") in $((SECONDS - started)) s"

# Installs the wheel into a fresh virtual environment for interpreter $1 (name $2) with the
# packages that follow, and runs the suite there from the build directory, where
# `import loginbycall` can only find the installed package.
run_suite() {
  local python=$1 name=$2
  shift 2
  local venv=$BUILD/venv-$name
  "$python" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install -q "$WHEEL" "pytest==$PYTEST_VERSION" "$@"
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
  "${mypy[@]}" "$ROOT/bindings/python/tests" "$ROOT/bindings/python/tools"
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
else
  step "no second Python (3.13 or 3.12 from pyenv, or LBC_EXTRA_PYTHON) found: only $PRIMARY_VERSION tested"
fi
