<?php
/**
 * The page's error or notice (escaped here).
 *
 * @package LoginByCall
 * @var array<string, mixed> $context
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

if ($context['error'] !== '') {
    echo '<p class="lbc-alert lbc-alert-error" role="alert" data-lbc-error>' . esc_html($context['error']) . '</p>';
}
if ($context['notice'] !== '') {
    echo '<p class="lbc-alert lbc-alert-info" role="status" data-lbc-notice>' . esc_html($context['notice']) . '</p>';
}
if ($context['unavailable']) {
    echo '<div class="lbc-alert lbc-alert-warning" role="alert" data-lbc-unavailable><p>'
        . esc_html(LoginByCall\WordPress\Texts::filtered('unavailable', __('Login by phone call is not available right now. Please use another way to log in.', 'loginbycall')))
        . '</p></div>';
}
