<?php

declare(strict_types=1);

namespace LoginByCall\Internal;

use FFI;
use FFI\CData;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LibraryException;
use LoginByCall\Exception\LoginByCallException;

/**
 * The one owner of the FFI object over libloginbycall, and the helpers every class uses to talk to it.
 *
 * With `opcache.preload` set to the package's preload.php, the declarations were loaded once into the
 * scope `LOGINBYCALL` and each request takes them with FFI::scope() (the only way under PHP's default
 * `ffi.enable=preload`); otherwise (`ffi.enable=1`, the CLI) FFI::cdef() parses the header once per
 * request. The library is found through the environment variable LOGINBYCALL_LIB, the php.ini setting
 * `loginbycall.library`, or the usual install prefixes, in that order.
 *
 * @internal
 */
final class Native
{
    /** The scope preload.php registers. */
    public const SCOPE = 'LOGINBYCALL';

    /** The environment variable naming the library file. */
    public const ENV = 'LOGINBYCALL_LIB';

    /** The php.ini setting naming the library file (read with get_cfg_var: php.ini, conf.d). */
    public const INI = 'loginbycall.library';

    /** Where `make install` puts the library, tried after ENV and INI. */
    public const PREFIXES = ['/usr/local/lib', '/usr/lib', '/usr/lib64', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu'];

    /** The library's major version this package is written for. */
    public const MAJOR = 0;

    private static ?FFI $ffi = null;

    private function __construct()
    {
    }

    /** The FFI object for this request. */
    public static function ffi(): FFI
    {
        return self::$ffi ??= self::open();
    }

    /** The path of the FFI header. */
    public static function headerPath(): string
    {
        return dirname(__DIR__, 2) . '/resources/loginbycall.ffi.h';
    }

    /** The SONAME the header's FFI_LIB names. */
    public static function soname(): string
    {
        return 'libloginbycall.so.' . self::MAJOR;
    }

    /**
     * The library to load: the file LOGINBYCALL_LIB or `loginbycall.library` names (which must
     * exist), else the first install prefix holding it.
     *
     * @throws LibraryException naming every path tried
     */
    public static function libraryPath(): string
    {
        $tried = [];
        foreach ([['environment variable ' . self::ENV, getenv(self::ENV)], ['php.ini setting ' . self::INI, get_cfg_var(self::INI)]] as [$source, $value]) {
            if (is_string($value) && $value !== '') {
                if (is_file($value)) {
                    return $value;
                }
                throw new LibraryException("libloginbycall not found: the $source names $value, which is not a file", [$value]);
            }
        }
        foreach (self::PREFIXES as $prefix) {
            foreach ([self::soname(), 'libloginbycall.so'] as $name) {
                $path = "$prefix/$name";
                $tried[] = $path;
                if (is_file($path)) {
                    return $path;
                }
            }
        }
        throw new LibraryException(
            'libloginbycall not found: set the environment variable ' . self::ENV . ' or the php.ini setting '
            . self::INI . ' to its path, or install it (`make install`); tried ' . implode(', ', $tried),
            $tried,
        );
    }

    /**
     * The FFI header naming $library by its path in FFI_LIB, for `ffi.preload` when the library is
     * not where the dynamic linker finds its SONAME (tools/ffi-preload-header.php prints it).
     */
    public static function headerFor(string $library): string
    {
        if (str_contains($library, '"') || str_contains($library, "\n") || str_contains($library, "\0")) {
            throw new InvalidArgumentException('the library path holds a quote, a line break or a NUL', 'library');
        }
        $text = self::readHeader(self::headerPath());
        return str_replace('#define FFI_LIB "' . self::soname() . '"', '#define FFI_LIB "' . $library . '"', $text);
    }

    /**
     * For preload.php: makes sure the declarations are in the scope LOGINBYCALL. With `ffi.preload`
     * set to the header (required when opcache preloads in a process of its own, i.e. with
     * `opcache.preload_user`, as PHP-FPM started as root does) they already are; otherwise they are
     * loaded here with FFI::load(), from a copy of the header naming the library found.
     */
    public static function preload(): void
    {
        try {
            if (FFI::scope(self::SCOPE) !== null) {
                return;
            }
        } catch (FFI\Exception) {
            // Not loaded by ffi.preload: load it now.
        }
        $library = self::libraryPath();
        $named = self::headerFor($library);
        $copy = sys_get_temp_dir() . '/loginbycall-' . hash('sha256', $named) . '.ffi.h';
        if (!is_file($copy) || file_get_contents($copy) !== $named) {
            $temporary = tempnam(sys_get_temp_dir(), 'loginbycall');
            if ($temporary === false || file_put_contents($temporary, $named) === false || !rename($temporary, $copy)) {
                throw new LibraryException("cannot write the FFI header for $library to $copy", [$library]);
            }
            chmod($copy, 0644);
        }
        try {
            $loaded = FFI::load($copy);
        } catch (FFI\Exception $e) {
            throw new LibraryException(
                'cannot load libloginbycall while preloading (' . $e->getMessage() . '): set ffi.preload='
                . self::headerPath() . ' (the library found by its SONAME, e.g. installed and `ldconfig` run),'
                . ' or to the header `php ' . dirname(__DIR__, 2) . '/tools/ffi-preload-header.php` prints',
                [$library],
                $e,
            );
        }
        if ($loaded === null) {
            throw new LibraryException("FFI::load($copy) failed (is $library a libloginbycall?)", [$library]);
        }
    }

    private static function open(): FFI
    {
        try {
            $ffi = FFI::scope(self::SCOPE);
        } catch (FFI\Exception) {
            $ffi = null;
        }
        if ($ffi === null) {
            $mode = strtolower((string) ini_get('ffi.enable'));
            if ($mode === 'preload' || $mode === '0' || $mode === '' || $mode === 'off' || $mode === 'false') {
                throw new LibraryException(
                    "PHP's FFI is restricted (ffi.enable=" . ($mode === '' ? '0' : $mode) . ') and the package was not preloaded:'
                    . ' set opcache.preload=' . dirname(__DIR__, 2) . '/preload.php (with opcache.preload_user),'
                    . ' or ffi.enable=1 (e.g. `php -d ffi.enable=1` for scripts)',
                    [],
                );
            }
            $library = self::libraryPath();
            $declarations = (string) preg_replace('/\A(#define FFI_[A-Z]+ "[^"\n]*"\n)+/', '', self::readHeader(self::headerPath()));
            try {
                $ffi = FFI::cdef($declarations, $library);
            } catch (FFI\Exception $e) {
                throw new LibraryException("cannot load $library: " . $e->getMessage(), [$library], $e);
            }
        }
        $version = (string) $ffi->lbc_version();
        if (!str_starts_with($version, self::MAJOR . '.')) {
            throw new LibraryException('libloginbycall ' . $version . ' is loaded; this package needs version ' . self::MAJOR . '.x', []);
        }
        return $ffi;
    }

    private static function readHeader(string $path): string
    {
        $text = @file_get_contents($path);
        if ($text === false) {
            throw new LibraryException("cannot read the FFI header $path", []);
        }
        return $text;
    }

    /**
     * $value checked for C: no NUL byte (C would cut the text there), valid UTF-8.
     *
     * @throws InvalidArgumentException naming $name
     */
    public static function text(string $value, string $name): string
    {
        if (str_contains($value, "\0")) {
            throw new InvalidArgumentException("$name holds a NUL byte", $name);
        }
        if (preg_match('//u', $value) !== 1) {
            throw new InvalidArgumentException("$name is not valid UTF-8", $name);
        }
        return $value;
    }

    /** A native copy of the bytes of $value (for `const uint8_t *` arguments); wipe() it after use. */
    public static function bytes(FFI $ffi, string $value): CData
    {
        $buffer = $ffi->new('uint8_t[' . max(1, strlen($value)) . ']');
        if ($value !== '') {
            FFI::memcpy($buffer, $value, strlen($value));
        }
        return $buffer;
    }

    /** Like text(), for an optional value. */
    public static function optText(?string $value, string $name): ?string
    {
        return $value === null ? null : self::text($value, $name);
    }

    /** A non-negative whole number of milliseconds for a duration in seconds. */
    public static function millis(float $seconds, string $name): int
    {
        if (!is_finite($seconds) || $seconds < 0 || $seconds > 9.2e15) {
            throw new InvalidArgumentException("$name must be a non-negative number of seconds", $name);
        }
        return (int) round($seconds * 1000);
    }

    /** A library string as PHP text, freed with lbc_string_free; null for NULL. */
    public static function take(FFI $ffi, ?CData $pointer): ?string
    {
        if ($pointer === null || FFI::isNull($pointer)) {
            return null;
        }
        try {
            return FFI::string($pointer);
        } finally {
            $ffi->lbc_string_free($pointer);
        }
    }

    /** A new `lbc_error *` for an `err` out-parameter. */
    public static function errorSlot(FFI $ffi): CData
    {
        return $ffi->new('lbc_error *');
    }

    /**
     * Throws the exception for a failed call (status not LBC_OK), freeing the error.
     *
     * @throws LoginByCallException
     */
    public static function check(FFI $ffi, int $status, CData $err): void
    {
        if ($status === 0) {
            return;
        }
        throw Errors::from($ffi, $status, $err);
    }
}
