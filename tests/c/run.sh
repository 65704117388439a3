#!/usr/bin/env bash
# The C tests of libloginbycall (run by `make test-c`, after the release build and the header check):
#
#  1. installs the library into a temporary prefix with `make install-lib` and checks it: only lbc_*
#     symbols exported, the SONAME, the symlinks, pkg-config's answers, a Python ctypes smoke test,
#     the names of the C and C++ APIs against vocabulary.json (check-vocabulary.py);
#  2. compiles the C tests, the C++ test of loginbycall.hpp and both examples against the installed
#     copy through pkg-config, linked to the shared library and fully static (`pkg-config --static`,
#     `cc -static`);
#  3. starts `lbc sandbox --listen 127.0.0.1:0` (the release `lbc`, built by `make lib` together with
#     the library), reads its ready line, and stops it at the end, failure or not;
#  4. runs the shared-library programs under valgrind memcheck, and the static ones without it
#     (memcheck cannot replace malloc in a static binary, so it would see no leaks there).
#
# Valgrind: `--errors-for-leak-kinds=definite,indirect`. The Rust standard library keeps a few
# per-thread and once-initialised allocations alive until the process exits (the current thread's
# handle, ureq's resolver setup); memcheck reports them as "possibly lost" / "still reachable",
# which are not leaks of the library and are not counted. tests/c/valgrind.supp holds the one
# kind of suppression: ring's hand-written AES-GCM assembly, which memcheck cannot follow (TLS 1.3
# records rustls encrypts and decrypts, in the TLS rows of test_guarantees).
#
# The thread test (8 threads x 200 call-status on one client, 8 threads signing on shared signers)
# runs under valgrind as well: it takes a few seconds. It is not run under helgrind/DRD, which do
# not understand the futex-based locks of the Rust standard library and report false races.
#
# Needs: cc, c++, make, pkg-config, valgrind, python3, php-cli (FFI), nm and readelf (binutils), cargo;
# installs the Debian packages that are missing (scripts/lib.sh's apt_need).
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
apt_need cc:gcc c++:g++ make:make pkg-config:pkg-config valgrind:valgrind python3:python3 php:php-cli \
    nm:binutils readelf:binutils || exit 1
CARGO="${CARGO:-cargo}"
MAKE="${MAKE:-make}"
CC="${CC:-cc}"
CXX="${CXX:-c++}"
TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}}"
VALGRIND=(valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --error-exitcode=1
    --suppressions="$ROOT/tests/c/valgrind.supp")
CFLAGS=(-std=c99 -Wall -Wextra -Werror -pedantic -g -O1)
CXXFLAGS=(-std=c++17 -Wall -Wextra -Werror -pedantic -g -O1)

