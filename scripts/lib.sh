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
#   build_tools               the pinned build tools, installed once into LBC_CACHE (outside the clone):
#                             a virtual environment with maturin, PyPI's ziglang (zig), auditwheel and
#                             cargo-zigbuild (the prebuilt binary its authors publish on PyPI, as they
#                             do maturin's: no compiling it on a fresh machine); puts cargo-zigbuild
#                             alone on PATH and points it at that zig; sets BUILD_VENV
#   release_dir               where the release build's files are ($TARGET/x86_64-unknown-linux-gnu/release
#                             for the glibc-2.17 build, $TARGET/release for a native one)
#   release_build             the one release build of the run: `lbc` and libloginbycall together
#                             (cargo zigbuild --release -p lbc-cli -p lbc-ffi --target
#                             x86_64-unknown-linux-gnu.2.17); sets LBC (the binary) and RELEASE_DIR
#   build_wheel               the Python binding's abi3 wheel (maturin --zig, release, manylinux2014)
#                             in $TARGET/python/wheels, rebuilt only when its fingerprint changed; sets
#                             WHEEL
#
# LBC_GLIBC (exported; default 2.17) is the glibc the release build and the wheel are made for, with
# zig as the linker: the artifacts the tests run are the ones `make dist` ships, and they load on
# any glibc from 2.17 on (RHEL 7, Debian 8+, Ubuntu 14.04+). LBC_GLIBC= (empty) builds natively with
# plain cargo and maturin instead (no zig; for a quick local look, not what is shipped).
#
# Every test script that needs the release `lbc` or the library calls release_build: the first call
# builds, the next ones are cargo's no-op check, and the same `-p` set everywhere (the Makefile's
# `lib` and `cli` targets included, which call this function when LBC_GLIBC is set) keeps cargo's
# feature unification, so nothing is built twice.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
MATURIN_VERSION=1.16.0
ZIGLANG_VERSION=0.15.2
CARGO_ZIGBUILD_VERSION=0.24.0
AUDITWHEEL_VERSION=6.8.2
export LBC_GLIBC=${LBC_GLIBC-2.17}
# Caches kept between runs, outside the clone: the build tools, the Debian roots of test-legacy.sh.
LBC_CACHE=${LBC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/loginbycall}
RUST_TRIPLE=x86_64-unknown-linux-gnu
# The current Django, tested by scripts/test-django.sh on the machine's newer CPython and by
# scripts/test-legacy.sh in the Debian 13 root (Python 3.13).
DJANGO_CURRENT=6.1.3

step() { printf '\n==> %s\n' "$*"; }

# Starts COMMAND in the background at the low priority NICENESS, in a session of its own (so that
# `kill -- -PID` stops it with its children; PID is $!). With the scheduler's autogroups (Linux's
# default), each session is a group that gets as much CPU as the foreground whatever the nice value
# of its processes: the group's own niceness (/proc/self/autogroup) is set too, or a background
# build halves the speed of the foreground one.
background_low() {
  local niceness=$1
  shift
  setsid bash -c 'echo "$0" >/proc/self/autogroup 2>/dev/null || true; exec nice -n "$0" "$@"' \
    "$niceness" "$@" &
}

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

build_tools() {
  local key="maturin-$MATURIN_VERSION-ziglang-$ZIGLANG_VERSION-auditwheel-$AUDITWHEEL_VERSION"
  key+="-cargo-zigbuild-$CARGO_ZIGBUILD_VERSION"
  BUILD_VENV=$LBC_CACHE/tools/venv-$key
  if ! { [ -x "$BUILD_VENV/bin/maturin" ] && "$BUILD_VENV/bin/python" -m ziglang version >/dev/null 2>&1 \
      && [ -x "$BUILD_VENV/bin/auditwheel" ] \
      && "$BUILD_VENV/bin/cargo-zigbuild" --version 2>/dev/null | grep -q " $CARGO_ZIGBUILD_VERSION\$"; }; then
    step "installing maturin $MATURIN_VERSION, ziglang $ZIGLANG_VERSION, auditwheel $AUDITWHEEL_VERSION, cargo-zigbuild $CARGO_ZIGBUILD_VERSION into $BUILD_VENV"
    mkdir -p "$LBC_CACHE/tools"
    python3 -m venv --clear "$BUILD_VENV"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$BUILD_VENV/bin/python" -m pip install -q \
      "maturin==$MATURIN_VERSION" "ziglang==$ZIGLANG_VERSION" "auditwheel==$AUDITWHEEL_VERSION" \
      "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
  fi
  # cargo-zigbuild on PATH without the rest of the virtual environment (its python3 above all).
  local zigbuild=$BUILD_VENV/cargo-zigbuild-bin
  mkdir -p "$zigbuild"
  ln -sf "$BUILD_VENV/bin/cargo-zigbuild" "$zigbuild/cargo-zigbuild"
  case ":$PATH:" in *":$zigbuild:"*) ;; *) export PATH="$zigbuild:$PATH" ;; esac
  # cargo-zigbuild (and maturin --zig, which embeds it) run `python -m ziglang` with this Python.
  export CARGO_ZIGBUILD_PYTHON_PATH=$BUILD_VENV/bin/python
}

