<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\CallState;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Login;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/** startLogin, the verdicts, the saved state, waiting for and ending the call. */
final class LoginTest extends TestCase
{
    /**
     * A new login and its code, as the sandbox tells it.
     *
     * @return array{Login, string}
     */
    private function loginWithCode(array $settings = []): array
    {
        $phone = self::phone();
        $login = $this->client($settings)->startLogin($phone, '203.0.113.9');
        return [$login, Servers::code($phone)];
    }

    /** $code with each digit moved by one: a wrong code of the right length. */
    private static function wrong(string $code): string
    {
        return implode('', array_map(static fn (string $d): string => (string) (((int) $d + 1) % 10), str_split($code)));
    }

    public function testAWholeLogin(): void
    {
        $client = $this->client();
        $phone = self::phone();
        $login = $client->startLogin('8 (' . substr($phone, 1, 3) . ') ' . substr($phone, 4, 3) . '-' . substr($phone, 7, 2) . '-' . substr($phone, 9), '203.0.113.9');
        self::assertSame($phone, $login->msisdn);
        self::assertSame(4, $login->codelen);
        self::assertSame(7, strlen($login->prompt()));
        self::assertGreaterThanOrEqual(time() + 299, $login->expiresAt);
        self::assertSame(3, $login->attemptsLeft());
        self::assertSame(0, $login->attempts());
        self::assertSame('203.0.113.9', $login->ipAddress);
        self::assertSame(3, $login->maxAttempts);
        self::assertSame($login->startedAt + 300, $login->expiresAt);
        self::assertEqualsWithDelta(time(), $login->startedAt, 60);
        self::assertGreaterThan(0, $login->repeatTimeout);
        self::assertFalse($login->isAccepted());

        $code = Servers::code($phone);
        self::assertStringStartsWith($login->prompt(), Servers::control('GET', '/_sandbox/phones/' . $phone)['mask']);
        $verdict = $login->check(" $code\n");
        self::assertTrue($verdict->isAccepted());
        self::assertFalse($verdict->isRejected() || $verdict->isLocked() || $verdict->isExpired());
        self::assertSame(0, $verdict->attemptsLeft());
        self::assertSame('accepted', $verdict->name());
        self::assertTrue($login->isAccepted());
        $login->hangup();
        self::assertTrue($login->status()->isFinal);
    }

    public function testTheCodeIsComparedWholeNotAsANumber(): void
    {
        [$login, $code] = $this->loginWithCode();
        $verdict = $login->check(substr($code, 1));
        self::assertTrue($verdict->isRejected());
        self::assertSame(2, $verdict->attemptsLeft());
        self::assertTrue($login->check('0' . $code)->isRejected());
        self::assertTrue($login->check($code)->isAccepted());
    }

    public function testThreeAttemptsThenLocked(): void
    {
        [$login, $code] = $this->loginWithCode();
        self::assertSame(2, $login->check(self::wrong($code))->attemptsLeft());
        self::assertSame(1, $login->check('abcd')->attemptsLeft());
        $third = $login->check('');
        self::assertTrue($third->isLocked(), 'the last attempt spent locks the login');
        self::assertSame(0, $third->attemptsLeft());
        self::assertSame(3, $login->attempts());
        // The right code is too late now.
        self::assertTrue($login->check($code)->isLocked());
        self::assertSame(0, $login->attemptsLeft());
    }

    public function testAcceptedOnceOnly(): void
    {
        [$login, $code] = $this->loginWithCode();
        self::assertTrue($login->check($code)->isAccepted());
        $again = $login->check($code);
        self::assertTrue($again->isLocked());
        self::assertFalse($again->isAccepted());
        // Also after a round trip through the session: accept-once is in the store.
        self::assertTrue($this->client()->resumeLogin($login->toJson())->check($code)->isLocked());
    }

