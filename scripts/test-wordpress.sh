#!/usr/bin/env bash
# The WordPress plugin's tests (issue 19, integrations/wordpress/loginbycall): a real WordPress
# (Debian's `wordpress` package, 6.1) on MariaDB under PHP-FPM behind nginx, the plugin on the PHP
# package and the release libloginbycall, `lbc sandbox` as the service, and chromium (selenium)
# doing what people do:
#
#  1. installs what it needs from Debian when missing (wordpress, mariadb-server, php-mysql,
#     php-fpm, nginx, chromium, chromium-driver, phpunit, gettext) and selenium into a virtual
#     environment under ${CARGO_TARGET_DIR:-target}/wordpress;
#  2. starts MariaDB (its own datadir and socket in a temporary directory, no TCP), `lbc sandbox`,
#     PHP-FPM (two pools: one with ffi.enable=1, one with PHP's default ffi.enable=preload, i.e. a
#     host where the plugin cannot work) and nginx on free loopback ports;
#  3. installs WordPress with wp_install() (tests/install.php; wp-cli is not in Debian bookworm),
#     opens registration, activates the plugin in sandbox mode;
#  4. chromium: the password login, a number linked on the profile (a call proves it), login by
#     phone call through wp-login.php, sign-up of a new user by phone, the lockout after 3 wrong
#     codes, the guard's number limit set on the settings page, "test the connection", the
#     shortcode and block pages, removing a number; the pages again in Russian; a screenshot of
#     each into a directory it prints ($LBC_ARTIFACTS to choose it);
#  5. with curl on the pool without FFI: the password login works, no phone-call button, the admin
#     notice says what to do, no fatal error in any log;
#  6. the block's texts in Russian as the editor gets them (tests/i18n.php); deleting the plugin
#     (uninstall_plugin()) leaves none of its data;
#  7. PHPUnit on the plugin's own code (integrations/wordpress/tests/unit, WordPress shims only).
#
# LBC_WP_PHP_PACKAGE=/path/to/bindings/php tries another copy of the PHP package.
# LBC_WP_PHP_ROOT=/path/to/a/debian/root runs every PHP process (PHP-FPM and the command-line
# scripts) inside that root with its PHP (scripts/test-legacy.sh: Debian 11's PHP 7.4), the rest
# (MariaDB, nginx, the sandbox, chromium) here; the temporary directory is bind-mounted at the same
# path inside, so both sides see the same files. The plugin's PHPUnit is then left to the root's
# own run (scripts/legacy/in-root.sh).
# Prints `N passed, N failed` of the browser run and PHPUnit's summary; exits non-zero on any failure.
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SELENIUM_VERSION=4.51.0
TESTS="$ROOT/integrations/wordpress/tests"
started=$SECONDS

apt_need wordpress mariadb-server php-mysql php:php-cli php-fpm8.2:php-fpm nginx:nginx \
    chromium:chromium chromedriver:chromium-driver phpunit:phpunit msgfmt:gettext curl:curl \
    fonts-dejavu-core || exit 1
PHP_ROOT="${LBC_WP_PHP_ROOT:-}"
if [[ -n "$PHP_ROOT" ]]; then
    FPM="$(cd "$PHP_ROOT" && ls usr/sbin/php-fpm* 2>/dev/null | head -n 1)"
    [[ -n "$FPM" ]] || { echo "no php-fpm in $PHP_ROOT"; exit 1; }
    FPM=(chroot "$PHP_ROOT" "/$FPM")
else
    FPM=("$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm8.* 2>/dev/null | head -n 1)")
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
MARIADBD="$(command -v mariadbd || echo /usr/sbin/mariadbd)"

