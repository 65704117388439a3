# Shell functions shared by the test scripts (scripts/*.sh, tests/c/run.sh, tests/browser/dashboard.sh).
# Source it: `. "$ROOT/scripts/lib.sh"`. It sets ROOT (the repository) and TARGET (the cargo build
# directory, ${CARGO_TARGET_DIR:-$ROOT/target}), and defines:
#
#   step TEXT...              prints a step header
#   apt_need TOOL:PKG|PKG...  installs the Debian packages whose tool (command -v, or /usr/sbin/TOOL) or
#                             package (dpkg -s, for a bare PKG) is missing; one `apt-get update` at most
#                             in the whole run (LBC_APT_UPDATED, exported to the scripts it starts)
#   version_of PYTHON         "3.12"
#   second_python MIN_MINOR   the second interpreter for the Python tests: LBC_EXTRA_PYTHON, else pyenv's
#                             newest 3.13 or 3.12, else python3.13 or python3.12 on PATH; one whose
#                             version differs from python3's, is 3.MIN_MINOR or later and can make a
#                             virtual environment. Prints its path, or nothing
#   free_port                 a TCP port free on 127.0.0.1 (bound, then released)
#   release_build             the one release build of the run: `lbc` and libloginbycall together
#                             (cargo build --release -p lbc-cli -p lbc-ffi); sets LBC (the binary)
#   build_wheel               the Python binding's abi3 wheel (maturin, release) in $TARGET/python/wheels,
#                             rebuilt only when its fingerprint changed; sets WHEEL
#
# Every test script that needs the release `lbc` or the library calls release_build: the first call
# builds, the next ones are cargo's no-op check, and the same `-p` set everywhere (the Makefile's
# `lib` and `cli` targets included) keeps cargo's feature unification, so nothing is built twice.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
MATURIN_VERSION=1.16.0

step() { printf '\n==> %s\n' "$*"; }

apt_need() {
  local entry tool pkg need=()
  for entry in "$@"; do
    if [[ "$entry" == *:* ]]; then
      tool=${entry%%:*} pkg=${entry##*:}
      command -v "$tool" >/dev/null 2>&1 || [[ -x "/usr/sbin/$tool" ]] || need+=("$pkg")
    else
      dpkg -s "$entry" >/dev/null 2>&1 || need+=("$entry")
    fi
  done
  [ "${#need[@]}" -gt 0 ] || return 0
  step "installing ${need[*]} (apt-get)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Another apt-get may hold the lock for a while: wait for it instead of failing.
  local wait=(-o DPkg::Lock::Timeout=600)
  if [ -z "${LBC_APT_UPDATED:-}" ]; then
    $sudo apt-get "${wait[@]}" update -qq
    export LBC_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get "${wait[@]}" install -y -qq "${need[@]}" >/dev/null
}

version_of() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }

second_python() {
  local min_minor=${1:-9} primary_version candidate path found minor
  primary_version=$(version_of "$(command -v python3)")
  local pyenv=${PYENV_ROOT:-$HOME/.pyenv} candidates=("${LBC_EXTRA_PYTHON:-}")
  for minor in 13 12; do
    while IFS= read -r found; do candidates+=("$found"); done < <(
      ls -d "$pyenv"/versions/3."$minor".*/bin/python3 2>/dev/null | sort -V -r)
    candidates+=("python3.$minor")
  done
  for candidate in "${candidates[@]}"; do
    [ -n "$candidate" ] || continue
    path=$(command -v "$candidate" 2>/dev/null) || continue
    found=$(version_of "$path" 2>/dev/null) || continue
    if [ "$found" != "$primary_version" ] && "$path" -c 'import sys, venv, ensurepip
sys.exit(sys.version_info < (3, int(sys.argv[1])))' "$min_minor" 2>/dev/null; then
      echo "$path"
      return 0
    fi
  done
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

release_build() {
  (cd "$ROOT" && ${CARGO:-cargo} build --release --locked --quiet -p lbc-cli -p lbc-ffi)
  LBC=$TARGET/release/lbc
}

# What the wheel is made of: the lock file, every manifest, the binding's pyproject.toml and README,
# the sources of the crates it compiles and its Python package, and the maturin version. By content,
# not by date, so a checkout or a `git stash` does not fool it.
wheel_fingerprint() {
  (
    cd "$ROOT"
    {
      echo "maturin $MATURIN_VERSION"
      find Cargo.lock bindings/python/pyproject.toml bindings/python/README.md \
        lbc-protocol/src lbc-core/src lbc-sandbox/src bindings/python/src bindings/python/python \
        -type f -print
      find . \( -path ./target -o -path ./fuzz -o -path ./.git -o -path ./.tools \
        -o -path "./${TARGET#"$ROOT"/}" \) -prune -o -name Cargo.toml -print
    } | sort | while IFS= read -r f; do
      if [ -f "$f" ]; then sha256sum "$f"; else echo "$f"; fi
    done | sha256sum | cut -d' ' -f1
  )
}

build_wheel() {
  local wheels=$TARGET/python/wheels fingerprint started
  fingerprint=$(wheel_fingerprint)
  WHEEL=$(ls "$wheels"/loginbycall-*-abi3-*.whl 2>/dev/null | head -n 1 || true)
  if [ -n "$WHEEL" ] && [ "$(cat "$wheels/fingerprint" 2>/dev/null)" = "$fingerprint" ]; then
    step "Python: the wheel $(basename "$WHEEL") is up to date"
    return 0
  fi
  step "Python: building the wheel (maturin $MATURIN_VERSION, release, abi3)"
  started=$SECONDS
  local venv=$TARGET/python/build-venv
  mkdir -p "$TARGET/python"
  [ -x "$venv/bin/maturin" ] && "$venv/bin/maturin" --version | grep -q " $MATURIN_VERSION\$" || {
    python3 -m venv --clear "$venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q "maturin==$MATURIN_VERSION"
  }
  rm -rf "$wheels"
  (cd "$ROOT" && CARGO_TARGET_DIR=$TARGET "$venv/bin/maturin" build --release --locked \
    --manifest-path bindings/python/Cargo.toml --out "$wheels")
  WHEEL=$(ls "$wheels"/loginbycall-*-abi3-*.whl)
  echo "$fingerprint" >"$wheels/fingerprint"
  echo "built $(basename "$WHEEL") in $((SECONDS - started)) s"
}
