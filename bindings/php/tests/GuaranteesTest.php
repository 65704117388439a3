<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Client;
use LoginByCall\Exception\GuardRefusedException;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Exception\TransportException;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/**
 * The login's guarantees (issue 15) through PHP: the sealed state (every field changed and every
 * single-character edit refused, no mask in it), the guard (a premium-rate number refused with
 * nothing sent), the DNS/connect/TLS table (tests/c/tls_server.py serves TLS on loopback).
 */
final class GuaranteesTest extends TestCase
{
    /** @var resource|null */
    private static $tls = null;

    /** @var array{string, string} the TLS server's base URL and CA file */
    private static array $tlsServer;

    public static function tearDownAfterClass(): void
    {
        if (self::$tls !== null) {
            proc_terminate(self::$tls);
            proc_close(self::$tls);
            self::$tls = null;
        }
    }

    /** @return array{string, string} */
    private static function tlsServer(): array
    {
        if (self::$tls === null) {
            $dir = sys_get_temp_dir() . '/lbc-php-tls-' . getmypid();
            $script = dirname(__DIR__, 3) . '/tests/c/tls_server.py';
            self::$tls = proc_open(['python3', $script, $dir], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
            $line = trim((string) fgets($pipes[1]));
            self::$tlsServer = explode(' ', $line, 2) + [1 => ''];
        }
        return self::$tlsServer;
    }

    /** Whether the sandbox ever got a call to $msisdn. */
    private static function called(string $msisdn): bool
    {
        try {
            return isset(Servers::control('GET', '/_sandbox/phones/' . $msisdn)['call']);
        } catch (\RuntimeException $e) {
            return false;
        }
    }

    public function testTheSealedStateRefusesEveryEdit(): void
    {
        $client = $this->client(['stateKey' => 'a state key of the PHP tests 123']);
        $phone = self::phone();
        $login = $client->startLogin($phone, '203.0.113.9');
        $state = $login->toJson();
        $view = Servers::control('GET', '/_sandbox/phones/' . $phone);
        self::assertStringNotContainsString($view['mask'], $state, 'no mask in the state');
        self::assertArrayNotHasKey('mask', json_decode($state, true));
        self::assertArrayNotHasKey('code', json_decode($state, true));
        self::assertSame($login->call, $client->resumeLogin($state)->call);

        $refused = static function (string $edited, string $what) use ($client): void {
            try {
                $client->resumeLogin($edited);
                self::fail("$what: resumed");
            } catch (InvalidArgumentException $e) {
                self::assertSame('login_state', $e->getField(), $what);
            }
        };
        $fields = json_decode($state, true);
        $others = [
            'v' => 2, 'call' => 'someone-elses-call', 'msisdn' => '79001119999', 'ip_address' => '198.51.100.1',
            'prompt' => '7900111', 'codelen' => 6, 'repeat_timeout' => 1, 'started_at' => 9999999999,
            'code_mac' => str_repeat('A', 43), 'seal' => str_repeat('A', 43),
        ];
        self::assertSame(array_keys($others), array_keys($fields), 'every field of the state is edited');
        foreach ($others as $name => $value) {
            $edited = $fields;
            $edited[$name] = $value;
            $refused((string) json_encode($edited, JSON_UNESCAPED_SLASHES), "field $name");
        }
        $refused((string) json_encode($fields + ['max_attempts' => 100], JSON_UNESCAPED_SLASHES), 'max_attempts added');
        $refused((string) json_encode($fields, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), 'reformatted');
        for ($i = 0; $i < strlen($state); $i++) {
            $edited = $state;
            $edited[$i] = $state[$i] === '1' ? '2' : chr(ord($state[$i]) ^ 1);
            $refused($edited, "byte $i changed");
        }
        // Another key refuses it; a client that rotated keeps resuming it.
        $refused2 = $this->client(['stateKey' => 'another state key of the PHP tests']);
        try {
            $refused2->resumeLogin($state);
            self::fail('resumed with another key');
        } catch (InvalidArgumentException $e) {
            self::assertSame('login_state', $e->getField());
        }
        $rotated = $this->client(['stateKey' => 'the new state key of the PHP tests', 'oldStateKeys' => ['a state key of the PHP tests 123']]);
        self::assertSame($login->call, $rotated->resumeLogin($state)->call);
        self::assertTrue($client->resumeLogin($state)->check(Servers::code($phone))->isAccepted());
    }

    public function testTheGuardRefusesAPremiumRateNumberSendingNothing(): void
    {
        // A Russian 8-809 number: libphonenumber's metadata reads it as no valid number, so it is
        // refused as the msisdn before the guard is asked.
        try {
            $this->client()->startLogin('8 809 505-12-36', '203.0.113.9');
            self::fail('a call was placed to a premium-rate number');
        } catch (InvalidArgumentException $e) {
            self::assertSame('msisdn', $e->getField());
        }
        self::assertFalse(self::called('78095051236'), 'the sandbox got the refused call');
        // A premium-rate number the metadata knows, its country allowed: refused for its type.
        $client = $this->client(['guard' => ['allowed_countries' => ['RU', 'US']]]);
        try {
            $client->startLogin('+1 900 234-5670', '203.0.113.9');
            self::fail('a call was placed to a premium-rate number');
        } catch (GuardRefusedException $e) {
            self::assertSame('number_type', $e->getReason());
            self::assertSame('guard_refused', $e->getKind());
            self::assertFalse($e->mayHaveBeenPlaced());
        }
        self::assertFalse(self::called('19002345670'), 'the sandbox got the refused call');

        $limited = $this->client(['guard' => ['ip_rate' => ['calls' => 1, 'window' => 3600]]]);
        $limited->startLogin(self::phone(), '198.51.100.30');
        $second = self::phone();
        try {
            $limited->startLogin($second, '198.51.100.30');
            self::fail('the IP rate did not hold');
        } catch (GuardRefusedException $e) {
            self::assertSame('ip_rate', $e->getReason());
            self::assertGreaterThan(0, $e->getRetryAfter());
        }
        self::assertFalse(self::called($second));
    }

    /** @return iterable<string, array{mixed, string}> */
    public static function badGuards(): iterable
    {
        yield 'a typo' => [['ip_rat' => null], 'guard.ip_rat'];
        yield 'a list' => [[1, 2], 'guard'];
        yield 'a bad limit' => [['ip_rate' => ['calls' => 'many']], 'guard.ip_rate'];
    }

    /** @dataProvider badGuards */
    #[\PHPUnit\Framework\Attributes\DataProvider('badGuards')]
    public function testBadGuardSettingsAreRefused(array $guard, string $field): void
    {
        try {
            $this->client(['guard' => $guard]);
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertStringStartsWith($field, (string) $e->getField());
        }
    }

    public function testBadStoresAreRefused(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->client(['store' => 'mysql://somewhere/']);
    }

    /** @return iterable<string, array{string, ?string}> */
    public static function transports(): iterable
    {
        yield 'a name that does not resolve' => ['dns', null];
        yield 'a closed loopback port' => ['connect', null];
        yield 'an untrusted certificate' => ['tls', null];
        yield 'the certificate trusted through caBundle' => ['trusted', null];
    }

    /** @dataProvider transports */
    #[\PHPUnit\Framework\Attributes\DataProvider('transports')]
    public function testTransportFailuresSayWhatFailed(string $case): void
    {
        $caBundle = null;
        switch ($case) {
            case 'dns':
                $url = 'http://nonexistent.invalid/callapi/v2.0/';
                break;
            case 'connect':
                $socket = stream_socket_server('tcp://127.0.0.1:0');
                $port = (int) substr((string) stream_socket_get_name($socket, false), strlen('127.0.0.1:'));
                fclose($socket);
                $url = "http://127.0.0.1:$port/callapi/v2.0/";
                break;
            default:
                [$url, $ca] = self::tlsServer();
                $caBundle = $case === 'trusted' ? $ca : null;
        }
        $client = Client::fromOptions(['baseUrl' => $url, 'maxRetries' => 0, 'connectTimeout' => 3.0, 'caBundle' => $caBundle, 'store' => 'memory:', 'shared' => false]);
        if ($case === 'trusted') {
            self::assertSame(1, $client->request('server-status')['status'] ?? null);
            return;
        }
        try {
            $client->serverStatus();
            self::fail('answered');
        } catch (TransportException $e) {
            self::assertSame($case, $e->getTransportKind());
            self::assertFalse($e->mayHaveBeenPlaced());
        } catch (LoginByCallException $e) {
            self::fail("$case: " . get_class($e) . ': ' . $e->getMessage());
        }
    }
}