work="$(mktemp -d)"
chmod 755 "$work"
ARTIFACTS="${LBC_ARTIFACTS:-$(mktemp -d)}"
mkdir -p "$ARTIFACTS"
pids=()
mounted=""
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    if [[ -n "$mounted" ]]; then umount "$mounted" 2>/dev/null || umount -l "$mounted"; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
wait_for() { # wait_for SECONDS COMMAND...
    local tries=$(($1 * 10))
    shift
    while ((tries-- > 0)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

if [[ -n "$PHP_ROOT" ]]; then
    mkdir -p "$PHP_ROOT$work" && mount --bind "$work" "$PHP_ROOT$work" || exit 1
    mounted="$PHP_ROOT$work"
fi
# The PHP scripts the tests run, where the PHP of either side finds them.
cp -r "$TESTS" "$work/tests"

SITE_USER="$(id -un)"
[[ "$(id -u)" -eq 0 ]] && SITE_USER="${SITE_USER_AS_ROOT:-www-data}"
SITE_GROUP="$(id -gn "$SITE_USER")"
site_php() { # site_php ARGS...: the command-line PHP (here or in the root) as the site's user
    local as=()
    [[ "$(id -u)" -eq 0 ]] && as=(runuser -u "$SITE_USER" --)
    if [[ -n "$PHP_ROOT" ]]; then
        chroot "$PHP_ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "${as[@]}" php "$@"
    else
        "${as[@]}" env -u LOGINBYCALL_LIB php "$@"
    fi
}
php_release="$(site_php -r 'echo PHP_VERSION;')"
php_version="${php_release%.*}" # 7.4, as in /etc/php/7.4/
step "WordPress on PHP $php_release${PHP_ROOT:+ (in $PHP_ROOT)}, PHP-FPM: ${FPM[*]}"

# The library and the sandbox: the run's one release build.
step "WordPress: the release lbc and libloginbycall"
release_build 2>"$work/build.log" || { cat "$work/build.log"; exit 1; }
mkdir -p "$work/lib"
cp "$RELEASE_DIR/libloginbycall.so" "$work/lib/libloginbycall.so" || exit 1
"$LBC" sandbox --listen 127.0.0.1:0 --dial-ms 300 --ring-ms 1500 --repeat-timeout 2 \
    >"$work/sandbox.out" 2>"$work/sandbox.err" &
pids+=($!)
wait_for 30 test -s "$work/sandbox.out" || { cat "$work/sandbox.err"; echo "no sandbox"; exit 1; }
read -r BASE_URL CALL_API_ID API_KEY < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1]); a = r["accounts"][0]
print(r["base_url"], a["call_api_id"], a["api_key"])' "$(head -n 1 "$work/sandbox.out")")
SANDBOX="${BASE_URL%%/callapi/*}"

# MariaDB in the temporary directory, on a socket only.
step "WordPress: MariaDB, PHP-FPM, nginx"
DB_USER="$(id -un)"
mariadb-install-db --no-defaults --datadir="$work/db" --user="$DB_USER" --skip-test-db \
    --auth-root-authentication-method=socket >"$work/db-install.log" 2>&1 \
    || { cat "$work/db-install.log"; exit 1; }
"$MARIADBD" --no-defaults --datadir="$work/db" --socket="$work/db.sock" --skip-networking \
    --user="$DB_USER" --pid-file="$work/db.pid" --log-error="$work/db.err" \
    --innodb-buffer-pool-size=32M --innodb-log-file-size=8M --skip-log-bin &
pids+=($!)
wait_for 30 test -S "$work/db.sock" || { cat "$work/db.err"; echo "no MariaDB"; exit 1; }
mariadb --no-defaults --socket="$work/db.sock" -u"$DB_USER" <<'SQL' || { cat "$work/db.err"; exit 1; }
CREATE DATABASE wordpress CHARACTER SET utf8mb4;
CREATE USER 'wordpress'@'localhost' IDENTIFIED BY 'wordpress';
GRANT ALL ON wordpress.* TO 'wordpress'@'localhost';
SQL

# WordPress: a copy of Debian's, our wp-config.php, the plugin with the PHP package as its vendor/.
wp="$work/wp"
mkdir -p "$wp"
# -h: the files Debian's copy links to elsewhere (/usr/share/javascript, /usr/share/php) are copied,
# so that a PHP in another root finds them too.
(cd /usr/share/wordpress && tar -h --exclude='./wp-content/languages' -cf - .) | (cd "$wp" && tar -xf -)
mkdir -p "$wp/wp-content/languages" "$wp/wp-content/uploads"
cp /usr/share/wordpress/wp-content/languages/{ru_RU,admin-ru_RU,admin-network-ru_RU,continents-cities-ru_RU}.mo \
    "$wp/wp-content/languages/" 2>/dev/null
