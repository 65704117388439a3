<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Client;
use LoginByCall\Exception;
use LoginByCall\Exception\ApiException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Internal\ApiErrors;
use LoginByCall\Internal\Errors;
use LoginByCall\Internal\Native;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/** Every exception class, thrown by a real failure, with its getters. */
final class ExceptionsTest extends TestCase
{
    public function testOneClassPerCodeTheLibraryKnows(): void
    {
        $ffi = Native::ffi();
        $codes = json_decode((string) Native::take($ffi, $ffi->lbc_error_codes_json()), true);
        self::assertCount(21, $codes);
        self::assertSame(array_column($codes, 'code'), array_keys(ApiErrors::CLASSES));
        foreach ($codes as ['code' => $code, 'class' => $errorClass]) {
            $class = ApiErrors::CLASSES[$code];
            $reflection = new \ReflectionClass($class);
            self::assertTrue($reflection->isFinal(), $class);
            self::assertTrue($reflection->isSubclassOf(ApiException::class), $class);
            self::assertSame($code, $class::CODE);
            self::assertSame($errorClass, $class::ERROR_CLASS);
        }
        self::assertSame(Exception\ServiceErrorException::class, ApiErrors::CLASSES['Error']);

        // The generated files are what the generator writes from the library's list now.
        $output = [];
        exec(escapeshellarg(PHP_BINARY) . ' -d ffi.enable=1 ' . escapeshellarg(dirname(__DIR__) . '/tools/gen-exceptions.php') . ' --check 2>&1', $output, $status);
        self::assertSame(0, $status, implode("\n", $output));
    }

    /** Each failure kind the library names (lbc_status_name of every status it has) has its class. */
    public function testOneClassPerKindTheLibraryNames(): void
    {
        $ffi = Native::ffi();
        $kinds = [];
        for ($status = 1; $status < 64; $status++) {
            $name = Native::take($ffi, $ffi->lbc_status_name($status));
            if ($name !== null) {
                $kinds[$name] = true;
            }
        }
        self::assertNull($ffi->lbc_status_name(0));
        self::assertSame(
            ['api_error', 'decode_error', 'guard_refused', 'http_error', 'internal_error', 'invalid_input', 'store_error', 'timeout', 'transport_error'],
            (static function (array $names): array {
                sort($names);
                return $names;
            })(array_keys($kinds)),
        );
        foreach (array_keys($kinds) as $kind) {
            self::assertArrayHasKey($kind, Errors::KINDS, "no exception class for the kind $kind");
            $class = Errors::KINDS[$kind];
            $instance = (new \ReflectionClass($class))->newInstanceWithoutConstructor();
            self::assertSame($kind, $instance->getKind(), $class);
        }
        self::assertSame([], array_diff(array_keys(Errors::KINDS), array_keys($kinds)), 'a class for a kind the library does not name');
    }

    public function testGuardRefusalsAndStoreFailures(): void
    {
        $e = new Exception\GuardRefusedException('too many calls to +7925688****', 'number_rate', 42.5);
        self::assertSame('number_rate', $e->getReason());
        self::assertSame(42.5, $e->getRetryAfter());
        self::assertSame('guard_refused', $e->getKind());
        self::assertFalse($e->mayHaveBeenPlaced(), 'the guard refuses before anything is sent');
        self::assertInstanceOf(LoginByCallException::class, $e);
        self::assertNull((new Exception\GuardRefusedException('not allowed', 'country'))->getRetryAfter());
        $store = new Exception\StoreException('database is locked');
        self::assertSame('store_error', $store->getKind());
        self::assertFalse($store->mayHaveBeenPlaced());
        self::assertInstanceOf(\RuntimeException::class, $store);
    }

