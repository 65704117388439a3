#!/usr/bin/env bash
# `make dist`: the prebuilt artifacts, in dist/ (DIST=... elsewhere):
#
#   loginbycall-VERSION-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#       the Python binding for CPython 3.9 and later (abi3), built with `maturin build --zig` for
#       glibc 2.17; `auditwheel show` must call it manylinux_2_17 (manylinux2014)
#   loginbycall-VERSION.tar.gz
#       the sdist (`pip install` builds it with cargo: the way in for other platforms)
#   loginbycall-VERSION-x86_64-linux-gnu.tar.gz
#       libloginbycall (shared, with its SONAME and links, and static), the C and C++ headers, the
#       pkg-config file, `lbc`, the PHP package (share/loginbycall/php, its FFI header naming the
#       library by SONAME), the C and C++ examples, the LICENSE files, INSTALL and install.sh, which
#       puts it all under a PREFIX with no compiler
#   loginbycall-wordpress-VERSION.zip
#       the WordPress plugin (integrations/wordpress/build.sh) with the PHP package inside, for
#       Plugins -> Add New -> Upload; the library comes from the tarball above
#   SHA256SUMS
#       the SHA-256 of each file above (`sha256sum -c SHA256SUMS` in dist/)
#
# The library and `lbc` come from scripts/lib.sh's release_build with LBC_GLIBC=2.17 (cargo zigbuild,
# zig from PyPI's ziglang): every ELF file shipped, the wheel's extension included, must need no
# glibc symbol newer than 2.17 (objdump -T), or this script fails. The tools are pinned in
# scripts/lib.sh and installed once outside the clone (build_tools). The builds are the ones the tests
# use: after scripts/test.sh, `make dist` only packs.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if [ "${LBC_GLIBC:-}" != 2.17 ]; then
  echo "scripts/dist.sh builds for glibc 2.17 (LBC_GLIBC=2.17), not '${LBC_GLIBC:-native}'" >&2
  exit 2
fi
apt_need objdump:binutils readelf:binutils

DIST=${DIST:-$ROOT/dist}
VERSION=$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
MAJOR=${VERSION%%.*}
NAME=loginbycall-$VERSION-x86_64-linux-gnu
started=$SECONDS

# Every dynamic glibc symbol version FILE needs, newest last.
glibc_versions() { objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sort -u -V; }
# Fails when an ELF file under $1 (or the file $1) needs a glibc newer than LBC_GLIBC.
check_glibc() {
  local file newest bad=0
  while IFS= read -r -d '' file; do
    [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    # Dynamically linked ELF files only (a static library's objects need no glibc version).
    [ -n "$(readelf -d "$file" 2>/dev/null | grep NEEDED || true)" ] || continue
    newest=$(glibc_versions "$file" | tail -n 1)
    newest=${newest#GLIBC_}
    if [ -z "$newest" ] || [ "$(printf '%s\n%s\n' "$newest" "$LBC_GLIBC" | sort -V | tail -n 1)" = "$LBC_GLIBC" ]; then
      echo "ok: ${file#"$2"/} needs glibc ${newest:-(none)}"
    else
      echo "FAILED: ${file#"$2"/} needs glibc $newest, newer than $LBC_GLIBC:" >&2
      objdump -T "$file" | grep -E "GLIBC_$newest( |\$)" >&2 || true
      bad=1
    fi
  done < <(find "$1" -type f -print0 | sort -z)
  return "$bad"
}

step "the release build for glibc $LBC_GLIBC: lbc and libloginbycall (cargo zigbuild)"
release_build

step "the wheel (maturin --zig, manylinux_2_17) and the sdist"
build_wheel
rm -rf "$DIST"
mkdir -p "$DIST"
cp "$WHEEL" "$DIST/"
WHEEL_NAME=$(basename "$WHEEL")
"$BUILD_VENV/bin/maturin" sdist --manifest-path bindings/python/Cargo.toml --out "$DIST" >/dev/null
SDIST_NAME=loginbycall-$VERSION.tar.gz
test -f "$DIST/$SDIST_NAME"
listing=$(tar -tzf "$DIST/$SDIST_NAME")
for file in pyproject.toml Cargo.lock lbc-core/Cargo.toml lbc-protocol/Cargo.toml lbc-sandbox/Cargo.toml bindings/python/Cargo.toml; do
  grep -qx "loginbycall-$VERSION/$file" <<<"$listing" || { echo "the sdist lacks $file" >&2; exit 1; }
done

step "auditwheel show $WHEEL_NAME"
"$BUILD_VENV/bin/auditwheel" show "$DIST/$WHEEL_NAME" | tee "$DIST/.auditwheel"
# auditwheel wraps its lines: read the platform tag off the joined text.
tr -s ' \n' ' ' <"$DIST/.auditwheel" | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"' ||
  { echo "auditwheel does not call the wheel manylinux_2_17 (manylinux2014)" >&2; exit 1; }
rm -f "$DIST/.auditwheel"
case "$WHEEL_NAME" in
  *-cp39-abi3-*manylinux2014_x86_64*.whl) ;;
  *) echo "the wheel's tags are not cp39-abi3 manylinux2014: $WHEEL_NAME" >&2; exit 1 ;;
