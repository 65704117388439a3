#!/usr/bin/env bash
# Runs inside a Debian root made by scripts/test-legacy.sh (as /in-root.sh, in a chroot): the tree
# under test is in /src, the artifacts of `make dist` in /dist, the pinned Python test tools in
# /opt/venv. No Rust, no zig, no network needed. SUITE and PHP_VERSION say which system this is;
# LBC_LEGACY_PYTHON, LBC_LEGACY_C, LBC_LEGACY_PHP (1 or 0) which parts run.
set -uo pipefail

PREFIX=/opt/loginbycall
WORK=$(mktemp -d /tmp/legacy-XXXXXX)
chmod 755 "$WORK"
failures=()
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    pids=()
}
trap cleanup EXIT

step() { printf '\n==> [%s] %s\n' "$SUITE" "$*"; }
fail() { echo "FAILED: $*"; failures+=("$*"); }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

. /etc/os-release
step "Debian $VERSION_ID ($VERSION_CODENAME): $(ldd --version | head -n 1 | sed 's/.* //') glibc," \
    "$(python3 --version), PHP $(php -r 'echo PHP_VERSION;'), $(gcc --version | head -n 1)"
for tool in cargo rustc zig; do
    if command -v "$tool" >/dev/null; then
        fail "$tool is in the root: the test would not show the artifacts need no toolchain"
    fi
done
WHEEL=$(ls /dist/loginbycall-*-abi3-*.whl)
TARBALL=$(ls /dist/loginbycall-*-x86_64-linux-gnu.tar.gz)
(cd /dist && sha256sum -c --quiet SHA256SUMS) || fail "dist/SHA256SUMS does not match"

# The tarball, installed with its install.sh (the C, PHP and sandbox parts use it).
step "install the tarball: $(basename "$TARBALL") under $PREFIX"
tar -xzf "$TARBALL" -C "$WORK"
unpacked=$(ls -d "$WORK"/loginbycall-*-x86_64-linux-gnu)
(cd "$unpacked" && sha256sum -c --quiet SHA256SUMS) || fail "the tarball's SHA256SUMS do not match"
"$unpacked/install.sh" "$PREFIX" || fail "install.sh $PREFIX"
LBC=$PREFIX/bin/lbc
"$LBC" --version || fail "lbc --version"

# `lbc sandbox` on a free loopback port; sets SANDBOX_URL (…/callapi/v2.0/), CALL_API_ID, API_KEY.
start_sandbox() {
    local out=$WORK/sandbox-$1.out
    "$LBC" sandbox --listen 127.0.0.1:0 --dial-ms "${2:-100}" --ring-ms "${3:-300}" >"$out" 2>"$WORK/sandbox-$1.err" &
    pids+=($!)
    for _ in $(seq 1 100); do [[ -s "$out" ]] && break; sleep 0.1; done
    read -r SANDBOX_URL CALL_API_ID API_KEY < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1]); a = r["accounts"][0]
print(r["base_url"], a["call_api_id"], a["api_key"])' "$(head -n 1 "$out")") ||
        { cat "$WORK/sandbox-$1.err"; return 1; }
}

