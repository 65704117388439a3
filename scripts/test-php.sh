#!/usr/bin/env bash
# The PHP package's tests (issue 10): the example site under PHP-FPM behind nginx, then PHPUnit.
#
#  1. installs what it needs from Debian when missing (php-cli with FFI, php-fpm, nginx, phpunit,
#     curl, valgrind, python3) — on CI (CI=true) or wherever they are missing;
#  2. installs libloginbycall into a temporary prefix (`make install-lib PREFIX=<tmp>`) and takes `lbc`
#     for its sandbox from the same release build (scripts/lib.sh's release_build);
#  3. deploys examples/php_site and bindings/php into a temporary web root and runs them as a site
#     is run: PHP-FPM (a static pool of $WORKERS workers as www-data, PHP's default
#     ffi.enable=preload, ffi.preload, opcache.preload=bindings/php/preload.php, opcache.preload_user)
#     behind nginx on 127.0.0.1, with `lbc sandbox` as the service (its connection counter,
#     GET /_sandbox/connections, tells how many connections the workers opened);
#  4. with curl and a cookie jar: one whole login, then 200 logins from 20 concurrent clients. It
#     fails on any failed login, a worker crash or fatal error in the FPM log, more connections to
#     the sandbox than there are workers, or a worker whose memory grew (by more than 1 MiB between
#     the first 40 logins and the end);
#  5. PHP-FPM started with a library too old (a 0.0.9 built with cc) must refuse to start, saying so;
#  6. PHPUnit (Debian's phpunit, `php -d ffi.enable=1`), whose bootstrap starts its own sandbox.
#
# Prints PHPUnit's summary line last; exits non-zero on any failure.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CARGO="${CARGO:-cargo}"
MAKE="${MAKE:-make}"
WORKERS="${WORKERS:-4}"
LOGINS="${LOGINS:-200}"
CLIENTS="${CLIENTS:-20}"
SITE_USER="${SITE_USER:-www-data}"

failures=0
fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# 1. What the tests need.
apt_need php:php-cli php-fpm8.2:php-fpm nginx:nginx phpunit:phpunit curl:curl valgrind:valgrind \
    python3:python3 pkg-config:pkg-config make:make || exit 1
FPM="$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm8.* 2>/dev/null | head -n 1)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if ! php -r 'exit(extension_loaded("FFI") && version_compare(PHP_VERSION, "7.4", ">=") ? 0 : 1);'; then
    echo "test-php: PHP 7.4 or newer with FFI is needed" >&2
    exit 1
fi

work="$(mktemp -d)"
chmod 755 "$work"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$ROOT" || exit 1

# 2. The library and the sandbox: the run's one release build (a no-op when scripts/test.sh made it).
step "make install-lib PREFIX=<tmp>; the release lbc for the sandbox"
prefix="$work/prefix"
"$MAKE" -s install-lib PREFIX="$prefix" CARGO="$CARGO" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
release_build 2>"$work/build.log" || { cat "$work/build.log"; exit 1; }
export LOGINBYCALL_LIB="$prefix/lib/libloginbycall.so"
"$MAKE" -s check-php-header || fail "bindings/php/resources/loginbycall.ffi.h is stale"

# 3. The site, deployed.
step "the example site under PHP-FPM ($WORKERS workers, preloaded) behind nginx"
"$LBC" sandbox --listen 127.0.0.1:0 --dial-ms 200 --ring-ms 1000 >"$work/sandbox.out" 2>"$work/sandbox.err" &
pids+=($!)
for _ in $(seq 1 100); do [[ -s "$work/sandbox.out" ]] && break; sleep 0.1; done
ready="$(head -n 1 "$work/sandbox.out")"
[[ -n "$ready" ]] || { cat "$work/sandbox.err"; echo "test-php: lbc sandbox printed no ready line"; exit 1; }
read -r SANDBOX CALL_API_ID API_KEY < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1]); a = r["accounts"][0]
print(r["base_url"].rsplit("/callapi/", 1)[0], a["call_api_id"], a["api_key"])' "$ready")

www="$work/www"
mkdir -p "$www/bindings" "$www/examples" "$work/sessions" "$work/nginx-tmp"
cp -r bindings/php "$www/bindings/php"
rm -rf "$www/bindings/php/tests" "$www/bindings/php/benches"
cp -r examples/php_site "$www/examples/php_site"
# The preload header as the README writes it: no argument (the library found as the package finds
# it), named by its SONAME so that an upgraded library is what FPM loads at its next start.
php bindings/php/tools/ffi-preload-header.php >"$work/loginbycall.ffi.h" || exit 1
if grep -qx "#define FFI_LIB \"$prefix/lib/libloginbycall.so.0\"" "$work/loginbycall.ffi.h"; then
    echo "ok: ffi-preload-header.php with no argument names $prefix/lib/libloginbycall.so.0 (the SONAME)"
