#!/usr/bin/env bash
# The prebuilt artifacts of `make dist` on the systems legacy sites run: a Debian 11 (bullseye: glibc
# 2.31, PHP 7.4, Python 3.9, Django 4.2 LTS) and a Debian 13 (trixie: PHP 8.4, Python 3.13, the
# current Django) root, made with debootstrap from Debian's packages, with no Rust toolchain (nor
# zig, nor cargo) inside. In each root (chroot, /proc, /dev/shm and /dev/pts mounted and unmounted
# on exit), scripts/legacy/in-root.sh:
#
#   1. installs the wheel from dist/ with its django extra into a virtual environment of the
#      system's python3 and runs the Python tests (bindings/python/tests) and the Django tests
#      (bindings/python/tests_django) against it;
#   2. unpacks the tarball, installs it with its install.sh under a PREFIX, builds the C and C++
#      examples against it (pkg-config, shared and -static) and logs in with each through `lbc
#      sandbox` from the same tarball;
#   3. runs the PHP package's PHPUnit (Debian's phpunit) with the system's PHP against the installed
#      library, then serves the example site from the installed PHP package under the system's
#      PHP-FPM (preloaded, the FFI header written by the package's tools/ffi-preload-header.php)
#      behind nginx, and logs in through it with curl.
#
# Then, in the Debian 11 root only, scripts/test-wordpress.sh runs the WordPress plugin's browser
# suite with PHP-FPM and PHP's command line from the root (PHP 7.4, the oldest the plugin supports;
# LBC_WP_PHP_ROOT), MariaDB, nginx and chromium from this machine.
#
# Servers listen on 127.0.0.1 only. Nothing is fetched while the tests run: the roots are made once,
# with the Debian packages and the pinned Python packages (PyPI) the tests need, and kept as
# tarballs outside the clone in $LBC_CACHE/debootstrap (${XDG_CACHE_HOME:-~/.cache}/loginbycall),
# named by a hash of what is in them, so a change of the package lists makes new ones. The tree under
# test is copied into the root (/src: the clone's files, as `git ls-files` lists them), dist/ too.
#
#   scripts/test-legacy.sh                  both roots; runs `make dist` first unless LBC_DIST=DIR
#   scripts/test-legacy.sh bullseye         one of them
#   scripts/test-legacy.sh --roots [SUITE]  only makes the cached roots that are missing
#   LBC_LEGACY_PHP=0 / LBC_LEGACY_PYTHON=0  leaves a part out (LBC_LEGACY_C=0, LBC_LEGACY_WORDPRESS=0
#                                           likewise)
#
# Needs root (debootstrap, chroot, mount), debootstrap and zstd (apt_need installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

roots_only=0
if [ "${1:-}" = --roots ]; then
  roots_only=1
  shift
fi
SUITES=("$@")
[ "${#SUITES[@]}" -gt 0 ] || SUITES=(bullseye trixie)
MIRROR=${LBC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${LBC_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CACHE=$LBC_CACHE/debootstrap
# What changes the roots: this recipe's version (raise it when the way a root is made changes).
RECIPE=3

if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/test-legacy.sh needs root (debootstrap, chroot, mount)" >&2
  exit 1
fi
apt_need debootstrap:debootstrap zstd:zstd

# The Debian packages of each root, and the Python packages of its virtual environment (pinned).
packages_of() {
  local common="ca-certificates python3 python3-venv gcc g++ libc6-dev pkg-config make curl procps
    openssl redis-server gettext nginx phpunit"
  case "$1" in
    bullseye) echo "$common php7.4-cli php7.4-fpm php7.4-opcache php7.4-mbstring php7.4-xml php7.4-mysql" ;;
    trixie) echo "$common php8.4-cli php8.4-fpm php8.4-opcache php8.4-mbstring php8.4-xml" ;;
  esac
}
python_packages_of() {
  case "$1" in
    # Python 3.9: Django 4.2 LTS, and the last test tools that still support 3.9.
    bullseye) echo "django==4.2.30 pytest==8.4.2 pytest-django==4.11.1 gunicorn==23.0.0 redis==5.2.1" ;;
    # Python 3.13: the current Django.
    trixie) echo "django==$DJANGO_CURRENT pytest==9.2.0 pytest-django==4.14.0 gunicorn==27.0.1 redis==8.1.0" ;;
  esac
}
php_of() {
  case "$1" in bullseye) echo 7.4 ;; trixie) echo 8.4 ;; esac
}

