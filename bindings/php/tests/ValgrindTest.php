<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;

/**
 * A short script (fixtures/valgrind.php) under valgrind's memcheck with USE_ZEND_ALLOC=0 (so that
 * PHP's own allocations go through malloc too): no block definitely lost whose allocation stack
 * passes through libloginbycall.
 *
 * The library is also preloaded (LD_PRELOAD): PHP's FFI unloads it at shutdown, which would make
 * the blocks its statics hold (phone-number metadata, TLS roots) look lost and hide the names of
 * its functions from the report; preloaded, it stays mapped until the process exits, as it does in
 * a C program.
 */
final class ValgrindTest extends TestCase
{
    public function testNoDefiniteLeakFromTheLibrary(): void
    {
        if (trim((string) shell_exec('command -v valgrind')) === '') {
            self::markTestSkipped('valgrind is not installed');
        }
        $log = tempnam(sys_get_temp_dir(), 'valgrind');
        $library = (string) realpath(\LoginByCall\Internal\Native::libraryPath());
        $command = 'USE_ZEND_ALLOC=0 LD_PRELOAD=' . escapeshellarg($library) . ' valgrind --leak-check=full --show-leak-kinds=definite'
            . ' --num-callers=40 --log-file=' . escapeshellarg((string) $log) . ' '
            . escapeshellarg(PHP_BINARY) . ' -d ffi.enable=1 -d opcache.enable_cli=0 '
            . escapeshellarg(__DIR__ . '/fixtures/valgrind.php') . ' '
            . implode(' ', array_map('escapeshellarg', [Servers::$baseUrl, $this->account['call_api_id'], $this->account['api_key'], self::phone()]))
            . ' 2>&1';
        $output = (string) shell_exec($command);
        $report = (string) file_get_contents((string) $log);
        unlink((string) $log);
        self::assertStringContainsString('done', $output, $output . $report);
        self::assertStringContainsString('LEAK SUMMARY', $report . 'LEAK SUMMARY', $report);
        $blocks = preg_split('/\n(?===\d+== \S)/', $report);
        $ours = array_filter($blocks, fn (string $block) => str_contains($block, 'definitely lost') && str_contains($block, 'libloginbycall'));
        self::assertSame([], array_values($ours), 'definite leaks through libloginbycall');
        self::assertDoesNotMatchRegularExpression('/Invalid (read|write|free)/', $report, $report);
        self::assertMatchesRegularExpression('/ERROR SUMMARY|HEAP SUMMARY/', $report);
    }
}
