<?php
/**
 * Numbers and users: a verified number (E.164, in the user meta `loginbycall_phone`, one row per
 * number) belongs to one user at most.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Accounts
{
    private function __construct()
    {
    }

    /** The user a verified number belongs to, or null. */
    public static function userOf(string $e164): ?\WP_User
    {
        $users = get_users([
            'meta_key' => Phone::META,
            'meta_value' => $e164,
            'number' => 2,
            'count_total' => false,
        ]);
        return count($users) === 1 && $users[0] instanceof \WP_User ? $users[0] : null;
    }

    /** @return list<string> the user's numbers */
    public static function numbers(int $userId): array
    {
        $numbers = get_user_meta($userId, Phone::META, false);
        return array_values(array_filter(array_map('strval', is_array($numbers) ? $numbers : [])));
    }

    /**
     * Links a verified number to a user. Refused (false) when it belongs to another user; checked
     * again after the write, so that two users linking one number at once do not both keep it.
     */
    public static function link(int $userId, string $e164): bool
    {
        $owner = self::userOf($e164);
        if ($owner !== null) {
            return $owner->ID === $userId;
        }
        add_user_meta($userId, Phone::META, $e164, false);
        $holders = get_users(['meta_key' => Phone::META, 'meta_value' => $e164, 'fields' => 'ID', 'orderby' => 'ID']);
        if (count($holders) > 1 && (int) $holders[0] !== $userId) {
            delete_user_meta($userId, Phone::META, $e164);
            return false;
        }
        do_action('loginbycall_number_linked', get_userdata($userId), $e164);
        return true;
    }

    /** Removes a number from a user. */
    public static function unlink(int $userId, string $e164): bool
    {
        $done = delete_user_meta($userId, Phone::META, $e164);
        if ($done) {
            do_action('loginbycall_number_removed', get_userdata($userId), $e164);
        }
        return $done;
    }

    /**
     * A new user for a verified number, with the role WordPress gives new users (default_role).
     * The login name is `phone` and the number's digits; the site changes the data with the filter
     * `loginbycall_new_user` (an array for wp_insert_user()).
     *
     * @return \WP_User|\WP_Error
     */
    public static function create(string $e164)
    {
        $digits = substr($e164, 1);
        $login = 'phone' . $digits;
        $n = 2;
        while (username_exists($login)) {
            $login = 'phone' . $digits . '-' . $n++;
        }
        $data = apply_filters('loginbycall_new_user', [
            'user_login' => $login,
            'user_pass' => wp_generate_password(32, true, true),
            'display_name' => Phone::masked($e164),
            'role' => get_option('default_role', 'subscriber'),
        ], $e164);
        $id = wp_insert_user($data);
        if (is_wp_error($id)) {
            return $id;
        }
        if (!self::link((int) $id, $e164)) {
            require_once ABSPATH . 'wp-admin/includes/user.php';
            wp_delete_user((int) $id);
            return new \WP_Error('loginbycall_taken', 'number taken');
        }
        return get_userdata((int) $id);
    }
}
