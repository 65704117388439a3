<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\AccountStatus;
use LoginByCall\Balance;
use LoginByCall\CallState;
use LoginByCall\Client;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\InvalidSignatureException;
use LoginByCall\Payment;
use LoginByCall\PhoneNumber;
use LoginByCall\SignaturePlacement;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/** Every API method against `lbc sandbox`, and the client's settings. */
final class ClientTest extends TestCase
{
    public function testServerStatusStatusAndOptions(): void
    {
        $client = $this->client();
        $server = $client->serverStatus();
        self::assertSame(1, $server->value);
        self::assertTrue($server->isWorking);

        $status = $client->status();
        self::assertInstanceOf(AccountStatus::class, $status);
        self::assertTrue($status->activated);
        self::assertFalse($status->blocked);
        self::assertFalse($status->allowUnsecureCalls);

        $client->options(12345);
        self::assertSame(12345, $client->balance()->notifyLimit);
        $client->options(-1);
        self::assertSame(-1, $client->balance()->notifyLimit);
    }

    public function testBalanceAndPay(): void
    {
        $client = $this->client();
        $balance = $client->balance();
        self::assertInstanceOf(Balance::class, $balance);
        self::assertSame(1_000_000, $balance->balance);
        self::assertSame($balance->balance - $balance->consumed, $balance->current);
        self::assertSame([], $balance->payments);

        $payment = $client->pay(50_000, 'en', 'http://127.0.0.1/ok');
        self::assertSame(Payment::SHAPE_FORM, $payment->shape);
        self::assertStringContainsString('lbc-payment-button', $payment->html);
        self::assertNotNull($payment->url);
        self::assertContains($payment->method, ['GET', 'POST']);
        self::assertIsArray($payment->fields);

        // Pay through the sandbox's own page, and the balance lists the payment.
        $context = stream_context_create(['http' => ['method' => 'POST', 'header' => "Content-Type: application/x-www-form-urlencoded\r\n", 'content' => http_build_query($payment->fields), 'ignore_errors' => true, 'follow_location' => 0]]);
        file_get_contents((string) $payment->url, false, $context);
        $after = $client->balance();
        self::assertSame(1_050_000, $after->balance);
        self::assertCount(1, $after->payments);
        self::assertSame(50_000, $after->payments[0]->value);
        self::assertGreaterThan(1_600_000_000, $after->payments[0]->created);
    }

    public function testCallCallStatusAndHangup(): void
    {
        $client = $this->client();
        $phone = self::phone();
        $started = $client->call('+' . $phone, '203.0.113.9');
        self::assertNotSame('', $started->call);
        self::assertMatchesRegularExpression('/^\d{11}$/', $started->mask);
        self::assertSame(4, $started->codelen);
        self::assertSame(30, $started->repeatTimeout);
        self::assertSame(substr($started->mask, -4), Servers::code($phone));

        $state = $client->callStatus($started->call);
        self::assertContains($state->status, [CallState::QUEUED, CallState::DIALING]);
        self::assertFalse($state->isFinal);
        $client->callHangup($started->call);
        $state = $client->callStatus($started->call);
        self::assertSame(CallState::NOT_ANSWERED, $state->status);
        self::assertSame('notanswered', $state->statusDesc);
        self::assertTrue($state->isFinal);
        self::assertNull($state->lastError);
    }

    public function testRequestIsTheEscapeHatch(): void
    {
        $client = $this->client();
        self::assertSame(['server_status' => 1], $client->request('server-status'));
        $answer = $client->request('balance', ['unused' => null]);
        self::assertSame(1_000_000, $answer['balance']);
        $started = $client->request('call', ['msisdn' => self::phone(), 'ip_address' => '203.0.113.9']);
        self::assertArrayHasKey('call', $started);
        $state = $client->request('call-status', ['call' => $started['call']]);
        self::assertSame('queued', $state['status_desc']);
        self::assertSame([], $client->request('call-hangup', ['call' => $started['call']]));
    }

