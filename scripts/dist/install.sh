#!/bin/sh
# Installs libloginbycall @VERSION@ (prebuilt for x86_64 Linux, glibc 2.17 or later) under a PREFIX:
# no compiler, no Rust, only sh and coreutils.
#
#   ./install.sh [PREFIX]              default /usr/local; DESTDIR=/staging honoured
#   ./install.sh --uninstall [PREFIX]  removes what it installed
#
#   PREFIX/bin/lbc                               the command (sandbox, demo, calls)
#   PREFIX/lib/libloginbycall.so.@VERSION@            the library, with the links
#   PREFIX/lib/libloginbycall.so.@MAJOR@ -> …           (its SONAME) and libloginbycall.so -> …
#   PREFIX/lib/libloginbycall.a                  the static library
#   PREFIX/lib/pkgconfig/loginbycall.pc          pkg-config (prefix=PREFIX)
#   PREFIX/include/loginbycall.h, loginbycall.hpp
#   PREFIX/share/loginbycall/php                 the PHP package (finds PREFIX/lib by itself)
#   PREFIX/share/loginbycall/examples            the C and C++ examples
#   PREFIX/share/doc/loginbycall                 README.md, INSTALL, LICENSE-MIT, LICENSE-APACHE
set -eu
here=$(cd "$(dirname "$0")" && pwd)
uninstall=0
if [ "${1:-}" = --uninstall ]; then
    uninstall=1
    shift
fi
PREFIX=${1:-${PREFIX:-/usr/local}}
case $PREFIX in
    /*) ;;
    *) echo "install.sh: PREFIX must be an absolute path, not $PREFIX" >&2; exit 2 ;;
esac
case $PREFIX in
    *'|'* | *'
'*) echo "install.sh: PREFIX may not hold | or a line break" >&2; exit 2 ;;
esac
dest=${DESTDIR:-}$PREFIX

if [ "$uninstall" -eq 1 ]; then
    rm -f "$dest/bin/lbc" "$dest/lib/libloginbycall.so.@VERSION@" "$dest/lib/libloginbycall.so.@MAJOR@" \
        "$dest/lib/libloginbycall.so" "$dest/lib/libloginbycall.a" "$dest/lib/pkgconfig/loginbycall.pc" \
        "$dest/include/loginbycall.h" "$dest/include/loginbycall.hpp"
    rm -rf "$dest/share/loginbycall" "$dest/share/doc/loginbycall"
    echo "removed libloginbycall @VERSION@ from $dest"
    exit 0
fi

mkdir -p "$dest/bin" "$dest/lib/pkgconfig" "$dest/include" "$dest/share/loginbycall" \
    "$dest/share/doc/loginbycall"
install -m 0755 "$here/bin/lbc" "$dest/bin/lbc"
install -m 0755 "$here/lib/libloginbycall.so.@VERSION@" "$dest/lib/libloginbycall.so.@VERSION@"
ln -sf "libloginbycall.so.@VERSION@" "$dest/lib/libloginbycall.so.@MAJOR@"
ln -sf "libloginbycall.so.@MAJOR@" "$dest/lib/libloginbycall.so"
install -m 0644 "$here/lib/libloginbycall.a" "$dest/lib/libloginbycall.a"
install -m 0644 "$here/include/loginbycall.h" "$here/include/loginbycall.hpp" "$dest/include/"
sed "s|^prefix=.*|prefix=$PREFIX|" "$here/lib/pkgconfig/loginbycall.pc" >"$dest/lib/pkgconfig/loginbycall.pc"
chmod 0644 "$dest/lib/pkgconfig/loginbycall.pc"
rm -rf "$dest/share/loginbycall/php" "$dest/share/loginbycall/examples"
cp -R "$here/share/loginbycall/php" "$here/share/loginbycall/examples" "$dest/share/loginbycall/"
install -m 0644 "$here/README.md" "$here/INSTALL" "$here/LICENSE-MIT" "$here/LICENSE-APACHE" \
    "$dest/share/doc/loginbycall/"

echo "installed libloginbycall @VERSION@ under $dest"
case $PREFIX in
    /usr | /usr/local) echo "run ldconfig so that programs find libloginbycall.so.@MAJOR@" ;;
    *) echo "programs find $PREFIX/lib/libloginbycall.so.@MAJOR@ by an rpath (-Wl,-rpath,$PREFIX/lib), LD_LIBRARY_PATH or /etc/ld.so.conf.d; PHP by itself (see INSTALL)" ;;
esac