rm -f "$wp/wp-config.php" "$wp/.htaccess"
# The site is offline, as every test is: WordPress's own update checks and list of translations
# (api.wordpress.org) are not asked for, rather than failing with a warning on every admin page.
mkdir -p "$wp/wp-content/mu-plugins"
cat >"$wp/wp-content/mu-plugins/offline.php" <<'PHP'
<?php
add_action('plugins_loaded', static function (): void {
    foreach (['_maybe_update_core', '_maybe_update_plugins', '_maybe_update_themes'] as $check) {
        remove_action('admin_init', $check);
    }
    foreach (['wp_version_check', 'wp_update_plugins', 'wp_update_themes'] as $check) {
        remove_action($check, $check);
        foreach (['load-plugins.php', 'load-update.php', 'load-update-core.php', 'load-themes.php'] as $page) {
            remove_action($page, $check);
        }
    }
});
add_filter('translations_api', static function ($result) {
    return ['translations' => []];
});
PHP
# As users install it: integrations/wordpress/build.sh (the plugin, the shared page assets, the package).
"$ROOT/integrations/wordpress/build.sh" "$wp/wp-content/plugins/loginbycall" >/dev/null || exit 1
for po in "$wp/wp-content/plugins/loginbycall/languages/"*.po; do
    [[ -f "$po" ]] || continue
    msgfmt -o "${po%.po}.mo" "$po" || exit 1
done
site_port="$(free_port)"
bare_port="$(free_port)"
SITE="http://127.0.0.1:$site_port"
BARE="http://127.0.0.1:$bare_port"
salt() { head -c 48 /dev/urandom | base64 | tr -d '\n/+='; }
cat >"$wp/wp-config.php" <<PHP
<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', 'wordpress');
define('DB_HOST', 'localhost:$work/db.sock');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('AUTH_KEY', '$(salt)');
define('SECURE_AUTH_KEY', '$(salt)');
define('LOGGED_IN_KEY', '$(salt)');
define('NONCE_KEY', '$(salt)');
define('AUTH_SALT', '$(salt)');
define('SECURE_AUTH_SALT', '$(salt)');
define('LOGGED_IN_SALT', '$(salt)');
define('NONCE_SALT', '$(salt)');
\$table_prefix = 'wp_';
// One WordPress served on two ports (with and without FFI): each answers for its own host.
// (Debian's nginx passes the Host without its port, SERVER_PORT has it.)
\$lbc_host = isset(\$_SERVER['SERVER_PORT']) ? '127.0.0.1:' . (int) \$_SERVER['SERVER_PORT'] : '127.0.0.1:$site_port';
\$_SERVER['HTTP_HOST'] = \$lbc_host; // what redirect_canonical() compares with WP_HOME
define('WP_HOME', 'http://' . \$lbc_host);
define('WP_SITEURL', 'http://' . \$lbc_host);
define('WP_DEBUG', true);
define('WP_DEBUG_LOG', '$work/wp-debug.log');
define('WP_DEBUG_DISPLAY', false);
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_ACCESSIBLE_HOSTS', '127.0.0.1');
define('FS_METHOD', 'direct');
define('LOGINBYCALL_LIB', '$work/lib/libloginbycall.so');
if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP
: >"$work/wp-debug.log"
chown -R "$SITE_USER:$SITE_GROUP" "$wp/wp-content" "$work/wp-debug.log"
chmod -R a+rX "$work"

settings="$(python3 -c 'import json, sys; print(json.dumps({"call_api_id": sys.argv[1], "api_key": sys.argv[2], "sandbox": True, "sandbox_url": sys.argv[3]}))' \
    "$CALL_API_ID" "$API_KEY" "$BASE_URL")"
