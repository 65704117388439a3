<?php
/**
 * A login in progress, kept on the server: WordPress has no PHP session, so the login's sealed state
 * (Login::toJson(): no code, no mask, any edit refused) lives in a transient named by a random token
 * in an HttpOnly cookie. It is written when a call is placed and when the call's final status or a
 * lock is learnt, never after a check: the attempts and accept-once are counted in the library's
 * store, so two requests checking one login at once cannot both pass.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Flow
{
    public const COOKIE = 'loginbycall_flow';

    /** Seconds a flow lives (a login's code lives 5 minutes; "call again" renews it). */
    public const TTL = 900;

    private function __construct()
    {
    }

    /** @return ?array<string, mixed> the flow of this browser, or null */
    public static function load(): ?array
    {
        $token = isset($_COOKIE[self::COOKIE]) ? (string) $_COOKIE[self::COOKIE] : '';
        if (preg_match('/^[A-Za-z0-9]{32}$/', $token) !== 1) {
            return null;
        }
        $flow = get_transient(self::key($token));
        return is_array($flow) && isset($flow['login']) ? $flow : null;
    }

    /**
     * Saves the flow (a new token when the browser has none).
     *
     * @param array<string, mixed> $flow
     */
    public static function save(array $flow): void
    {
        $token = isset($_COOKIE[self::COOKIE]) ? (string) $_COOKIE[self::COOKIE] : '';
        if (preg_match('/^[A-Za-z0-9]{32}$/', $token) !== 1) {
            $token = wp_generate_password(32, false, false);
            self::cookie($token, time() + self::TTL);
            $_COOKIE[self::COOKIE] = $token;
        }
        set_transient(self::key($token), $flow, self::TTL);
    }

    /** Forgets the flow of this browser. */
    public static function clear(): void
    {
        $token = isset($_COOKIE[self::COOKIE]) ? (string) $_COOKIE[self::COOKIE] : '';
        if (preg_match('/^[A-Za-z0-9]{32}$/', $token) === 1) {
            delete_transient(self::key($token));
        }
        if (isset($_COOKIE[self::COOKIE])) {
            self::cookie('', time() - 3600);
            unset($_COOKIE[self::COOKIE]);
        }
    }

    private static function key(string $token): string
    {
        return 'lbc_flow_' . substr(hash_hmac('sha256', $token, wp_salt('auth')), 0, 32);
    }

    private static function cookie(string $value, int $expires): void
    {
        if (headers_sent()) {
            return;
        }
        $options = [
            'expires' => $expires,
            'path' => SITECOOKIEPATH !== '' ? SITECOOKIEPATH : '/',
            'secure' => is_ssl(),
            'httponly' => true,
            'samesite' => 'Lax',
        ];
        if (COOKIE_DOMAIN) {
            $options['domain'] = COOKIE_DOMAIN;
        }
        setcookie(self::COOKIE, $value, $options);
    }
}
