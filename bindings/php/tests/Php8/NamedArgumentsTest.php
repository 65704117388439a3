<?php

declare(strict_types=1);

namespace LoginByCall\Tests\Php8;

use LoginByCall\Client;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/**
 * PHP 8 callers keep named arguments (the parameter names are the API): run on PHP 8 only
 * (phpunit.xml.dist), since PHP 7.4 cannot parse this file.
 */
final class NamedArgumentsTest extends TestCase
{
    public function testTheClientAndItsMethodsTakeNamedArguments(): void
    {
        $client = new Client(
            callApiId: $this->account['call_api_id'],
            apiKey: $this->account['api_key'],
            baseUrl: Servers::$baseUrl,
            store: 'memory:',
            maxRetries: 0,
        );
        self::assertSame(1_000_000, $client->balance()->balance);
        $payment = $client->pay(amount: 50_000, locale: 'en', successUrl: 'http://127.0.0.1/ok');
        self::assertNotSame('', $payment->html);
        $login = $client->startLogin(msisdn: self::phone(), ipAddress: '203.0.113.9');
        self::assertTrue($login->check(digits: '0')->isRejected());
        self::assertSame($client->normalizePhone(text: '+7 925 688-06-36'), '79256880636');
    }

    public function testFromOptionsAndNamedArgumentsAgree(): void
    {
        $named = new Client(callApiId: 'id', apiKey: 'key', baseUrl: Servers::$baseUrl, defaultRegion: 'KZ', store: 'memory:');
        $options = Client::fromOptions(['callApiId' => 'id', 'apiKey' => 'key', 'baseUrl' => Servers::$baseUrl, 'defaultRegion' => 'KZ', 'store' => 'memory:']);
        self::assertSame($named->normalizePhone('8 (701) 123-45-67'), $options->normalizePhone('8 (701) 123-45-67'));
    }
}
