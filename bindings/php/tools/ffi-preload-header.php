<?php
// Prints the package's FFI header with FFI_LIB naming libloginbycall by its path, for the php.ini
// setting `ffi.preload` when the library is not where the dynamic linker finds libloginbycall.so.0
// (installed under a prefix of its own, without `ldconfig`):
//
//   php bindings/php/tools/ffi-preload-header.php > /etc/php/8.2/loginbycall.ffi.h
//   ; php.ini: ffi.preload=/etc/php/8.2/loginbycall.ffi.h
//
//   php bindings/php/tools/ffi-preload-header.php [--log] [LIBRARY]
//
// LIBRARY defaults to the one the package finds (LOGINBYCALL_LIB, the php.ini setting
// loginbycall.library, the `lib` folder of the prefix the package was installed or unpacked under,
// the usual prefixes), then to pkg-config's `loginbycall` libdir. The header names the library by its
// SONAME in that folder (…/libloginbycall.so.0), never the versioned file, so that an upgrade is
// picked up at the next start. The library's version is checked first: the tool refuses (exit 1)
// one the package cannot use, as PHP would otherwise fail at start with "Failed resolving".
//
// --log prints the header of the optional log functions instead (scope LOGINBYCALL_LOG), for
// `ffi.preload=/etc/php/8.2/loginbycall.ffi.h:/etc/php/8.2/loginbycall-log.ffi.h`; exit 1 when the
// library has none.

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';

use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Internal\Native;

$arguments = array_slice($argv, 1);
$log = in_array('--log', $arguments, true);
$arguments = array_values(array_diff($arguments, ['--log']));

/** pkg-config's libdir for loginbycall, when pkg-config knows it. */
function pkg_config_library(): ?string
{
    if (!function_exists('shell_exec')) {
        return null;
    }
    $libdir = trim((string) @shell_exec('pkg-config --variable=libdir loginbycall 2>/dev/null'));
    if ($libdir === '') {
        return null;
    }
    foreach ([Native::soname(), 'libloginbycall.so'] as $name) {
        if (is_file("$libdir/$name")) {
            return "$libdir/$name";
        }
    }
    return null;
}

try {
    if (isset($arguments[0])) {
        $library = $arguments[0];
    } else {
        try {
            $library = Native::libraryPath();
        } catch (LoginByCallException $e) {
            $library = pkg_config_library();
            if ($library === null) {
                throw $e;
            }
        }
    }
    if (!is_file($library)) {
        fwrite(STDERR, "no library at $library\n");
        exit(1);
    }
    $absolute = $library[0] === '/' ? $library : (string) realpath(dirname($library)) . '/' . basename($library);
    $named = Native::bySoname($absolute);
    $problem = Native::versionProblem(Native::versionOf($named));
    if ($problem !== null) {
        fwrite(STDERR, "$problem ($named)\n");
        exit(1);
    }
    if ($log) {
        try {
            FFI::cdef((string) file_get_contents(Native::logHeaderPath()), $named);
        } catch (FFI\Exception $e) {
            fwrite(STDERR, "$named has no log functions (" . $e->getMessage() . ")\n");
            exit(1);
        }
        echo Native::logHeaderFor($named);
    } else {
        echo Native::headerFor($named);
    }
} catch (LoginByCallException $e) {
    fwrite(STDERR, $e->getMessage() . "\n");
    exit(1);
}
