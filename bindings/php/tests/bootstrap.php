<?php
// Starts what the tests talk to, once for the whole run, and stops it at the end:
//  - `lbc sandbox --listen 127.0.0.1:0` (LBC_BIN, else target/release/lbc of CARGO_TARGET_DIR or
//    the workspace: the run's one release build), read from its ready line;
//  - the registered web site (`php -S` with tests/fixtures/site.php), serving the verify_url file of
//    credential_confirm. What the service does wrong (HTTP 502, an answer that is not JSON, an
//    unknown error code, no answer) is the sandbox's faults, armed through its control API.

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';
require __DIR__ . '/Support/Servers.php';
require __DIR__ . '/Support/TestCase.php';
require __DIR__ . '/Support/Php74Syntax.php';

LoginByCall\Tests\Support\Servers::start();

// PHP 8's string functions for the tests on PHP 7.4 (the package itself does without them).
if (!function_exists('str_contains')) {
    function str_contains(string $haystack, string $needle): bool
    {
        return $needle === '' || strpos($haystack, $needle) !== false;
    }
}
if (!function_exists('str_starts_with')) {
    function str_starts_with(string $haystack, string $needle): bool
    {
        return strncmp($haystack, $needle, strlen($needle)) === 0;
    }
}
