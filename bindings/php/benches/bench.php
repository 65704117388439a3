<?php
// The package's benchmark (run by hand; prints a table, asserts nothing):
//
//   LOGINBYCALL_LIB=.../libloginbycall.so LBC_BIN=.../lbc php -d ffi.enable=1 bindings/php/benches/bench.php
//
//  1. ns per signature of a `call` request: LoginByCall\Signer (keyed once, libloginbycall) versus
//     hash_hmac('sha512', ...) on the same canonical string (prebuilt, and built from the array each
//     time as a plugin does). Target: the package no slower.
//  2. median and p99 of a `call-status` round trip to `lbc sandbox` on 127.0.0.1: the package (its
//     kept-alive connection; a Client made once, and a Client made for every request as a PHP page
//     does) versus the WordPress plugin's way (file_get_contents, a new connection per request,
//     signed with hash_hmac). Target: the package at least 3x faster.

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';

use LoginByCall\Client;
use LoginByCall\Signer;

$signatures = (int) (getenv('BENCH_SIGNATURES') ?: 200_000);
$trips = (int) (getenv('BENCH_TRIPS') ?: 2_000);

/** Runs $f $n times; ns per run. */
function per_op(int $n, callable $f): float
{
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) {
        $f($i);
    }
    return (hrtime(true) - $start) / $n;
}

/** Times each of $n runs of $f; [median, p99] in microseconds. */
function latency(int $n, callable $f): array
{
    $times = [];
    for ($i = 0; $i < $n; $i++) {
        $start = hrtime(true);
        $f($i);
        $times[] = (hrtime(true) - $start) / 1000;
    }
    sort($times);
    return [$times[intdiv($n, 2)], $times[(int) floor($n * 0.99)]];
}

// 1. Signatures.
$key = 'eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq';
$params = [
    'msisdn' => '79256880636',
    'call-api-id' => 'npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6',
    'ip_address' => '203.0.113.9',
    'timestamp' => '1492799685',
    'nonce' => 'p2P6YLWPk4wOfqKXwBjkXGyO33k',
];
$order = ['call-api-id', 'timestamp', 'nonce', 'msisdn', 'ip_address'];
$canonicalOf = static function (array $params) use ($order): string {
    $text = 'call';
    foreach ($order as $name) {
        if (($params[$name] ?? '') !== '') {
            $text .= "\0$name\0" . $params[$name];
        }
    }
    return $text;
};
$canonical = $canonicalOf($params);
$signer = new Signer($key);
if ($signer->sign('call', $params) !== hash_hmac('sha512', $canonical, $key)) {
    fwrite(STDERR, "the two signatures differ\n");
    exit(1);
}
per_op(20_000, fn () => $signer->sign('call', $params)); // warm-up
$ns = [
    'package' => per_op($signatures, fn () => $signer->sign('call', $params)),
    'hash_hmac' => per_op($signatures, fn () => hash_hmac('sha512', $canonical, $key)),
    'hash_hmac+build' => per_op($signatures, fn () => hash_hmac('sha512', $canonicalOf($params), $key)),
];

// 2. Round trips to a sandbox of our own.
$lbc = getenv('LBC_BIN') ?: dirname(__DIR__, 3) . '/target/debug/lbc';
$sandbox = proc_open([$lbc, 'sandbox', '--listen', '127.0.0.1:0'], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
$ready = json_decode((string) fgets($pipes[1]), true);
$baseUrl = $ready['base_url'];
['call_api_id' => $id, 'api_key' => $apiKey] = $ready['accounts'][0];
$client = Client::fromOptions(['callApiId' => $id, 'apiKey' => $apiKey, 'baseUrl' => $baseUrl]);
$call = $client->call('79256880636', '203.0.113.9')->call;

$plugin = static function () use ($baseUrl, $id, $apiKey, $call): void {
    // As the WordPress plugin does: a signed GET built by hand, a new connection each time.
    $query = ['call-api-id' => $id, 'timestamp' => (string) time(), 'nonce' => bin2hex(random_bytes(16)), 'call' => $call];
    $query['signature'] = hash_hmac('sha512', "call-status\0call-api-id\0$id\0timestamp\0{$query['timestamp']}\0nonce\0{$query['nonce']}\0call\0$call", $apiKey);
    $answer = json_decode((string) file_get_contents($baseUrl . 'call-status?' . http_build_query($query)), true);
    if (!isset($answer['status'])) {
        throw new RuntimeException('plugin-style request failed: ' . json_encode($answer));
    }
};
latency(200, fn () => $client->callStatus($call));
latency(200, $plugin);
$trip = [
    'package, one Client' => latency($trips, fn () => $client->callStatus($call)),
    'package, a Client per request' => latency($trips, fn () => (Client::fromOptions(['callApiId' => $id, 'apiKey' => $apiKey, 'baseUrl' => $baseUrl]))->callStatus($call)),
    'file_get_contents (plugin)' => latency($trips, $plugin),
];
proc_terminate($sandbox);

printf("\nlibloginbycall %s, PHP %s, %d signatures and %d round trips each\n\n", Client::class === '' ? '' : LoginByCall\Internal\Native::ffi()->lbc_version(), PHP_VERSION, $signatures, $trips);
printf("%-34s %14s\n", 'signature of a `call` request', 'ns per op');
foreach ($ns as $name => $value) {
    printf("%-34s %14.0f\n", $name, $value);
}
printf("%-34s %13.2fx\n\n", 'hash_hmac / package', $ns['hash_hmac'] / $ns['package']);
printf("%-34s %12s %12s\n", '`call-status` round trip', 'median µs', 'p99 µs');
foreach ($trip as $name => [$median, $p99]) {
    printf("%-34s %12.1f %12.1f\n", $name, $median, $p99);
}
printf("%-34s %11.1fx %11.1fx\n", 'plugin / package (one Client)', $trip['file_get_contents (plugin)'][0] / $trip['package, one Client'][0], $trip['file_get_contents (plugin)'][1] / $trip['package, one Client'][1]);
