<?php

declare(strict_types=1);

namespace LoginByCall;

use FFI;
use FFI\CData;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Internal\Native;

/**
 * Request signatures for code that builds its own requests (e.g. a WordPress plugin): HMAC-SHA512
 * keyed once with the account's api-key, over the method name and its parameters in the method's
 * documented order, whatever order they are given in; empty and null values are left out.
 *
 * ```php
 * $signer = new LoginByCall\Signer($apiKey);
 * $params['signature'] = $signer->sign('call', $params);
 * ```
 */
final class Signer
{
    private readonly FFI $ffi;

    private readonly CData $handle;

    /** Where each signature is written (LBC_SIGNATURE_HEX_LEN + 1 bytes), reused. */
    private readonly CData $buffer;

    /** @var array<string, true> method names already checked for NUL bytes and UTF-8 */
    private array $checked = [];

    /** @throws InvalidArgumentException for a NUL byte or invalid UTF-8 in the key */
    public function __construct(#[\SensitiveParameter] string $apiKey)
    {
        $this->ffi = $ffi = Native::ffi();
        $handle = $ffi->new('lbc_signer *');
        $err = Native::errorSlot($ffi);
        Native::check($ffi, $ffi->lbc_signer_new(Native::text($apiKey, 'apiKey'), FFI::addr($handle), FFI::addr($err)), $err);
        $this->handle = $handle;
        $this->buffer = $ffi->new('char[' . (Native::SIGNATURE_HEX_LEN + 1) . ']');
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            $this->ffi->lbc_signer_free($this->handle);
        }
    }

    private function __clone()
    {
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new Exception\LogicException('a LoginByCall\Signer cannot be serialized: make a new one from the key');
    }

    /**
     * The signature of $method (its wire name, e.g. `call`) over $params, as lower-case hex.
     *
     * @param array<string, string|int|null> $params name => value; parameters the method does not
     *        sign (e.g. `signature` itself) are ignored
     *
     * @throws InvalidArgumentException for an unknown or never-signed method, a NUL byte or invalid UTF-8
     * @throws \TypeError for a value that is not a string, an int or null
     */
    public function sign(string $method, array $params): string
    {
        // name\0value\0..., refused below if any name or value held a NUL of its own (the count
        // would not match) or was not UTF-8 (a NUL cannot complete a multi-byte sequence, so the
        // whole is valid only if every part is).
        $packed = '';
        $fields = 0;
        foreach ($params as $name => $value) {
            if ($value === null) {
                continue;
            }
            if (!is_string($value) && !is_int($value)) {
                throw new \TypeError("params[$name] must be a string, an int or null, " . get_debug_type($value) . ' given');
            }
            $packed .= $name . "\0" . $value . "\0";
            $fields += 2;
        }
        if (substr_count($packed, "\0") !== $fields || preg_match('//u', $packed) !== 1) {
            foreach ($params as $name => $value) {
                Native::text((string) $name, 'params name');
                Native::text((string) $value, "params[$name]");
            }
        }
        if (!isset($this->checked[$method])) {
            Native::text($method, 'method');
            if (count($this->checked) < 64) {
                $this->checked[$method] = true;
            }
        }
        $ffi = $this->ffi;
        $status = $ffi->lbc_signer_sign_packed($this->handle, $method, $packed, strlen($packed), $this->buffer, Native::SIGNATURE_HEX_LEN + 1, null);
        if ($status !== 0) {
            // Again, for the details (only failures pay for an error object).
            $err = Native::errorSlot($ffi);
            $status = $ffi->lbc_signer_sign_packed($this->handle, $method, $packed, strlen($packed), $this->buffer, Native::SIGNATURE_HEX_LEN + 1, FFI::addr($err));
            Native::check($ffi, $status, $err);
        }
        return FFI::string($this->buffer, Native::SIGNATURE_HEX_LEN);
    }
}
