<?php
/**
 * Deactivates and deletes the plugin the way Plugins → Delete does (uninstall_plugin() runs its
 * uninstall.php), then checks that nothing of it is left: php uninstall.php WP_DIR SITE_URL.
 * Prints one line per check; exits 1 when something is left.
 */

declare(strict_types=1);

[$script, $dir, $url] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['SERVER_PORT'] = (string) parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
require $dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';

global $wpdb;
$suffix = get_option('loginbycall_store_suffix');
$store = wp_upload_dir(null, false)['basedir'] . '/loginbycall-' . $suffix;
$before = (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->usermeta} WHERE meta_key = 'loginbycall_phone'");
deactivate_plugins('loginbycall/loginbycall.php');
uninstall_plugin('loginbycall/loginbycall.php');
$left = [
    'the settings' => get_option('loginbycall_settings') !== false,
    'the store folder' => is_string($suffix) && is_dir($store),
    'the users\' numbers' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->usermeta} WHERE meta_key = 'loginbycall_phone'") > 0,
    'logins in progress' => (int) $wpdb->get_var("SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE '%lbc_flow_%'") > 0,
];
$bad = array_keys(array_filter($left));
if ($before === 0 || !is_dir(dirname($store))) {
    echo "FAILED: nothing to uninstall ($before numbers before)\n";
    exit(1);
}
if ($bad === []) {
    echo "ok: deleting the plugin removes its settings, the store, the $before numbers and the logins in progress\n";
    exit(0);
}
echo 'FAILED: left after deleting the plugin: ' . implode(', ', $bad) . "\n";
exit(1);