work="$(mktemp -d)"
sandbox_pid=""
tls_pid=""
cleanup() {
    if [[ -n "$tls_pid" ]]; then
        kill -TERM "$tls_pid" 2>/dev/null
        wait "$tls_pid" 2>/dev/null
    fi
    if [[ -n "$sandbox_pid" ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
        kill -TERM "$sandbox_pid" 2>/dev/null
        wait "$sandbox_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

prefix="$work/prefix"
build="$work/build"
mkdir -p "$build"
passed=0
failed=0

check() { # check NAME COMMAND...: runs a harness step, counting it
    local name="$1"
    shift
    if "$@" >"$work/step.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok: $name"
    else
        failed=$((failed + 1))
        echo "FAILED: $name"
        sed 's/^/    /' "$work/step.log"
    fi
}

run_test() { # run_test NAME COMMAND...: runs a C test program, adding its own counts
    local name="$1" line p f status
    shift
    echo "== $name"
    "$@" >"$work/test.log" 2>&1
    status=$?
    cat "$work/test.log"
    line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/test.log" | tail -n 1)"
    if [[ -n "$line" ]]; then
        p="${line%% passed*}"
        f="${line#*passed, }"
        f="${f%% failed*}"
        passed=$((passed + p))
        failed=$((failed + f))
    fi
    if [[ $status -ne 0 && ( -z "$line" || "${f:-0}" -eq 0 ) ]]; then
        failed=$((failed + 1)) # a crash, or valgrind's verdict
        echo "FAILED: $name exited with status $status"
    fi
}

cd "$ROOT" || exit 1

# 1. Install and check the installed library.
check "make install-lib PREFIX=<tmp>" "$MAKE" -s install-lib PREFIX="$prefix" CARGO="$CARGO"
libdir="$prefix/lib"
version="$(sed -n '/^\[workspace\.package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)"
major="${version%%.*}"
export PKG_CONFIG_PATH="$libdir/pkgconfig"

only_lbc_symbols() {
    local all others
    all="$(nm -D --defined-only "$libdir/libloginbycall.so" | awk '{print $3}')"
    others="$(grep -v '^lbc_' <<<"$all")"
    [[ -n "$all" && -z "$others" ]] || { echo "exported symbols that are not lbc_*:"; echo "$others"; return 1; }
    echo "$(wc -l <<<"$all") symbols, all lbc_*"
}
soname_is_major() {
    readelf -d "$libdir/libloginbycall.so.$version" | grep -q "SONAME.*\[libloginbycall\.so\.$major\]"
}
links_are_right() {
    [[ "$(readlink "$libdir/libloginbycall.so")" == "libloginbycall.so.$major" &&
       "$(readlink "$libdir/libloginbycall.so.$major")" == "libloginbycall.so.$version" &&
       -f "$libdir/libloginbycall.a" && -f "$prefix/include/loginbycall.h" &&
       -f "$prefix/include/loginbycall.hpp" ]]
}
pkg_config_answers() {
    [[ "$(pkg-config --modversion loginbycall)" == "$version" ]] &&
    [[ "$(pkg-config --cflags loginbycall | xargs)" == "-I$prefix/include" ]] &&
    pkg-config --static --libs loginbycall | grep -q -- '-lpthread -ldl -lm'
}
check "only lbc_* symbols are exported" only_lbc_symbols
check "SONAME is libloginbycall.so.$major" soname_is_major
check "libloginbycall.so -> .so.$major -> .so.$version, .a and both headers installed" links_are_right
check "pkg-config loginbycall: version, cflags, static libs" pkg_config_answers
check "Python ctypes uses the library as it is" python3 tests/c/ctypes_smoke.py \
    "$libdir/libloginbycall.so" tests/vectors/signatures.json
check "the C and C++ names are vocabulary.json's" python3 tests/c/check-vocabulary.py \
    vocabulary.json "$prefix/include/loginbycall.h" "$prefix/include/loginbycall.hpp" \
    "$libdir/libloginbycall.so"

# 2. Compile tests and examples through pkg-config, shared and static.
python3 tests/c/gen_vectors.py tests/vectors/signatures.json >"$build/vectors.inc" || exit 1
read -r -a pc_shared <<<"$(pkg-config --cflags --libs loginbycall)"
read -r -a pc_static <<<"$(pkg-config --static --cflags --libs loginbycall)"
rpath=(-Wl,-rpath,"$libdir")
for t in test_sign test_api test_threads test_php_abi test_guarantees test_log; do
    check "cc $t (shared)" "$CC" "${CFLAGS[@]}" -pthread -I"$build" "tests/c/$t.c" tests/c/support.c \
        "${pc_shared[@]}" "${rpath[@]}" -o "$build/$t"
    check "cc -static $t" "$CC" -static "${CFLAGS[@]}" -pthread -I"$build" "tests/c/$t.c" \
        tests/c/support.c "${pc_static[@]}" -o "$build/$t-static"
done
# The C++ test shares support.c (compiled as C) with the C tests.
read -r -a pc_cflags <<<"$(pkg-config --cflags loginbycall)"
check "cc -c support.c (for the C++ test)" "$CC" "${CFLAGS[@]}" -pthread "${pc_cflags[@]}" \
    -c tests/c/support.c -o "$build/support.o"
check "c++ test_cpp (shared)" "$CXX" "${CXXFLAGS[@]}" -pthread -I"$build" tests/c/test_cpp.cpp \
    "$build/support.o" "${pc_shared[@]}" "${rpath[@]}" -o "$build/test_cpp"
check "c++ -static test_cpp" "$CXX" -static "${CXXFLAGS[@]}" -pthread -I"$build" \
    tests/c/test_cpp.cpp "$build/support.o" "${pc_static[@]}" -o "$build/test_cpp-static"
check "cc examples/c/login.c (shared)" "$CC" "${CFLAGS[@]}" examples/c/login.c "${pc_shared[@]}" \
    "${rpath[@]}" -o "$build/login-c"
check "cc -static examples/c/login.c" "$CC" -static "${CFLAGS[@]}" examples/c/login.c \
    "${pc_static[@]}" -o "$build/login-c-static"
check "c++ examples/cpp/login.cpp (shared)" "$CXX" "${CXXFLAGS[@]}" examples/cpp/login.cpp \
    "${pc_shared[@]}" "${rpath[@]}" -o "$build/login-cpp"
check "c++ -static examples/cpp/login.cpp" "$CXX" -static "${CXXFLAGS[@]}" examples/cpp/login.cpp \
    "${pc_static[@]}" -o "$build/login-cpp-static"
statically_linked() {
    local f
    for f in "$build"/*-static; do
        if readelf -d "$f" 2>/dev/null | grep -q NEEDED; then
            echo "$f is dynamically linked"
            return 1
        fi
    done
}
check "the -static programs need no shared library" statically_linked

# 3. The sandbox: the release `lbc` that `make lib` built with the library.
"${LBC:-$(release_dir)/lbc}" sandbox --listen 127.0.0.1:0 --dial-ms 100 --ring-ms 300 \
    >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 300); do
    [[ -s "$work/sandbox.out" ]] && break
    kill -0 "$sandbox_pid" 2>/dev/null || break
    sleep 0.1
done
ready="$(head -n 1 "$work/sandbox.out")"
if [[ -z "$ready" ]]; then
    echo "FAILED: lbc sandbox printed no ready line"
    cat "$work/sandbox.err"
    echo "test-c: $passed passed, $((failed + 1)) failed"
    exit 1
fi
echo "sandbox: $ready"
eval "$(python3 -c '
import json, shlex, sys
ready = json.loads(sys.argv[1])
account = ready["accounts"][0]
print("export LBC_BASE_URL=%s" % shlex.quote(ready["base_url"]))
print("export LBC_CALL_API_ID=%s" % shlex.quote(account["call_api_id"]))
print("export LBC_API_KEY=%s" % shlex.quote(account["api_key"]))
' "$ready")"
export LBC_USER_IP=203.0.113.9

# A TLS server on loopback whose certificate only its own CA trusts (tls_server.py, openssl).
python3 tests/c/tls_server.py "$work/tls" >"$work/tls.out" 2>"$work/tls.err" &
tls_pid=$!
for _ in $(seq 1 100); do
    [[ -s "$work/tls.out" ]] && break
    kill -0 "$tls_pid" 2>/dev/null || break
    sleep 0.1
done
read -r LBC_TLS_URL LBC_TLS_CA <"$work/tls.out"
export LBC_TLS_URL LBC_TLS_CA

# 4. Run: shared under valgrind, static plainly.
run_test "test_sign (valgrind)" "${VALGRIND[@]}" "$build/test_sign"
run_test "test_api (valgrind)" "${VALGRIND[@]}" "$build/test_api"
run_test "test_threads (valgrind)" "${VALGRIND[@]}" "$build/test_threads"
run_test "test_cpp (valgrind)" "${VALGRIND[@]}" "$build/test_cpp"
run_test "test_php_abi (valgrind)" "${VALGRIND[@]}" "$build/test_php_abi"
run_test "test_guarantees (valgrind)" "${VALGRIND[@]}" "$build/test_guarantees"
run_test "test_log (valgrind)" "${VALGRIND[@]}" "$build/test_log"
run_test "test_sign (static)" "$build/test_sign-static"
run_test "test_api (static)" "$build/test_api-static"
run_test "test_threads (static)" "$build/test_threads-static"
run_test "test_cpp (static)" "$build/test_cpp-static"
run_test "test_php_abi (static)" "$build/test_php_abi-static"
run_test "test_guarantees (static)" "$build/test_guarantees-static"
run_test "test_log (static)" "$build/test_log-static"
run_test "PHP FFI: the installed header and library as they are" php tests/php/ffi_smoke.php \
    "$libdir/libloginbycall.so" "$prefix/include/loginbycall.h" tests/vectors/signatures.json \
    "$version" "$LBC_BASE_URL"
check "examples/c/login.c logs in (valgrind)" python3 tests/c/drive_login.py "$LBC_BASE_URL" \
    "+7 900 444-00-00" 79004440000 "${VALGRIND[@]}" "$build/login-c"
check "examples/cpp/login.cpp logs in (valgrind)" python3 tests/c/drive_login.py "$LBC_BASE_URL" \
    "+7 900 444-01-00" 79004440100 "${VALGRIND[@]}" "$build/login-cpp"
check "examples/c/login.c logs in (static)" python3 tests/c/drive_login.py "$LBC_BASE_URL" \
    "+7 900 444-02-00" 79004440200 "$build/login-c-static"
check "examples/cpp/login.cpp logs in (static)" python3 tests/c/drive_login.py "$LBC_BASE_URL" \
    "+7 900 444-03-00" 79004440300 "$build/login-cpp-static"

echo "test-c: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
