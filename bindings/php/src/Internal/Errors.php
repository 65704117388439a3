<?php

declare(strict_types=1);

namespace LoginByCall\Internal;

use FFI;
use FFI\CData;
use LoginByCall\Exception\ApiException;
use LoginByCall\Exception\DecodeException;
use LoginByCall\Exception\GuardRefusedException;
use LoginByCall\Exception\HttpException;
use LoginByCall\Exception\InternalException;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Exception\StoreException;
use LoginByCall\Exception\TimeoutException;
use LoginByCall\Exception\TransportException;

/**
 * Turns an `lbc_error` into the package's exception: one class per kind (the status's name,
 * lbc_status_name: the core's one table), and for API errors one class per known code (ApiErrors,
 * generated from the library's own list).
 *
 * @internal
 */
final class Errors
{
    /**
     * Each kind the library names => its exception class (tests/ExceptionsTest checks that every
     * status the library knows has one).
     *
     * @var array<string, class-string<LoginByCallException>>
     */
    public const KINDS = [
        'api_error' => ApiException::class,
        'http_error' => HttpException::class,
        'transport_error' => TransportException::class,
        'timeout' => TimeoutException::class,
        'decode_error' => DecodeException::class,
        'invalid_input' => InvalidArgumentException::class,
        'internal_error' => InternalException::class,
        'guard_refused' => GuardRefusedException::class,
        'store_error' => StoreException::class,
    ];

    private function __construct()
    {
    }

    /** The exception for a failed call's `err` (a `lbc_error *` slot), which is freed. */
    public static function from(FFI $ffi, int $status, CData $err): LoginByCallException
    {
        if (FFI::isNull($err)) {
            return new InternalException("libloginbycall failed with status $status and no details");
        }
        try {
            return self::read($ffi, $status, $err);
        } finally {
            $ffi->lbc_error_free($err);
        }
    }

    private static function read(FFI $ffi, int $status, CData $err): LoginByCallException
    {
        $message = Native::take($ffi, $ffi->lbc_error_message($err)) ?? 'libloginbycall failed';
        $kind = Native::take($ffi, $ffi->lbc_status_name($status)) ?? 'internal_error';
        $requestId = Native::take($ffi, $ffi->lbc_error_request_id($err));
        $field = Native::take($ffi, $ffi->lbc_error_field($err));
        $placed = (bool) $ffi->lbc_error_may_have_been_placed($err);
        switch ($kind) {
            case 'api_error':
                $code = Native::take($ffi, $ffi->lbc_error_code($err)) ?? '';
                $additional = Native::take($ffi, $ffi->lbc_error_additional_json($err));
                $decoded = $additional === null ? [] : json_decode($additional, true);
                $delay = (float) $ffi->lbc_error_delay($err);
                $class = ApiErrors::CLASSES[$code] ?? ApiException::class;
                return new $class(
                    $message,
                    $code,
                    Native::take($ffi, $ffi->lbc_error_class($err)),
                    Native::take($ffi, $ffi->lbc_error_reason($err)),
                    $requestId,
                    is_array($decoded) ? $decoded : [],
                    $delay >= 0 ? $delay : null,
                );
            case 'http_error':
                return new HttpException($message, (int) $ffi->lbc_error_http_status($err), $requestId, $placed);
            case 'transport_error':
                return new TransportException($message, Native::take($ffi, $ffi->lbc_error_transport_kind($err)) ?? 'io', $placed);
            case 'timeout':
                return new TimeoutException($message, $placed);
            case 'decode_error':
                return new DecodeException($message, $field, $requestId, $placed);
            case 'invalid_input':
                return new InvalidArgumentException($message, $field);
            case 'guard_refused':
                $retryAfter = (float) $ffi->lbc_error_retry_after($err);
                return new GuardRefusedException(
                    $message,
                    Native::take($ffi, $ffi->lbc_error_guard_reason($err)) ?? '',
                    $retryAfter >= 0 ? $retryAfter : null,
                );
            case 'store_error':
                return new StoreException($message);
            default:
                return new InternalException($message, $status === 8);
        }
    }
}
