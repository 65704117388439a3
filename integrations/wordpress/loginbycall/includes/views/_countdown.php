<?php
/**
 * "in 42 s" beside a button the script disables until the countdown ends.
 *
 * @package LoginByCall
 * @var array<string, mixed> $context
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

$lbc_seconds = (int) $context['countdown'];
if ($lbc_seconds > 0) {
    echo '<span class="lbc-countdown" data-lbc-countdown-text>'
        . sprintf(
            /* translators: %s: seconds, in a span the script counts down */
            esc_html__('in %s s', 'loginbycall'),
            '<span data-lbc-countdown="' . esc_attr((string) $lbc_seconds) . '">' . esc_html((string) $lbc_seconds) . '</span>'
        )
        . '</span>';
}