    public function testRegisterConfirmChangeCredentialAndConfirmAgain(): void
    {
        // The test web site is the registered site: it serves /lbc-ID.html holding ID.
        $domain = parse_url(Servers::$site, PHP_URL_HOST) . ':' . parse_url(Servers::$site, PHP_URL_PORT);
        $anonymous = Client::fromOptions(['baseUrl' => Servers::$baseUrl]);
        $registration = $anonymous->register($domain, 'admin@example.com', '79001234567', null, 100);
        self::assertNotSame('', $registration->callApiId);
        self::assertSame("http://$domain/lbc-{$registration->callApiId}.html", $registration->verifyUrl);

        $key = self::mailedKey($registration->callApiId);
        $client = Client::fromOptions(['callApiId' => $registration->callApiId, 'apiKey' => $key, 'baseUrl' => Servers::$baseUrl]);
        self::assertFalse($client->status()->activated);
        $client->credentialConfirm();
        self::assertTrue($client->status()->activated);
        self::assertSame(100, $client->balance()->notifyLimit);

        $newId = $client->changeCredential('admin@example.com', '79001234567');
        self::assertNotSame($registration->callApiId, $newId);
        $confirming = $client->withCredentials($newId, self::mailedKey($newId));
        self::assertFalse($confirming->status()->activated);
        $confirming->credentialConfirm();
        self::assertTrue($confirming->status()->activated);
        self::assertTrue($client->status()->blocked, 'the old key is retired');
        try {
            $client->balance();
            self::fail('a retired key still works');
        } catch (\LoginByCall\Exception\AccountBlockedException $e) {
            self::assertSame('ACCOUNT_BLOCKED', $e->getErrorCode());
        }
    }

    /** The api-key the sandbox mailed with $callApiId. */
    private static function mailedKey(string $callApiId): string
    {
        foreach (array_reverse(Servers::control('GET', '/_sandbox/outbox')) as $mail) {
            if (($mail['call_api_id'] ?? null) === $callApiId && isset($mail['api_key'])) {
                return (string) $mail['api_key'];
            }
        }
        self::fail("no mail for $callApiId");
    }

    public function testWrongKeysAndSettings(): void
    {
        $client = Client::fromOptions(['callApiId' => $this->account['call_api_id'], 'apiKey' => 'not the key', 'baseUrl' => Servers::$baseUrl]);
        $this->expectException(InvalidSignatureException::class);
        $client->balance();
    }

    /** @return iterable<string, array{0: array<string, mixed>, 1: string}> */
    public static function badSettings(): iterable
    {
        yield 'a base URL that is not one' => [['baseUrl' => 'not a url'], 'base_url'];
        yield 'an unknown encoding' => [['encoding' => 'xml'], 'encoding'];
        yield 'a negative timeout' => [['timeout' => -1.0], 'timeout'];
        yield 'a zero timeout' => [['timeout' => 0.0], 'timeout'];
        yield 'a user agent with a line break' => [['userAgent' => "a\r\nX-Evil: 1"], 'user_agent'];
        yield 'a NUL in the key' => [['apiKey' => "key\0"], 'api_key'];
        yield 'invalid UTF-8 in the id' => [['callApiId' => "\xc3\x28"], 'call_api_id'];
        yield 'negative retries' => [['maxRetries' => -1], 'maxRetries'];
        yield 'a proxy that is not one' => [['proxy' => 'ftp://nowhere'], 'proxy'];
        yield 'an unknown signature placement' => [['signaturePlacement' => 'cookie'], 'signaturePlacement'];
        yield 'an unknown region' => [['defaultRegion' => 'Russia'], 'default_region'];
        yield 'a zero deadline' => [['deadline' => 0.0], 'deadline'];
        yield 'a negative deadline' => [['deadline' => -1.0], 'deadline'];
        yield 'no attempts' => [['maxAttempts' => 0], 'max_attempts'];
        yield 'a code that never lives' => [['ttl' => 0], 'ttl'];
        yield 'a missing CA bundle' => [['caBundle' => '/nonexistent/ca.pem'], 'ca_bundle'];
    }

    /** @dataProvider badSettings */
    #[\PHPUnit\Framework\Attributes\DataProvider('badSettings')]
    public function testBadSettingsAreRefused(array $settings, string $field): void
    {
        try {
            $this->client($settings);
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertSame($field, $e->getField(), $e->getMessage());
        }
    }

    /** @return iterable<string, array{0: array<string, mixed>}> */
    public static function goodSettings(): iterable
    {
        yield 'query' => [['encoding' => 'query']];
        yield 'rest+json, signature in a header' => [['encoding' => 'rest+json', 'signaturePlacement' => SignaturePlacement::HEADER]];
        yield 'form, signature as a parameter' => [['encoding' => 'form', 'signaturePlacement' => SignaturePlacement::PARAM]];
        yield 'a deadline and a region' => [['deadline' => 20.0, 'defaultRegion' => 'kz']];
        yield 'multipart, no retries, short timeouts' => [['encoding' => 'multipart', 'maxRetries' => 0, 'timeout' => 2.5, 'connectTimeout' => 1.0, 'retryBaseDelay' => 0.1]];
        yield 'a user agent and a response limit' => [['userAgent' => 'my-site/1.0', 'maxResponseBytes' => 65536]];
        yield 'a private pool' => [['shared' => false]];
        yield 'a login policy' => [['maxAttempts' => 5, 'ttl' => 60]];
    }

