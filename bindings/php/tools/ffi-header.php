<?php
// Writes resources/loginbycall.ffi.h, the declarations PHP's FFI reads, from include/loginbycall.h.
//
//   php tools/ffi-header.php HEADER SONAME            prints the FFI header
//   php tools/ffi-header.php HEADER SONAME --check FILE   exits 1 (with a diff hint) when FILE differs
//
// `make php-header` runs the first form and `make check-php-header` the second. PHP's C parser takes
// no preprocessor lines, so the header's conditionals are resolved as a C99 compiler (not C++, before
// C23) resolves them, and every directive is dropped. Only the conditionals the header is known to use
// are evaluated; any other is an error, so that a new one is looked at rather than guessed (the same
// table as tests/php/ffi_smoke.php). Comments are dropped too: the file is parsed on every request
// that is not preloaded. FFI::load() reads the two #define lines at the top (FFI_SCOPE for
// opcache.preload and ffi.preload, FFI_LIB the library by its SONAME); FFI::cdef() is given the rest.

declare(strict_types=1);

const KNOWN_CONDITIONALS = [
    '#ifndef LOGINBYCALL_H' => true,
    '#ifdef __cplusplus' => false,
    '#ifndef __cplusplus' => true,
    '#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L' => false,
    '#if __STDC_VERSION__ >= 202311L' => false,
];

/** The header's declarations as a C99 compiler sees them, without directives or comments. */
function declarations(string $text): string
{
    $kept = [];
    $stack = [];
    $active = true;
    $continued = false;
    foreach (preg_split('/\R/', $text) as $number => $line) {
        $trimmed = trim($line);
        if ($continued) {
            $continued = substr($trimmed, -1) === '\\';
            continue;
        }
        if (substr($trimmed, 0, 1) !== '#') {
            if ($active) {
                $kept[] = $line;
            }
            continue;
        }
        $continued = substr($trimmed, -1) === '\\';
        $directive = trim((string) preg_replace(['#//.*$#', '#/\*.*?\*/#'], '', $trimmed));
        if (preg_match('/^#\s*(if|ifdef|ifndef)\b/', $directive)) {
            if (!array_key_exists($directive, KNOWN_CONDITIONALS)) {
                throw new RuntimeException('line ' . ($number + 1) . ": unknown conditional `$directive`");
            }
            $stack[] = [$active, KNOWN_CONDITIONALS[$directive]];
            $active = $active && KNOWN_CONDITIONALS[$directive];
        } elseif ($directive === '#else') {
            if ($stack === []) {
                throw new RuntimeException('#else without #if');
            }
            [$parent, $condition] = array_pop($stack);
            $stack[] = [$parent, !$condition];
            $active = $parent && !$condition;
        } elseif ($directive === '#endif') {
            if ($stack === []) {
                throw new RuntimeException('#endif without #if');
            }
            [$parent] = array_pop($stack);
            $active = $parent;
        } elseif (!preg_match('/^#\s*(define|include|undef)\b/', $directive)) {
            throw new RuntimeException('line ' . ($number + 1) . ": unexpected directive `$directive`");
        }
    }
    if ($stack !== []) {
        throw new RuntimeException('unbalanced conditionals in the header');
    }
    $code = implode("\n", $kept);
    // The header has no string or character literals, so comments can be cut without a tokenizer.
    $code = (string) preg_replace(['#/\*.*?\*/#s', '#//[^\n]*#'], '', $code);
    // No blank lines, but one after each top-level declaration.
    $out = [];
    $depth = 0;
    foreach (explode("\n", $code) as $line) {
        $line = rtrim($line);
        if ($line === '') {
            continue;
        }
        $out[] = $line;
        $depth += substr_count($line, '{') - substr_count($line, '}');
        if ($depth === 0 && substr($line, -1) === ';') {
            $out[] = '';
        }
    }
    while ($out !== [] && end($out) === '') {
        array_pop($out);
    }
    return implode("\n", $out) . "\n";
}

/**
 * Functions left out of the package's header: optional, declared apart in
 * resources/loginbycall-log.ffi.h and loaded only when the library has them, so that a library
 * without them still loads (PHP's FFI resolves every declared function when it loads a header).
 */
const OPTIONAL_FUNCTIONS = ['lbc_config_set_log_level', 'lbc_client_take_log'];

/** The whole FFI header for the library SONAME. */
function ffi_header(string $header, string $soname): string
{
    if (!preg_match('/^[A-Za-z0-9._+-]+$/', $soname)) {
        throw new RuntimeException("not a library file name: $soname");
    }
    $kept = [];
    foreach (explode("\n\n", declarations($header)) as $declaration) {
        if (preg_match('/\b(' . implode('|', OPTIONAL_FUNCTIONS) . ')\(/', $declaration) !== 1) {
            $kept[] = $declaration;
        }
    }
    return "#define FFI_SCOPE \"LOGINBYCALL\"\n"
        . "#define FFI_LIB \"$soname\"\n"
        . "/* Generated from include/loginbycall.h by bindings/php/tools/ffi-header.php"
        . " (`make php-header`): do not edit. The optional " . implode(', ', OPTIONAL_FUNCTIONS)
        . " are in loginbycall-log.ffi.h. */\n\n"
        . rtrim(implode("\n\n", $kept), "\n") . "\n";
}

if (realpath($_SERVER['SCRIPT_FILENAME'] ?? '') === __FILE__) {
    $args = array_slice($argv, 1);
    if (count($args) !== 2 && !(count($args) === 4 && $args[2] === '--check')) {
        fwrite(STDERR, "usage: php ffi-header.php HEADER SONAME [--check FILE]\n");
        exit(2);
    }
    $text = file_get_contents($args[0]);
    if ($text === false) {
        fwrite(STDERR, "cannot read {$args[0]}\n");
        exit(2);
    }
    $generated = ffi_header($text, $args[1]);
    if (count($args) === 2) {
        echo $generated;
        exit(0);
    }
    $committed = @file_get_contents($args[3]);
    if ($committed !== $generated) {
        fwrite(STDERR, "check-php-header: {$args[3]} is stale: run `make php-header` and commit it\n");
        exit(1);
    }
    echo "check-php-header: {$args[3]} is up to date\n";
}
