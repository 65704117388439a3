#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, the Rust workspace, the Python binding, the Django
# app, the C ABI (header check, C and C++ tests and examples against the installed library, under
# valgrind), `make install`, PHP under PHP-FPM + nginx and PHPUnit, the WordPress plugin in a real
# WordPress (MariaDB, PHP-FPM, nginx, chromium), the dashboard in chromium, `make dist` and its artifacts
# inside Debian 11 and Debian 13 roots (scripts/test-legacy.sh), and a short run of every fuzz target.
# Installs what it needs first, so it works on a fresh Debian machine.
# `.ci/run` calls exactly this.
#
#   scripts/test.sh           everything
#   scripts/test.sh --quick   the inner loop: fmt, clippy, the Rust tests, the Python tests on one
#                             Python (no docs build, no second Python, Django, C, PHP, browser or fuzz)
#
# The release `lbc` and libloginbycall are built once, up front (scripts/lib.sh's release_build, for
# glibc 2.17 with cargo zigbuild), and the C, PHP, install, browser, dist and Debian-root tests use
# those; the Python wheel (maturin --zig, manylinux2014) is built once and shared by the Python,
# Django, dist and Debian-root tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

quick=0
case "${1:-}" in
  "") ;;
  --quick) quick=1 ;;
  *) echo "usage: scripts/test.sh [--quick]" >&2; exit 2 ;;
esac

started=$SECONDS
if [ "${CI:-}" = true ]; then
  # A CI run builds the tests once from nothing: incremental state is never reused, and line tables
  # are all a failing test's backtrace needs (127 s to build the workspace's tests here, 105 s so).
  # Not for local runs, where both would make the next `cargo test` rebuild everything.
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=line-tables-only
fi
timing() { printf '    (%d s so far)\n' "$((SECONDS - started))"; }

# Debian packages the C and PHP FFI tests need (gcc and cargo are on the machine image); the
# other scripts install their own, with the same function, updating the package lists once.
if [ "$quick" -eq 0 ]; then
  apt_need valgrind:valgrind pkg-config:pkg-config g++:g++ make:make python3:python3 php:php-cli
fi
# The store's tests race processes on a real Redis (lbc-tests/tests/store_race.rs).
apt_need redis-server:redis-server

# The Debian 11 and 13 roots of the last step take minutes to make on a machine that has not
# cached them yet (downloads and dpkg, little CPU): made in the background meanwhile, at a low
# priority, each in its own process group so that an early exit stops them.
roots_pids=()
roots_logs=$(mktemp -d)
stop_roots() {
  local pid
  for pid in "${roots_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
}
if [ "$quick" -eq 0 ] && [ "$(id -u)" -eq 0 ]; then
  apt_need debootstrap:debootstrap zstd:zstd
  for suite in bullseye trixie; do
    background_low 10 scripts/test-legacy.sh --roots "$suite" >"$roots_logs/$suite.log" 2>&1
    roots_pids+=("$!")
  done
  trap stop_roots EXIT
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo fmt --check (fuzz/, outside the workspace)"
(cd fuzz && cargo fmt -- --check)

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings
timing

if [ "$quick" -eq 0 ]; then
  step "cargo doc (broken links are errors)"
  RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
fi

step "lbc-sandbox links no HTTP client"
if cargo tree -p lbc-sandbox --locked --prefix none | grep -E '^(ureq|rustls|ring) '; then
  echo "lbc-sandbox depends on an HTTP client stack" >&2
  exit 1
fi

step "lbc-core is the one way in: no CLI or binding depends on lbc-protocol directly"
for crate in lbc-cli lbc-ffi lbc-python lbc-tests; do
  if cargo tree -p "$crate" --locked --edges normal,dev --depth 1 --prefix none | grep -q '^lbc-protocol '; then
    echo "$crate depends on lbc-protocol: reach it as lbc_core::protocol" >&2
    exit 1
  fi
done

step "cargo test (workspace)"
cargo test --workspace --locked
timing

