<?php
// PHP's FFI uses libloginbycall as it is: the declarations come from include/loginbycall.h itself
// (its preprocessor lines resolved as a C99 compiler would and then dropped, since PHP's C parser
// takes none), and every call passes pointers and scalars only. lbc_status and the other enums are
// int32_t there, so PHP reads them as plain integers, whatever size a C enum would have.
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

/**
 * The header's declarations as a C99 compiler sees them (not C++, before C23), without the
 * preprocessor lines PHP's C parser does not take. Only the conditionals the header is known to
 * use are evaluated; any other is an error, so that a new one is looked at rather than guessed.
 */
function declarations(string $header): string
{
    $known = [
        '#ifndef LOGINBYCALL_H' => true,
        '#ifdef __cplusplus' => false,
        '#ifndef __cplusplus' => true,
        '#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L' => false,
        '#if __STDC_VERSION__ >= 202311L' => false,
    ];
    $kept = [];
    $stack = []; // for each open conditional: [whether its parent is active, its condition]
    $active = true;
    $continued = false; // inside a directive continued with a backslash
    foreach (file($header) as $number => $line) {
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
        $directive = trim(preg_replace(['#//.*$#', '#/\*.*?\*/#'], '', $trimmed));
        if (preg_match('/^#\s*(if|ifdef|ifndef)\b/', $directive)) {
            if (!array_key_exists($directive, $known)) {
                throw new RuntimeException('line ' . ($number + 1) . ": unknown conditional `$directive`");
            }
            $stack[] = [$active, $known[$directive]];
            $active = $active && $known[$directive];
        } elseif ($directive === '#else') {
            [$parent, $condition] = array_pop($stack);
            $stack[] = [$parent, !$condition];
            $active = $parent && !$condition;
        } elseif ($directive === '#endif') {
            [$parent] = array_pop($stack);
            $active = $parent;
        }
        // #define, #include: nothing PHP needs (the constants it uses are enum constants).
    }
    if ($stack !== []) {
        throw new RuntimeException('unbalanced conditionals in the header');
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

// The status and the other enums are 32-bit integers, and their names are constants PHP sees.
foreach (['lbc_status', 'lbc_verdict', 'lbc_call_status', 'lbc_payment_shape', 'lbc_signature_placement'] as $type) {
    check(FFI::sizeof($ffi->type($type)) === 4, "$type is 4 bytes");
}
check([$ffi->LBC_OK, $ffi->LBC_INVALID_INPUT, $ffi->LBC_API_ERROR, $ffi->LBC_PANIC] === [0, 1, 2, 8], 'status numbers');
check([$ffi->LBC_GUARD_REFUSED, $ffi->LBC_STORE_ERROR] === [9, 10], 'the guarantees\' status numbers');
check([$ffi->LBC_SIGNATURE_PLACEMENT_PARAM, $ffi->LBC_SIGNATURE_PLACEMENT_HEADER] === [0, 1], 'placement numbers');
check(take($ffi, $ffi->lbc_status_name($ffi->LBC_GUARD_REFUSED)) === 'guard_refused', 'a status names its kind');
check($ffi->lbc_status_name($ffi->LBC_OK) === null, 'LBC_OK names no kind');
check([$ffi->LBC_VERDICT_ACCEPTED, $ffi->LBC_VERDICT_EXPIRED] === [1, 4], 'verdict numbers');

/** An lbc_param array for $pairs (name => value), with the buffers it points into. */
function params(FFI $ffi, array $pairs): array
{
    $params = $ffi->new('lbc_param[' . max(1, count($pairs)) . ']');
    $keepAlive = [];
    $n = 0;
    foreach ($pairs as $name => $value) {
        $keepAlive[] = $nameBuffer = c_string((string) $name);
        $keepAlive[] = $valueBuffer = c_string((string) $value);
        $params[$n]->name = FFI::cast('char *', FFI::addr($nameBuffer));
        $params[$n]->value = FFI::cast('char *', FFI::addr($valueBuffer));
        $n++;
    }
    return [$params, $n, $keepAlive];
}

// All 90 vectors through one lbc_signer per key, parameters in reversed order.
$vectors = json_decode(file_get_contents($vectorsFile), true);
check(count($vectors) === 90, '90 vectors');
$signers = [];
foreach ($vectors as $i => $vector) {
    [$params, $n, $keepAlive] = params($ffi, array_reverse($vector['params'], true));
    if (!isset($signers[$vector['key']])) {
        $signer = $ffi->new('lbc_signer *');
        check($ffi->lbc_signer_new($vector['key'], FFI::addr($signer), null) === $ffi->LBC_OK, "a signer for vector $i");
        $signers[$vector['key']] = $signer;
    }
    $out = $ffi->new('char *');
    $status = $ffi->lbc_signer_sign($signers[$vector['key']], $vector['method'], $params, $n, FFI::addr($out), null);
    check($status === $ffi->LBC_OK && take($ffi, $out) === $vector['signature'], "vector $i by its signer");
}
check(count($signers) === 3, 'three keys, three signers');
foreach ($signers as $signer) {
    $ffi->lbc_signer_free($signer);
}

// A NULL argument is a typed error naming it, never a crash.
$out = $ffi->new('char *');
$err = $ffi->new('lbc_error *');
$signer = $ffi->new('lbc_signer *');
$status = $ffi->lbc_signer_new(null, FFI::addr($signer), FFI::addr($err));
check($status === $ffi->LBC_INVALID_INPUT, 'NULL api_key is LBC_INVALID_INPUT');
check(take($ffi, $ffi->lbc_error_field($err)) === 'api_key', 'the error names api_key');
$ffi->lbc_error_free($err);

check($ffi->lbc_signer_new('key', FFI::addr($signer), null) === $ffi->LBC_OK, 'a signer');
$status = $ffi->lbc_signer_sign($signer, 'no-such-method', null, 0, FFI::addr($out), null);
check($status === $ffi->LBC_INVALID_INPUT, 'an unknown method is LBC_INVALID_INPUT (err may be NULL)');
$ffi->lbc_signer_free($signer);

$status = $ffi->lbc_normalize_phone('8 (925) 688-06-36', null, FFI::addr($out), null);
check($status === $ffi->LBC_OK && take($ffi, $out) === '79256880636', 'lbc_normalize_phone');

$err = $ffi->new('lbc_error *');
$status = $ffi->lbc_signer_sign(null, 'balance', null, 0, FFI::addr($out), FFI::addr($err));
check($status === $ffi->LBC_INVALID_INPUT, 'a NULL signer is LBC_INVALID_INPUT');
check(take($ffi, $ffi->lbc_error_field($err)) === 'signer', 'the error names the signer');
check(take($ffi, $ffi->lbc_status_name($ffi->lbc_error_status($err))) === 'invalid_input', 'its kind is invalid_input');
$ffi->lbc_error_free($err);

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
    check(strpos((string) take($ffi, $ffi->lbc_error_message($err)), $account['api_key']) === false, 'no key in the message');
    check(take($ffi, $ffi->lbc_status_name($ffi->lbc_error_status($err))) === 'api_error', 'its kind is api_error');
    check(!$ffi->lbc_error_may_have_been_placed($err), 'a refused call was not placed');
    check($ffi->lbc_error_retry_after($err) === $ffi->lbc_error_delay($err), 'retry_after is the delay');
    $ffi->lbc_error_free($err);

    // A login, read through its getters.
    $login = $ffi->new('lbc_login *');
    $before = time();
    $status = $ffi->lbc_client_start_login($client, '+7 900 114-00-00', '203.0.113.9', FFI::addr($login), null);
    check($status === $ffi->LBC_OK, 'start_login');
    $expiresAt = $ffi->lbc_login_expires_at($login);
    check($expiresAt >= $before + 300 && $expiresAt <= time() + 300, 'the login expires 300 s after the call');
    check($ffi->lbc_login_attempts_left($login) === 3 && $ffi->lbc_login_attempts($login) === 0, 'three attempts left');
    check($ffi->lbc_login_max_attempts($login) === 3 && !$ffi->lbc_login_is_accepted($login), 'max_attempts, not accepted');
    check(take($ffi, $ffi->lbc_login_ip_address($login)) === '203.0.113.9', 'the login keeps the IP address');
    check($ffi->lbc_login_started_at($login) + 300 === $expiresAt, 'started_at + ttl is expires_at');
    check($ffi->lbc_login_repeat_timeout($login) > 0, 'a repeat timeout');
    $verdict = $ffi->new('lbc_verdict');
    $left = $ffi->new('uint32_t');
    $status = $ffi->lbc_login_check($login, "0000000\n", FFI::addr($verdict), FFI::addr($left), null);
    check($status === $ffi->LBC_OK && $verdict->cdata === $ffi->LBC_VERDICT_REJECTED && $left->cdata === 2, 'a wrong code is rejected');
    check($ffi->lbc_login_attempts_left($login) === 2, 'two attempts left');
    $ffi->lbc_login_free($login);
    $ffi->lbc_client_free($client);
}

echo "$passed passed, $failed failed\n";
exit($failed === 0 ? 0 : 1);
