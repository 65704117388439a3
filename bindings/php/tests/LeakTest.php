<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Client;
use LoginByCall\Exception\CallNotFoundException;
use LoginByCall\Login;
use LoginByCall\Signer;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/**
 * Every native object is freed and every returned string too: 100 000 signatures and 10 000 API
 * calls (answers, errors, logins, clients made and dropped) in one process leave PHP's heap and the
 * process's resident memory where a warm-up left them. The bound (1 MiB of RSS) is below what a leak
 * of the small strings one call returns would add (a leak of the getters' strings alone adds 2 MiB).
 */
final class LeakTest extends TestCase
{
    private static function rss(): int
    {
        preg_match('/^VmRSS:\s+(\d+) kB/m', (string) file_get_contents('/proc/self/status'), $m);
        return (int) $m[1] * 1024;
    }

    public function testSignaturesLeaveMemoryFlat(): void
    {
        $signer = new Signer('a key');
        $params = ['call-api-id' => 'id', 'timestamp' => 1700000000, 'nonce' => 'n', 'msisdn' => '79256880636', 'ip_address' => '203.0.113.9'];
        $sign = function (int $n) use ($signer, $params): void {
            for ($i = 0; $i < $n; $i++) {
                $params['nonce'] = (string) $i;
                $signer->sign('call', $params);
                if ($i % 1000 === 0) {
                    // A signer made and dropped, and a refused signature (an error object), now and then.
                    (new Signer("key $i"))->sign('balance', []);
                    try {
                        $signer->sign('no-such-method', []);
                    } catch (\LoginByCall\Exception\InvalidArgumentException $e) {
                    }
                }
            }
        };
        $sign(10_000);
        gc_collect_cycles();
        [$heap, $rss] = [memory_get_usage(), self::rss()];
        $sign(100_000);
        gc_collect_cycles();
        self::assertLessThan(64 * 1024, memory_get_usage() - $heap, 'PHP heap');
        self::assertLessThan(1024 * 1024, self::rss() - $rss, 'resident memory');
    }

    public function testApiCallsLeaveMemoryFlat(): void
    {
        $call = $this->client()->call(self::phone(), '203.0.113.9')->call;
        $json = $this->client()->startLogin(self::phone(), '203.0.113.9')->toJson();
        $calls = function (int $n) use ($call, $json): void {
            for ($i = 0; $i < $n; $i += 10) {
                $client = $this->client(); // a new handle to the cached client, as a page would
                $client->serverStatus();
                $client->balance();
                $client->status();
                $client->callStatus($call);
                $client->request('call-status', ['call' => $call]);
                try {
                    $client->callStatus('missing');
                } catch (CallNotFoundException $e) {
                    $e->getRequestId();
                }
                $login = $client->resumeLogin($json);
                $login->prompt();
                $login->check('0000');
                $login->toJson();
                $login->status();
                $client->withCredentials('id', 'key');
                try {
                    $client->callHangup($call);
                } catch (CallNotFoundException $e) {
                    // The call has ended by now.
                }
                $client->pay(100);
            }
        };
        $calls(1_000);
        gc_collect_cycles();
        [$heap, $rss] = [memory_get_usage(), self::rss()];
        $calls(10_000);
        gc_collect_cycles();
        self::assertLessThan(64 * 1024, memory_get_usage() - $heap, 'PHP heap');
        self::assertLessThan(1024 * 1024, self::rss() - $rss, 'resident memory');
    }
}