    public function testEveryClassOfThePackageIsFinalOrTheApiBase(): void
    {
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(dirname(__DIR__) . '/src', \FilesystemIterator::SKIP_DOTS)) as $file) {
            $source = (string) file_get_contents($file->getPathname());
            self::assertStringContainsString('declare(strict_types=1);', $source, $file->getFilename());
            $class = 'LoginByCall\\' . str_replace('/', '\\', substr($file->getPathname(), strlen(dirname(__DIR__) . '/src/'), -4));
            $reflection = new \ReflectionClass($class);
            if ($reflection->isInterface() || $reflection->isTrait()) {
                continue;
            }
            self::assertTrue($reflection->isFinal() || $class === ApiException::class, "$class is final");
            if (str_starts_with($class, 'LoginByCall\\Exception\\')) {
                self::assertTrue($reflection->implementsInterface(LoginByCallException::class), $class);
            }
        }
    }

    public function testCallRepeatTimeout(): void
    {
        $client = $this->client();
        $phone = self::phone();
        $client->call($phone, '203.0.113.9');
        try {
            $client->call($phone, '203.0.113.9');
            self::fail('called twice');
        } catch (Exception\CallRepeatTimeoutException $e) {
            self::assertSame('CALL_REPEAT_TIMEOUT', $e->getErrorCode());
            self::assertSame('PROCESS', $e->getErrorClass());
            self::assertNotEmpty($e->getReason());
            self::assertNotEmpty($e->getRequestId());
            self::assertGreaterThan(0.0, $e->getDelay());
            self::assertLessThanOrEqual(30.0, $e->getDelay());
            self::assertEqualsWithDelta($e->getDelay(), $e->getAdditional()['delay'], 0.001);
            self::assertSame('api_error', $e->getKind());
            self::assertFalse($e->mayHaveBeenPlaced());
            self::assertStringContainsString('CALL_REPEAT_TIMEOUT', $e->getMessage());
            self::assertStringNotContainsString($this->account['api_key'], $e->getMessage());
            self::assertInstanceOf(\RuntimeException::class, $e);
        }
    }

    public function testInvalidSignatureInvalidAccountCallNotFound(): void
    {
        $wrongKey = Client::fromOptions(['callApiId' => $this->account['call_api_id'], 'apiKey' => 'wrong', 'baseUrl' => Servers::$baseUrl]);
        $e = self::thrown(fn () => $wrongKey->balance(), Exception\InvalidSignatureException::class);
        self::assertSame('GENERIC', $e->getErrorClass());
        self::assertStringNotContainsString('wrong', (string) $e->getReason());

        $unknown = Client::fromOptions(['callApiId' => 'no-such-account', 'apiKey' => 'k', 'baseUrl' => Servers::$baseUrl]);
        self::thrown(fn () => $unknown->balance(), Exception\InvalidAccountException::class);

        self::thrown(fn () => $this->client()->callStatus('no-such-call'), Exception\CallNotFoundException::class);
    }

    public function testAccountStates(): void
    {
        $client = $this->client();
        Servers::control('PATCH', '/_sandbox/accounts/' . $this->account['call_api_id'], ['balance' => 0]);
        self::thrown(fn () => $client->call(self::phone(), '203.0.113.9'), Exception\NotEnoughCreditException::class);
        Servers::control('PATCH', '/_sandbox/accounts/' . $this->account['call_api_id'], ['balance' => 100000, 'blocked' => true]);
        self::thrown(fn () => $client->call(self::phone(), '203.0.113.9'), Exception\AccountBlockedAdminException::class);

        $inactive = Servers::account(['activated' => false]);
        $client = Client::fromOptions(['callApiId' => $inactive['call_api_id'], 'apiKey' => $inactive['api_key'], 'baseUrl' => Servers::$baseUrl]);
        self::thrown(fn () => $client->call(self::phone(), '203.0.113.9'), Exception\AccountInactiveException::class);
    }

    public function testCallRejectedWhileTheServiceIsDown(): void
    {
        $client = $this->client();
        Servers::control('PATCH', '/_sandbox/accounts/' . $this->account['call_api_id'], ['server_status' => 0]);
        try {
            self::assertFalse($client->serverStatus()->isWorking);
            self::thrown(fn () => $client->call(self::phone(), '203.0.113.9'), Exception\CallRejectedException::class);
        } finally {
            Servers::control('PATCH', '/_sandbox/accounts/' . $this->account['call_api_id'], ['server_status' => 1]);
        }
    }

    public function testAnUnknownCodeIsAnApiException(): void
    {
        Servers::answerOnce('balance', Servers::httpAnswer('200 OK', (string) json_encode(['error' => 'SOMETHING_NEW', 'clazz' => 'PROCESS', 'reason' => 'a code from the future', 'additional' => ['hint' => 42]]), "X-Request-Id: scripted-unknown\r\n"));
        $client = Client::fromOptions(['callApiId' => 'id', 'apiKey' => 'k', 'baseUrl' => Servers::$baseUrl, 'maxRetries' => 0, 'store' => 'memory:']);
        $e = self::thrown(fn () => $client->balance(), ApiException::class);
        self::assertSame(ApiException::class, get_class($e));
        self::assertSame('SOMETHING_NEW', $e->getErrorCode());
        self::assertSame('PROCESS', $e->getErrorClass());
        self::assertSame('a code from the future', $e->getReason());
        self::assertSame('scripted-unknown', $e->getRequestId());
        self::assertSame(['hint' => 42], $e->getAdditional());
    }

    public function testHttpError(): void
    {
        Servers::answerOnce('call', Servers::httpAnswer('502 Bad Gateway', '<html><body>Bad Gateway</body></html>', "X-Request-Id: scripted-502\r\n", 'text/html'));
        $client = Client::fromOptions(['callApiId' => 'id', 'apiKey' => 'k', 'baseUrl' => Servers::$baseUrl, 'maxRetries' => 0, 'store' => 'memory:']);
        $e = self::thrown(fn () => $client->call(self::phone(), '203.0.113.9'), Exception\HttpException::class);
        self::assertSame(502, $e->getHttpStatus());
        self::assertSame('scripted-502', $e->getRequestId());
        self::assertTrue($e->mayHaveBeenPlaced(), 'a 502 after a call may have placed it');
        self::assertSame('http_error', $e->getKind());
    }

    public function testDecodeError(): void
    {
        Servers::answerOnce('balance', Servers::httpAnswer('200 OK', 'this is not JSON'));
        $client = Client::fromOptions(['callApiId' => 'id', 'apiKey' => 'k', 'baseUrl' => Servers::$baseUrl, 'maxRetries' => 0, 'store' => 'memory:']);
        $e = self::thrown(fn () => $client->balance(), Exception\DecodeException::class);
        self::assertTrue($e->mayHaveBeenPlaced());
        self::assertSame('decode_error', $e->getKind());
        self::assertNull($e->getRequestId());
    }

    public function testTransportError(): void
    {
        $port = Servers::freePort();
        $client = Client::fromOptions(['callApiId' => 'id', 'apiKey' => 'k', 'baseUrl' => "http://127.0.0.1:$port/callapi/v2.0/", 'maxRetries' => 0, 'store' => 'memory:']);
        $e = self::thrown(fn () => $client->call(self::phone(), '203.0.113.9'), Exception\TransportException::class);
        self::assertSame('connect', $e->getTransportKind());
        self::assertFalse($e->mayHaveBeenPlaced(), 'nothing reached the service');
        self::assertSame('transport_error', $e->getKind());
    }

    public function testTimeout(): void
    {
        Servers::control('POST', '/_sandbox/faults', ['method' => 'call', 'kind' => 'hang', 'count' => 1]);
        $client = Client::fromOptions(['callApiId' => 'id', 'apiKey' => 'k', 'baseUrl' => Servers::$baseUrl, 'maxRetries' => 0, 'store' => 'memory:', 'timeout' => 0.3]);
        $e = self::thrown(fn () => $client->call(self::phone(), '203.0.113.9'), Exception\TimeoutException::class);
        self::assertTrue($e->mayHaveBeenPlaced(), 'the request was written: the call may have been placed');
        self::assertSame('timeout', $e->getKind());
    }

    public function testInvalidArgument(): void
    {
        $e = self::thrown(fn () => $this->client()->call('70000000000'), Exception\InvalidArgumentException::class);
        self::assertSame('msisdn', $e->getField());
        self::assertInstanceOf(\InvalidArgumentException::class, $e);
        self::assertFalse($e->mayHaveBeenPlaced());
        self::assertSame('invalid_input', $e->getKind());
        self::assertStringContainsString('70000000000', $e->getMessage());
    }

    public function testLibraryNotFound(): void
    {
        $script = 'require ' . var_export(dirname(__DIR__) . '/autoload.php', true) . ';'
            . 'try { new LoginByCall\Signer("k"); } catch (LoginByCall\Exception\LibraryException $e) {'
            . ' echo json_encode([$e->getMessage(), $e->getPathsTried(), $e->getKind()]); }';
        $run = fn (array $env) => json_decode((string) shell_exec(
            implode(' ', array_map(fn ($k, $v) => "$k=" . escapeshellarg($v), array_keys($env), $env))
            . ' ' . escapeshellarg(PHP_BINARY) . ' -d ffi.enable=1 -r ' . escapeshellarg($script)
        ), true);
        [$message, $tried, $kind] = $run(['LOGINBYCALL_LIB' => '/nonexistent/libloginbycall.so']);
        self::assertSame('library_error', $kind);
        self::assertStringContainsString('/nonexistent/libloginbycall.so', $message);
        self::assertSame(['/nonexistent/libloginbycall.so'], $tried);
        $installed = array_filter(Native::PREFIXES, fn ($p) => is_file("$p/libloginbycall.so.0") || is_file("$p/libloginbycall.so"));
        if ($installed === []) {
            // Not installed on this machine: the error lists every place looked at.
            [$message, $tried] = $run(['LOGINBYCALL_LIB' => '']);
            self::assertContains('/usr/local/lib/libloginbycall.so.0', $tried);
            foreach ($tried as $path) {
                self::assertStringContainsString($path, $message);
            }
        }
    }

    /**
     * The exception $call throws, which must be a $class.
     *
     * @template T of \Throwable
     *
     * @param class-string<T> $class
     *
     * @return T
     */
    private static function thrown(callable $call, string $class): \Throwable
    {
        try {
            $call();
        } catch (\Throwable $e) {
            self::assertInstanceOf($class, $e, get_class($e) . ': ' . $e->getMessage());
            self::assertInstanceOf(LoginByCallException::class, $e);
            return $e;
        }
        self::fail("no $class thrown");
    }
}