release_dir() {
  if [ -n "$LBC_GLIBC" ]; then echo "$TARGET/$RUST_TRIPLE/release"; else echo "$TARGET/release"; fi
}

release_build() {
  local started=$SECONDS
  if [ -n "$LBC_GLIBC" ]; then
    build_tools
    # strip = false: rustc's default for release (strip = "debuginfo", -Wl,--strip-debug) makes
    # zig's linker drop the symbol table too, and valgrind's suppressions (tests/c/valgrind.supp)
    # match ring's functions by name; a backtrace of a shipped library names its functions too.
    (cd "$ROOT" && CARGO_PROFILE_RELEASE_STRIP=false ${CARGO:-cargo} zigbuild --release --locked \
      --quiet -p lbc-cli -p lbc-ffi --target "$RUST_TRIPLE.$LBC_GLIBC")
    # ... and what rustc's strip would have done, by binutils: the standard library's debug
    # information out (half the size), the symbol table kept. Once: a stripped file has no .debug_info.
    local file
    for file in "$(release_dir)/lbc" "$(release_dir)/libloginbycall.so"; do
      if readelf -S "$file" | grep -q '\.debug_info'; then strip --strip-debug "$file"; fi
    done
  else
    (cd "$ROOT" && ${CARGO:-cargo} build --release --locked --quiet -p lbc-cli -p lbc-ffi)
  fi
  RELEASE_DIR=$(release_dir)
  LBC=$RELEASE_DIR/lbc
  if [ $((SECONDS - started)) -gt 5 ]; then
    echo "release build (glibc ${LBC_GLIBC:-native}): $((SECONDS - started)) s" >&2
  fi
}

# What the wheel is made of: the lock file, every manifest, the binding's pyproject.toml and README,
# the sources of the crates it compiles and its Python package, and the maturin version. By content,
# not by date, so a checkout or a `git stash` does not fool it.
wheel_fingerprint() {
  (
    cd "$ROOT"
    {
      echo "maturin $MATURIN_VERSION glibc ${LBC_GLIBC:-native} ziglang $ZIGLANG_VERSION"
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
  started=$SECONDS
  local maturin=(--release --locked --manifest-path bindings/python/Cargo.toml --out "$wheels")
  if [ -n "$LBC_GLIBC" ]; then
    step "Python: building the wheel (maturin $MATURIN_VERSION --zig, release, abi3, glibc $LBC_GLIBC)"
    build_tools
    maturin=("$BUILD_VENV/bin/maturin" build "${maturin[@]}" --zig --target "$RUST_TRIPLE"
      --compatibility "manylinux_2_${LBC_GLIBC#2.}")
  else
    step "Python: building the wheel (maturin $MATURIN_VERSION, release, abi3, native)"
    local venv=$TARGET/python/build-venv
    mkdir -p "$TARGET/python"
    [ -x "$venv/bin/maturin" ] && "$venv/bin/maturin" --version | grep -q " $MATURIN_VERSION\$" || {
      python3 -m venv --clear "$venv"
      PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q "maturin==$MATURIN_VERSION"
    }
    maturin=("$venv/bin/maturin" build "${maturin[@]}")
  fi
  rm -rf "$wheels"
  # maturin's zig build sets its own linker wrapper and C compiler flags: in release_build's target
  # directory, each of the two would find the other's artifacts stale and rebuild every crate, so
  # the wheel has a target directory of its own.
  local target=$TARGET
  [ -z "$LBC_GLIBC" ] || target=$TARGET/wheel
  (cd "$ROOT" && CARGO_TARGET_DIR=$target nice "${maturin[@]}")
  WHEEL=$(ls "$wheels"/loginbycall-*-abi3-*.whl)
  echo "$fingerprint" >"$wheels/fingerprint"
  echo "built $(basename "$WHEEL") in $((SECONDS - started)) s"
}
