<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\CallStarted;
use LoginByCall\Client;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LibraryException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Exception\LogicException;
use LoginByCall\Internal\Native;
use LoginByCall\Signer;
use LoginByCall\Tests\Support\Php74Syntax;
use LoginByCall\Tests\Support\Servers;
use LoginByCall\Tests\Support\TestCase;
use LoginByCall\Verdict;

/**
 * Issue 18's PHP items: one code base for PHP 7.4 to 8.4, the library found and checked as a new
 * user meets it (no argument to the preload-header tool, the SONAME, an old or too new library),
 * secrets kept out of traces, every failure in the package's hierarchy, nothing raw echoed, length
 * limits before anything is sent, and the optional PSR-3 logger.
 */
final class PortabilityTest extends TestCase
{
    /** @return list<string> the package's and the example site's PHP files */
    private static function packageFiles(): array
    {
        $root = dirname(__DIR__);
        $files = [$root . '/autoload.php', $root . '/preload.php'];
        foreach ([$root . '/src', $root . '/tools', dirname($root, 2) . '/examples/php_site'] as $dir) {
            foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS)) as $file) {
                if ($file->getExtension() === 'php') {
                    $files[] = $file->getPathname();
                }
            }
        }
        sort($files);
        return $files;
    }

    public function testThePackageIsPhp74Syntax(): void
    {
        $problems = [];
        foreach (self::packageFiles() as $file) {
            foreach (Php74Syntax::problems((string) file_get_contents($file)) as $problem) {
                $problems[] = basename($file) . ":$problem";
            }
        }
        self::assertSame([], $problems);
        $composer = json_decode((string) file_get_contents(dirname(__DIR__) . '/composer.json'), true);
        self::assertSame('>=7.4', $composer['require']['php']);
    }

    public function testTheTestsArePhp74SyntaxToo(): void
    {
        $problems = [];
        $root = dirname(__DIR__);
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(__DIR__, \FilesystemIterator::SKIP_DOTS)) as $file) {
            if ($file->getExtension() !== 'php' || strpos($file->getPathname(), '/Php8/') !== false) {
                continue;
            }
            foreach (Php74Syntax::problems((string) file_get_contents($file->getPathname())) as $problem) {
                // bootstrap.php defines str_contains() and str_starts_with() where PHP lacks them.
                if (!preg_match('/: str_(contains|starts_with)\(\) is PHP 8$/', $problem)) {
                    $problems[] = substr($file->getPathname(), strlen($root) + 1) . ":$problem";
                }
            }
        }
        self::assertSame([], $problems);
    }

    /** @return iterable<string, array{string}> */
    public static function php8Only(): iterable
    {
        yield 'readonly' => ['<?php final class A { private readonly int $a; }'];
        yield 'promotion' => ['<?php final class A { public function __construct(private int $a) {} }'];
        yield 'match' => ['<?php $a = match (1) { 1 => 2, default => 3 };'];
        yield 'nullsafe' => ['<?php $a?->b();'];
        yield 'union' => ['<?php function f(int|string $a): void {}'];
        yield 'mixed' => ['<?php function f(mixed $a): void {}'];
        yield 'static return' => ['<?php class A { function f(): static { return $this; } }'];
        yield 'never' => ['<?php function f(): never { exit; }'];
        yield 'named argument' => ['<?php f(a: 1);'];
        yield 'trailing comma' => ["<?php function f(\$a,\n) {}"];
        yield 'attribute on a parameter line' => ['<?php function f(#[\SensitiveParameter] $a) {}'];
        yield 'catch without a variable' => ['<?php try {} catch (Exception) {}'];
        yield 'str_contains' => ['<?php str_contains("a", "b");'];
        yield 'first-class callable' => ['<?php $f = strlen(...);'];
        yield 'new in an initializer' => ['<?php function f($a = new A()) {}'];
        yield 'enum' => ['<?php enum A { case B; }'];
        yield 'throw expression' => ['<?php $a = $b ?? throw new Exception();'];
        yield 'throw in an arrow function' => ['<?php $f = fn () => throw new Exception();'];
    }

    /** @dataProvider php8Only */
    #[\PHPUnit\Framework\Attributes\DataProvider('php8Only')]
    public function testTheSyntaxCheckFindsPhp8(string $source): void
    {
        if (PHP_VERSION_ID < 80000) {
            // PHP 7.4's tokenizer has no PHP 8 tokens: there, PHP itself loading the package is the check.
            self::markTestSkipped('the check reads PHP 8 tokens');
        }
        self::assertNotSame([], Php74Syntax::problems($source), $source);
    }

    public function testTheSyntaxCheckLetsPhp74Pass(): void
    {
        $source = "<?php\nfinal class A\n{\n    private ?int \$a = null;\n\n    public function __construct(\n        #[\\SensitiveParameter]\n"
            . "        string \$key,\n        int \$b = 1\n    ) {\n        \$f = fn (int \$x): int => \$x + 1;\n        \$c = \$b ? self::X : self::Y;\n"
            . "        g(\$b, [1, 2], \$c ?? 'x');\n    }\n}\n";
        self::assertSame([], Php74Syntax::problems($source));
    }

    public function testAnswersAreReadOnly(): void
    {
        $started = new CallStarted('c1', '79991234567', 4, 60);
        self::assertSame('c1', $started->call);
        self::assertTrue(isset($started->mask));
        self::assertFalse(isset($started->nothing));
        try {
            $started->call = 'c2';
            self::fail('written');
        } catch (LogicException $e) {
            self::assertSame('c1', $started->call);
        }
        $this->expectException(LogicException::class);
        unset($started->codelen);
    }

    public function testVersionsAreCheckedToTheMinorFor0x(): void
    {
        self::assertNull(Native::versionProblem(Native::VERSION));
        [$major, $minor] = explode('.', Native::VERSION);
        self::assertNull(Native::versionProblem("$major.$minor.99"));
        $wanted = 'this package needs libloginbycall >= ' . Native::VERSION . ' and < ' . ($major === '0' ? '0.' . ($minor + 1) : ($major + 1) . '.0');
        self::assertSame("$wanted, found 0.9.0", Native::versionProblem('0.9.0'));
        self::assertSame("$wanted, found 0.0.9", Native::versionProblem('0.0.9'));
        self::assertSame("$wanted, found 1.0.0", Native::versionProblem('1.0.0'));
        $odd = (string) Native::versionProblem("0.1.0\0" . str_repeat('x', 1000));
        self::assertStringNotContainsString('xxx', $odd);
        self::assertStringNotContainsString("\0", $odd);
    }

    public function testThePackagesVersionIsTheHeaders(): void
    {
        $header = (string) file_get_contents(dirname(__DIR__, 3) . '/include/loginbycall.h');
        preg_match_all('/#define LBC_VERSION_(MAJOR|MINOR|PATCH) (\d+)/', $header, $m);
        self::assertSame(Native::VERSION, implode('.', $m[2]));
        self::assertSame((int) $m[2][0], Native::MAJOR);
    }

    /** A library file that has lbc_version() alone, reporting $version (cc builds it), or null. */
    private static function fakeLibrary(string $version): ?string
    {
        $dir = sys_get_temp_dir() . '/lbc-old-' . getmypid() . '-' . $version;
        @mkdir($dir);
        $so = "$dir/libloginbycall.so";
        if (!is_file($so)) {
            file_put_contents("$dir/v.c", "const char *lbc_version(void) { return \"$version\"; }\n");
            exec('cc -shared -fPIC -o ' . escapeshellarg($so) . ' ' . escapeshellarg("$dir/v.c") . ' 2>&1', $out, $status);
            if ($status !== 0) {
                return null;
            }
        }
        return $so;
    }

    /** @return array{int, string} the exit status and output of PHP running $code with $ini and $env */
    private static function php(string $code, array $ini, array $env): array
    {
        $command = [PHP_BINARY];
        foreach ($ini as $name => $value) {
            array_push($command, '-d', "$name=$value");
        }
        array_push($command, '-r', 'require ' . var_export(dirname(__DIR__) . '/autoload.php', true) . '; ' . $code);
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env + getenv());
        $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
        return [proc_close($process), (string) $out];
    }

    public function testAnOldLibraryIsNamedTooOldNotFailedResolving(): void
    {
        $old = self::fakeLibrary('0.0.9');
        if ($old === null) {
            self::markTestSkipped('no C compiler to build a library of another version');
        }
        [$status, $out] = self::php('new LoginByCall\Signer("k");', ['ffi.enable' => '1'], [Native::ENV => $old]);
        self::assertNotSame(0, $status);
        self::assertStringContainsString('this package needs libloginbycall >= ' . Native::VERSION, $out);
        self::assertStringContainsString('found 0.0.9', $out);
        self::assertStringNotContainsString('Failed resolving', $out);
        $new = (string) self::fakeLibrary('0.9.0');
        [$status, $out] = self::php('new LoginByCall\Signer("k");', ['ffi.enable' => '1'], [Native::ENV => $new]);
        self::assertNotSame(0, $status);
        self::assertStringContainsString('found 0.9.0', $out);
    }

    public function testPreloadRefusesAnOldLibrarySoFpmDoesNotStart(): void
    {
        $old = self::fakeLibrary('0.0.9');
        if ($old === null) {
            self::markTestSkipped('no C compiler to build a library of another version');
        }
        [$status, $out] = self::php('echo "served\n";', [
            'ffi.enable' => 'preload',
            'opcache.enable' => '1',
            'opcache.enable_cli' => '1',
            'opcache.preload' => dirname(__DIR__) . '/preload.php',
            'opcache.preload_user' => posix_getpwuid(posix_geteuid())['name'] ?? 'root',
        ], [Native::ENV => $old]);
        self::assertNotSame(0, $status, $out);
        self::assertStringNotContainsString('served', $out);
        self::assertStringContainsString('found 0.0.9', $out);
    }

    public function testThePreloadHeaderToolFindsALibraryUnderThePackagesPrefixAndNamesItsSoname(): void
    {
        $prefix = sys_get_temp_dir() . '/lbc-prefix-' . getmypid();
        $package = "$prefix/share/php/loginbycall";
        @mkdir("$prefix/lib", 0777, true);
        @mkdir(dirname($package), 0777, true);
        $real = 'libloginbycall.so.' . Native::VERSION;
        copy((string) realpath(Native::libraryPath()), "$prefix/lib/$real");
        @symlink($real, "$prefix/lib/" . Native::soname());
        @symlink(Native::soname(), "$prefix/lib/libloginbycall.so");
        exec('cp -r ' . escapeshellarg(dirname(__DIR__)) . ' ' . escapeshellarg($package));
        $env = getenv();
        unset($env[Native::ENV]);
        $process = proc_open([PHP_BINARY, '-n', '-d', 'ffi.enable=1', '-d', 'extension=ffi', "$package/tools/ffi-preload-header.php"], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, '/', $env);
        $header = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        $status = proc_close($process);
        if ($status !== 0 && strpos($err, 'extension') !== false) {
            $process = proc_open([PHP_BINARY, '-d', 'ffi.enable=1', "$package/tools/ffi-preload-header.php"], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, '/', $env);
            $header = (string) stream_get_contents($pipes[1]);
            $err = (string) stream_get_contents($pipes[2]);
            $status = proc_close($process);
        }
        exec('rm -rf ' . escapeshellarg($prefix));
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('#define FFI_LIB "' . "$prefix/lib/" . Native::soname() . '"', $header);
        self::assertStringNotContainsString($real, $header);
    }

    public function testTheToolNamesTheSonameWhenGivenTheVersionedFile(): void
    {
        $library = (string) realpath(Native::libraryPath());
        if (!is_file(dirname($library) . '/' . Native::soname())) {
            self::markTestSkipped('the library has no SONAME link beside it here');
        }
        exec(escapeshellarg(PHP_BINARY) . ' -d ffi.enable=1 ' . escapeshellarg(dirname(__DIR__) . '/tools/ffi-preload-header.php') . ' ' . escapeshellarg($library), $lines, $status);
        self::assertSame(0, $status);
        self::assertContains('#define FFI_LIB "' . dirname($library) . '/' . Native::soname() . '"', $lines);
    }

    public function testSecretParametersAreSensitive(): void
    {
        $secret = ['Client::__construct' => ['apiKey', 'stateKey', 'oldStateKeys'], 'Client::withCredentials' => ['apiKey'],
            'Client::fromOptions' => ['options'], 'Signer::__construct' => ['apiKey'], 'Login::check' => ['digits'],
            'SessionLogin::check' => ['digits'], 'Internal/Native::text' => ['value'], 'Internal/Native::optText' => ['value'],
            'Internal/Native::bytes' => ['value']];
        foreach ($secret as $method => $names) {
            $source = (string) file_get_contents(dirname(__DIR__) . '/src/' . explode('::', $method)[0] . '.php');
            foreach ($names as $name) {
                self::assertMatchesRegularExpression('/#\[\\\\SensitiveParameter\]\n\s+[?\w]+ \$' . $name . '\b/', $source, "$method \$$name");
            }
        }
        if (PHP_VERSION_ID < 80200) {
            return; // the attribute is a comment before 8.2: nothing more to see
        }
        // PHP's default (php.ini-development, and no php.ini at all) keeps arguments in traces.
        $ignore = ini_set('zend.exception_ignore_args', '0');
        try {
            foreach ([
                static function (): void {
                    new Signer("Zq7sekrit\0key");
                },
                function (): void {
                    $this->client(['apiKey' => "Zq7sekrit\xff"]);
                },
                function (): void {
                    $this->client(['stateKey' => 'Zq7sekrit']); // shorter than 16 bytes
                },
            ] as $make) {
                try {
                    $make();
                    self::fail('accepted');
                } catch (InvalidArgumentException $e) {
                    $frames = array_filter($e->getTrace(), static function (array $frame): bool {
                        $class = $frame['class'] ?? '';
                        return strpos($class, 'LoginByCall\\') === 0 && strpos($class, 'LoginByCall\\Tests\\') !== 0;
                    });
                    self::assertNotSame([], $frames);
                    $trace = print_r(array_column($frames, 'args'), true);
                    self::assertStringContainsString('SensitiveParameterValue', $trace, 'arguments are in the trace');
                    self::assertStringNotContainsString('Zq7sekrit', $trace);
                    self::assertStringNotContainsString('Zq7sekrit', $e->getMessage());
                }
            }
        } finally {
            ini_set('zend.exception_ignore_args', (string) $ignore);
        }
    }

    public function testAnEmptySignerKeyIsRefusedLikeClients(): void
    {
        try {
            new Signer('');
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertSame('apiKey', $e->getField());
        }
    }

    public function testNumbersJsonCannotCarryAreInvalidArguments(): void
    {
        $client = $this->client(['maxRetries' => 0]);
        foreach ([INF, -INF, NAN] as $number) {
            try {
                $client->request('call-status', ['call' => $number]);
                self::fail('sent');
            } catch (InvalidArgumentException $e) {
                self::assertSame('params[call]', $e->getField());
            }
        }
        try {
            $this->client(['guard' => ['ip_rate' => ['calls' => INF]]]);
            self::fail('accepted');
        } catch (LoginByCallException $e) {
            self::assertInstanceOf(InvalidArgumentException::class, $e);
        }
    }

    public function testAVerdictDoesNotEchoItsInput(): void
    {
        try {
            new Verdict("sneaky\0" . str_repeat('v', 1 << 20));
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertStringNotContainsString('sneaky', $e->getMessage());
            self::assertLessThan(200, strlen($e->getMessage()));
        }
    }

    public function testLongUrlsAndValuesAreRefusedBeforeAnythingIsSent(): void
    {
        $client = $this->client(['maxRetries' => 0]);
        $before = Servers::control('GET', '/_sandbox/connections')['api'];
        $huge = 'https://example.com/' . str_repeat('a', 64 << 20);
        foreach (['successUrl', 'failUrl', 'returnUrl'] as $position => $name) {
            $urls = [null, null, null];
            $urls[$position] = $huge;
            try {
                $client->pay(10000, null, ...$urls);
                self::fail("$name sent");
            } catch (InvalidArgumentException $e) {
                self::assertSame($name, $e->getField());
                self::assertLessThan(200, strlen($e->getMessage()));
            }
        }
        try {
            $client->request('call-status', ['call' => str_repeat('9', 64 << 20)]);
            self::fail('sent');
        } catch (InvalidArgumentException $e) {
            self::assertSame('params[call]', $e->getField());
        }
        try {
            $client->request('call-status', [str_repeat('n', 1000) => '1']);
            self::fail('sent');
        } catch (InvalidArgumentException $e) {
            self::assertStringNotContainsString('nnnn', $e->getMessage());
        }
        self::assertSame($before, Servers::control('GET', '/_sandbox/connections')['api'], 'nothing reached the sandbox');
    }

    /** The limits checked before a string is copied into the library are the core's (the header's LBC_MAX_*_BYTES). */
    public function testTheLengthLimitsAreTheHeaders(): void
    {
        $header = (string) file_get_contents(dirname(__DIR__, 3) . '/include/loginbycall.h');
        preg_match_all('/#define LBC_MAX_(TEXT|URL|NAME)_BYTES (\d+)/', $header, $m);
        $limits = array_combine($m[1], array_map('intval', $m[2]));
        self::assertSame(['TEXT' => Native::MAX_VALUE, 'URL' => Native::MAX_URL, 'NAME' => Native::MAX_NAME], $limits);
    }

    public function testFromOptionsIsTheConstructorByName(): void
    {
        $client = Client::fromOptions([
            'callApiId' => $this->account['call_api_id'], 'apiKey' => $this->account['api_key'],
            'baseUrl' => Servers::$baseUrl, 'store' => 'memory:', 'defaultRegion' => 'RU',
        ]);
        self::assertSame(1000000, $client->balance()->balance);
        try {
            Client::fromOptions(['apikey' => 'x']);
            self::fail('accepted');
        } catch (InvalidArgumentException $e) {
            self::assertStringContainsString('apikey', $e->getMessage());
        }
    }

    /** The package README's "ten lines", run with $post as the form. @return array{int, string} */
    private static function runReadmeExample(array $post): array
    {
        $readme = (string) file_get_contents(dirname(__DIR__) . '/README.md');
        self::assertSame(1, preg_match('/#+ A login in ten lines\n\n```php\n(.*?)```/s', $readme, $m));
        $code = '$_POST = ' . var_export($post, true) . '; $_SERVER["REMOTE_ADDR"] = "203.0.113.9"; $id = "id"; $key = "key"; '
            . 'ini_set("session.save_path", sys_get_temp_dir()); ' . $m[1];
        return self::php($code, ['ffi.enable' => '1', 'session.use_cookies' => '0', 'display_errors' => 'stderr'], []);
    }

    public function testTheReadmeExampleAnswersBadInputAndNoLogin(): void
    {
        foreach ([['phone' => ['1']], ['digits' => ['1']], ['digits' => '1234'], []] as $post) {
            [$status, $out] = self::runReadmeExample($post);
            self::assertSame(0, $status, $out);
            self::assertStringNotContainsString('Error', $out);
            self::assertStringNotContainsString('Warning', $out);
        }
        self::assertStringContainsString('Call again', self::runReadmeExample(['digits' => '1234'])[1]);
    }

    public function testALoggerMustBeALogger(): void
    {
        $this->expectException(InvalidArgumentException::class);
        $this->client(['logger' => new \stdClass()]);
    }

    public function testTheLoggerHearsTheLibrarysEvents(): void
    {
        $logger = new class {
            /** @var list<array{string, string, array<string, mixed>}> */
            public $lines = [];

            /** @param mixed $level */
            public function log($level, $message, array $context = []): void
            {
                $this->lines[] = [(string) $level, (string) $message, $context];
            }
        };
        $client = $this->client(['logger' => $logger, 'shared' => false]);
        if (!Native::hasLog()) {
            // A library without lbc_config_set_log_level / lbc_client_take_log: said once, then silence.
            self::assertCount(1, $logger->lines);
            self::assertSame('warning', $logger->lines[0][0]);
            self::assertSame('no_log', $logger->lines[0][2]['event']);
            return;
        }
        $login = $client->startLogin(self::phone(), '203.0.113.9');
        $client->balance();
        $events = array_map(static function (array $line): string {
            return $line[2]['event'];
        }, $logger->lines);
        self::assertContains('request', $events);
        self::assertSame('debug', $logger->lines[array_search('request', $events, true)][0]);
        $limited = $this->client(['logger' => $logger, 'shared' => false, 'guard' => ['ip_rate' => ['calls' => 1, 'window' => 3600]]]);
        $limited->startLogin(self::phone(), '203.0.113.77');
        try {
            $limited->startLogin(self::phone(), '203.0.113.77');
            self::fail('not refused');
        } catch (\LoginByCall\Exception\GuardRefusedException $e) {
            $last = $logger->lines[count($logger->lines) - 1];
            self::assertSame(['info', 'guard_refused'], [$last[0], $last[2]['event']]);
        }
        foreach ($logger->lines as [$level, $message, $context]) {
            self::assertContains($level, ['debug', 'info', 'warning']);
            self::assertStringNotContainsString($this->account['api_key'], $message . json_encode($context));
            self::assertStringNotContainsString($login->msisdn, $message . json_encode($context), 'numbers are masked');
        }
    }
}