site_php -d ffi.enable=1 "$work/tests/install.php" "$wp" "$SITE" password "$settings" || exit 1

for pool in site bare; do
    cat >"$work/fpm-$pool.conf" <<POOL
[global]
pid = $work/fpm-$pool.pid
error_log = $work/fpm-$pool.log
daemonize = no
[$pool]
user = $SITE_USER
group = $SITE_GROUP
listen = $work/fpm-$pool.sock
listen.owner = $SITE_USER
listen.mode = 0666
pm = static
pm.max_children = 3
catch_workers_output = yes
php_admin_value[error_log] = $work/php-$pool.log
php_admin_flag[log_errors] = on
POOL
done
{
    [[ "$(id -u)" -eq 0 ]] && printf 'user %s;\n' "$SITE_USER"
    cat <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path $work/nginx-tmp/body;
    fastcgi_temp_path $work/nginx-tmp/fastcgi;
    proxy_temp_path $work/nginx-tmp/proxy;
    uwsgi_temp_path $work/nginx-tmp/uwsgi;
    scgi_temp_path $work/nginx-tmp/scgi;
NGINX
    for server in "site $site_port" "bare $bare_port"; do
        set -- $server
        cat <<NGINX
    server {
        listen 127.0.0.1:$2;
        root $wp;
        index index.php;
        location / { try_files \$uri \$uri/ /index.php?\$args; }
        location ~ /wp-content/uploads/loginbycall- { deny all; }
        location ~ \\.php\$ {
            try_files \$fastcgi_script_name =404;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_pass unix:$work/fpm-$1.sock;
        }
    }
NGINX
    done
    echo '}'
} >"$work/nginx.conf"
mkdir -p "$work/nginx-tmp"
allow_root=()
[[ "$(id -u)" -eq 0 ]] && allow_root=(--allow-to-run-as-root)
# ffi.enable is a php.ini setting a pool cannot change: one FPM master each. The site's allows FFI;
# the bare one keeps PHP-FPM's default (preload), a host where the plugin cannot work.
"${FPM[@]}" --nodaemonize "${allow_root[@]}" --fpm-config "$work/fpm-site.conf" -d ffi.enable=1 >"$work/fpm-site.out" 2>&1 &
pids+=($!)
"${FPM[@]}" --nodaemonize "${allow_root[@]}" --fpm-config "$work/fpm-bare.conf" >"$work/fpm-bare.out" 2>&1 &
pids+=($!)
"$NGINX" -c "$work/nginx.conf" -p "$work" -g 'daemon off;' >"$work/nginx.out" 2>&1 &
pids+=($!)
wait_for 20 curl -sf -o /dev/null "$SITE/wp-login.php" && wait_for 20 curl -sf -o /dev/null "$BARE/wp-login.php" || {
    echo "the site did not start"
    cat "$work"/fpm-*.out "$work"/fpm-*.log "$work/nginx-error.log" "$work/php-site.log" 2>/dev/null
    exit 1
}
echo "WordPress at $SITE (FFI) and $BARE (no FFI), the sandbox at $SANDBOX; set up in $((SECONDS - started)) s"
if [[ -n "${LBC_WP_HOLD:-}" ]]; then # debugging: keep the site up that long before the tests
    echo "$SITE $BARE $SANDBOX $work" >"${LBC_WP_HOLD_FILE:-/tmp/lbc-wp-hold}"
    sleep "$LBC_WP_HOLD"
fi

failures=0
# 5. The host without FFI: password login untouched, the notice says what to do.
step "WordPress without FFI ($BARE): the password login, the admin notice"
jar="$work/bare.jar"
page="$(curl -sS -c "$jar" -b "$jar" "$BARE/wp-login.php")"
if grep -q 'id="loginform"' <<<"$page" && ! grep -q 'data-lbc-alt' <<<"$page"; then
    echo "ok: wp-login.php shows the password form and no phone-call button"
else
    echo "FAILED: wp-login.php without FFI: ${page:0:300}"; failures=$((failures + 1))
