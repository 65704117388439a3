<?php
/**
 * What the pages say, in the user's language: the same sentences as the Django app
 * (loginbycall.django.texts), each passed through the filter `loginbycall_text` so that a site
 * can change any of them: add_filter('loginbycall_text', fn ($text, $id) => ..., 10, 2).
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

use LoginByCall\CallState;

/**
 * The call statuses are the package's (CallState): only pages showing a call, which exists only
 * when the package is loaded, ask for them.
 */
final class Texts
{
    /** Final statuses after which the page offers a new call first. */
    public const RETRY = [CallState::BUSY, CallState::NOT_ANSWERED, CallState::FAILED];

    private function __construct()
    {
    }

    /** $text after the site's filter `loginbycall_text` (with its id and the values in it). */
    public static function filtered(string $id, string $text, array $args = []): string
    {
        return (string) apply_filters('loginbycall_text', $text, $id, $args);
    }

    /** The sentence the code page shows for the call's status (null: not known yet). */
    public static function status(?int $code, int $codelen): string
    {
        if ($code === null) {
            return self::filtered('status_unknown', __('Checking the call…', 'loginbycall'));
        }
        switch ($code) {
            case CallState::QUEUED:
                return self::filtered('status_queued', __('Placing the call…', 'loginbycall'));
            case CallState::DIALING:
                return self::filtered('status_dialing', __('Your phone is ringing: look at the number that is calling.', 'loginbycall'));
            case CallState::ANSWERED:
                return self::filtered('status_answered', sprintf(
                    /* translators: %d: how many digits to type */
                    _n(
                        'The call came through. Type the last %d digit of the number that called.',
                        'The call came through. Type the last %d digits of the number that called.',
                        $codelen,
                        'loginbycall'
                    ),
                    $codelen
                ), ['count' => $codelen]);
            case CallState::BUSY:
                return self::filtered('status_busy', __('Your line was busy, so the call did not come through. Ask for a new call.', 'loginbycall'));
            case CallState::NOT_ANSWERED:
                return self::filtered('status_not_answered', __('The call was not answered. If you saw the number, type its last digits; otherwise ask for a new call.', 'loginbycall'));
            case CallState::FAILED:
                return self::filtered('status_failed', __('The call could not be made. Ask for a new call.', 'loginbycall'));
        }
        return self::filtered('status_ended', __('The call has ended. If you saw the number, type its last digits.', 'loginbycall'));
    }

    /** The status's name for the page's data attribute (the service's descriptions). */
    public static function statusName(?int $code): string
    {
        $names = [
            0 => 'ended',
            CallState::QUEUED => 'queued',
            CallState::DIALING => 'dialing',
            CallState::ANSWERED => 'answered',
            CallState::BUSY => 'busy',
            CallState::NOT_ANSWERED => 'notanswered',
            CallState::FAILED => 'error',
        ];
        return $code === null ? 'unknown' : ($names[$code] ?? 'ended');
    }

    /** `3 minutes` or `45 seconds`: how long until a limit lets the user try again. */
    public static function wait(float $seconds): string
    {
        if ($seconds >= 90) {
            $minutes = (int) ceil($seconds / 60);
            /* translators: %d: minutes */
            return sprintf(_n('%d minute', '%d minutes', $minutes, 'loginbycall'), $minutes);
        }
        $whole = max(1, (int) ceil($seconds));
        /* translators: %d: seconds */
        return sprintf(_n('%d second', '%d seconds', $whole, 'loginbycall'), $whole);
    }

    /** Wrong digits with the attempts left (or none left). */
    public static function wrong(int $left): string
    {
        if ($left <= 0) {
            return self::filtered('wrong_locked', __('Wrong digits, and no attempt is left. Ask for a new call.', 'loginbycall'));
        }
        return self::filtered('wrong', sprintf(
            /* translators: %d: attempts left */
            _n('Wrong digits. %d attempt left.', 'Wrong digits. %d attempts left.', $left, 'loginbycall'),
            $left
        ), ['left' => $left]);
    }

    /** Too many calls: try again after $seconds. */
    public static function tooMany(float $seconds): string
    {
        return self::filtered('too_many_calls', sprintf(
            /* translators: %s: a time, e.g. "3 minutes" */
            __('Too many calls. Try again in %s.', 'loginbycall'),
            self::wait($seconds)
        ), ['retry_after' => $seconds]);
    }
}
