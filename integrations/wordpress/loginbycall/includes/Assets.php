<?php
/**
 * The pages' style and script.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

defined('ABSPATH') || exit;

/**
 * assets/loginbycall.css and .js are the Django app's own files (integrations/wordpress/build.sh
 * puts them into the plugin), so both apps' pages look and behave the same; wordpress.css and
 * wordpress.js after them hold what only WordPress needs.
 */
final class Assets
{
    private function __construct()
    {
    }

    /** The style of the pages, the shortcode, the block and the profile's numbers. */
    public static function style(): void
    {
        wp_enqueue_style('loginbycall', self::url('loginbycall.css'), [], LOGINBYCALL_WP_VERSION);
        wp_enqueue_style('loginbycall-wordpress', self::url('wordpress.css'), ['loginbycall'], LOGINBYCALL_WP_VERSION);
    }

    /** The style, and the script: the live status, the countdown, one post per form. */
    public static function styleAndScript(): void
    {
        self::style();
        wp_enqueue_script('loginbycall', self::url('loginbycall.js'), [], LOGINBYCALL_WP_VERSION, true);
        wp_enqueue_script('loginbycall-wordpress', self::url('wordpress.js'), ['loginbycall'], LOGINBYCALL_WP_VERSION, true);
    }

    private static function url(string $file): string
    {
        return plugins_url('assets/' . $file, LOGINBYCALL_WP_FILE);
    }
}
