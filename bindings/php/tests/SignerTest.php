<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Signer;
use PHPUnit\Framework\TestCase;

final class SignerTest extends TestCase
{
    /** @return array<int, array{method: string, key: string, params: array<string, string>, signature: string}> */
    private static function vectors(): array
    {
        return json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/tests/vectors/signatures.json'), true);
    }

    public function testTheNinetyVectorsInAnyOrder(): void
    {
        $vectors = self::vectors();
        self::assertCount(90, $vectors);
        $signers = [];
        foreach ($vectors as $i => $vector) {
            $signer = $signers[$vector['key']] ??= new Signer($vector['key']);
            $params = $vector['params'];
            self::assertSame($vector['signature'], $signer->sign($vector['method'], $params), "vector $i");
            self::assertSame($vector['signature'], $signer->sign($vector['method'], array_reverse($params, true)), "vector $i reversed");
            $keys = array_keys($params);
            shuffle($keys);
            $shuffled = [];
            foreach ($keys as $key) {
                $shuffled[$key] = $params[$key];
            }
            self::assertSame($vector['signature'], $signer->sign($vector['method'], $shuffled), "vector $i shuffled");
        }
        self::assertCount(3, $signers);
    }

    public function testMatchesHashHmacOverTheCanonicalString(): void
    {
        $signer = new Signer('the key');
        $params = ['msisdn' => '79256880636', 'call-api-id' => 'id-1', 'nonce' => 'n', 'timestamp' => '1700000000', 'ip_address' => '203.0.113.9'];
        $signature = $signer->sign('call', $params);
        self::assertMatchesRegularExpression('/^[0-9a-f]{128}$/', $signature);
        // Empty and null values are left out; ints are their decimal text; unsigned names ignored.
        self::assertSame($signature, $signer->sign('call', $params + ['signature' => 'x', 'unknown' => 'y']));
        self::assertSame($signer->sign('balance', ['call-api-id' => 'id', 'nonce' => 'n', 'timestamp' => '5']), $signer->sign('balance', ['call-api-id' => 'id', 'nonce' => 'n', 'timestamp' => 5, 'extra' => null]));
        self::assertNotSame($signature, (new Signer('another key'))->sign('call', $params));
    }

    public function testEmptyAndLargeValues(): void
    {
        $signer = new Signer('k');
        $empty = $signer->sign('balance', []);
        self::assertSame($empty, $signer->sign('balance', ['call-api-id' => '', 'nonce' => null]));
        $large = str_repeat('я', 512 * 1024); // 1 MiB of UTF-8
        $one = $signer->sign('balance', ['call-api-id' => $large]);
        self::assertNotSame($empty, $one);
        self::assertSame($one, $signer->sign('balance', ['call-api-id' => $large]));
        self::assertSame($empty, $signer->sign('balance', []));

        // More parameters than the reused native buffer first holds: it grows, and signs the same.
        $params = ['call-api-id' => 'id', 'nonce' => 'n', 'timestamp' => '5'];
        $before = $signer->sign('balance', $params);
        $many = $params;
        for ($i = 0; $i < 40; $i++) {
            $many["unsigned-$i"] = str_repeat('v', $i * 50);
        }
        self::assertSame($before, $signer->sign('balance', $many));
        self::assertSame($before, $signer->sign('balance', array_reverse($many, true)));
        self::assertSame($before, $signer->sign('balance', $params));
    }

    /** @return iterable<string, array{0: string, 1: array<string, mixed>, 2: string}> */
    public static function refused(): iterable
    {
        yield 'NUL in a value' => ['balance', ['call-api-id' => "id\0forged"], 'params[call-api-id]'];
        yield 'NUL in a name' => ['balance', ["call-api-id\0" => 'id'], 'params name'];
        yield 'invalid UTF-8 in a value' => ['balance', ['call-api-id' => "\xff\xfe"], 'params[call-api-id]'];
        yield 'half a character in a name' => ['balance', ["\xd1" => 'x'], 'params name'];
        yield 'NUL in the method' => ["balance\0", [], 'method'];
        yield 'invalid UTF-8 in the method' => ["bal\xffance", [], 'method'];
        yield 'an unknown method' => ['no-such-method', [], 'method'];
        yield 'a method never signed' => ['status', [], 'method'];
    }

    /** @dataProvider refused */
    #[\PHPUnit\Framework\Attributes\DataProvider('refused')]
    public function testRefusedBeforeSigning(string $method, array $params, string $field): void
    {
        try {
            (new Signer('key'))->sign($method, $params);
            self::fail('signed');
        } catch (InvalidArgumentException $e) {
            self::assertInstanceOf(\InvalidArgumentException::class, $e);
            self::assertSame('invalid_input', $e->getKind());
            self::assertSame($field, $e->getField());
        }
    }

    public function testBadKeysAndTypes(): void
    {
        $this->expectException(InvalidArgumentException::class);
        new Signer("key\0");
    }

    public function testValuesOtherThanStringsAndIntsAreTypeErrors(): void
    {
        $this->expectException(\TypeError::class);
        (new Signer('key'))->sign('balance', ['call-api-id' => ['an', 'array']]);
    }

    public function testAFloatIsATypeErrorToo(): void
    {
        $this->expectException(\TypeError::class);
        (new Signer('key'))->sign('balance', ['timestamp' => 1.5]);
    }

    public function testASignerCannotBeClonedOrSerialized(): void
    {
        $signer = new Signer('key');
        try {
            serialize($signer);
            self::fail('serialized');
        } catch (\LoginByCall\Exception\LogicException $e) {
        }
        $this->expectException(\Error::class);
        $copy = clone $signer;
    }
}
