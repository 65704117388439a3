<?php
/**
 * What the admin notice says when the plugin cannot work, case by case, each in its own PHP process
 * (scripts/test-wordpress.sh runs it): php diagnose.php WP_DIR SITE_URL CASE EXPECTED_WORDS
 *
 *   library  the environment names a library file that does not exist
 *   package  LOGINBYCALL_PHP_PACKAGE names an autoload.php that does not exist
 *   ffi      PHP allows FFI only in preloaded code (run with -d ffi.enable=preload)
 *
 * Loads WordPress with the plugin, asks Service::problem() and checks that the text names what to do
 * (EXPECTED_WORDS) and that the phone-call way is off; prints one line; exits 1 otherwise.
 */

declare(strict_types=1);

[$script, $dir, $url, $case, $expected] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST);
$_SERVER['SERVER_PORT'] = (string) parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
if ($case === 'library') {
    putenv('LOGINBYCALL_LIB=/nonexistent/libloginbycall.so');
}
if ($case === 'package') {
    define('LOGINBYCALL_PHP_PACKAGE', '/nonexistent/bindings/php/autoload.php');
}
require $dir . '/wp-load.php';
$problem = LoginByCall\WordPress\Service::problem();
$ready = LoginByCall\WordPress\Service::ready();
if (!$ready && strpos($problem, $expected) !== false) {
    echo "ok: without $case the plugin is off and says: $problem\n";
    exit(0);
}
echo "FAILED: without $case: ready=" . var_export($ready, true) . ", said: $problem\n";
exit(1);
