<?php
// Prints the package's FFI header with FFI_LIB naming libloginbycall by its path, for the php.ini
// setting `ffi.preload` when the library is not where the dynamic linker finds libloginbycall.so.0
// (installed under a prefix of its own, without `ldconfig`):
//
//   php bindings/php/tools/ffi-preload-header.php [LIBRARY] > /etc/php/8.2/loginbycall.ffi.h
//   ; php.ini: ffi.preload=/etc/php/8.2/loginbycall.ffi.h
//
// LIBRARY defaults to the one the package finds (LOGINBYCALL_LIB, loginbycall.library, the prefixes).

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';

use LoginByCall\Internal\Native;

$library = $argv[1] ?? Native::libraryPath();
$resolved = realpath($library);
if ($resolved === false || !is_file($resolved)) {
    fwrite(STDERR, "no library at $library\n");
    exit(1);
}
echo Native::headerFor($resolved);
