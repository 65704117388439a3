#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, the Rust workspace, the C ABI (header check,
# C and C++ tests and examples against the installed library, under valgrind), and a short run of
# every fuzz target.
# Installs what it needs first, so it works on a fresh Debian machine. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# Debian packages the C and PHP FFI tests need (gcc and cargo are on the machine image).
need=()
for tool in valgrind:valgrind pkg-config:pkg-config g++:g++ make:make python3:python3 php:php-cli; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool##*:}")
done
if [ "${#need[@]}" -gt 0 ]; then
  step "installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo fmt --check (fuzz/, outside the workspace)"
(cd fuzz && cargo fmt -- --check)

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo doc (broken links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "lbc-sandbox links no HTTP client"
if cargo tree -p lbc-sandbox --locked --prefix none | grep -E '^(ureq|rustls|ring) '; then
  echo "lbc-sandbox depends on an HTTP client stack" >&2
  exit 1
fi

step "cargo test (workspace)"
cargo test --workspace --locked

step "Python binding: the wheel once, pytest on two Python versions, mypy --strict, stubtest"
scripts/test-python.sh

step "Django app: the flow, gunicorn + Redis, chromium, Django 5.2 and 6.x"
scripts/test-django.sh

step "C ABI: header check, C tests and examples under valgrind, PHP FFI"
make test-c

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

step "sandbox dashboard in a real browser (chromium headless)"
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
LBC_SCREENSHOT="$(mktemp -d)/sandbox-dashboard.png" tests/browser/dashboard.sh

step "fuzz targets, a short run each (skipped without a nightly toolchain)"
scripts/fuzz.sh "${LBC_FUZZ_SECONDS:-15}"
