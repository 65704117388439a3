<?php

declare(strict_types=1);

use LoginByCall\WordPress\Phone;
use PHPUnit\Framework\TestCase;

final class PhoneTest extends TestCase
{
    public function testE164FromTheLibrarysDigitsAndFromStoredNumbers(): void
    {
        self::assertSame('+79256880636', Phone::e164('79256880636'));
        self::assertSame('+79256880636', Phone::e164('+79256880636'));
        self::assertSame('+79256880636', Phone::e164(" 79256880636\n"));
    }

    /** @return array<string, array{string}> */
    public static function notNumbers(): array
    {
        return [
            'empty' => [''],
            'plus only' => ['+'],
            'leading zero' => ['089256880636'],
            'too short' => ['7925688'],
            'too long' => ['7925688063612345'],
            'spaces inside' => ['+7 925 688 06 36'],
            'letters' => ['7925688o636'],
            'two pluses' => ['++79256880636'],
            'sql' => ["79256880636' OR 1=1"],
        ];
    }

    /** @dataProvider notNumbers */
    public function testAnythingElseIsNoNumber(string $text): void
    {
        self::assertNull(Phone::e164($text));
    }

    public function testMaskedNeverShowsTheWholeNumber(): void
    {
        self::assertSame('+7925*****36', Phone::masked('+79256880636'));
        self::assertSame('+7925*****36', Phone::masked('79256880636'));
        self::assertSame('+4915****89', Phone::masked('+4915123489'));
        self::assertStringNotContainsString('688063', Phone::masked('+79256880636'));
    }

    public function testPromptHeadKeepsDigitsOnly(): void
    {
        self::assertSame('+7925688', Phone::promptHead('7925688'));
        self::assertSame('+7925688', Phone::promptHead('<b>7925688</b>'));
    }

    public function testDigitsOnly(): void
    {
        self::assertSame('0636', Phone::digitsOnly(' 06-36 '));
        self::assertSame('1234', Phone::digitsOnly('123456', 4));
        self::assertSame('', Phone::digitsOnly('abc'));
        self::assertSame('', Phone::digitsOnly('٣٤٥٦'), 'only ASCII digits reach the library');
    }
}
