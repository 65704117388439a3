<?php
/**
 * Deleting the plugin (Plugins → Delete) removes everything it stored: its settings, the users'
 * numbers (user meta loginbycall_phone), logins in progress (transients lbc_flow_*) and the store
 * folder in uploads. Deactivating keeps them.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

if (!defined('WP_UNINSTALL_PLUGIN')) {
    exit;
}

global $wpdb;

$lbc_suffix = get_option('loginbycall_store_suffix');
delete_option('loginbycall_settings');
delete_option('loginbycall_store_suffix');
delete_option('loginbycall_pending');
delete_metadata('user', 0, 'loginbycall_phone', '', true);
$wpdb->query($wpdb->prepare(
    "DELETE FROM {$wpdb->options} WHERE option_name LIKE %s OR option_name LIKE %s OR option_name LIKE %s",
    $wpdb->esc_like('_transient_lbc_flow_') . '%',
    $wpdb->esc_like('_transient_timeout_lbc_flow_') . '%',
    $wpdb->esc_like('_transient_loginbycall_admin_result_') . '%'
));
if (is_string($lbc_suffix) && preg_match('/^[a-z0-9]{16}$/', $lbc_suffix) === 1) {
    $lbc_uploads = wp_upload_dir(null, false);
    $lbc_dir = $lbc_uploads['basedir'] . '/loginbycall-' . $lbc_suffix;
    foreach (['store.sqlite3', 'store.sqlite3-wal', 'store.sqlite3-shm', 'index.php', '.htaccess'] as $lbc_file) {
        if (is_file($lbc_dir . '/' . $lbc_file)) {
            unlink($lbc_dir . '/' . $lbc_file);
        }
    }
    if (is_dir($lbc_dir)) {
        @rmdir($lbc_dir);
    }
}