fi
page="$(curl -sS "$BARE/wp-login.php?action=loginbycall")"
if grep -q 'data-lbc-unavailable' <<<"$page" && grep -q 'Log in another way' <<<"$page"; then
    echo "ok: the phone-call page itself says it is not available and links to the password login"
else
    echo "FAILED: wp-login.php?action=loginbycall without FFI: ${page:0:300}"; failures=$((failures + 1))
fi
got="$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode log=admin \
    --data-urlencode pwd=password --data-urlencode wp-submit=1 --data-urlencode testcookie=1 "$BARE/wp-login.php")"
page="$(curl -sS -c "$jar" -b "$jar" "$BARE/wp-admin/index.php")"
if [[ "$got" == 302 ]] && grep -q 'data-lbc-admin-notice' <<<"$page" && grep -q 'ffi.enable = 1' <<<"$page"; then
    echo "ok: the password login works; the dashboard tells the admin to set ffi.enable = 1"
else
    echo "FAILED: password login without FFI ($got) or no notice: $(grep -o 'data-lbc-admin-notice.\{0,300\}' <<<"$page")"
    failures=$((failures + 1))
fi

# 4. The browser.
step "WordPress in chromium (selenium): login, sign-up, profile, lockout, guard, settings, Russian"
venv="$TARGET/wordpress/venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then
    python3 -m venv --clear "$venv" && PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q "selenium==$SELENIUM_VERSION" || exit 1
fi
LBC_SITE="$SITE" LBC_SANDBOX="$SANDBOX" LBC_SHOTS="$ARTIFACTS" LBC_PROFILE_DIR="$work/chromium" \
    "$venv/bin/python" "$TESTS/browser.py"
browser_status=$?
[[ $browser_status -eq 0 ]] || failures=$((failures + 1))

# Collected first, shown after: with `head` in the same pipeline, more than 20 lines made grep die
# of SIGPIPE, and under pipefail that status read as "nothing found".
php_errors="$(grep -E 'PHP (Fatal|Parse|Warning)|Uncaught' "$work/php-site.log" "$work/php-bare.log" \
    "$work/wp-debug.log" "$work"/fpm-*.log 2>/dev/null)"
if [[ -n "$php_errors" ]]; then
    head -n 20 <<<"$php_errors"
    echo "FAILED: $(wc -l <<<"$php_errors") errors or warnings in the PHP logs (the first 20 above)"
    failures=$((failures + 1))
else
    echo "ok: no fatal error, parse error or warning in the PHP, FPM and WordPress logs"
fi

# What the notice says for each missing piece (in PHP processes of their own).
site_php -d ffi.enable=1 "$work/tests/diagnose.php" "$wp" "$SITE" library "LOGINBYCALL_LIB in wp-config.php" || failures=$((failures + 1))
site_php -d ffi.enable=1 "$work/tests/diagnose.php" "$wp" "$SITE" package "integrations/wordpress/build.sh (both put the package in vendor/loginbycall/)" || failures=$((failures + 1))
site_php -d ffi.enable=preload "$work/tests/diagnose.php" "$wp" "$SITE" ffi "Set \"ffi.enable = 1\" in the php.ini of PHP-FPM (e.g. /etc/php/$php_version/fpm/conf.d/" || failures=$((failures + 1))
# The block in Russian: block.json's texts and the editor script's (languages/*.json).
site_php -d ffi.enable=1 "$work/tests/i18n.php" "$wp" "$SITE" || failures=$((failures + 1))

# Plugins → Delete: uninstall.php leaves nothing of the plugin's data behind.
site_php -d ffi.enable=1 "$work/tests/uninstall.php" "$wp" "$SITE" || failures=$((failures + 1))

# 6. PHPUnit on the plugin's own code.
if [[ -z "$PHP_ROOT" ]]; then
    step "PHPUnit (integrations/wordpress/tests/unit)"
    phpunit -c "$TESTS/unit/phpunit.xml" || failures=$((failures + 1))
fi

echo "screenshots: $ARTIFACTS"
echo "test-wordpress: $((SECONDS - started)) s"
[[ $failures -eq 0 ]]