key_of() {
  printf '%s\n' "recipe $RECIPE" "$1" "$MIRROR" "$(packages_of "$1")" "$(python_packages_of "$1")" |
    sha256sum | cut -c1-16
}

# Mounts of the root being used, unmounted (innermost first) on exit.
MOUNTS=()
WORK=""
cleanup() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}" 2>/dev/null || true
  done
  MOUNTS=()
  # Servers a failed run left in a root (chroot's children share our process tree).
  if [ -n "$WORK" ]; then
    local pid
    for pid in $(ls /proc | grep -E '^[0-9]+$'); do
      [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$WORK/root" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_root() { # mount_root ROOT: /proc, /dev/shm, /dev/pts inside ROOT
  local root=$1
  mount -t proc proc "$root/proc" && MOUNTS+=("$root/proc")
  mkdir -p "$root/dev/shm" "$root/dev/pts"
  mount -t tmpfs -o mode=1777 shm "$root/dev/shm" && MOUNTS+=("$root/dev/shm")
  mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts" && MOUNTS+=("$root/dev/pts")
}
unmount_root() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[$i]}" 2>/dev/null || umount -l "${MOUNTS[$i]}"
  done
  MOUNTS=()
}

# Makes the cached tarball of SUITE's root when it is missing.
make_root() {
  local suite=$1 key tarball root started=$SECONDS
  key=$(key_of "$suite")
  tarball=$CACHE/$suite-$key.tar.zst
  ROOT_TARBALL=$tarball
  if [ -f "$tarball" ]; then
    echo "cached: $tarball"
    return 0
  fi
  step "$suite: making the root (debootstrap --variant=minbase, then apt-get install; cached as $tarball)"
  mkdir -p "$CACHE"
  WORK=$(mktemp -d "$CACHE/.make-$suite-XXXXXX")
  root=$WORK/root
  nice debootstrap --variant=minbase "$suite" "$root" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 30 "$WORK/debootstrap.log"; return 1; }
  cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $suite main
deb $MIRROR $suite-updates main
deb $SECURITY_MIRROR $suite-security main
EOF
  # No service starts while packages are installed (nginx, php-fpm, redis are started by the tests).
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount_root "$root"
  local in_root=(chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
    DEBIAN_FRONTEND=noninteractive)
  "${in_root[@]}" apt-get -qq update
  # shellcheck disable=SC2046
  nice "${in_root[@]}" apt-get -qq install -y --no-install-recommends $(packages_of "$suite") \
    >"$WORK/apt.log" 2>&1 || { tail -n 30 "$WORK/apt.log"; return 1; }
  # The CAs this machine trusts beyond Debian's (a proxy's, say), so that pip reaches PyPI as the
  # machine's own pip does.
  if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
    "${in_root[@]}" update-ca-certificates >/dev/null
  fi
  # The Python test tools, pinned, in a virtual environment of the system's python3 (the wheel
  # under test goes in at each run, without the network).
  "${in_root[@]}" python3 -m venv /opt/venv
  # shellcheck disable=SC2046
  "${in_root[@]}" /opt/venv/bin/python -m pip install -q --disable-pip-version-check \
    $(python_packages_of "$suite")
  "${in_root[@]}" apt-get -qq clean
  unmount_root
  rm -rf "$root/var/lib/apt/lists/"* "$root/var/cache/apt/"*.bin "$root/root/.cache"
  if [ -e "$root/root/.cargo" ] || "${in_root[@]}" sh -c 'for t in cargo rustc zig; do command -v $t && exit 0; done; exit 1'; then
    echo "$suite: a Rust or zig toolchain is in the root" >&2
    return 1
  fi
  tar -C "$root" --numeric-owner -cf - . | zstd -q -T0 -3 -o "$tarball.tmp"
  mv "$tarball.tmp" "$tarball"
  rm -rf "$WORK"
  WORK=""
  echo "$suite: root made in $((SECONDS - started)) s ($(du -h "$tarball" | cut -f1))"
}

