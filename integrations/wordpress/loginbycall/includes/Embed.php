<?php
/**
 * The phone form on the site's own pages: the shortcode [loginbycall] and the block
 * `loginbycall/login` (server-rendered, registered from blocks/login/block.json; no build step).
 * Both post to wp-login.php?action=loginbycall and come back to the page after the login.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Embed
{
    private function __construct()
    {
    }

    public static function register(): void
    {
        add_shortcode('loginbycall', [self::class, 'render']);
        add_action('init', static function (): void {
            if (function_exists('register_block_type')) {
                register_block_type(LOGINBYCALL_WP_DIR . '/blocks/login', ['render_callback' => [self::class, 'render']]);
                // The editor script's texts from the plugin's own languages/ (WordPress would look
                // only in wp-content/languages/plugins/).
                wp_set_script_translations(generate_block_asset_handle('loginbycall/login', 'editorScript'), 'loginbycall', LOGINBYCALL_WP_DIR . '/languages');
            }
        });
    }

    /**
     * The form (or a short line for a logged-in user).
     *
     * @param mixed $attributes shortcode or block attributes: `redirect` (a URL on this site)
     */
    public static function render($attributes = []): string
    {
        $attributes = is_array($attributes) ? $attributes : [];
        Assets::style();
        if (is_user_logged_in()) {
            return '<p class="lbc-shortcode lbc-logged-in">' . esc_html__('You are logged in.', 'loginbycall') . '</p>';
        }
        if (!Service::ready()) {
            return '';
        }
        $redirect = isset($attributes['redirect']) ? (string) $attributes['redirect'] : '';
        if ($redirect === '') {
            $redirect = (is_ssl() ? 'https://' : 'http://') . (isset($_SERVER['HTTP_HOST']) ? (string) $_SERVER['HTTP_HOST'] : '') . (isset($_SERVER['REQUEST_URI']) ? (string) $_SERVER['REQUEST_URI'] : '/');
        }
        $redirect = (string) wp_validate_redirect($redirect, home_url('/'));
        Assets::styleAndScript();  // the form's one-post-per-click guard
        return '<div class="lbc-shortcode lbc-card" data-lbc-shortcode>'
            . '<h3 class="lbc-title">' . esc_html(Texts::filtered('log_in_by_call', __('Log in by phone call', 'loginbycall'))) . '</h3>'
            . '<p class="lbc-lead">' . esc_html(Texts::filtered('lead', __('We will call your phone from a random number. You do not need to answer: the last digits of that number are your code.', 'loginbycall'))) . '</p>'
            . '<form method="post" action="' . esc_url(Pages::url()) . '" class="lbc-form" data-lbc-submit>'
            . wp_nonce_field('loginbycall_phone', '_lbcnonce', false, false)
            . '<input type="hidden" name="redirect_to" value="' . esc_attr($redirect) . '">'
            . '<label class="lbc-label" for="lbc-phone-embed">' . esc_html__('Phone number', 'loginbycall') . '</label>'
            . '<input type="tel" name="phone" id="lbc-phone-embed" autocomplete="tel" required placeholder="+7 925 688-06-36">'
            . '<button type="submit" class="lbc-button" data-lbc-busy="' . esc_attr__('Calling…', 'loginbycall') . '">' . esc_html__('Call me', 'loginbycall') . '</button>'
            . '</form></div>';
    }
}