else
    fail "the preload header does not name the library by its SONAME: $(grep FFI_LIB "$work/loginbycall.ffi.h")"
fi
ffi_preload="$work/loginbycall.ffi.h"
# The optional log functions' header, when the library has them (the PSR-3 logger under preload).
if php bindings/php/tools/ffi-preload-header.php --log >"$work/loginbycall-log.ffi.h" 2>"$work/log-header.err"; then
    ffi_preload="$ffi_preload:$work/loginbycall-log.ffi.h"
    echo "ok: the library has the log functions; preloaded too"
else
    echo "   (no log functions in this library: $(cat "$work/log-header.err"))"
fi
touch "$work/site.log"
chown -R "$SITE_USER" "$work/sessions" "$work/site.log"
chmod -R a+rX "$work"
site_port="$(free_port)"
SITE="http://127.0.0.1:$site_port"
render() { # render TEMPLATE: the deploy template with this run's values
    sed -e "s|@ROOT@|$www|g" -e "s|@WORK@|$work|g" -e "s|@USER@|$SITE_USER|g" \
        -e "s|@GROUP@|$(id -gn "$SITE_USER")|g" -e "s|@SOCKET@|$work/fpm.sock|g" \
        -e "s|@WORKERS@|$WORKERS|g" -e "s|@CALL_API_ID@|$CALL_API_ID|g" -e "s|@API_KEY@|$API_KEY|g" \
        -e "s|@BASE_URL@|$SANDBOX/callapi/v2.0/|g" \
        -e "s|@FFI_HEADER@|$ffi_preload|g" -e "s|@SESSIONS@|$work/sessions|g" \
        -e "s|@LISTEN@|127.0.0.1:$site_port|g" "$1"
}
render examples/php_site/deploy/php.ini >"$work/php.ini"
{
    printf '[global]\npid = %s/fpm.pid\nerror_log = %s/fpm.log\nlog_level = notice\ndaemonize = no\n\n' "$work" "$work"
    render examples/php_site/deploy/fpm-pool.conf
    # The logins below all come from 127.0.0.1, walk a few number ranges and start 20 at a time
    # (so 20 calls are placed before any code is typed, which the brake reads as pumping): the
    # site's guard is told so. Its defaults stay as they are for every other site.
    printf 'env[LBC_GUARD_FILE] = %s/guard.json\n' "$work"
    # The site's PSR-3 logger (examples/php_site/bootstrap.php's FileLogger), fed through the
    # preloaded log functions when the library has them.
    printf 'env[LBC_LOG_FILE] = %s/site.log\n' "$work"
} >"$work/fpm.conf"
limit=$((LOGINS * 2 + 10))
printf '{"ip_rate": {"calls": %d, "window": 3600}, "range_rate": {"calls": %d, "window": 3600}, "brake_min_calls": %d}\n' \
    "$limit" "$limit" "$limit" >"$work/guard.json"
render examples/php_site/deploy/nginx.conf >"$work/nginx.conf"

"$FPM" --nodaemonize --fpm-config "$work/fpm.conf" -c "$work/php.ini" >"$work/fpm.out" 2>&1 &
fpm_pid=$!
pids+=($fpm_pid)
"$NGINX" -c "$work/nginx.conf" -p "$work" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    [[ -S "$work/fpm.sock" ]] && curl -s -o /dev/null "$SITE/" && break
    sleep 0.1
done
workers() { pgrep -P "$fpm_pid" | sort -n; }
if [[ "$(workers | wc -l)" -ne "$WORKERS" ]]; then
    fail "PHP-FPM did not start $WORKERS workers"
    cat "$work/fpm.out" "$work/fpm.log" 2>/dev/null
fi

