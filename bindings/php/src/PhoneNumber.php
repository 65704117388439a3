<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Internal\Native;

/** Phone numbers, read as libloginbycall reads them before it places a call. */
final class PhoneNumber
{
    private function __construct()
    {
    }

    /**
     * A phone number as people write it, as the E.164 digits the service wants without `+`:
     * `+7 (925) 688-06-36` and, in region RU, `8 (925) 688-06-36` both give `79256880636`. Use it to
     * store and compare numbers as the library sees them (Client::normalizePhone() uses the
     * client's defaultRegion).
     *
     * @param string $region a two-letter region code (either case) whose national forms are read
     *
     * @throws InvalidArgumentException naming `msisdn` for a number that is not valid anywhere, or
     *         `region` for an unknown region
     */
    public static function normalize(string $text, string $region = 'RU'): string
    {
        $ffi = Native::ffi();
        $out = $ffi->new('char *');
        $err = Native::errorSlot($ffi);
        $status = $ffi->lbc_normalize_phone(Native::text($text, 'msisdn'), Native::text($region, 'region'), \FFI::addr($out), \FFI::addr($err));
        Native::check($ffi, $status, $err);
        return Native::take($ffi, $out) ?? '';
    }
}
