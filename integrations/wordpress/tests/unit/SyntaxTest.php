<?php

declare(strict_types=1);

use LoginByCall\Tests\Support\Php74Syntax;
use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/../../../../bindings/php/tests/Support/Php74Syntax.php';

/**
 * The plugin says "Requires PHP: 7.4": none of its files uses PHP 8 syntax or functions (the
 * PHP package's own check; on PHP 7.4 itself scripts/legacy/in-root.sh also runs `php -l` on
 * every file and this suite).
 */
final class SyntaxTest extends TestCase
{
    public function testEveryFileOfThePluginIsPhp74(): void
    {
        $plugin = dirname(__DIR__, 2) . '/loginbycall';
        $problems = [];
        $files = 0;
        foreach (new RecursiveIteratorIterator(new RecursiveDirectoryIterator($plugin, FilesystemIterator::SKIP_DOTS)) as $file) {
            if ($file->getExtension() !== 'php') {
                continue;
            }
            $files++;
            foreach (Php74Syntax::problems((string) file_get_contents($file->getPathname())) as $problem) {
                $problems[] = substr($file->getPathname(), strlen($plugin) + 1) . ":$problem";
            }
        }
        self::assertGreaterThan(10, $files);
        self::assertSame([], $problems);
        self::assertStringContainsString('Requires PHP:      7.4', (string) file_get_contents("$plugin/loginbycall.php"));
    }
}