# 4. Logins through the site, as a browser does them (the digits come from the sandbox).
redirect_of() { # redirect_of JAR CURL_ARGS...: "STATUS LOCATION" of a request
    local jar="$1"
    shift
    curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" "$@"
}
login_once() { # login_once MSISDN JAR: one whole login and logout; prints what went wrong
    local phone="$1" jar="$2" page token got call mask code
    page="$(curl -sS -c "$jar" -b "$jar" "$SITE/")" || { echo "GET /"; return 1; }
    token="$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)"
    [[ -n "$token" ]] || { echo "no form on /"; return 1; }
    got="$(redirect_of "$jar" --data-urlencode "csrf=$token" --data-urlencode "phone=+$phone" "$SITE/call.php")"
    [[ "$got" == "303 $SITE/code.php" ]] || { echo "POST /call.php: $got"; return 1; }
    call="$(curl -sS "$SANDBOX/_sandbox/phones/$phone")"
    mask="$(sed -n 's/.*"mask":"\([0-9]*\)".*/\1/p' <<<"$call")"
    code="$(sed -n 's/.*"code":"\([0-9]*\)".*/\1/p' <<<"$call")"
    [[ -n "$mask" && -n "$code" ]] || { echo "no call to $phone at the sandbox: ${call:0:300}"; return 1; }
    page="$(curl -sS -c "$jar" -b "$jar" "$SITE/code.php")"
    grep -q "class=\"code\">+${mask:0:${#mask}-${#code}}<b>____</b>" <<<"$page" || { echo "code page: ${page:0:300}"; return 1; }
    got="$(curl -sS -b "$jar" "$SITE/status.php")"
    grep -Eq '"status":\{"code":[0-9]+,"desc":"[a-z]+","final":(true|false)\}' <<<"$got" || { echo "status: ${got:0:300}"; return 1; }
    got="$(redirect_of "$jar" --data-urlencode "csrf=$token" --data-urlencode "digits=$code" "$SITE/check.php")"
    [[ "$got" == "303 $SITE/account.php" ]] || { echo "POST /check.php: $got"; return 1; }
    page="$(curl -sS -c "$jar" -b "$jar" "$SITE/account.php")"
    grep -q "<strong id=\"user\">+$phone</strong>" <<<"$page" || { echo "account page: ${page:0:300}"; return 1; }
    got="$(redirect_of "$jar" --data-urlencode "csrf=$token" "$SITE/logout.php")"
    [[ "$got" == "303 $SITE/" ]] || { echo "POST /logout.php: $got"; return 1; }
    page="$(curl -sS -c "$jar" -b "$jar" "$SITE/account.php" -o /dev/null -w '%{http_code} %{redirect_url}')"
    [[ "$page" == "303 $SITE/" ]] || { echo "still logged in after logout: $page"; return 1; }
}
rss_of_workers() { # the resident memory (KiB) of each worker, one per line, by pid
    local pid
    for pid in $(workers); do
        echo "$pid $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
    done
}
client_loop() { # client_loop N FIRST COUNT: client N's COUNT logins, numbers from FIRST on
    local n="$1" first="$2" count="$3" i ok=0 why
    for ((i = 0; i < count; i++)); do
        if why="$(login_once "$((first + i))" "$work/jar-$n-$i")"; then
            ok=$((ok + 1))
        else
            echo "client $n login $i (+$((first + i))): $why" >>"$work/failed-logins"
        fi
    done
    echo "$ok" >"$work/ok-$n"
}

if why="$(login_once 79004449900 "$work/jar-single")"; then
    echo "ok: a whole login through the site: phone form, code page, live status, digits, account, logout"
else
    fail "a whole login through the site: $why"
fi

run_clients() { # run_clients CLIENTS PER_CLIENT BASE: concurrent clients; prints the logins that worked
    local clients="$1" per="$2" base="$3" n total=0
    for ((n = 0; n < clients; n++)); do
        client_loop "$n" "$((base + n * 100))" "$per" &
    done
    wait # a command substitution's subshell: its only children are the clients
    for ((n = 0; n < clients; n++)); do
        total=$((total + $(cat "$work/ok-$n" 2>/dev/null || echo 0)))
        rm -f "$work/ok-$n"
    done
    echo "$total"
}

# A warm-up (40 logins), then the measured run; the memory of each worker is read in between.
: >"$work/failed-logins"
warm="$(run_clients "$CLIENTS" 2 79005000000)"
rss_of_workers >"$work/rss-before"
started=$(date +%s.%N)
done_logins="$(run_clients "$CLIENTS" $((LOGINS / CLIENTS)) 79006000000)"
elapsed="$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$started" "$(date +%s.%N)")"
rss_of_workers >"$work/rss-after"
if [[ "$warm" -eq $((CLIENTS * 2)) && "$done_logins" -eq "$LOGINS" ]]; then
    echo "ok: $LOGINS logins from $CLIENTS concurrent clients in ${elapsed}s (after $warm to warm up), none failed"
else
    fail "logins that worked: $warm of $((CLIENTS * 2)) (warm-up), $done_logins of $LOGINS"
    head -n 20 "$work/failed-logins"
fi

