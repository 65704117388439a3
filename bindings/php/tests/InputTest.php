<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Client;
use LoginByCall\Exception\HttpException;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/**
 * PHP strings may hold NUL bytes and invalid UTF-8: both are refused before they reach C (a NUL
 * would cut a signed value short there). Empty and 1 MiB strings get typed answers, not crashes.
 */
final class InputTest extends TestCase
{
    /** @return iterable<string, array{callable(Client, string): mixed, string}> every string argument */
    public static function arguments(): iterable
    {
        yield 'call msisdn' => [fn (Client $c, string $s) => $c->call($s), 'msisdn'];
        yield 'call ip' => [fn (Client $c, string $s) => $c->call('79256880636', $s), 'ipAddress'];
        yield 'startLogin msisdn' => [fn (Client $c, string $s) => $c->startLogin($s), 'msisdn'];
        yield 'startLogin ip' => [fn (Client $c, string $s) => $c->startLogin('79256880636', $s), 'ipAddress'];
        yield 'callStatus' => [fn (Client $c, string $s) => $c->callStatus($s), 'call'];
        yield 'callHangup' => [fn (Client $c, string $s) => $c->callHangup($s), 'call'];
        yield 'register domain' => [fn (Client $c, string $s) => $c->register($s, 'a@example.com'), 'domain'];
        yield 'register email' => [fn (Client $c, string $s) => $c->register('example.com', $s), 'adminEmail'];
        yield 'register phone' => [fn (Client $c, string $s) => $c->register('example.com', 'a@example.com', $s), 'adminPhone'];
        yield 'register verify url' => [fn (Client $c, string $s) => $c->register('example.com', 'a@example.com', null, $s), 'verifyUrl'];
        yield 'pay locale' => [fn (Client $c, string $s) => $c->pay(100, $s), 'locale'];
        yield 'pay success url' => [fn (Client $c, string $s) => $c->pay(100, null, $s), 'successUrl'];
        yield 'pay fail url' => [fn (Client $c, string $s) => $c->pay(100, null, null, $s), 'failUrl'];
        yield 'pay return url' => [fn (Client $c, string $s) => $c->pay(100, null, null, null, $s), 'returnUrl'];
        yield 'changeCredential email' => [fn (Client $c, string $s) => $c->changeCredential($s), 'adminEmail'];
        yield 'changeCredential phone' => [fn (Client $c, string $s) => $c->changeCredential('a@example.com', $s), 'adminPhone'];
        yield 'withCredentials id' => [fn (Client $c, string $s) => $c->withCredentials($s, 'k'), 'callApiId'];
        yield 'withCredentials key' => [fn (Client $c, string $s) => $c->withCredentials('id', $s), 'apiKey'];
        yield 'request method' => [fn (Client $c, string $s) => $c->request($s), 'method'];
        yield 'request value' => [fn (Client $c, string $s) => $c->request('call-status', ['call' => $s]), 'params[call]'];
        yield 'request name' => [fn (Client $c, string $s) => $c->request('call-status', [$s => 'x']), 'params name'];
        yield 'Client base URL' => [fn (Client $c, string $s) => Client::fromOptions(['baseUrl' => $s]), 'base_url'];
        yield 'Client user agent' => [fn (Client $c, string $s) => Client::fromOptions(['userAgent' => $s]), 'user_agent'];
        yield 'Client proxy' => [fn (Client $c, string $s) => Client::fromOptions(['proxy' => $s]), 'proxy'];
    }

    /** @dataProvider arguments */
    #[\PHPUnit\Framework\Attributes\DataProvider('arguments')]
    public function testNulBytesAreRefused(callable $use, string $field): void
    {
        $this->assertRefused($use, "79256880636\0-and-more", $field);
    }

    /** @dataProvider arguments */
    #[\PHPUnit\Framework\Attributes\DataProvider('arguments')]
    public function testInvalidUtf8IsRefused(callable $use, string $field): void
    {
        $this->assertRefused($use, "7925688\xc0\xaf0636", $field);
    }

    private function assertRefused(callable $use, string $value, string $field): void
    {
        $client = $this->client();
        $before = Servers::control('GET', '/_sandbox/accounts/' . $this->account['call_api_id']);
        try {
            $use($client, $value);
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertSame($field, $e->getField(), $e->getMessage());
            self::assertFalse($e->mayHaveBeenPlaced());
        }
        // Nothing reached the service: no call was charged.
        self::assertSame($before['consumed'], Servers::control('GET', '/_sandbox/accounts/' . $this->account['call_api_id'])['consumed']);
    }

    /** @dataProvider arguments */
    #[\PHPUnit\Framework\Attributes\DataProvider('arguments')]
    public function testEmptyAndHugeStringsGetTypedAnswers(callable $use, string $field): void
    {
        $client = $this->client(['maxRetries' => 0]);
        foreach (['', str_repeat('9', 1 << 20)] as $value) {
            try {
                $use($client, $value);
            } catch (LoginByCallException $e) {
                // A typed refusal, by the library or the service (a 1 MiB body is HTTP 413).
                self::assertContains($e->getKind(), ['invalid_input', 'api_error', 'http_error'], $e->getMessage());
                if ($e instanceof HttpException) {
                    self::assertSame(413, $e->getHttpStatus());
                }
            }
        }
        $this->addToAssertionCount(1);
    }

    public function testMessagesQuoteOnlyAnExcerpt(): void
    {
        try {
            $this->client()->call(str_repeat('9', 1 << 20));
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertSame('msisdn', $e->getField());
            self::assertLessThan(1000, strlen($e->getMessage()));
        }
    }

    public function testRequestParameterTypes(): void
    {
        $client = $this->client();
        self::assertSame(1_000_000, $client->request('balance', ['timestamp' => null])['balance']);
        $this->expectException(\TypeError::class);
        $client->request('call-status', ['call' => ['nested']]);
    }
}