    public function testTheLoginPolicyReachesTheLogin(): void
    {
        $login = $this->client(['maxAttempts' => 5, 'ttl' => 60])->startLogin(self::phone(), '203.0.113.9');
        self::assertSame(5, $login->maxAttempts);
        self::assertSame($login->startedAt + 60, $login->expiresAt);
    }

    /** The old names stay one release: they work, and say they are deprecated. */
    public function testDeprecatedArgumentsStillWork(): void
    {
        $deprecations = [];
        set_error_handler(static function (int $level, string $message) use (&$deprecations): bool {
            $deprecations[] = [$level, $message];
            return true;
        }, E_USER_DEPRECATED);
        try {
            $login = $this->client(['loginTtl' => 60, 'signatureInHeader' => true])->startLogin(self::phone(), '203.0.113.9');
        } finally {
            restore_error_handler();
        }
        self::assertSame($login->startedAt + 60, $login->expiresAt);
        self::assertCount(2, $deprecations);
        self::assertSame(E_USER_DEPRECATED, $deprecations[0][0]);
        self::assertStringContainsString('loginTtl is deprecated, use ttl', $deprecations[0][1]);
        self::assertStringContainsString('signatureInHeader is deprecated', $deprecations[1][1]);

        // An old and a new name that disagree are refused rather than guessed between.
        set_error_handler(static fn (): bool => true, E_USER_DEPRECATED);
        try {
            $this->client(['ttl' => 30, 'loginTtl' => 60]);
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertSame('ttl', $e->getField());
        } finally {
            restore_error_handler();
        }
    }

    public function testPhoneNumbers(): void
    {
        self::assertSame('79256880636', PhoneNumber::normalize('8 (925) 688-06-36'));
        self::assertSame('79256880636', PhoneNumber::normalize('+7 925 688 06 36', 'kz'));
        self::assertSame('12025550143', PhoneNumber::normalize('(202) 555-0143', 'US'));
        self::assertSame('79256880636', $this->client()->normalizePhone('8 925 688-06-36'));
        self::assertSame('77011234567', $this->client(['defaultRegion' => 'KZ'])->normalizePhone('8 (701) 123-45-67'));
        $client = $this->client(['defaultRegion' => 'KZ'])->withCredentials('other', 'other-key');
        self::assertSame('77011234567', $client->normalizePhone('8 (701) 123-45-67'));
        foreach ([['12345', 'RU', 'msisdn'], ['8 925 688 06 36', 'Russia', 'region'], ["7925\0", 'RU', 'msisdn']] as [$text, $region, $field]) {
            try {
                PhoneNumber::normalize($text, $region);
                self::fail("accepted $text in $region");
            } catch (InvalidArgumentException $e) {
                self::assertSame($field, $e->getField(), $e->getMessage());
            }
        }
    }

    /** @dataProvider goodSettings */
    #[\PHPUnit\Framework\Attributes\DataProvider('goodSettings')]
    public function testSettingsThatWork(array $settings): void
    {
        if (isset($settings['defaultRegion'])) {
            // The guard calls only the default region's numbers unless told otherwise.
            $settings['guard'] = ['allowed_countries' => ['RU', strtoupper($settings['defaultRegion'])]];
        }
        $client = $this->client($settings);
        self::assertSame(1_000_000, $client->balance()->balance);
        $login = $client->startLogin(self::phone(), '203.0.113.9');
        self::assertSame(($settings['maxAttempts'] ?? 3), $login->attemptsLeft());
    }

    public function testAClientCannotBeClonedOrSerialized(): void
    {
        $client = $this->client();
        try {
            serialize($client);
            self::fail('serialized');
        } catch (\LoginByCall\Exception\LogicException $e) {
        }
        $this->expectException(\Error::class);
        $copy = clone $client;
    }

    public function testWrongTypesAreTypeErrors(): void
    {
        $this->expectException(\TypeError::class);
        $this->client()->call(79256880636);
    }
}
