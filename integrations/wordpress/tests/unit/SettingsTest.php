<?php

declare(strict_types=1);

use LoginByCall\WordPress\Settings;
use PHPUnit\Framework\TestCase;

final class SettingsTest extends TestCase
{
    private function stored(): array
    {
        return array_merge(Settings::defaults(), ['call_api_id' => 'old-id', 'api_key' => 'old-secret-key-1234']);
    }

    public function testAnEmptyKeyFieldKeepsTheStoredKey(): void
    {
        [$out, $problems] = Settings::sanitize(['call_api_id' => 'new-id', 'api_key' => ''], $this->stored());
        self::assertSame([], $problems);
        self::assertSame('new-id', $out['call_api_id']);
        self::assertSame('old-secret-key-1234', $out['api_key']);
    }

    public function testANewKeyReplacesItAndClearRemovesIt(): void
    {
        [$out] = Settings::sanitize(['api_key' => '  new-secret-key-5678 '], $this->stored());
        self::assertSame('new-secret-key-5678', $out['api_key']);
        [$out] = Settings::sanitize(['api_key_clear' => '1'], $this->stored());
        self::assertSame('', $out['api_key']);
    }

    public function testBadValuesAreRefusedByNameAndTheOldOnesKept(): void
    {
        [$out, $problems] = Settings::sanitize([
            'call_api_id' => 'id with spaces',
            'api_key' => "short",
            'sandbox_url' => 'javascript:alert(1)',
            'store' => 'file:///etc/passwd',
            'countries' => 'RU, Russia',
        ], $this->stored());
        self::assertSame(['call_api_id', 'api_key', 'sandbox_url', 'store', 'countries'], $problems);
        self::assertSame('old-id', $out['call_api_id']);
        self::assertSame('old-secret-key-1234', $out['api_key']);
        self::assertSame('', $out['store']);
        self::assertSame('RU', $out['countries']);
    }

    public function testSandboxNeedsItsUrlWhichIsReadAsTheApiRoot(): void
    {
        [$out, $problems] = Settings::sanitize(['sandbox' => '1'], $this->stored());
        self::assertFalse($out['sandbox']);
        self::assertSame(['sandbox_url'], $problems);
        [$out, $problems] = Settings::sanitize(['sandbox' => '1', 'sandbox_url' => 'http://127.0.0.1:8080'], $this->stored());
        self::assertSame([], $problems);
        self::assertTrue($out['sandbox']);
        self::assertSame('http://127.0.0.1:8080/callapi/v2.0/', $out['sandbox_url']);
        [$out] = Settings::sanitize(['sandbox' => '1', 'sandbox_url' => 'http://127.0.0.1:8080/callapi/v2.0/'], $this->stored());
        self::assertSame('http://127.0.0.1:8080/callapi/v2.0/', $out['sandbox_url']);
        self::assertSame('http://127.0.0.1:8080', Settings::sandboxRoot($out['sandbox_url']));
    }

    public function testNumbersAreClamped(): void
    {
        [$out] = Settings::sanitize(['number_rate' => '-5', 'ip_rate' => '99999999', 'max_attempts' => '0', 'global_rate' => 'x'], []);
        self::assertSame(0, $out['number_rate']);
        self::assertSame(1000000, $out['ip_rate']);
        self::assertSame(1, $out['max_attempts']);
        self::assertSame(0, $out['global_rate']);
    }

    public function testNotAnArrayIsTheDefaults(): void
    {
        [$out, $problems] = Settings::sanitize('nonsense', []);
        self::assertSame([], $problems);
        self::assertFalse($out['enabled'], 'an unchecked box is off');
        self::assertSame('', $out['api_key']);
    }

    public function testTheGuardHoldsOnlyWhatTheSiteChanged(): void
    {
        self::assertSame([], Settings::guard(Settings::defaults()));
        [$out] = Settings::sanitize(['number_rate' => '2', 'countries' => 'ru kz;by'], []);
        self::assertSame([
            'number_rate' => ['calls' => 2, 'window' => 3600],
            'allowed_countries' => ['RU', 'KZ', 'BY'],
        ], Settings::guard($out));
    }

    public function testTwoFactorRolesAreRoleNamesOnly(): void
    {
        [$out] = Settings::sanitize(['twofa_roles' => ['subscriber', 'editor', 'subscriber', '<script>', ['x']]], []);
        self::assertSame(['subscriber', 'editor'], $out['twofa_roles']);
        [$out] = Settings::sanitize(['twofa_roles' => 'administrator'], []);
        self::assertSame([], $out['twofa_roles']);
    }

    public function testTheKeyHintShowsAtMostItsEnd(): void
    {
        self::assertSame('', Settings::hint(''));
        self::assertSame(str_repeat("\u{2022}", 8), Settings::hint('short-key'));
        $hint = Settings::hint('a-long-secret-api-key-x9Qa');
        self::assertStringEndsWith('x9Qa', $hint);
        self::assertStringNotContainsString('secret', $hint);
    }
}