if [ "$roots_only" -eq 1 ]; then
  for suite in "${SUITES[@]}"; do make_root "$suite"; done
  exit 0
fi

# The artifacts under test.
if [ -n "${LBC_DIST:-}" ]; then
  DIST=$(cd "$LBC_DIST" && pwd)
else
  step "make dist (the artifacts under test)"
  scripts/dist.sh >/dev/null
  DIST=$ROOT/dist
fi
ls "$DIST"/loginbycall-*-abi3-*.whl "$DIST"/loginbycall-*-x86_64-linux-gnu.tar.gz >/dev/null

failed=()
for suite in "${SUITES[@]}"; do
  suite_started=$SECONDS
  [ -n "$(packages_of "$suite")" ] || { echo "unknown suite $suite (bullseye, trixie)" >&2; exit 2; }
  make_root "$suite"

  step "$suite: unpacking the root, the tree under test and dist/"
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/lbc-legacy-$suite-XXXXXX")
  root=$WORK/root
  mkdir -p "$root"
  zstd -q -d -c "$ROOT_TARBALL" | tar -C "$root" -xf -
  # Debian 11's debootstrap writes no /etc/hosts (13's does): `localhost` must resolve, as on any
  # installed system (Django's live server listens on it).
  grep -qs '^127\.0\.0\.1[[:space:]].*\blocalhost\b' "$root/etc/hosts" ||
    printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >>"$root/etc/hosts"
  mkdir -p "$root/src" "$root/dist"
  # The clone's files (tracked, and new ones not ignored): what the tests read, never a build.
  git ls-files -z --cached --others --exclude-standard |
    (cd "$ROOT" && xargs -0 tar --ignore-failed-read -cf - 2>/dev/null) | tar -C "$root/src" -xf -
  cp "$DIST"/* "$root/dist/"
  cp scripts/legacy/in-root.sh "$root/in-root.sh"
  mount_root "$root"
  suite_ok=1
  chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    SUITE="$suite" PHP_VERSION="$(php_of "$suite")" LBC_LEGACY_PYTHON="${LBC_LEGACY_PYTHON:-1}" \
    LBC_LEGACY_C="${LBC_LEGACY_C:-1}" LBC_LEGACY_PHP="${LBC_LEGACY_PHP:-1}" \
    bash /in-root.sh || suite_ok=0
  # The WordPress plugin on the oldest PHP it supports: the browser suite of test-wordpress.sh with
  # PHP-FPM and PHP's command line from this root (MariaDB, nginx, chromium from this machine).
  if [ "$suite" = bullseye ] && [ "${LBC_LEGACY_WORDPRESS:-1}" = 1 ]; then
    step "$suite: WordPress with the plugin on PHP $(php_of "$suite") (scripts/test-wordpress.sh, PHP from the root)"
    LBC_WP_PHP_ROOT=$root scripts/test-wordpress.sh || suite_ok=0
  fi
  if [ "$suite_ok" = 1 ]; then
    step "$suite: passed in $((SECONDS - suite_started)) s"
  else
    failed+=("$suite")
    step "$suite: FAILED after $((SECONDS - suite_started)) s"
  fi
  unmount_root
  cleanup
  WORK=""
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "test-legacy: failed in ${failed[*]}" >&2
  exit 1
fi
step "test-legacy: ${SUITES[*]} passed"