if grep -Eq 'exited on signal|exited with code [1-9]|PHP (Fatal|Warning)|segfault' "$work/fpm.log" 2>/dev/null; then
    fail "the FPM log shows a crash or an error:"
    grep -E 'exited on signal|exited with code|PHP (Fatal|Warning)|segfault' "$work/fpm.log" | head -n 20
else
    echo "ok: no worker crashed or logged an error (FPM log)"
fi
if [[ "$(workers | wc -l)" -eq "$WORKERS" ]] && diff -q <(cut -d' ' -f1 "$work/rss-before") <(workers) >/dev/null; then
    echo "ok: the same $WORKERS workers served every request"
else
    fail "the workers changed during the run"
fi

if [[ "$ffi_preload" == *:* ]]; then
    requests="$(grep -c '^debug request ' "$work/site.log" 2>/dev/null)"
    if [[ "${requests:-0}" -ge "$LOGINS" ]]; then
        echo "ok: the site's PSR-3 logger got $requests request lines from the workers (preloaded log functions)"
    else
        fail "the site's logger got ${requests:-0} request lines, fewer than the $LOGINS logins"
        head -n 5 "$work/site.log" 2>/dev/null
    fi
fi

# The sandbox's connection counter: the connections that carried an API request (the curl requests
# to /_sandbox/ above are not counted there).
connections="$(curl -sS "$SANDBOX/_sandbox/connections" | python3 -c 'import json, sys; print(json.load(sys.stdin)["api"])')"
if [[ "$connections" -le "$WORKERS" && "$connections" -ge 1 ]]; then
    echo "ok: $connections connections opened to the sandbox for $((LOGINS + CLIENTS * 2 + 1)) logins ($WORKERS workers)"
else
    fail "$connections connections opened to the sandbox by $WORKERS workers"
fi

grew=0
while read -r pid before; do
    after="$(awk -v p="$pid" '$1 == p {print $2}' "$work/rss-after")"
    echo "   worker $pid: ${before} KiB after the warm-up, ${after:-?} KiB after $LOGINS more logins"
    if [[ -z "$after" || $((after - before)) -gt 1024 ]]; then
        grew=1
    fi
done <"$work/rss-before"
if [[ "$grew" -eq 0 ]]; then
    echo "ok: worker memory is flat"
else
    fail "a worker's memory grew by more than 1 MiB"
fi

# Stop the site before the unit tests.
for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
pids=()

# PHP-FPM refuses to start with a library the package cannot use (preload.php checks its version),
# rather than failing on every request: a library whose lbc_version() says 0.0.9, built with cc.
step "PHP-FPM with a too old libloginbycall"
printf 'const char *lbc_version(void) { return "0.0.9"; }\n' >"$work/old.c"
if cc -shared -fPIC -o "$work/libold.so" "$work/old.c" 2>"$work/old.err"; then
    printf 'display_errors = stderr\nhtml_errors = 0\nffi.enable = preload\nopcache.enable = 1\nopcache.preload = %s\nopcache.preload_user = %s\n' \
        "$www/bindings/php/preload.php" "$SITE_USER" >"$work/old.ini"
    printf '[global]\npid = %s/old.pid\nerror_log = %s/old.log\ndaemonize = no\n[old]\nuser = %s\nlisten = %s/old.sock\npm = static\npm.max_children = 1\n' \
        "$work" "$work" "$SITE_USER" "$work" >"$work/old.conf"
    LOGINBYCALL_LIB="$work/libold.so" timeout 20 "$FPM" --nodaemonize --fpm-config "$work/old.conf" -c "$work/old.ini" >"$work/old.out" 2>&1
    status=$?
    if [[ $status -ne 0 && $status -ne 124 ]] && grep -q 'this package needs libloginbycall >= .*, found 0.0.9' "$work/old.out"; then
        echo "ok: PHP-FPM refused to start (exit $status): $(grep -o 'this package needs[^(]*' "$work/old.out" | head -n 1)"
    else
        fail "PHP-FPM with a 0.0.9 library: exit $status"
        head -n 20 "$work/old.out"
    fi
else
    fail "cc could not build a test library: $(cat "$work/old.err")"
fi

# 5. PHPUnit.
phpunit_status=0
if [[ "${SKIP_PHPUNIT:-0}" != 1 ]]; then
    step "PHPUnit (bindings/php/tests)"
    LBC_BIN="$LBC" php -d ffi.enable=1 "$(command -v phpunit)" -c bindings/php/phpunit.xml.dist
    phpunit_status=$?
fi
if [[ $failures -ne 0 ]]; then
    echo "test-php: $failures failure(s) in the FPM + nginx test above"
fi
[[ $failures -eq 0 && $phpunit_status -eq 0 ]]
