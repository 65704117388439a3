<?php

declare(strict_types=1);

use LoginByCall\CallState;
use LoginByCall\WordPress\Service;
use LoginByCall\WordPress\Texts;
use PHPUnit\Framework\TestCase;

final class TextsTest extends TestCase
{
    protected function tearDown(): void
    {
        remove_all_filters('loginbycall_text');
    }

    public function testTheStatusSentencesAreTheDjangoApps(): void
    {
        self::assertSame('Placing the call…', Texts::status(CallState::QUEUED, 4));
        self::assertSame('Your phone is ringing: look at the number that is calling.', Texts::status(CallState::DIALING, 4));
        self::assertSame('The call came through. Type the last 4 digits of the number that called.', Texts::status(CallState::ANSWERED, 4));
        self::assertSame('The call came through. Type the last 1 digit of the number that called.', Texts::status(CallState::ANSWERED, 1));
        self::assertSame('Checking the call…', Texts::status(null, 4));
        self::assertSame('The call has ended. If you saw the number, type its last digits.', Texts::status(0, 4));
        self::assertSame('notanswered', Texts::statusName(CallState::NOT_ANSWERED));
        self::assertSame('unknown', Texts::statusName(null));
    }

    public function testWaitIsSecondsThenMinutes(): void
    {
        self::assertSame('1 second', Texts::wait(0.2));
        self::assertSame('45 seconds', Texts::wait(44.1));
        self::assertSame('89 seconds', Texts::wait(89));
        self::assertSame('2 minutes', Texts::wait(90));
        self::assertSame('60 minutes', Texts::wait(3600));
    }

    public function testWrongDigitsCountTheAttemptsLeft(): void
    {
        self::assertSame('Wrong digits. 2 attempts left.', Texts::wrong(2));
        self::assertSame('Wrong digits. 1 attempt left.', Texts::wrong(1));
        self::assertSame('Wrong digits, and no attempt is left. Ask for a new call.', Texts::wrong(0));
    }

    public function testASiteChangesAnyTextByItsId(): void
    {
        add_filter('loginbycall_text', static function (string $text, string $id, array $args): string {
            return $id === 'wrong' ? 'Nope, ' . $args['left'] . ' more.' : $text;
        }, 10, 3);
        self::assertSame('Nope, 2 more.', Texts::wrong(2));
        self::assertSame('Wrong digits, and no attempt is left. Ask for a new call.', Texts::wrong(0));
        self::assertSame('Too many calls. Try again in 3 minutes.', Texts::tooMany(150));
    }

    public function testArgumentsArePassedByPositionFromTheConstructorsNames(): void
    {
        $args = Service::positional(Fixture::class, ['gamma' => 3, 'alpha' => 'a']);
        self::assertSame(['a', 'b-default', 3], $args);
        self::assertSame([], Service::positional(Fixture::class, []));
        $this->expectException(\InvalidArgumentException::class);
        Service::positional(Fixture::class, ['delta' => 1]);
    }
}

final class Fixture
{
    public function __construct(?string $alpha = null, string $beta = 'b-default', ?int $gamma = null, bool $last = true)
    {
    }
}