esac
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
(cd "$unpacked" && python3 -m zipfile -e "$DIST/$WHEEL_NAME" wheel)
check_glibc "$unpacked/wheel" "$unpacked/wheel"

step "$NAME.tar.gz"
stage=$unpacked/stage
# `make install` lays the library, headers, pkg-config file and lbc out (from the build above).
make -s install PREFIX=/usr/local DESTDIR="$stage" >/dev/null
mv "$stage/usr/local" "$unpacked/$NAME"
rm -rf "$stage"
top=$unpacked/$NAME
# Relocatable where it is unpacked; install.sh writes the absolute PREFIX instead.
sed -i 's|^prefix=.*|prefix=${pcfiledir}/../..|' "$top/lib/pkgconfig/loginbycall.pc"
mkdir -p "$top/share/loginbycall/examples"
cp -r bindings/php "$top/share/loginbycall/php"
rm -rf "$top/share/loginbycall/php/tests" "$top/share/loginbycall/php/benches" \
  "$top/share/loginbycall/php/phpunit.xml.dist"
grep -qx "#define FFI_LIB \"libloginbycall.so.$MAJOR\"" "$top/share/loginbycall/php/resources/loginbycall.ffi.h" ||
  { echo "the PHP package's FFI header does not name libloginbycall.so.$MAJOR" >&2; exit 1; }
cp -r examples/c examples/cpp "$top/share/loginbycall/examples/"
cp LICENSE-MIT LICENSE-APACHE README.md "$top/"
sed -e "s|@VERSION@|$VERSION|g" -e "s|@MAJOR@|$MAJOR|g" scripts/dist/INSTALL >"$top/INSTALL"
sed -e "s|@VERSION@|$VERSION|g" -e "s|@MAJOR@|$MAJOR|g" scripts/dist/install.sh >"$top/install.sh"
chmod 0755 "$top/install.sh"
check_glibc "$top" "$unpacked"
# Nothing the shipped files need beyond glibc's own libraries.
for elf in "$top/bin/lbc" "$top/lib/libloginbycall.so.$VERSION"; do
  others=$(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
    grep -Ev '^(libc|libm|libdl|libpthread|librt|libgcc_s|libutil)\.so\.[0-9]+$|^ld-linux-x86-64\.so\.2$' || true)
  [ -z "$others" ] || { echo "${elf#"$unpacked"/} needs $others" >&2; exit 1; }
done
(cd "$top" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)
# Reproducible: sorted, owned by root, dated by the last commit.
mtime=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$mtime" -C "$unpacked" -cf - "$NAME" |
  gzip -n -9 >"$DIST/$NAME.tar.gz"

step "the tarball installs with no compiler: install.sh PREFIX, then lbc and pkg-config"
check=$unpacked/check
mkdir -p "$check"
tar -xzf "$DIST/$NAME.tar.gz" -C "$check"
"$check/$NAME/install.sh" "$check/prefix" >/dev/null
"$check/prefix/bin/lbc" --version
"$check/prefix/bin/lbc" --json demo --auto >/dev/null
[ "$(readlink "$check/prefix/lib/libloginbycall.so.$MAJOR")" = "libloginbycall.so.$VERSION" ]
if command -v pkg-config >/dev/null; then
  [ "$(PKG_CONFIG_PATH=$check/prefix/lib/pkgconfig pkg-config --variable=libdir loginbycall)" = "$check/prefix/lib" ]
fi

step "loginbycall-wordpress-$VERSION.zip: the WordPress plugin, with the PHP package (integrations/wordpress/build.sh)"
PLUGIN_ZIP=loginbycall-wordpress-$VERSION.zip
integrations/wordpress/build.sh "$unpacked/wordpress/loginbycall"
grep -q "^ \* Version: *$VERSION\$" "$unpacked/wordpress/loginbycall/loginbycall.php" ||
  { echo "the plugin's header does not say Version: $VERSION" >&2; exit 1; }
(cd "$unpacked/wordpress" && python3 -m zipfile -c "$DIST/$PLUGIN_ZIP" loginbycall)
# grep without -q reads the whole listing: with -q it could stop first and, under pipefail, the
# listing's broken pipe would read as "not found".
python3 -m zipfile -l "$DIST/$PLUGIN_ZIP" | grep 'loginbycall/vendor/loginbycall/autoload.php' >/dev/null ||
  { echo "$PLUGIN_ZIP lacks the PHP package" >&2; exit 1; }

(cd "$DIST" && sha256sum "$WHEEL_NAME" "$SDIST_NAME" "$NAME.tar.gz" "$PLUGIN_ZIP" >SHA256SUMS)
step "dist/ in $((SECONDS - started)) s"
(cd "$DIST" && ls -l && cat SHA256SUMS)
