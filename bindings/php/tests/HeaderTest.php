<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Internal\Native;
use PHPUnit\Framework\TestCase;

/** resources/loginbycall.ffi.h is made from include/loginbycall.h (make php-header) and current. */
final class HeaderTest extends TestCase
{
    public function testTheFfiHeaderIsCurrent(): void
    {
        require_once dirname(__DIR__) . '/tools/ffi-header.php';
        $fresh = ffi_header((string) file_get_contents(dirname(__DIR__, 3) . '/include/loginbycall.h'), Native::soname());
        self::assertSame($fresh, file_get_contents(Native::headerPath()), 'stale: run `make php-header` and commit it');
    }

    public function testOnlyTheTwoFfiDefinesArePreprocessorLines(): void
    {
        $lines = file(Native::headerPath(), FILE_IGNORE_NEW_LINES);
        self::assertSame('#define FFI_SCOPE "LOGINBYCALL"', $lines[0]);
        self::assertSame('#define FFI_LIB "libloginbycall.so.0"', $lines[1]);
        $directives = array_filter($lines, fn (string $line) => str_starts_with(ltrim($line), '#'));
        self::assertCount(2, $directives);
    }

    public function testEveryFunctionOfTheCHeaderIsDeclared(): void
    {
        preg_match_all('/\b(lbc_[a-z0-9_]+)\(/', (string) file_get_contents(dirname(__DIR__, 3) . '/include/loginbycall.h'), $c);
        preg_match_all('/\b(lbc_[a-z0-9_]+)\(/', (string) file_get_contents(Native::headerPath()), $php);
        preg_match_all('/\b(lbc_[a-z0-9_]+)\(/', (string) file_get_contents(Native::logHeaderPath()), $log);
        $optional = array_values(array_diff($log[1], ['lbc_string_free']));
        self::assertSame(array_values(array_diff(array_unique($c[1]), $optional)), array_values(array_unique($php[1])));
        // The optional ones: in the C header (the log header's void * stand for its pointer types).
        self::assertSame($optional, array_values(array_intersect($optional, $c[1])));
        self::assertContains('lbc_client_shared', $php[1]);
    }

    public function testTheGeneratorRefusesConditionalsItDoesNotKnow(): void
    {
        require_once dirname(__DIR__) . '/tools/ffi-header.php';
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessage('unknown conditional');
        declarations("#ifdef _WIN32\nint x;\n#endif\n");
    }

    public function testTheStatusAndEnumsAre32BitsAndConstantsAreVisible(): void
    {
        $ffi = Native::ffi();
        foreach (['lbc_status', 'lbc_verdict', 'lbc_call_status', 'lbc_payment_shape', 'lbc_signature_placement'] as $type) {
            self::assertSame(4, \FFI::sizeof($ffi->type($type)), $type);
        }
        self::assertSame([0, 1, 2, 8], [$ffi->LBC_OK, $ffi->LBC_INVALID_INPUT, $ffi->LBC_API_ERROR, $ffi->LBC_PANIC]);
    }
}