if [ "$quick" -eq 1 ]; then
  step "Python binding: the wheel, pytest, mypy --strict and stubtest on python3 only"
  LBC_ONE_PYTHON=1 scripts/test-python.sh
  step "quick run passed in $((SECONDS - started)) s (scripts/test.sh without --quick runs everything)"
  exit 0
fi

# The fuzz targets (their own sanitized build, then 15 s each) in the background from here, at a low
# priority: the builds ahead keep both cores, and the tests after them, mostly waiting on servers,
# browsers and valgrind's one thread, leave one core to it. Joined, and its output shown, at the end.
fuzz_log=$(mktemp)
background_low 15 scripts/fuzz.sh "${LBC_FUZZ_SECONDS:-15}" >"$fuzz_log" 2>&1
fuzz_pid=$!
stop_background() {
  stop_roots
  kill -TERM -- "-$fuzz_pid" 2>/dev/null || true
}
trap stop_background EXIT

step "the release build, once: lbc and libloginbycall (cargo zigbuild --release -p lbc-cli -p lbc-ffi, glibc ${LBC_GLIBC:-native})"
release_build
timing

# With the Debian roots, Python 3.13 and the current Django's whole suite run in the Debian 13 root with
# the same wheel (the last steps): here, Python 3.11 only, and on the current Django only the tests
# that need a browser (the root has none) and mypy.
one_python=""
[ "${#roots_pids[@]}" -eq 0 ] || one_python=1
step "Python binding: the wheel once, pytest, mypy --strict, stubtest${one_python:+ (Python 3.13: in the Debian 13 root)}"
LBC_ONE_PYTHON=$one_python scripts/test-python.sh
timing

step "Django app: the flow, gunicorn + Redis, chromium, Django 5.2 and 6.x${one_python:+ (6.x: the browser tests and mypy; the rest in the Debian 13 root)}"
LBC_ONE_PYTHON=$one_python scripts/test-django.sh
timing

step "C ABI: header check, C tests and examples under valgrind, PHP FFI"
make test-c
timing

step "make install puts a working lbc in PREFIX/bin"
tmp=$(mktemp -d)
make -s install PREFIX="$tmp" >/dev/null
"$tmp/bin/lbc" --version
"$tmp/bin/lbc" --json demo --auto >/dev/null
make -s uninstall PREFIX="$tmp" >/dev/null
test ! -e "$tmp/bin/lbc"
rm -rf "$tmp"

step "PHP: the example site under PHP-FPM + nginx, then PHPUnit"
scripts/test-php.sh
timing

step "PHP-FPM (12 workers) with sessions in Redis without locking and in files: 60 racing guesses, max_attempts judged"
tests/php/fpm-sessions.sh
timing

step "WordPress plugin: WordPress on MariaDB under PHP-FPM + nginx, chromium, PHPUnit"
scripts/test-wordpress.sh
timing

step "sandbox dashboard in a real browser (chromium headless)"
LBC_SCREENSHOT="$(mktemp -d)/sandbox-dashboard.png" tests/browser/dashboard.sh

step "make dist: the manylinux2014 wheel, the sdist, the prebuilt tarball, SHA256SUMS (glibc <= 2.17 checked)"
make -s dist
timing

step "the Debian 11 and 13 roots (made in the background since the start, or cached)"
for i in "${!roots_pids[@]}"; do
  wait "${roots_pids[$i]}" || { cat "$roots_logs"/*.log; echo "making a Debian root failed" >&2; exit 1; }
done
roots_pids=()
cat "$roots_logs"/*.log 2>/dev/null || true
timing

step "the artifacts of make dist in Debian 11 (PHP 7.4, Python 3.9, Django 4.2) and Debian 13 (PHP 8.4, Python 3.13) roots"
LBC_DIST="$PWD/dist" scripts/test-legacy.sh
timing

step "fuzz targets, a short run each (in the background since the Rust tests; skipped without a nightly toolchain)"
fuzz_status=0
wait "$fuzz_pid" || fuzz_status=$?
cat "$fuzz_log"
[ "$fuzz_status" -eq 0 ] || { echo "the fuzz run failed (exit $fuzz_status)" >&2; exit 1; }

step "every test passed in $((SECONDS - started)) s"