    public function testExpiry(): void
    {
        [$login, $code] = $this->loginWithCode(['ttl' => 1]);
        self::assertSame($login->startedAt + 1, $login->expiresAt);
        sleep(2);
        self::assertLessThan(time(), $login->expiresAt);
        $verdict = $login->check($code);
        self::assertTrue($verdict->isExpired());
        self::assertSame(0, $login->attempts(), 'a check after expiry costs no attempt');
        // A state past its lifetime is resumed; its checks say it expired.
        self::assertTrue($this->client(['ttl' => 1])->resumeLogin($login->toJson())->check($code)->isExpired());
    }

    public function testTheStateSurvivesJson(): void
    {
        [$login, $code] = $this->loginWithCode();
        $state = $login->toJson();
        $login->check(self::wrong($code));
        self::assertSame($state, $login->toJson(), 'a check does not change the saved state');
        $restored = $this->client()->resumeLogin($state);
        self::assertSame($login->call, $restored->call);
        self::assertSame($login->msisdn, $restored->msisdn);
        self::assertSame($login->prompt(), $restored->prompt());
        self::assertSame(1, $restored->attempts());
        self::assertSame(2, $restored->attemptsLeft());
        self::assertSame($login->startedAt, $restored->startedAt);
        self::assertSame($login->ipAddress, $restored->ipAddress);
        self::assertSame($login->repeatTimeout, $restored->repeatTimeout);
        self::assertFalse($restored->isAccepted());
        self::assertTrue($restored->check($code)->isAccepted());
        self::assertTrue($restored->isAccepted());
    }

    /** @return iterable<string, array{string}> */
    public static function notSavedLogins(): iterable
    {
        yield 'not JSON' => ['{'];
        yield 'another object' => ['{"a":1}'];
        yield 'empty' => [''];
        yield 'a NUL' => ["{\0}"];
        yield 'invalid UTF-8' => ["{\"call\":\"\xff\"}"];
        yield '1 MiB' => [str_repeat('[', 1 << 20)];
    }

    /** @dataProvider notSavedLogins */
    #[\PHPUnit\Framework\Attributes\DataProvider('notSavedLogins')]
    public function testResumeLoginRefusesAnythingElse(string $json): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->client()->resumeLogin($json);
    }

    public function testFromJsonIsGone(): void
    {
        self::assertFalse(method_exists(Login::class, 'fromJson'), 'a saved login is resumed through its client');
    }

    /** @return iterable<string, array{string, int, string}> */
    public static function outcomes(): iterable
    {
        yield 'answered' => ['44', CallState::ANSWERED, 'answered'];
        yield 'busy (08)' => ['08', CallState::BUSY, 'busy'];
        yield 'not answered (16)' => ['16', CallState::NOT_ANSWERED, 'notanswered'];
        yield 'failed (32)' => ['32', CallState::FAILED, 'error'];
    }

    /** @dataProvider outcomes */
    #[\PHPUnit\Framework\Attributes\DataProvider('outcomes')]
    public function testWaitFinal(string $ending, int $status, string $desc): void
    {
        $login = $this->client()->startLogin(self::phone($ending), '203.0.113.9');
        $state = $login->waitFinal(10.0);
        self::assertTrue($state->isFinal);
        self::assertSame($status, $state->status);
        self::assertSame($desc, $state->statusDesc);
        if ($status === CallState::FAILED) {
            self::assertNotNull($state->lastError);
        }
    }

    public function testAResumedLoginReachesTheServiceThroughItsClient(): void
    {
        $client = $this->client();
        $login = $client->resumeLogin($client->startLogin(self::phone(), '203.0.113.9')->toJson());
        self::assertFalse($login->status()->isFinal);
        $login->hangup();
        self::assertTrue($login->waitFinal(10.0)->isFinal);
    }

    public function testBadDigitsAreRefusedBeforeC(): void
    {
        [$login] = $this->loginWithCode();
        foreach (["12\u{0}34", "12\xff4"] as $digits) {
            try {
                $login->check($digits);
                self::fail('checked');
            } catch (InvalidArgumentException $e) {
                self::assertSame('digits', $e->getField());
            }
        }
        self::assertSame(0, $login->attempts(), 'refused input is no attempt');
        self::assertTrue($login->check(str_repeat('1', 1 << 20))->isRejected());
    }
}
