#!/usr/bin/env bash
# The deployment test of issue 15: SessionLogin under PHP-FPM with 12 static workers behind nginx,
# its sessions in Redis WITHOUT locking (phpredis, `redis.session.locking_enabled=0`), then in files.
# For each, 3 runs of: one login started with a session cookie, 60 parallel wrong guesses with that
# one cookie, then the right code. Each run must judge exactly max_attempts (3) guesses (the
# rejections say 2 then 1 attempts left, every other guess is locked) and refuse the right code
# after the lock; the session never holds a user.
#
# Starts its own `lbc sandbox`, redis-server, php-fpm (two pools: redis, files) and nginx on free
# loopback ports, and stops them all at the end. Needs: php-cli with FFI, php-fpm, php-redis,
# redis-server, nginx, curl, python3, cargo (Debian packages; installed when missing and root).
# Prints `N passed, N failed` last; exits non-zero on any failure.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARGO="${CARGO:-cargo}"
MAKE="${MAKE:-make}"
TARGET_DIR="${TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}}"
WORKERS="${WORKERS:-12}"
GUESSES="${GUESSES:-60}"
RUNS="${RUNS:-3}"
MAX_ATTEMPTS=3

if [[ -f "$ROOT/scripts/lib.sh" ]]; then
    # shellcheck source=/dev/null
    source "$ROOT/scripts/lib.sh"
