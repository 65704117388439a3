<?php
/**
 * Plugin Name:       LoginByCall
 * Plugin URI:        https://api.loginbycall.ru/callapi/v2.0/
 * Description:       Log in and sign up by a phone call: the site calls the user's phone from a random number and the user types its last digits. Beside the password form, never instead of it. Built on the LoginByCall PHP package (libloginbycall over FFI).
 * Version:           0.1.0
 * Requires at least: 6.0
 * Requires PHP:      7.4
 * Author:            LoginByCall SDK
 * License:           MIT OR Apache-2.0
 * Text Domain:       loginbycall
 * Domain Path:       /languages
 *
 * @package LoginByCall
 */

declare(strict_types=1);

if (!defined('ABSPATH')) {
    exit;
}

define('LOGINBYCALL_WP_VERSION', '0.1.0');
define('LOGINBYCALL_WP_FILE', __FILE__);
define('LOGINBYCALL_WP_DIR', __DIR__);

require_once __DIR__ . '/includes/Phone.php';
require_once __DIR__ . '/includes/Settings.php';
require_once __DIR__ . '/includes/Texts.php';
require_once __DIR__ . '/includes/Assets.php';
require_once __DIR__ . '/includes/Service.php';
require_once __DIR__ . '/includes/Flow.php';
require_once __DIR__ . '/includes/Accounts.php';
require_once __DIR__ . '/includes/Pages.php';
require_once __DIR__ . '/includes/Admin.php';
require_once __DIR__ . '/includes/Profile.php';
require_once __DIR__ . '/includes/Embed.php';

add_action('init', static function (): void {
    load_plugin_textdomain('loginbycall', false, dirname(plugin_basename(LOGINBYCALL_WP_FILE)) . '/languages');
}, 1);

LoginByCall\WordPress\Pages::register();
LoginByCall\WordPress\Admin::register();
LoginByCall\WordPress\Profile::register();
LoginByCall\WordPress\Embed::register();

register_activation_hook(__FILE__, static function (): void {
    add_option(LoginByCall\WordPress\Settings::OPTION, LoginByCall\WordPress\Settings::defaults());
});
