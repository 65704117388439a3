<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Exception\LogicException;
use LoginByCall\SessionLogin;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/** SessionLogin keeps the whole flow in $_SESSION. */
final class SessionLoginTest extends TestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        $_SESSION = [];
    }

    protected function tearDown(): void
    {
        unset($_SESSION);
    }

    public function testAWholeLoginAndLogout(): void
    {
        $auth = new SessionLogin($this->client());
        self::assertNull($auth->pending());
        self::assertFalse($auth->isLoggedIn());
        $phone = self::phone();
        $login = $auth->start('+' . $phone, '203.0.113.9');
        self::assertArrayHasKey('loginbycall', $_SESSION);
        self::assertSame($login->call, $auth->pending()->call);
        $state = $auth->status();
        self::assertFalse($state === null ? true : $state->isFinal);

        $saved = $_SESSION;
        self::assertStringNotContainsString(Servers::control('GET', '/_sandbox/phones/' . $phone)['mask'], json_encode($_SESSION));
        $wrong = $auth->check('0000') ;
        self::assertTrue($wrong->isRejected() || Servers::code($phone) === '0000');
        self::assertSame($saved, $_SESSION, 'a check does not write the session');
        self::assertSame(1, $auth->pending()->attempts(), 'the attempt is counted in the store');
        self::assertNull($auth->user());

        self::assertTrue($auth->check(Servers::code($phone))->isAccepted());
        self::assertSame($phone, $auth->user());
        self::assertTrue($auth->isLoggedIn());
        self::assertNull($auth->pending(), 'the login is forgotten once accepted');
        self::assertTrue($auth->check(Servers::code($phone))->isLocked(), 'no second acceptance');

        $auth->logout();
        self::assertFalse($auth->isLoggedIn());
        self::assertArrayNotHasKey('loginbycall', $_SESSION);
    }

    public function testLockedAfterThreeWrongCodes(): void
    {
        $auth = new SessionLogin($this->client(), 'custom-key');
        $phone = self::phone();
        $auth->start($phone, '203.0.113.9');
        $wrong = Servers::code($phone) === '0000' ? '1111' : '0000';
        self::assertSame(2, $auth->check($wrong)->attemptsLeft());
        self::assertSame(1, $auth->check($wrong)->attemptsLeft());
        self::assertSame(0, $auth->check($wrong)->attemptsLeft());
        self::assertTrue($auth->check(Servers::code($phone))->isLocked());
        self::assertFalse($auth->isLoggedIn());
        self::assertArrayHasKey('custom-key', $_SESSION);
    }

    public function testTwoSessionsDoNotMix(): void
    {
        $client = $this->client();
        $first = self::phone();
        (new SessionLogin($client))->start($first, '203.0.113.9');
        $aliceSession = $_SESSION;
        $_SESSION = [];
        $second = self::phone();
        (new SessionLogin($client))->start($second, '203.0.113.9');
        self::assertTrue((new SessionLogin($client))->check(Servers::code($second))->isAccepted());
        self::assertSame($second, (new SessionLogin($client))->user());
        $_SESSION = $aliceSession;
        self::assertNull((new SessionLogin($client))->user());
        self::assertSame($first, (new SessionLogin($client))->pending()->msisdn);
    }

    public function testAGarbledSessionIsNoLogin(): void
    {
        $_SESSION['loginbycall'] = ['login' => '{"not":"a login"}'];
        $auth = new SessionLogin($this->client());
        self::assertNull($auth->pending());
        self::assertTrue($auth->check('1234')->isLocked());
    }

    public function testAnOldSessionCopyCannotUndoAttempts(): void
    {
        // A session store that does not lock: each request works on its own copy of the session.
        $auth = new SessionLogin($this->client());
        $phone = self::phone();
        $auth->start($phone, '203.0.113.9');
        $copy = $_SESSION;
        $wrong = Servers::code($phone) === '0000' ? '1111' : '0000';
        for ($i = 0; $i < 3; $i++) {
            $_SESSION = $copy;
            $auth->check($wrong);
        }
        $_SESSION = $copy;
        self::assertTrue($auth->check(Servers::code($phone))->isLocked());
        self::assertFalse($auth->isLoggedIn());
    }

    public function testWithoutASession(): void
    {
        unset($_SESSION);
        self::assertNull((new SessionLogin($this->client()))->pending(), 'no session: no login in progress');
        $this->expectException(LogicException::class);
        (new SessionLogin($this->client()))->user();
    }
}