fi

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds
    local tries=$(($1 * 10))
    shift
    while ((tries-- > 0)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# 1. What it needs.
need=()
for tool in php:php-cli nginx:nginx redis-server:redis-server curl:curl python3:python3; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || [[ -x "/usr/sbin/${tool%%:*}" ]] || need+=("${tool##*:}")
done
ls /usr/sbin/php-fpm8.* >/dev/null 2>&1 || command -v php-fpm >/dev/null 2>&1 || need+=(php-fpm)
php -r 'exit(extension_loaded("redis") ? 0 : 1);' 2>/dev/null || need+=(php-redis)
if [[ ${#need[@]} -gt 0 ]]; then
    if [[ "$(id -u)" -ne 0 ]]; then
        echo "fpm-sessions: install ${need[*]} (Debian packages)" >&2
        exit 1
    fi
    echo "installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null || exit 1
fi
FPM="$(command -v php-fpm8.2 || command -v php-fpm || ls /usr/sbin/php-fpm8.* 2>/dev/null | head -n 1)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

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

# 2. The library, the sandbox, Redis.
prefix="$work/prefix"
"$MAKE" -s install-lib PREFIX="$prefix" CARGO="$CARGO" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
# The run's one release build (lbc and the library together; a no-op after scripts/test.sh's).
release_build 2>"$work/build.log" || { cat "$work/build.log"; exit 1; }
"$LBC" sandbox --listen 127.0.0.1:0 --dial-ms 100 --ring-ms 300 \
    >"$work/sandbox.out" 2>"$work/sandbox.err" &
pids+=($!)
wait_for 30 test -s "$work/sandbox.out" || { echo "no sandbox"; cat "$work/sandbox.err"; exit 1; }
eval "$(python3 -c '
import json, shlex, sys
ready = json.loads(sys.argv[1])
account = ready["accounts"][0]
print("BASE_URL=%s" % shlex.quote(ready["base_url"]))
print("CALL_API_ID=%s" % shlex.quote(account["call_api_id"]))
print("API_KEY=%s" % shlex.quote(account["api_key"]))
' "$(head -n 1 "$work/sandbox.out")")"
SANDBOX="${BASE_URL%%/callapi/*}"

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    >"$work/redis.log" 2>&1 &
pids+=($!)
wait_for 10 redis-cli -p "$redis_port" ping || { echo "no redis-server"; cat "$work/redis.log"; exit 1; }

# 3. The pages, PHP-FPM (one pool per session handler) and nginx.
SITE_USER="$(id -un)"
[[ "$(id -u)" -eq 0 ]] && SITE_USER="${SITE_USER_AS_ROOT:-www-data}"
www="$work/www"
mkdir -p "$www/bindings" "$www/tests/php" "$work/sessions" "$work/nginx-tmp"
cp -r bindings/php "$www/bindings/php"
rm -rf "$www/bindings/php/tests" "$www/bindings/php/benches"
cp -r tests/php/fpm-sessions "$www/tests/php/fpm-sessions"
chown -R "$SITE_USER" "$work/sessions"
chmod -R a+rX "$work"
printf 'ffi.enable = 1\nopcache.enable = 1\n' >"$work/php.ini"
{
    printf '[global]\npid = %s/fpm.pid\nerror_log = %s/fpm.log\ndaemonize = no\n' "$work" "$work"
    for handler in redis files; do
        if [[ "$handler" == redis ]]; then
            path="tcp://127.0.0.1:$redis_port"
        else
            path="$work/sessions"
        fi
        cat <<POOL
[$handler]
user = $SITE_USER
group = $(id -gn "$SITE_USER")
listen = $work/fpm-$handler.sock
listen.owner = $SITE_USER
listen.mode = 0666
pm = static
pm.max_children = $WORKERS
pm.max_requests = 0
catch_workers_output = yes
php_admin_value[session.save_handler] = $handler
php_admin_value[session.save_path] = "$path"
php_admin_value[redis.session.locking_enabled] = 0
php_admin_value[session.use_strict_mode] = 1
; FPM clears the workers' environment (clear_env's default): the pool's env[] is how the package's
; LOGINBYCALL_LIB reaches them (php_admin_value[loginbycall.library] would be ignored).
clear_env = yes
env[LOGINBYCALL_LIB] = $prefix/lib/libloginbycall.so
env[LBC_BASE_URL] = $BASE_URL
env[LBC_CALL_API_ID] = $CALL_API_ID
env[LBC_API_KEY] = $API_KEY
POOL
    done
} >"$work/fpm.conf"
redis_site="$(free_port)"
files_site="$(free_port)"
{
    [[ "$(id -u)" -eq 0 ]] && printf 'user %s;\n' "$SITE_USER"
    cat <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/nginx-tmp/body;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    proxy_temp_path $work/nginx-tmp/proxy;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
NGINX
    for site in "redis $redis_site" "files $files_site"; do
        set -- $site
        cat <<NGINX
    server {
        listen 127.0.0.1:$2;
        root $www/tests/php/fpm-sessions;
        location ~ \\.php\$ {
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_pass unix:$work/fpm-$1.sock;
        }
    }
NGINX
    done
    echo '}'
} >"$work/nginx.conf"
allow_root=()
[[ "$(id -u)" -eq 0 ]] && allow_root=(--allow-to-run-as-root)
"$FPM" --nodaemonize "${allow_root[@]}" --fpm-config "$work/fpm.conf" -c "$work/php.ini" >"$work/fpm.out" 2>&1 &
fpm_pid=$!
pids+=($fpm_pid)
"$NGINX" -c "$work/nginx.conf" -p "$work" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
pids+=($!)
wait_for 20 curl -sf "http://127.0.0.1:$redis_site/user.php" || {
    echo "the site did not start"
    cat "$work/fpm.out" "$work/fpm.log" "$work/nginx-error.log" 2>/dev/null
    exit 1
}
# FPM answers as soon as its first workers run: give the rest a moment (a loaded machine forks slowly).
for _ in $(seq 1 50); do
    workers="$(pgrep -P "$fpm_pid" | wc -l)"
    [[ "$workers" -eq $((2 * WORKERS)) ]] && break
    sleep 0.1
done
if [[ "$workers" -eq $((2 * WORKERS)) ]]; then
    ok "php-fpm: two pools (redis, files) of $WORKERS static workers each"
else
    fail "php-fpm started $workers workers, not $((2 * WORKERS))"
fi
got="$(curl -sS "http://127.0.0.1:$redis_site/user.php")"
if grep -q '"handler":"redis"' <<<"$got"; then
    ok "the redis pool keeps its sessions in Redis (phpredis, locking off)"
else
    fail "the redis pool's handler: $got"
fi

# 4. The runs.
guess() { # guess SITE JAR DIGITS OUT: one check with the session cookie of JAR (never updated)
    curl -sS -b "$2" --data-urlencode "digits=$3" "$1/check.php" >"$4" 2>&1
}
number=0
one_run() { # one_run HANDLER SITE RUN
    local handler="$1" site="$2" run="$3" jar="$work/jar-$1-$3" phone code wrong i rejected lefts locked others got
    number=$((number + 1))
    phone="$(printf '7900%03d%02d%02d' $(($$ % 1000)) "$number" 44)"
    got="$(curl -sS -c "$jar" -b "$jar" --data-urlencode "phone=$phone" "$site/start.php")"
    if ! grep -q '"call":' <<<"$got"; then
        fail "$handler run $run: start: ${got:0:300}"
        return
    fi
    code="$(curl -sS "$SANDBOX/_sandbox/phones/$phone" | sed -n 's/.*"code":"\([0-9]*\)".*/\1/p')"
    wrong="$(tr '0123456789' '1234567890' <<<"$code")"
    mkdir -p "$work/guesses-$handler-$run"
    ( # a subshell, so that `wait` waits for the guesses only
        for ((i = 0; i < GUESSES; i++)); do
            guess "$site" "$jar" "$wrong" "$work/guesses-$handler-$run/$i" &
        done
        wait
    )
    rejected="$(grep -l '"verdict":"rejected"' "$work/guesses-$handler-$run"/* | wc -l)"
    lefts="$(grep -ho '"verdict":"rejected","left":[0-9]*' "$work/guesses-$handler-$run"/* | sed 's/.*://' | sort -n | tr '\n' ' ')"
    locked="$(grep -l '"verdict":"locked"' "$work/guesses-$handler-$run"/* | wc -l)"
    others=$((GUESSES - rejected - locked))
    pids_seen="$(grep -ho '"pid":[0-9]*' "$work/guesses-$handler-$run"/* | sort -u | wc -l)"
    # The guess that spends the last attempt is judged and answers locked: judged = rejected + 1.
    if [[ "$rejected" -eq $((MAX_ATTEMPTS - 1)) && "$lefts" == "1 2 " && "$others" -eq 0 ]]; then
        ok "$handler sessions, run $run: $GUESSES parallel wrong guesses on $pids_seen workers, $MAX_ATTEMPTS judged (rejected with 2 then 1 left, the third locks), $locked locked"
    else
        fail "$handler sessions, run $run: $rejected rejected (attempts left: $lefts), $locked locked, $others other answers (e.g. $(cat "$work/guesses-$handler-$run/0"))"
    fi
    got="$(curl -sS -b "$jar" --data-urlencode "digits=$code" "$site/check.php")"
    if grep -q '"verdict":"locked"' <<<"$got" && grep -q '"user":null' <<<"$got"; then
        ok "$handler sessions, run $run: the right code is refused after the lock"
    else
        fail "$handler sessions, run $run: the right code after the lock: $got"
    fi
    got="$(curl -sS -b "$jar" "$site/user.php")"
    grep -q '"user":null' <<<"$got" || fail "$handler sessions, run $run: a user in the session: $got"
}
for ((run = 1; run <= RUNS; run++)); do
    one_run redis "http://127.0.0.1:$redis_site" "$run"
done
for ((run = 1; run <= RUNS; run++)); do
    one_run files "http://127.0.0.1:$files_site" "$run"
done

# A whole login still works with each handler (the right code first).
for site in "redis $redis_site" "files $files_site"; do
    set -- $site
    number=$((number + 1))
    phone="$(printf '7900%03d%02d%02d' $(($$ % 1000)) "$number" 44)"
    jar="$work/jar-$1-ok"
    curl -sS -c "$jar" -b "$jar" --data-urlencode "phone=$phone" "http://127.0.0.1:$2/start.php" >/dev/null
    code="$(curl -sS "$SANDBOX/_sandbox/phones/$phone" | sed -n 's/.*"code":"\([0-9]*\)".*/\1/p')"
    got="$(curl -sS -c "$jar" -b "$jar" --data-urlencode "digits=$code" "http://127.0.0.1:$2/check.php")"
    if grep -q "\"verdict\":\"accepted\".*\"user\":\"$phone\"" <<<"$got"; then
        ok "$1 sessions: the right code first is accepted"
    else
        fail "$1 sessions: the right code first: $got"
    fi
done

if grep -qi "error\|warning" "$work/fpm.log" 2>/dev/null; then
    grep -i "error\|warning" "$work/fpm.log" | head -5
fi
echo "$passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
