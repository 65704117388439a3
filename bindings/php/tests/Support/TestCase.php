<?php

declare(strict_types=1);

namespace LoginByCall\Tests\Support;

use LoginByCall\Client;

/** Helpers of the tests: a client of a fresh sandbox account, fresh phone numbers. */
abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    private static int $number = 0;

    /** @var array{call_api_id: string, api_key: string} */
    protected array $account;

    protected function setUp(): void
    {
        $this->account = Servers::account();
    }

    /**
     * A client of this test's account, with any other settings given by name (an array, as
     * Client::fromOptions() takes them, or named arguments on PHP 8).
     *
     * @param mixed ...$settings
     */
    protected function client(...$settings): Client
    {
        if (isset($settings[0]) && is_array($settings[0])) {
            $settings = $settings[0];
        }
        return Client::fromOptions($settings + [
            'callApiId' => $this->account['call_api_id'],
            'apiKey' => $this->account['api_key'],
            'baseUrl' => Servers::$baseUrl,
            // Counters of this process only: runs of the tests never meet each other's limits.
            'store' => 'memory:',
        ]);
    }

    /**
     * A Russian mobile number libphonenumber accepts, new in this run, ending in $ending (two
     * digits: 08 busy, 16 not answered, 32 error; anything else answered).
     */
    protected static function phone(string $ending = '44'): string
    {
        self::$number++;
        return sprintf('7900%03d%02d%s', getmypid() % 1000, self::$number % 100, $ending);
    }
}
