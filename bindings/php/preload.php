<?php
// For opcache.preload (PHP-FPM, mod_php): loads libloginbycall's declarations once into the FFI scope
// LOGINBYCALL and compiles every class of the package, so that requests neither parse the header nor
// load the classes again, and so that the package works under PHP's default ffi.enable=preload (which
// allows FFI only in preloaded code). In php.ini (or the FPM pool):
//
//     opcache.enable=1
//     opcache.preload=/path/to/bindings/php/preload.php
//     opcache.preload_user=www-data
//     ; ffi.enable=preload is the default
//
// The library is found as everywhere (LOGINBYCALL_LIB in the environment of the process that
// preloads, the php.ini setting loginbycall.library, the package's own prefix, or the install
// prefixes), and its version is checked here: with one the package cannot use, preloading fails and
// so PHP-FPM refuses to start ("this package needs libloginbycall >= X, found Y"), instead of every
// request failing.

declare(strict_types=1);

require_once __DIR__ . '/autoload.php';

LoginByCall\Internal\Native::preload();

$files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS));
$classes = [];
foreach ($files as $file) {
    if ($file->getExtension() === 'php') {
        $relative = substr($file->getPathname(), strlen(__DIR__ . '/src/'), -4);
        $classes[] = 'LoginByCall\\' . str_replace('/', '\\', $relative);
    }
}
sort($classes);
foreach ($classes as $class) {
    // Loading through the autoloader defines parents and interfaces first, so every class links.
    class_exists($class) || interface_exists($class);
}
