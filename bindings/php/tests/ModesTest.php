<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Internal\Native;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/**
 * The two ways PHP loads the package, each in a PHP process of its own: the CLI path (ffi.enable=1,
 * FFI::cdef) and the preload path (PHP's default ffi.enable=preload, opcache.preload=preload.php,
 * FFI::scope), as PHP-FPM runs it.
 */
final class ModesTest extends TestCase
{
    /** @return array<string, mixed> what fixtures/mode.php printed */
    private function runPhp(array $ini): array
    {
        [$status, $out, $err] = $this->runRaw($ini);
        self::assertSame(0, $status, "exit status $status: $out $err");
        $result = json_decode($out, true);
        self::assertIsArray($result, "$out $err");
        return $result;
    }

    /** @return array{int, string, string} the exit status, stdout and stderr of fixtures/mode.php */
    private function runRaw(array $ini): array
    {
        $command = [PHP_BINARY];
        foreach ($ini as $name => $value) {
            $command[] = '-d';
            $command[] = "$name=$value";
        }
        array_push($command, __DIR__ . '/fixtures/mode.php', Servers::$baseUrl, $this->account['call_api_id'], $this->account['api_key'], self::phone());
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        self::assertIsResource($process);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $status = proc_close($process);
        return [$status, (string) $out, (string) $err];
    }

    private static function expectWorking(array $result): void
    {
        self::assertArrayNotHasKey('error', $result, (string) ($result['error'] ?? ''));
        self::assertTrue($result['signature_ok']);
        self::assertSame(7, strlen($result['prompt']));
        self::assertSame('rejected', $result['verdict']);
        self::assertSame('CALL_NOT_FOUND', $result['exception']);
    }

    public function testTheCliPath(): void
    {
        $result = $this->runPhp(['ffi.enable' => '1', 'opcache.enable_cli' => '0']);
        self::expectWorking($result);
        self::assertFalse($result['preloaded']);
    }

    /** The php.ini lines of the README's recipe, with ffi.preload given $header. */
    private static function preloadIni(?string $header): array
    {
        return array_filter([
            'ffi.enable' => 'preload',
            'ffi.preload' => $header,
            'opcache.enable' => '1',
            'opcache.enable_cli' => '1',
            'opcache.preload' => dirname(__DIR__) . '/preload.php',
            'opcache.preload_user' => posix_getpwuid(posix_geteuid())['name'] ?? 'root',
        ], fn ($value) => $value !== null);
    }

    public function testThePreloadPath(): void
    {
        // The library is not on the linker's path here: a copy of the header names it
        // (tools/ffi-preload-header.php), as for a site with the library under a prefix of its own.
        $header = tempnam(sys_get_temp_dir(), 'lbc') . '.ffi.h';
        file_put_contents($header, Native::headerFor((string) realpath(Native::libraryPath())));
        try {
            $result = $this->runPhp(self::preloadIni($header));
        } finally {
            unlink($header);
        }
        self::expectWorking($result);
        self::assertTrue($result['preloaded'], 'the classes came from preload.php');
    }

    public function testPreloadingWithoutFfiPreloadSaysWhatToDo(): void
    {
        if (posix_geteuid() !== 0) {
            self::markTestSkipped('only root needs opcache.preload_user (and so ffi.preload)');
        }
        [$status, $out, $err] = $this->runRaw(self::preloadIni(null));
        if ($status === 0) {
            // PHP 8.4 (Debian 13) preloads in the process itself here, so FFI::load's scope stays.
            self::expectWorking((array) json_decode($out, true));
            return;
        }
        // PHP 7.4 to 8.2 preload in a child running as opcache.preload_user: the scope is lost.
        self::assertStringContainsString('set ffi.preload=', $out . $err);
    }

    public function testTheCliWorksUnderPhpsDefaultFfiEnablePreload(): void
    {
        // PHP allows FFI in the CLI under ffi.enable=preload (its default): cron jobs need no -d.
        $result = $this->runPhp(['ffi.enable' => 'preload', 'opcache.enable_cli' => '0']);
        self::expectWorking($result);
        self::assertFalse($result['preloaded']);
    }

    public function testFfiDisabledSaysWhatToDo(): void
    {
        $result = $this->runPhp(['ffi.enable' => '0', 'opcache.enable_cli' => '0']);
        self::assertStringContainsString('LibraryException', $result['error']);
        self::assertStringContainsString('opcache.preload', $result['error']);
        self::assertStringContainsString('ffi.enable=1', $result['error']);
    }
}
