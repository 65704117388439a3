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

    /** The scope of the optional log functions (resources/loginbycall-log.ffi.h), when preloaded. */
    public const LOG_SCOPE = 'LOGINBYCALL_LOG';

    /** The environment variable naming the library file. */
    public const ENV = 'LOGINBYCALL_LIB';

    /** The php.ini setting naming the library file (read with get_cfg_var: php.ini, conf.d). */
    public const INI = 'loginbycall.library';

    /** Where `make install` puts the library, tried after ENV, INI and the package's own prefix. */
    public const PREFIXES = [
        '/usr/local/lib', '/usr/local/lib64', '/usr/lib', '/usr/lib64', '/usr/lib/x86_64-linux-gnu',
        '/usr/lib/aarch64-linux-gnu', '/opt/loginbycall/lib',
    ];

    /**
     * The version of include/loginbycall.h this package's FFI header was made from: the oldest
     * library it works with. A 0.x library must also have the same minor version (0.x minors may
     * break); from 1.0 on, the same major version and at least this minor.
     */
    public const VERSION = '0.1.0';

    /** The library's major version this package is written for. */
    public const MAJOR = 0;

    /** The longest URL sent (pay()'s and register()'s URLs), in bytes: the core's LBC_MAX_URL_BYTES (a test holds them equal). */
    public const MAX_URL = 2048;

    /** The longest value request() sends, in bytes: the core's LBC_MAX_TEXT_BYTES. */
    public const MAX_VALUE = 4096;

    /** The longest parameter or method name request() sends, in bytes: the core's LBC_MAX_NAME_BYTES. */
    public const MAX_NAME = 64;

    /** @var FFI|null */
    private static $ffi = null;

    /** @var FFI|false|null the log functions' FFI object; false: the library has none */
    private static $log = null;

    private function __construct()
    {
    }

    /** The FFI object for this request. */
    public static function ffi(): FFI
    {
        if (self::$ffi === null) {
            self::$ffi = self::open();
        }
        return self::$ffi;
    }

    /** The path of the FFI header. */
    public static function headerPath(): string
    {
        return dirname(__DIR__, 2) . '/resources/loginbycall.ffi.h';
    }

    /** The path of the optional log functions' FFI header. */
    public static function logHeaderPath(): string
    {
        return dirname(__DIR__, 2) . '/resources/loginbycall-log.ffi.h';
    }

    /** The SONAME the header's FFI_LIB names. */
    public static function soname(): string
    {
        return 'libloginbycall.so.' . self::MAJOR;
    }

    /**
     * Null when the library's $version suits this package, else why not ("this package needs
     * libloginbycall >= 0.1.0 and < 0.2, found 0.9.0").
     */
    public static function versionProblem(string $version): ?string
    {
        [$major, $minor] = array_map('intval', explode('.', self::VERSION));
        if (preg_match('/\A(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:[-+][0-9A-Za-z.+-]{0,64})?\z/', $version, $m) !== 1) {
            return 'this package needs libloginbycall ' . self::wanted() . ', found a library whose version is not MAJOR.MINOR.PATCH';
        }
        $found = [(int) $m[1], (int) $m[2]];
        $fits = $major === 0 ? $found === [$major, $minor] && version_compare($version, self::VERSION, '>=')
            : $found[0] === $major && version_compare($version, self::VERSION, '>=');
        return $fits ? null : 'this package needs libloginbycall ' . self::wanted() . ", found $version";
    }

    private static function wanted(): string
    {
        [$major, $minor] = array_map('intval', explode('.', self::VERSION));
        return '>= ' . self::VERSION . ' and < ' . ($major === 0 ? "0." . ($minor + 1) : ($major + 1) . '.0');
    }

    /**
     * The library to load: the file LOGINBYCALL_LIB or `loginbycall.library` names (which must
     * exist), else the first of the package's own prefix (the `lib` folder next to or above the
     * package, as an unpacked release or `make install` lays it out) and the install prefixes
     * holding it.
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
        foreach (self::searchDirectories() as $prefix) {
            foreach ([self::soname(), 'libloginbycall.so'] as $name) {
                $path = "$prefix/$name";
                $tried[] = $path;
                if (is_file($path)) {
                    return $path;
                }
            }
        }
        throw new LibraryException(
            'libloginbycall not found: set the environment variable ' . self::ENV . ' (in a PHP-FPM pool: env['
            . self::ENV . '] = /path/to/libloginbycall.so.0) or the php.ini setting ' . self::INI
            . ' to its path, or install it (`make install`); tried ' . implode(', ', $tried),
            $tried
        );
    }

    /** @return list<string> the package's own prefixes, then PREFIXES */
    public static function searchDirectories(): array
    {
        $package = dirname(__DIR__, 2);
        $own = [];
        for ($up = 0; $up <= 3; $up++) {
            $own[] = ($up === 0 ? $package : dirname($package, $up)) . '/lib';
        }
        return array_values(array_unique(array_merge($own, self::PREFIXES)));
    }

    /**
     * The FFI header naming $library by its path in FFI_LIB, for `ffi.preload` when the library is
     * not where the dynamic linker finds its SONAME (tools/ffi-preload-header.php prints it).
     */
    public static function headerFor(string $library): string
    {
        self::checkLibraryName($library);
        $text = self::readHeader(self::headerPath());
        return str_replace('#define FFI_LIB "' . self::soname() . '"', '#define FFI_LIB "' . $library . '"', $text);
    }

    /** The log functions' FFI header naming $library (preloaded into LOG_SCOPE when the library has them). */
    public static function logHeaderFor(string $library): string
    {
        self::checkLibraryName($library);
        return '#define FFI_SCOPE "' . self::LOG_SCOPE . "\"\n#define FFI_LIB \"$library\"\n" . self::readHeader(self::logHeaderPath());
    }

    private static function checkLibraryName(string $library): void
    {
        if (strpbrk($library, "\"\n\r\0\\") !== false) {
            throw new InvalidArgumentException('the library path holds a quote, a backslash, a line break or a NUL', 'library');
        }
    }

    /**
     * $library named by its SONAME when the SONAME link stands beside it: `/opt/x/lib/libloginbycall.so`
     * and `/opt/x/lib/libloginbycall.so.0.1.0` become `/opt/x/lib/libloginbycall.so.0`, so that a
     * header naming it follows the library through upgrades.
     */
    public static function bySoname(string $library): string
    {
        $directory = dirname($library);
        $soname = $directory . '/' . self::soname();
        $real = realpath($library);
        if (basename($library) !== self::soname() && is_file($soname) && $real !== false && realpath($soname) === $real) {
            return $soname;
        }
        return $library;
    }

    /**
     * For preload.php: makes sure the declarations are in the scope LOGINBYCALL and that the
     * library's version suits the package (so that PHP-FPM refuses to start with one that does
     * not). With `ffi.preload` set to the header (required when opcache preloads in a process of
     * its own, i.e. with `opcache.preload_user`, as PHP-FPM started as root does) they already are;
     * otherwise they are loaded here with FFI::load(), from a copy of the header naming the library
     * found. The optional log functions are loaded into LOG_SCOPE when the library has them.
     *
     * @throws LibraryException
     */
    public static function preload(): void
    {
        $scope = null;
        try {
            $scope = FFI::scope(self::SCOPE);
        } catch (FFI\Exception $e) {
            // Not loaded by ffi.preload: load it now.
        }
        $library = null;
        if ($scope === null) {
            $library = self::libraryPath();
            self::checkVersion(self::versionOf($library), $library);
            $copy = self::writeCopy(self::headerFor($library));
            try {
                $scope = FFI::load($copy);
            } catch (FFI\Exception $e) {
                throw new LibraryException(
                    'cannot load libloginbycall while preloading (' . $e->getMessage() . '): set ffi.preload='
                    . self::headerPath() . ' (the library found by its SONAME, e.g. installed and `ldconfig` run),'
                    . ' or to the header `php ' . dirname(__DIR__, 2) . '/tools/ffi-preload-header.php` prints',
                    [$library],
                    $e
                );
            }
            if ($scope === null) {
                throw new LibraryException("FFI::load($copy) failed (is $library a libloginbycall?)", [$library]);
            }
        }
        self::checkVersion((string) $scope->lbc_version(), $library);
        try {
            if (FFI::scope(self::LOG_SCOPE) !== null) {
                return;
            }
        } catch (FFI\Exception $e) {
            // Not loaded by ffi.preload either.
        }
        try {
            FFI::load(self::writeCopy(self::logHeaderFor($library ?? self::libraryPath())));
        } catch (FFI\Exception $e) {
            // A library without the log functions: the package works, without logging.
        } catch (LibraryException $e) {
            // The library was found by its SONAME only: no logging through the preloaded scope.
        }
    }

    /** A copy of $header in the temporary directory, by content; its path. */
    private static function writeCopy(string $header): string
    {
        $copy = sys_get_temp_dir() . '/loginbycall-' . hash('sha256', $header) . '.ffi.h';
        if (!is_file($copy) || file_get_contents($copy) !== $header) {
            $temporary = tempnam(sys_get_temp_dir(), 'loginbycall');
            if ($temporary === false || file_put_contents($temporary, $header) === false || !rename($temporary, $copy)) {
                throw new LibraryException("cannot write an FFI header to $copy", []);
            }
            chmod($copy, 0644);
        }
        return $copy;
    }

    /**
     * The version of the library file $library, read through lbc_version() alone (so that a library
     * too old to have the package's other functions is named as such, not "Failed resolving").
     *
     * @throws LibraryException
     */
    public static function versionOf(string $library): string
    {
        try {
            $probe = FFI::cdef('const char *lbc_version(void);', $library);
        } catch (FFI\Exception $e) {
            throw new LibraryException("cannot load $library: " . $e->getMessage(), [$library], $e);
        }
        return (string) $probe->lbc_version();
    }

    /** @throws LibraryException when $version does not suit the package */
    private static function checkVersion(string $version, ?string $library): void
    {
        $problem = self::versionProblem($version);
        if ($problem !== null) {
            throw new LibraryException($problem . ($library === null ? '' : " ($library)"), $library === null ? [] : [$library]);
        }
    }

    /** Whether this process may call FFI::cdef(): ffi.enable=1, or `preload` in the CLI (as PHP allows). */
    public static function mayLoad(): bool
    {
        $mode = strtolower((string) ini_get('ffi.enable'));
        if (in_array($mode, ['1', 'on', 'true', 'yes'], true)) {
            return true;
        }
        return $mode === 'preload' && PHP_SAPI === 'cli';
    }

    private static function open(): FFI
    {
        try {
            $ffi = FFI::scope(self::SCOPE);
        } catch (FFI\Exception $e) {
            $ffi = null;
        }
        $library = null;
        if ($ffi === null) {
            if (!self::mayLoad()) {
                $mode = strtolower((string) ini_get('ffi.enable'));
                throw new LibraryException(
                    "PHP's FFI is restricted (ffi.enable=" . ($mode === '' ? '0' : $mode) . ') and the package was not preloaded:'
                    . ' set opcache.preload=' . dirname(__DIR__, 2) . '/preload.php (with opcache.preload_user),'
                    . ' or ffi.enable=1',
                    []
                );
            }
            $library = self::libraryPath();
            self::checkVersion(self::versionOf($library), $library);
            $declarations = (string) preg_replace('/\A(#define FFI_[A-Z]+ "[^"\n]*"\n)+/', '', self::readHeader(self::headerPath()));
            try {
                $ffi = FFI::cdef($declarations, $library);
            } catch (FFI\Exception $e) {
                throw new LibraryException("cannot load $library: " . $e->getMessage(), [$library], $e);
            }
        } else {
            self::checkVersion((string) $ffi->lbc_version(), null);
        }
        return $ffi;
    }

    /**
     * The FFI object of the log functions (lbc_config_set_log_level, lbc_client_take_log), or null
     * when the library does not have them (or they were not preloaded).
     */
    public static function logFfi(): ?FFI
    {
        if (self::$log === null) {
            self::$log = false;
            try {
                $log = FFI::scope(self::LOG_SCOPE);
                if ($log !== null) {
                    self::$log = $log;
                }
            } catch (FFI\Exception $e) {
                // Not preloaded.
            }
            if (self::$log === false && self::mayLoad()) {
                try {
                    self::$log = FFI::cdef(self::readHeader(self::logHeaderPath()), self::libraryPath());
                } catch (FFI\Exception $e) {
                    // The library has no log functions.
                } catch (LibraryException $e) {
                    // Found by a preloaded scope only.
                }
            }
        }
        return self::$log === false ? null : self::$log;
    }

    /** Whether the library has the log functions. */
    public static function hasLog(): bool
    {
        return self::logFfi() !== null;
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
    public static function text(
        #[\SensitiveParameter]
        string $value,
        string $name,
        ?int $max = null
    ): string {
        if ($max !== null && strlen($value) > $max) {
            throw new InvalidArgumentException("$name is longer than $max bytes", $name);
        }
        if (strpos($value, "\0") !== false) {
            throw new InvalidArgumentException("$name holds a NUL byte", $name);
        }
        if (preg_match('//u', $value) !== 1) {
            throw new InvalidArgumentException("$name is not valid UTF-8", $name);
        }
        return $value;
    }

    /** A native copy of the bytes of $value (for `const uint8_t *` arguments); wipe() it after use. */
    public static function bytes(
        FFI $ffi,
        #[\SensitiveParameter]
        string $value
    ): CData {
        $buffer = $ffi->new('uint8_t[' . max(1, strlen($value)) . ']');
        if ($value !== '') {
            FFI::memcpy($buffer, $value, strlen($value));
        }
        return $buffer;
    }

    /** Like text(), for an optional value. */
    public static function optText(
        #[\SensitiveParameter]
        ?string $value,
        string $name,
        ?int $max = null
    ): ?string {
        return $value === null ? null : self::text($value, $name, $max);
    }

    /**
     * $value as JSON, any failure (INF, NAN, invalid UTF-8, depth) an InvalidArgumentException
     * naming $name (never JsonException, which is outside the package's hierarchy).
     *
     * @param mixed $value
     */
    public static function json($value, string $name): string
    {
        try {
            return json_encode($value, JSON_THROW_ON_ERROR | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRESERVE_ZERO_FRACTION);
        } catch (\JsonException $e) {
            throw new InvalidArgumentException("$name cannot be sent: " . $e->getMessage() . ' (INF, NAN or invalid UTF-8?)', $name, $e);
        }
    }

    /** A caller's name (a parameter's, a property's) as it may appear in a message: short and printable, else `(?)`. */
    public static function label(string $name): string
    {
        return preg_match('/\A[A-Za-z0-9_.:\/-]{1,64}\z/', $name) === 1 ? $name : '(?)';
    }

    /** The type of $value as PHP 8's get_debug_type() names it. @param mixed $value */
    public static function typeName($value): string
    {
        if (is_object($value)) {
            return get_class($value);
        }
        $type = gettype($value);
        $names = ['integer' => 'int', 'double' => 'float', 'boolean' => 'bool', 'NULL' => 'null'];
        return $names[$type] ?? $type;
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
