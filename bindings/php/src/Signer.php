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
    private FFI $ffi;

    private CData $handle;

    /** The `char *` the signature comes back in, and its address, reused. */
    private CData $out;

    private CData $outAddress;

    /** pack() format of one pointer (`Q` with 8-byte pointers, `L` with 4-byte ones). */
    private string $pointerFormat;

    private int $pointerSize;

    /**
     * One native buffer, reused: the `lbc_param` array ($capacity entries: a name and a value
     * pointer each) followed by every name and value, each ending with a NUL. Grown when a call
     * needs more.
     */
    private CData $buffer;

    /** The buffer as the `lbc_param *` given to lbc_signer_sign. */
    private CData $params;

    /** The buffer's text part, and its address (where the parameters' pointers point). */
    private CData $text;

    private int $textAddress = 0;

    private int $capacity = 0;

    private int $textSize = 0;

    /** @var array<string, true> method names already checked for NUL bytes and UTF-8 */
    private array $checked = [];

    /** @throws InvalidArgumentException for an empty key, a NUL byte or invalid UTF-8 in it */
    public function __construct(
        #[\SensitiveParameter]
        string $apiKey
    ) {
        if ($apiKey === '') {
            throw new InvalidArgumentException('apiKey is empty: give the account\'s api-key', 'apiKey');
        }
        $this->ffi = $ffi = Native::ffi();
        $handle = $ffi->new('lbc_signer *');
        $err = Native::errorSlot($ffi);
        Native::check($ffi, $ffi->lbc_signer_new(Native::text($apiKey, 'apiKey'), FFI::addr($handle), FFI::addr($err)), $err);
        $this->handle = $handle;
        $this->out = $ffi->new('char *');
        $this->outAddress = FFI::addr($this->out);
        $this->pointerSize = FFI::sizeof($ffi->type('char *'));
        $this->pointerFormat = $this->pointerSize === 8 ? 'Q*' : 'L*';
        $this->grow(8, 512);
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

    /** Makes room for $count parameters and $bytes bytes of names and values. */
    private function grow(int $count, int $bytes): void
    {
        if ($count <= $this->capacity && $bytes <= $this->textSize) {
            return;
        }
        $this->capacity = max($count, $this->capacity);
        $this->textSize = max($bytes, 2 * $this->textSize);
        $table = 2 * $this->pointerSize * $this->capacity;
        $this->buffer = $this->ffi->new('char[' . ($table + $this->textSize) . ']');
        $this->params = $this->ffi->cast('lbc_param *', FFI::addr($this->buffer));
        $this->text = $this->params + $this->capacity;
        $this->textAddress = $this->ffi->cast('uintptr_t', $this->text)->cdata;
    }

    /**
     * The signature of $method (its wire name, e.g. `call`) over $params, as lower-case hex
     * (lbc_signer_sign: libloginbycall's one way to sign).
     *
     * @param array<string, string|int|null> $params name => value; parameters the method does not
     *        sign (e.g. `signature` itself) are ignored
     *
     * @throws InvalidArgumentException for an unknown or never-signed method, a NUL byte or invalid UTF-8
     * @throws \TypeError for a value that is not a string, an int or null
     */
    public function sign(string $method, array $params): string
    {
        // Every name and value, each followed by a NUL, and the address each will have in the
        // buffer; refused below if any held a NUL of its own (the count would not match) or was not
        // UTF-8 (a NUL cannot complete a multi-byte sequence, so the whole is valid only if every
        // part is). Two copies into native memory then make the lbc_param array: no FFI object per
        // parameter.
        $text = '';
        $addresses = [];
        $at = $this->textAddress;
        foreach ($params as $name => $value) {
            if ($value === null) {
                continue;
            }
            if (!is_string($value) && !is_int($value)) {
                throw new \TypeError('params[' . Native::label((string) $name) . '] must be a string, an int or null, ' . Native::typeName($value) . ' given');
            }
            $addresses[] = $at + strlen($text);
            $text .= $name . "\0";
            $addresses[] = $at + strlen($text);
            $text .= $value . "\0";
        }
        $count = intdiv(count($addresses), 2);
        if (substr_count($text, "\0") !== 2 * $count || preg_match('//u', $text) !== 1) {
            foreach ($params as $name => $value) {
                Native::text((string) $name, 'params name');
                Native::text((string) $value, 'params[' . Native::label((string) $name) . ']');
            }
        }
        if (!isset($this->checked[$method])) {
            Native::text($method, 'method');
            if (count($this->checked) < 64) {
                $this->checked[$method] = true;
            }
        }
        if ($count > $this->capacity || strlen($text) > $this->textSize) {
            $this->grow($count, strlen($text));
            return $this->sign($method, $params); // the addresses moved with the buffer
        }
        if ($count > 0) {
            FFI::memcpy($this->buffer, pack($this->pointerFormat, ...$addresses), 2 * $this->pointerSize * $count);
            FFI::memcpy($this->text, $text, strlen($text));
        }
        $ffi = $this->ffi;
        $status = $ffi->lbc_signer_sign($this->handle, $method, $this->params, $count, $this->outAddress, null);
        if ($status !== 0) {
            // Again, for the details (only failures pay for an error object).
            $err = Native::errorSlot($ffi);
            $status = $ffi->lbc_signer_sign($this->handle, $method, $this->params, $count, $this->outAddress, FFI::addr($err));
            Native::check($ffi, $status, $err);
        }
        try {
            return FFI::string($this->out);
        } finally {
            $ffi->lbc_string_free($this->out);
        }
    }
}