if [ "${LBC_LEGACY_PYTHON:-1}" = 1 ]; then
    step "Python $(python3 --version | cut -d' ' -f2): pip install $(basename "$WHEEL")[django] (no index: the pinned Django is there)"
    export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1
    if /opt/venv/bin/python -m pip install -q --no-index "$WHEEL[django]"; then
        /opt/venv/bin/python -c 'import django, loginbycall; print("loginbycall", loginbycall.__version__ if hasattr(loginbycall, "__version__") else "", "Django", django.get_version())'
        step "Python: pytest bindings/python/tests against the installed wheel"
        mkdir -p "$WORK/py"
        # pytest with SIGINT handled as a terminal would: started from a background job (`cmd &`
        # in a script), the run inherits SIGINT ignored, which Python then leaves ignored in the
        # children of test_interrupt.py (a handler set here is reset to the default in them).
        pytest=(/opt/venv/bin/python -c 'import signal, sys, pytest
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.exit(pytest.main(sys.argv[1:]))')
        (cd "$WORK/py" && "${pytest[@]}" -p no:cacheprovider -q /src/bindings/python/tests) ||
            fail "Python tests"
        step "Django $(/opt/venv/bin/python -c 'import django; print(django.get_version())'): pytest bindings/python/tests_django"
        (cd /src/bindings/python/tests_django && "${pytest[@]}" -q) || fail "Django tests"
    else
        fail "pip install the wheel with its django extra"
    fi
fi

if [ "${LBC_LEGACY_C:-1}" = 1 ]; then
    step "C and C++: the examples against $PREFIX (pkg-config; shared and -static), logged in through lbc sandbox"
    export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
    read -r -a pc_shared <<<"$(pkg-config --cflags --libs loginbycall)"
    read -r -a pc_static <<<"$(pkg-config --static --cflags --libs loginbycall)"
    ex=$PREFIX/share/loginbycall/examples
    cc -std=c99 -Wall -Wextra -Werror -O1 "$ex/c/login.c" "${pc_shared[@]}" -Wl,-rpath,"$PREFIX/lib" -o "$WORK/login-c" ||
        fail "cc login.c (shared)"
    # (glibc's linker warns that a static program's getaddrinfo and dlopen need glibc's shared
    # libraries at run time: true of any static glibc program, kept in the log.)
    cc -static -std=c99 -Wall -Wextra -Werror -O1 "$ex/c/login.c" "${pc_static[@]}" -o "$WORK/login-c-static" \
        2>"$WORK/static-link.log" || { cat "$WORK/static-link.log"; fail "cc -static login.c"; }
    c++ -std=c++17 -Wall -Wextra -Werror -O1 "$ex/cpp/login.cpp" "${pc_shared[@]}" -Wl,-rpath,"$PREFIX/lib" -o "$WORK/login-cpp" ||
        fail "c++ login.cpp (shared)"
    if start_sandbox c; then
        # The examples read the account and the service from the environment, as tests/c/run.sh gives it.
        export LBC_BASE_URL=$SANDBOX_URL LBC_CALL_API_ID=$CALL_API_ID LBC_API_KEY=$API_KEY LBC_USER_IP=203.0.113.9
        n=0
        for program in login-c login-c-static login-cpp; do
            [ -x "$WORK/$program" ] || continue
            n=$((n + 1))
            if python3 /src/tests/c/drive_login.py "$SANDBOX_URL" "+7 900 555-0$n-00" "79005550${n}00" "$WORK/$program" >"$WORK/$program.log" 2>&1; then
                echo "ok: $program logs in"
            else
                cat "$WORK/$program.log"
                fail "$program does not log in"
            fi
        done
    else
        fail "lbc sandbox did not start"
    fi
fi

if [ "${LBC_LEGACY_PHP:-1}" = 1 ]; then
    PHP_PACKAGE=$PREFIX/share/loginbycall/php
    FPM=/usr/sbin/php-fpm$PHP_VERSION
    step "PHP $PHP_VERSION: PHPUnit $(phpunit --version | grep -o '[0-9][0-9.]*' | head -n 1) (bindings/php/tests) against $PREFIX/lib"
    # The source tree's package and tests, the installed library and lbc.
    (cd /src && LBC_BIN=$LBC LOGINBYCALL_LIB=$PREFIX/lib/libloginbycall.so.0 \
        php -d ffi.enable=1 "$(command -v phpunit)" -c bindings/php/phpunit.xml.dist) || fail "PHPUnit"

    step "PHP $PHP_VERSION: the WordPress plugin: every file parses (php -l), then its PHPUnit (integrations/wordpress/tests/unit)"
    unparsed=0
    while IFS= read -r file; do
        php -l "$file" >"$WORK/lint.out" 2>&1 || { cat "$WORK/lint.out"; unparsed=$((unparsed + 1)); }
    done < <(find /src/integrations/wordpress/loginbycall -name '*.php')
    [ "$unparsed" -eq 0 ] || fail "$unparsed files of the WordPress plugin do not parse on PHP $PHP_VERSION"
    (cd /src && php "$(command -v phpunit)" -c integrations/wordpress/tests/unit/phpunit.xml) || fail "the WordPress plugin's PHPUnit"

    step "PHP $PHP_VERSION: the example site from the installed package under PHP-FPM (preloaded) behind nginx"
    header=$WORK/loginbycall.ffi.h
    # The package's own tool, with no argument: it finds the library under the package's prefix.
    if php "$PHP_PACKAGE/tools/ffi-preload-header.php" >"$header"; then
        grep -m 1 'FFI_LIB' "$header"
        grep -q "#define FFI_LIB \"$PREFIX/lib/libloginbycall.so.0\"" "$header" ||
            fail "ffi-preload-header.php does not name $PREFIX/lib/libloginbycall.so.0"
    else
        fail "php tools/ffi-preload-header.php (no argument) under $PREFIX"
    fi
    www=$WORK/www
    mkdir -p "$www/bindings" "$www/examples" "$WORK/sessions" "$WORK/nginx-tmp"
    # The site as the example lays it out, the package being the installed one.
    ln -s "$PHP_PACKAGE" "$www/bindings/php"
    cp -r /src/examples/php_site "$www/examples/php_site"
    chown -R www-data "$WORK/sessions"
    chmod -R a+rX "$WORK"
    start_sandbox php 200 1000 || fail "lbc sandbox did not start"
    SANDBOX=${SANDBOX_URL%%/callapi/*}
    site_port=$(free_port)
    SITE=http://127.0.0.1:$site_port
    render() {
        sed -e "s|@ROOT@|$www|g" -e "s|@WORK@|$WORK|g" -e "s|@USER@|www-data|g" \
            -e "s|@GROUP@|www-data|g" -e "s|@SOCKET@|$WORK/fpm.sock|g" \
            -e "s|@WORKERS@|2|g" -e "s|@CALL_API_ID@|$CALL_API_ID|g" -e "s|@API_KEY@|$API_KEY|g" \
            -e "s|@BASE_URL@|$SANDBOX/callapi/v2.0/|g" -e "s|@FFI_HEADER@|$header|g" \
            -e "s|@SESSIONS@|$WORK/sessions|g" -e "s|@LISTEN@|127.0.0.1:$site_port|g" \
            -e "s|/etc/php/8\.[0-9]/|/etc/php/$PHP_VERSION/|g" "$1"
    }
    render /src/examples/php_site/deploy/php.ini >"$WORK/php.ini"
    {
        printf '[global]\npid = %s/fpm.pid\nerror_log = %s/fpm.log\nlog_level = notice\ndaemonize = no\n\n' "$WORK" "$WORK"
        render /src/examples/php_site/deploy/fpm-pool.conf
    } >"$WORK/fpm.conf"
    render /src/examples/php_site/deploy/nginx.conf >"$WORK/nginx.conf"
    "$FPM" --nodaemonize --fpm-config "$WORK/fpm.conf" -c "$WORK/php.ini" >"$WORK/fpm.out" 2>&1 &
    pids+=($!)
    /usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' >"$WORK/nginx.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do
        [[ -S "$WORK/fpm.sock" ]] && curl -s -o /dev/null "$SITE/" && break
        sleep 0.1
    done
    login_once() { # login_once MSISDN JAR: one whole login and logout through the site
        local phone=$1 jar=$2 page token got call mask code
        page=$(curl -sS -c "$jar" -b "$jar" "$SITE/") || { echo "GET /"; return 1; }
        token=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)
        [[ -n "$token" ]] || { echo "no form on /: ${page:0:300}"; return 1; }
        got=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
            --data-urlencode "csrf=$token" --data-urlencode "phone=+$phone" "$SITE/call.php")
        [[ "$got" == "303 $SITE/code.php" ]] || { echo "POST /call.php: $got"; return 1; }
        call=$(curl -sS "$SANDBOX/_sandbox/phones/$phone")
        code=$(sed -n 's/.*"code":"\([0-9]*\)".*/\1/p' <<<"$call")
        [[ -n "$code" ]] || { echo "no call to $phone at the sandbox: ${call:0:300}"; return 1; }
        got=$(curl -sS -b "$jar" "$SITE/status.php")
        grep -q '"status"' <<<"$got" || { echo "status: ${got:0:300}"; return 1; }
        got=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
            --data-urlencode "csrf=$token" --data-urlencode "digits=$code" "$SITE/check.php")
        [[ "$got" == "303 $SITE/account.php" ]] || { echo "POST /check.php: $got"; return 1; }
        page=$(curl -sS -c "$jar" -b "$jar" "$SITE/account.php")
        grep -q "<strong id=\"user\">+$phone</strong>" <<<"$page" || { echo "account page: ${page:0:300}"; return 1; }
    }
    if why=$(login_once 79004449900 "$WORK/jar"); then
        echo "ok: a whole login through nginx and PHP-FPM $PHP_VERSION (preloaded package from $PREFIX)"
    else
        fail "a login through PHP-FPM $PHP_VERSION: $why"
        cat "$WORK/fpm.out" "$WORK/fpm.log" "$WORK/nginx-error.log" 2>/dev/null | tail -n 30
    fi
    if grep -Eq 'exited on signal|PHP (Fatal|Warning)|segfault' "$WORK/fpm.log" 2>/dev/null; then
        fail "the FPM log shows a crash or an error"
        grep -E 'exited on signal|PHP (Fatal|Warning)|segfault' "$WORK/fpm.log" | head -n 10
    fi
    cleanup
fi

step "$SUITE: ${#failures[@]} failure(s)"
for f in "${failures[@]}"; do echo "  - $f"; done
[ "${#failures[@]}" -eq 0 ]
