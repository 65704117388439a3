<?php
/**
 * Installs WordPress non-interactively (wp_install(), the function wp-admin/install.php calls), the
 * way scripts/test-wordpress.sh needs it: php install.php WP_DIR SITE_URL ADMIN_PASSWORD SETTINGS_JSON.
 * Opens registration (default role: subscriber), activates the plugin and stores its settings.
 */

declare(strict_types=1);

[$script, $dir, $url, $password, $settings] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST) . ':' . parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require $dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
add_filter('pre_wp_mail', '__return_false'); // no mail server here

if (!is_blog_installed()) {
    $done = wp_install('LoginByCall test site', 'admin', 'admin@example.invalid', false, '', $password, 'en_US');
    fwrite(STDOUT, 'installed WordPress ' . get_bloginfo('version') . ' as user ' . $done['user_id'] . "\n");
}
update_option('siteurl', $url);
update_option('home', $url);
update_option('users_can_register', 1);
update_option('default_role', 'subscriber');
update_option('permalink_structure', '');
$result = activate_plugin('loginbycall/loginbycall.php');
if (is_wp_error($result)) {
    fwrite(STDERR, 'activate_plugin: ' . $result->get_error_message() . "\n");
    exit(1);
}
update_option('loginbycall_settings', array_merge(LoginByCall\WordPress\Settings::defaults(), json_decode($settings, true)));
// A subscriber with a password and a number, for the two-factor login.
if (username_exists('alice') === false) {
    $alice = wp_insert_user(['user_login' => 'alice', 'user_pass' => $password, 'user_email' => 'alice@example.invalid', 'role' => 'subscriber']);
    add_user_meta((int) $alice, 'loginbycall_phone', '+79001110022');
}
// A page with the shortcode and one with the block, for the browser.
foreach (['shortcode' => '[loginbycall]', 'block' => '<!-- wp:loginbycall/login /-->'] as $slug => $content) {
    if (get_page_by_path('phone-' . $slug) === null) {
        wp_insert_post(['post_type' => 'page', 'post_status' => 'publish', 'post_name' => 'phone-' . $slug, 'post_title' => 'Phone ' . $slug, 'post_content' => $content]);
    }
}
fwrite(STDOUT, 'activated: ' . (is_plugin_active('loginbycall/loginbycall.php') ? 'yes' : 'no') . "\n");
