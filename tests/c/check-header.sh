#!/usr/bin/env bash
# Regenerates include/loginbycall.h with the pinned cbindgen into a temporary file and fails on any
# difference from the committed one; then compiles both headers as C99 and C++17 with every warning
# as an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CBINDGEN="${CBINDGEN:-$ROOT/.tools/bin/cbindgen}"
CC="${CC:-cc}"
CXX="${CXX:-c++}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$ROOT"
"$CBINDGEN" --quiet --config lbc-ffi/cbindgen.toml --output "$work/loginbycall.h" lbc-ffi
if ! diff -u include/loginbycall.h "$work/loginbycall.h" >"$work/diff"; then
    cat "$work/diff"
    echo "check-header: include/loginbycall.h is stale: run \`make header\` and commit it" >&2
    exit 1
fi

printf '#include <loginbycall.h>\nint main(void) { return LBC_OK; }\n' >"$work/c99.c"
"$CC" -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude -c "$work/c99.c" -o "$work/c99.o"
printf '#include <loginbycall.h>\n#include <loginbycall.hpp>\nint main() { return LBC_OK; }\n' >"$work/cxx.cpp"
"$CXX" -std=c++17 -Wall -Wextra -Werror -pedantic -Iinclude -c "$work/cxx.cpp" -o "$work/cxx.o"
echo "check-header: include/loginbycall.h is up to date; it compiles as C99 and (with loginbycall.hpp) C++17"
