<?php
/**
 * The plugin's settings: one option (an array), each credential overridable by a constant in
 * wp-config.php. sanitize() is the one gate every saved value passes.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Settings
{
    /** The option holding the settings. */
    public const OPTION = 'loginbycall_settings';

    /** wp-config.php constants that override the stored values (and hide their fields). */
    public const CONSTANTS = [
        'call_api_id' => 'LOGINBYCALL_CALL_API_ID',
        'api_key' => 'LOGINBYCALL_API_KEY',
        'base_url' => 'LOGINBYCALL_BASE_URL',
        'store' => 'LOGINBYCALL_STORE',
    ];

    /** The guard's rate limits the settings page offers, as calls per hour. */
    public const RATES = ['number_rate', 'ip_rate', 'range_rate', 'global_rate'];

    private function __construct()
    {
    }

    /** @return array<string, mixed> */
    public static function defaults(): array
    {
        return [
            'enabled' => true,
            'call_api_id' => '',
            'api_key' => '',
            'sandbox' => false,
            'sandbox_url' => '',
            'store' => '',
            'signup' => true,
            'countries' => '',
            'number_rate' => 0,
            'ip_rate' => 0,
            'range_rate' => 0,
            'global_rate' => 0,
            'max_attempts' => 3,
            'twofa_roles' => [],
        ];
    }

    /** @return array<string, mixed> the stored settings over the defaults */
    public static function all(): array
    {
        $stored = function_exists('get_option') ? get_option(self::OPTION, []) : [];
        return array_merge(self::defaults(), is_array($stored) ? $stored : []);
    }

    /** One setting, the wp-config.php constant first for the credentials. */
    public static function get(string $name)
    {
        if (isset(self::CONSTANTS[$name]) && defined(self::CONSTANTS[$name])) {
            return (string) constant(self::CONSTANTS[$name]);
        }
        $all = self::all();
        return $all[$name] ?? null;
    }

    /** Whether a wp-config.php constant sets $name (its field is then read-only). */
    public static function fromConstant(string $name): bool
    {
        return isset(self::CONSTANTS[$name]) && defined(self::CONSTANTS[$name]);
    }

    /**
     * The api key as the settings page may show it: its last 4 characters only, e.g. `••••••••x9Qa`.
     */
    public static function hint(string $secret): string
    {
        if ($secret === '') {
            return '';
        }
        $shown = strlen($secret) > 12 ? substr($secret, -4) : '';
        return str_repeat("\u{2022}", 8) . $shown;
    }

    /**
     * What may be stored from the settings form: every field checked, the api key kept when the
     * field is left empty (the page never shows it back), numbers clamped, URLs only http(s).
     *
     * @param mixed $input the posted array
     * @param array<string, mixed> $old the stored settings
     * @return array{0: array<string, mixed>, 1: list<string>} the settings and the problems found
     */
    public static function sanitize($input, array $old): array
    {
        $input = is_array($input) ? $input : [];
        $out = array_merge(self::defaults(), $old);
        $problems = [];
        foreach (['enabled', 'sandbox', 'signup'] as $flag) {
            $out[$flag] = !empty($input[$flag]);
        }
        $id = trim(self::text($input['call_api_id'] ?? ''));
        if ($id !== '' && preg_match('/^[A-Za-z0-9._-]{1,128}$/', $id) !== 1) {
            $problems[] = 'call_api_id';
        } else {
            $out['call_api_id'] = $id;
        }
        $key = trim(self::text($input['api_key'] ?? ''));
        if (!empty($input['api_key_clear'])) {
            $out['api_key'] = '';
        } elseif ($key !== '') {
            if (preg_match('/^[\x21-\x7e]{8,256}$/', $key) !== 1) {
                $problems[] = 'api_key';
            } else {
                $out['api_key'] = $key;
            }
        }
        $url = trim(self::text($input['sandbox_url'] ?? ''));
        if ($url === '') {
            $out['sandbox_url'] = '';
        } elseif (preg_match('#^https?://[^\s/?\#]+(/[^\s?\#]*)?$#', $url) !== 1) {
            $problems[] = 'sandbox_url';
        } else {
            $out['sandbox_url'] = self::apiRoot($url);
        }
        if ($out['sandbox'] && $out['sandbox_url'] === '') {
            $problems[] = 'sandbox_url';
            $out['sandbox'] = false;
        }
        $store = trim(self::text($input['store'] ?? ''));
        if ($store === '' || preg_match('#^(sqlite:///\S+|redis://\S+|rediss://\S+)$#', $store) === 1) {
            $out['store'] = $store;
        } else {
            $problems[] = 'store';
        }
        $countries = strtoupper(self::text($input['countries'] ?? ''));
        $list = array_values(array_filter(array_map('trim', preg_split('/[\s,;]+/', $countries) ?: [])));
        $valid = array_values(array_filter($list, static function (string $c): bool {
            return preg_match('/^[A-Z]{2}$/', $c) === 1;
        }));
        if (count($valid) !== count($list)) {
            $problems[] = 'countries';
        }
        $out['countries'] = implode(', ', array_unique($valid));
        foreach (self::RATES as $rate) {
            $out[$rate] = self::count($input[$rate] ?? 0, 0, 1000000);
        }
        $out['max_attempts'] = self::count($input['max_attempts'] ?? 3, 1, 10);
        $roles = isset($input['twofa_roles']) && is_array($input['twofa_roles']) ? $input['twofa_roles'] : [];
        $out['twofa_roles'] = array_values(array_unique(array_filter(array_map(static function ($role): string {
            return is_string($role) && preg_match('/^[a-z0-9_-]{1,64}$/', $role) === 1 ? $role : '';
        }, $roles))));
        return [$out, $problems];
    }

    /**
     * The guard settings for the library (Client's `guard` argument): only what the site changed;
     * the library's defaults (the README's guard table) stand for the rest.
     *
     * @param array<string, mixed> $settings
     * @return array<string, mixed>
     */
    public static function guard(array $settings): array
    {
        $guard = [];
        foreach (self::RATES as $rate) {
            $calls = (int) ($settings[$rate] ?? 0);
            if ($calls > 0) {
                $guard[$rate] = ['calls' => $calls, 'window' => 3600];
            }
        }
        $countries = trim((string) ($settings['countries'] ?? ''));
        if ($countries !== '') {
            $guard['allowed_countries'] = array_values(array_filter(array_map('trim', explode(',', $countries))));
        }
        return $guard;
    }

    /** `http://127.0.0.1:8080/callapi/v2.0/` from the sandbox's root or any URL under it. */
    public static function apiRoot(string $url): string
    {
        $at = strpos($url, '/callapi/');
        $root = $at === false ? rtrim($url, '/') : substr($url, 0, $at);
        return $root . '/callapi/v2.0/';
    }

    /** The sandbox's root (`http://127.0.0.1:8080`) from its API root. */
    public static function sandboxRoot(string $apiRoot): string
    {
        $at = strpos($apiRoot, '/callapi/');
        return $at === false ? rtrim($apiRoot, '/') : substr($apiRoot, 0, $at);
    }

    /** @param mixed $value */
    private static function text($value): string
    {
        if (!is_scalar($value)) {
            return '';
        }
        $text = (string) $value;
        return function_exists('sanitize_text_field') ? sanitize_text_field($text) : trim(strip_tags($text));
    }

    /** @param mixed $value */
    private static function count($value, int $min, int $max): int
    {
        $number = is_numeric($value) ? (int) $value : $min;
        return max($min, min($max, $number));
    }
}
