<?php
// PHP's FFI uses libloginbycall as it is: the declarations come from include/loginbycall.h itself
// (only its preprocessor lines are dropped, which PHP's C parser does not take), and every call
// passes pointers and scalars only.
//
// Usage: php ffi_smoke.php LIBRARY HEADER SIGNATURES_JSON VERSION [BASE_URL]
// With BASE_URL (a running `lbc sandbox`), it also places calls and reads a typed API error.
// Prints "N passed, M failed"; exits 1 on any failure.

declare(strict_types=1);

[$library, $header, $vectorsFile, $version] = array_slice($argv, 1, 4);
$baseUrl = $argv[5] ?? null;

$passed = 0;
$failed = 0;
function check(bool $ok, string $what): void
{
    global $passed, $failed;
    if ($ok) {
        $passed++;
    } else {
        $failed++;
        fwrite(STDERR, "FAILED: $what\n");
    }
}

/** The header without preprocessor lines and without its C++-only `extern "C"` guard. */
function declarations(string $header): string
{
    $kept = [];
    $inCplusplus = false;
    foreach (file($header) as $line) {
        $trimmed = trim($line);
        if (str_starts_with($trimmed, '#ifdef __cplusplus')) {
            $inCplusplus = true;
        } elseif ($inCplusplus && str_starts_with($trimmed, '#endif')) {
            $inCplusplus = false;
        } elseif (!$inCplusplus && !str_starts_with($trimmed, '#')) {
            $kept[] = $line;
        }
    }
    return implode('', $kept);
}

$ffi = FFI::cdef(declarations($header), $library);

/** A library string as PHP text, freed with the library's own free function. */
function take(FFI $ffi, $pointer): ?string
{
    if ($pointer === null) {
        return null;
    }
    $text = FFI::string($pointer);
    $ffi->lbc_string_free($pointer);
    return $text;
}

/** A C copy of $text that lives as long as the returned buffer is referenced. */
function c_string(string $text): FFI\CData
{
    $buffer = FFI::new('char[' . (strlen($text) + 1) . ']');
    FFI::memcpy($buffer, $text, strlen($text));
    return $buffer;
}

// The version the library reports is the one in Cargo.toml.
check($ffi->lbc_version() === $version, "lbc_version() is $version");

// All 90 vectors through lbc_sign, parameters in reversed order.
$vectors = json_decode(file_get_contents($vectorsFile), true);
check(count($vectors) === 90, '90 vectors');
foreach ($vectors as $i => $vector) {
    $pairs = array_reverse($vector['params'], true);
    $params = $ffi->new('lbc_param[' . count($pairs) . ']');
    $keepAlive = [];
    $n = 0;
    foreach ($pairs as $name => $value) {
        $keepAlive[] = $nameBuffer = c_string($name);
        $keepAlive[] = $valueBuffer = c_string($value);
        $params[$n]->name = FFI::cast('char *', FFI::addr($nameBuffer));
        $params[$n]->value = FFI::cast('char *', FFI::addr($valueBuffer));
        $n++;
    }
    $out = $ffi->new('char *');
    $err = $ffi->new('lbc_error *');
    $status = $ffi->lbc_sign($vector['key'], $vector['method'], $params, $n, FFI::addr($out), FFI::addr($err));
    check($status === $ffi->LBC_OK, "vector $i signs");
    check($status === $ffi->LBC_OK && take($ffi, $out) === $vector['signature'], "vector $i signature");
}

// A NULL argument is a typed error naming it, never a crash.
$out = $ffi->new('char *');
$err = $ffi->new('lbc_error *');
$status = $ffi->lbc_sign(null, 'call', null, 0, FFI::addr($out), FFI::addr($err));
check($status === $ffi->LBC_INVALID_INPUT, 'NULL api_key is LBC_INVALID_INPUT');
check(take($ffi, $ffi->lbc_error_field($err)) === 'api_key', 'the error names api_key');
$ffi->lbc_error_free($err);

$status = $ffi->lbc_sign('key', 'no-such-method', null, 0, FFI::addr($out), null);
check($status === $ffi->LBC_INVALID_INPUT, 'an unknown method is LBC_INVALID_INPUT (err may be NULL)');

if ($baseUrl !== null) {
    // A fresh sandbox account, made through the sandbox's control endpoint.
    $answer = file_get_contents(
        preg_replace('#/callapi/v2\.0/?$#', '/_sandbox/accounts', $baseUrl),
        false,
        stream_context_create(['http' => ['method' => 'POST', 'header' => 'Content-Type: application/json', 'content' => '{}']])
    );
    $account = json_decode((string) $answer, true);
    check(isset($account['call_api_id'], $account['api_key']), 'a sandbox account');

    $config = $ffi->lbc_config_new();
    check($ffi->lbc_config_set_base_url($config, $baseUrl, null) === $ffi->LBC_OK, 'set base_url');
    check($ffi->lbc_config_set_call_api_id($config, $account['call_api_id'], null) === $ffi->LBC_OK, 'set id');
    check($ffi->lbc_config_set_api_key($config, $account['api_key'], null) === $ffi->LBC_OK, 'set key');
    $client = $ffi->new('lbc_client *');
    check($ffi->lbc_client_new($config, FFI::addr($client), null) === $ffi->LBC_OK, 'lbc_client_new');
    $ffi->lbc_config_free($config);

    $server = $ffi->new('lbc_server_status *');
    check($ffi->lbc_client_server_status($client, FFI::addr($server), null) === $ffi->LBC_OK, 'server-status');
    $ffi->lbc_server_status_free($server);

    $started = $ffi->new('lbc_call_started *');
    $status = $ffi->lbc_client_call($client, '+7 (925) 688-06-36', '203.0.113.9', FFI::addr($started), null);
    check($status === $ffi->LBC_OK, 'call');
    check(strlen((string) take($ffi, $ffi->lbc_call_started_mask($started))) === 11, 'the mask has 11 digits');
    $ffi->lbc_call_started_free($started);

    $err = $ffi->new('lbc_error *');
    $status = $ffi->lbc_client_call($client, '79256880636', '203.0.113.9', FFI::addr($started), FFI::addr($err));
    check($status === $ffi->LBC_API_ERROR, 'a repeated call is an API error');
    check(take($ffi, $ffi->lbc_error_code($err)) === 'CALL_REPEAT_TIMEOUT', 'its code is CALL_REPEAT_TIMEOUT');
    check($ffi->lbc_error_delay($err) > 0.0, 'it carries a delay');
    check(!str_contains((string) take($ffi, $ffi->lbc_error_message($err)), $account['api_key']), 'no key in the message');
    $ffi->lbc_error_free($err);
    $ffi->lbc_client_free($client);
}

echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
