# libloginbycall: build, install and test the C ABI (lbc-ffi) with its headers.
#
#   make                      build the library and `lbc` (cargo build --release -p lbc-cli -p lbc-ffi: one
#                             build for both, the same one scripts/lib.sh's release_build makes, so that
#                             cargo unifies their features once and compiles nothing twice)
#   make LBC_GLIBC=2.17       the same, for glibc 2.17 and later (cargo zigbuild, zig from PyPI's ziglang;
#                             scripts/lib.sh's release_build installs the pinned tools outside the
#                             clone): what the tests run (scripts/lib.sh exports LBC_GLIBC=2.17) and
#                             what `make dist` ships
#   make dist                 scripts/dist.sh: dist/ with the manylinux2014 wheel, the sdist, the
#                             prebuilt tarball (library, headers, lbc, PHP package, install.sh) and
#                             SHA256SUMS
#   make install PREFIX=...   install lib/, include/, lib/pkgconfig/loginbycall.pc and bin/lbc (DESTDIR
#                             honoured); install-lib / install-cli do one half each
#   make uninstall PREFIX=...
#   make header               regenerate include/loginbycall.h with the pinned cbindgen, then the PHP
#                             package's FFI header from it (php-header)
#   make php-header           regenerate bindings/php/resources/loginbycall.ffi.h from include/loginbycall.h
#   make check-header         fail when the committed header differs from a fresh one; compile it as C99
#                             and C++17; then check-php-header
#   make check-php-header     fail when the committed FFI header differs from one made from include/
#   make test-c               everything above, then the C tests and examples against an installed copy
#                             and a running `lbc sandbox` (the release one), under valgrind
#
# cargo's output goes to target/ unless CARGO_TARGET_DIR says otherwise. The pinned cbindgen is
# installed under .tools/ (not committed).

CARGO ?= cargo
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=
INSTALL ?= install
PHP ?= php

CBINDGEN_VERSION := 0.29.4
TOOLS_DIR := $(CURDIR)/.tools
CBINDGEN := $(TOOLS_DIR)/bin/cbindgen

TARGET_DIR := $(if $(CARGO_TARGET_DIR),$(CARGO_TARGET_DIR),$(CURDIR)/target)
# Empty: a native cargo build in target/release. A glibc version (2.17): cargo zigbuild for that glibc,
# through scripts/lib.sh's release_build, in target/x86_64-unknown-linux-gnu/release.
LBC_GLIBC ?=
export LBC_GLIBC
RELEASE_DIR := $(if $(LBC_GLIBC),$(TARGET_DIR)/x86_64-unknown-linux-gnu/release,$(TARGET_DIR)/release)

# The version of the workspace ([workspace.package] in Cargo.toml): the library's file name and SONAME.
VERSION := $(shell sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' $(CURDIR)/Cargo.toml)
MAJOR := $(firstword $(subst ., ,$(VERSION)))

# loginbycall.pc says ${prefix}/... where it can, so a DESTDIR staging tree can be moved.
PC_LIBDIR := $(patsubst $(PREFIX)/%,$${exec_prefix}/%,$(LIBDIR))
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))

LIB_REAL := libloginbycall.so.$(VERSION)
LIB_SONAME := libloginbycall.so.$(MAJOR)

.PHONY: all lib install install-lib uninstall uninstall-lib header check-header cbindgen test-c php-header check-php-header

all: lib

# `lib` and `cli` are the same build: built apart, the two would differ in features and rebuild
# the shared dependencies.
RELEASE_BUILD = $(if $(LBC_GLIBC),bash -c '. "$(CURDIR)/scripts/lib.sh" && release_build',$(CARGO) build --release -p lbc-cli -p lbc-ffi)

lib:
	$(RELEASE_BUILD)

install: install-lib install-cli

# The library, headers and pkg-config file alone (what the C and PHP tests install).
install-lib: lib
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 0755 $(RELEASE_DIR)/libloginbycall.so $(DESTDIR)$(LIBDIR)/$(LIB_REAL)
	ln -sf $(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libloginbycall.so
	$(INSTALL) -m 0644 $(RELEASE_DIR)/libloginbycall.a $(DESTDIR)$(LIBDIR)/libloginbycall.a
	$(INSTALL) -m 0644 include/loginbycall.h include/loginbycall.hpp $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(PC_LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    lbc-ffi/loginbycall.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/loginbycall.pc
	chmod 0644 $(DESTDIR)$(PKGCONFIGDIR)/loginbycall.pc

uninstall: uninstall-lib uninstall-cli

uninstall-lib:
	rm -f $(DESTDIR)$(LIBDIR)/$(LIB_REAL) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME) \
	      $(DESTDIR)$(LIBDIR)/libloginbycall.so $(DESTDIR)$(LIBDIR)/libloginbycall.a \
	      $(DESTDIR)$(INCLUDEDIR)/loginbycall.h $(DESTDIR)$(INCLUDEDIR)/loginbycall.hpp \
	      $(DESTDIR)$(PKGCONFIGDIR)/loginbycall.pc

# The pinned cbindgen, (re)installed when missing or of another version.
cbindgen:
	@if ! "$(CBINDGEN)" --version 2>/dev/null | grep -qx 'cbindgen $(CBINDGEN_VERSION)'; then \
	    echo "installing cbindgen $(CBINDGEN_VERSION) into $(TOOLS_DIR)"; \
	    $(CARGO) install cbindgen --version $(CBINDGEN_VERSION) --locked --force --root "$(TOOLS_DIR)"; \
	fi

header: cbindgen
	$(CBINDGEN) --quiet --config lbc-ffi/cbindgen.toml --output include/loginbycall.h lbc-ffi
	$(MAKE) --no-print-directory php-header

check-header: cbindgen
	CBINDGEN="$(CBINDGEN)" tests/c/check-header.sh
	$(MAKE) --no-print-directory check-php-header

# The PHP package's FFI header: include/loginbycall.h without preprocessor lines, naming the library by
# its SONAME (bindings/php/tools/ffi-header.php).
PHP_FFI_HEADER := bindings/php/resources/loginbycall.ffi.h

php-header:
	$(PHP) bindings/php/tools/ffi-header.php include/loginbycall.h $(LIB_SONAME) > $(PHP_FFI_HEADER).tmp
	mv $(PHP_FFI_HEADER).tmp $(PHP_FFI_HEADER)

check-php-header:
	$(PHP) bindings/php/tools/ffi-header.php include/loginbycall.h $(LIB_SONAME) --check $(PHP_FFI_HEADER)

test-c: lib check-header
	CARGO="$(CARGO)" TARGET_DIR="$(TARGET_DIR)" LBC="$(RELEASE_DIR)/lbc" tests/c/run.sh

# Always for glibc 2.17, whatever LBC_GLIBC says: the artifacts are for old servers too.
.PHONY: dist
dist:
	LBC_GLIBC=2.17 scripts/dist.sh

# The `lbc` command (lbc-cli): `make install` puts it in $(BINDIR) beside the library.
BINDIR ?= $(PREFIX)/bin

.PHONY: cli install-cli uninstall-cli

cli:
	$(RELEASE_BUILD)

install-cli: cli
	$(INSTALL) -d $(DESTDIR)$(BINDIR)
	$(INSTALL) -m 0755 $(RELEASE_DIR)/lbc $(DESTDIR)$(BINDIR)/lbc

uninstall-cli:
	rm -f $(DESTDIR)$(BINDIR)/lbc
