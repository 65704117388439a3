<?php
/**
 * Phone numbers as the plugin keeps and shows them. Reading what a person typed (national forms,
 * validity, the number's type) is the library's job (Client::normalizePhone, libphonenumber's
 * metadata); this class only formats the digits the library returns.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Phone
{
    /** The user meta key holding a user's verified numbers (E.164, one meta row per number). */
    public const META = 'loginbycall_phone';

    private function __construct()
    {
    }

    /**
     * The E.164 form (`+79256880636`) of a number the library normalised (`79256880636`), or of a
     * stored E.164 number; null when it is not 8 to 15 digits with an optional leading plus.
     */
    public static function e164(string $msisdn): ?string
    {
        $digits = trim($msisdn);
        if ($digits !== '' && $digits[0] === '+') {
            $digits = substr($digits, 1);
        }
        if (preg_match('/^[1-9][0-9]{7,14}$/', $digits) !== 1) {
            return null;
        }
        return '+' . $digits;
    }

    /** The number as logs and notices show it: `+7925*****36` (never the whole number). */
    public static function masked(string $number): string
    {
        $digits = ltrim($number, '+');
        $hidden = max(0, strlen($digits) - 6);
        return '+' . substr($digits, 0, 4) . str_repeat('*', $hidden) . substr($digits, 4 + $hidden);
    }

    /**
     * The mask's head as the code page shows it: `+7925688` for the prompt `7925688` (the library
     * gives the prompt without the hidden digits; the page draws one blank per digit).
     */
    public static function promptHead(string $prompt): string
    {
        return '+' . preg_replace('/[^0-9]/', '', $prompt);
    }

    /** Keeps only digits (what a code box may hold); at most $max of them. */
    public static function digitsOnly(string $text, int $max = 8): string
    {
        return substr((string) preg_replace('/[^0-9]/', '', $text), 0, $max);
    }
}
