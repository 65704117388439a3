<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\CallState;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LogicException;
use LoginByCall\Login;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/** startLogin, the verdicts, the saved state, waiting for and ending the call. */
final class LoginTest extends TestCase
{
    /** A login whose code is $code: a real one, its saved mask rewritten. */
    private function loginWithCode(string $code, int $startedAgo = 0): Login
    {
        $state = json_decode($this->client()->startLogin(self::phone(), '203.0.113.9')->toJson(), true);
        $state['mask'] = substr($state['mask'], 0, -strlen($code)) . $code;
        $state['started_at'] -= $startedAgo;
        return Login::fromJson((string) json_encode($state), $this->client());
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
        $login = $this->loginWithCode('0636');
        $verdict = $login->check('636');
        self::assertTrue($verdict->isRejected());
        self::assertSame(2, $verdict->attemptsLeft());
        self::assertTrue($login->check('00636')->isRejected());
        self::assertTrue($login->check('0636')->isAccepted());
    }

    public function testThreeAttemptsThenLocked(): void
    {
        $login = $this->loginWithCode('1234');
        self::assertSame(2, $login->check('0000')->attemptsLeft());
        self::assertSame(1, $login->check('abcd')->attemptsLeft());
        $third = $login->check('');
        self::assertTrue($third->isLocked(), 'the last attempt spent locks the login');
        self::assertSame(0, $third->attemptsLeft());
        self::assertSame(3, $login->attempts());
        // The right code is too late now.
        self::assertTrue($login->check('1234')->isLocked());
        self::assertSame(0, $login->attemptsLeft());
    }

    public function testAcceptedOnceOnly(): void
    {
        $login = $this->loginWithCode('4242');
        self::assertTrue($login->check('4242')->isAccepted());
        $again = $login->check('4242');
        self::assertTrue($again->isLocked());
        self::assertFalse($again->isAccepted());
        // Also after a round trip through the session.
        self::assertTrue(Login::fromJson($login->toJson())->check('4242')->isLocked());
    }

    public function testExpiry(): void
    {
        $login = $this->loginWithCode('5555', startedAgo: 301);
        self::assertLessThan(time(), $login->expiresAt);
        $verdict = $login->check('5555');
        self::assertTrue($verdict->isExpired());
        self::assertSame(0, $login->attempts(), 'a check after expiry costs no attempt');

        $fresh = $this->loginWithCode('5555', startedAgo: 290);
        self::assertTrue($fresh->check('5555')->isAccepted());
    }

    public function testTheStateSurvivesJson(): void
    {
        $login = $this->loginWithCode('9876');
        $login->check('1111');
        $restored = Login::fromJson($login->toJson(), $this->client());
        self::assertSame($login->call, $restored->call);
        self::assertSame($login->msisdn, $restored->msisdn);
        self::assertSame($login->prompt(), $restored->prompt());
        self::assertSame(1, $restored->attempts());
        self::assertSame(2, $restored->attemptsLeft());
        self::assertSame($login->startedAt, $restored->startedAt);
        self::assertSame($login->ipAddress, $restored->ipAddress);
        self::assertSame($login->repeatTimeout, $restored->repeatTimeout);
        self::assertFalse($restored->isAccepted());
        self::assertTrue($restored->check('9876')->isAccepted());
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
    public function testFromJsonRefusesAnythingElse(string $json): void
    {
        $this->expectException(InvalidArgumentException::class);
        Login::fromJson($json);
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

    public function testARestoredLoginNeedsAClientToReachTheService(): void
    {
        $login = Login::fromJson($this->client()->startLogin(self::phone(), '203.0.113.9')->toJson());
        self::assertFalse($login->status($this->client())->isFinal);
        $this->expectException(LogicException::class);
        $login->hangup();
    }

    public function testBadDigitsAreRefusedBeforeC(): void
    {
        $login = $this->loginWithCode('1234');
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
