<?php

declare(strict_types=1);

namespace LoginByCall\Internal;

use FFI;
use FFI\CData;
use LoginByCall\AccountStatus;
use LoginByCall\Balance;
use LoginByCall\BalancePayment;
use LoginByCall\CallStarted;
use LoginByCall\CallState;
use LoginByCall\Exception\DecodeException;
use LoginByCall\Payment;
use LoginByCall\Registration;
use LoginByCall\ServerStatus;

/**
 * Reads the library's answer objects into the package's readonly classes, freeing each native answer
 * as soon as it is read.
 *
 * @internal
 */
final class Answers
{
    private function __construct()
    {
    }

    /** A string getter's value that the answer always has. */
    private static function required(FFI $ffi, ?CData $text, string $field): string
    {
        $value = Native::take($ffi, $text);
        if ($value === null) {
            throw new DecodeException("the answer has no $field", $field);
        }
        return $value;
    }

    public static function registration(FFI $ffi, CData $p): Registration
    {
        try {
            return new Registration(
                self::required($ffi, $ffi->lbc_registration_call_api_id($p), 'call-api-id'),
                self::required($ffi, $ffi->lbc_registration_verify_url($p), 'verify_url'),
            );
        } finally {
            $ffi->lbc_registration_free($p);
        }
    }

    public static function accountStatus(FFI $ffi, CData $p): AccountStatus
    {
        try {
            return new AccountStatus(
                (bool) $ffi->lbc_account_status_activated($p),
                (bool) $ffi->lbc_account_status_blocked($p),
                (bool) $ffi->lbc_account_status_allow_unsecure_calls($p),
            );
        } finally {
            $ffi->lbc_account_status_free($p);
        }
    }

    public static function serverStatus(FFI $ffi, CData $p): ServerStatus
    {
        try {
            return new ServerStatus((int) $ffi->lbc_server_status_value($p), (bool) $ffi->lbc_server_status_is_working($p));
        } finally {
            $ffi->lbc_server_status_free($p);
        }
    }

    public static function balance(FFI $ffi, CData $p): Balance
    {
        try {
            $payments = [];
            $count = (int) $ffi->lbc_balance_payment_count($p);
            for ($i = 0; $i < $count; $i++) {
                $payments[] = new BalancePayment((int) $ffi->lbc_balance_payment_value($p, $i), (int) $ffi->lbc_balance_payment_created($p, $i));
            }
            return new Balance(
                (int) $ffi->lbc_balance_balance($p),
                (int) $ffi->lbc_balance_consumed($p),
                (int) $ffi->lbc_balance_current($p),
                (int) $ffi->lbc_balance_notify_limit($p),
                $payments,
            );
        } finally {
            $ffi->lbc_balance_free($p);
        }
    }

    public static function payment(FFI $ffi, CData $p): Payment
    {
        try {
            $html = self::required($ffi, $ffi->lbc_payment_to_html($p), 'form');
            if ((int) $ffi->lbc_payment_shape_of($p) === $ffi->LBC_PAYMENT_HTML) {
                return new Payment(Payment::SHAPE_HTML, $html);
            }
            $fields = [];
            $count = (int) $ffi->lbc_payment_field_count($p);
            for ($i = 0; $i < $count; $i++) {
                $fields[self::required($ffi, $ffi->lbc_payment_field_name($p, $i), 'field name')] =
                    Native::take($ffi, $ffi->lbc_payment_field_value($p, $i)) ?? '';
            }
            return new Payment(
                Payment::SHAPE_FORM,
                $html,
                Native::take($ffi, $ffi->lbc_payment_url($p)),
                Native::take($ffi, $ffi->lbc_payment_method($p)),
                $fields,
            );
        } finally {
            $ffi->lbc_payment_free($p);
        }
    }

    public static function callStarted(FFI $ffi, CData $p): CallStarted
    {
        try {
            return new CallStarted(
                self::required($ffi, $ffi->lbc_call_started_call($p), 'call'),
                self::required($ffi, $ffi->lbc_call_started_mask($p), 'mask'),
                (int) $ffi->lbc_call_started_codelen($p),
                (int) $ffi->lbc_call_started_repeat_timeout($p),
            );
        } finally {
            $ffi->lbc_call_started_free($p);
        }
    }

    public static function callState(FFI $ffi, CData $p): CallState
    {
        try {
            return new CallState(
                (int) $ffi->lbc_call_state_status($p),
                Native::take($ffi, $ffi->lbc_call_state_status_desc($p)) ?? '',
                (bool) $ffi->lbc_call_state_is_final($p),
                Native::take($ffi, $ffi->lbc_call_state_last_error($p)),
            );
        } finally {
            $ffi->lbc_call_state_free($p);
        }
    }
}
