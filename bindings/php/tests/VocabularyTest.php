<?php

declare(strict_types=1);

namespace LoginByCall\Tests;

use LoginByCall\Client;
use LoginByCall\Exception\GuardRefusedException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Internal\Errors;
use LoginByCall\SignaturePlacement;
use LoginByCall\Verdict;
use PHPUnit\Framework\TestCase;

/**
 * The package spells every name of the SDK's vocabulary as the core does, in PHP's case.
 *
 * vocabulary.json (the repository root, written by lbc-core's tests/vocabulary.rs) lists the names in
 * snake_case. Here: a type is a class `LoginByCall\Type`; a member a camelCase method or public
 * property of it; an option a camelCase named argument of Client's constructor; an enum's values the
 * strings the package accepts or returns. The members of `Error` and `GuardRefused` live on the
 * exception classes (LoginByCallException and its implementations) and, as PHP's Throwable does
 * (getMessage(), getCode()), may be read with a `get` prefix. A deprecated name may stay only as a
 * constructor argument documented as deprecated (Client's docblock says so and it triggers
 * E_USER_DEPRECATED: ClientTest::testDeprecatedArgumentsStillWork).
 *
 * Where PHP cannot have a name as the rule spells it, EXCEPTIONS says why; keep it short.
 */
final class VocabularyTest extends TestCase
{
    /** "Type.member", "types.Type" or "functions.name" => [what PHP has instead (null: nothing), why]. */
    private const EXCEPTIONS = [
        'types.LoginPolicy' => [null, 'PHP sets the policy with the named arguments maxAttempts and ttl of Client'],
        'Error.code' => ['getErrorCode', "getCode() is PHP's own (Throwable::getCode, an int)"],
        'functions.normalize_phone' => [
            'LoginByCall\PhoneNumber::normalize',
            'PSR-4 autoloads classes, not functions: a static method of a final class',
        ],
    ];

    /** @var array<string, mixed> */
    private static array $vocabulary;

    public static function setUpBeforeClass(): void
    {
        $path = dirname(__DIR__, 3) . '/vocabulary.json';
        self::assertFileExists($path, 'vocabulary.json is at the repository root');
        self::$vocabulary = json_decode((string) file_get_contents($path), true, 16, JSON_THROW_ON_ERROR);
        self::assertSame(1, self::$vocabulary['version'], 'a vocabulary.json of the format this test reads');
    }

    private static function camel(string $snake): string
    {
        return lcfirst(str_replace('_', '', ucwords($snake, '_')));
    }

    /** Whether $class has a public method or property $name. */
    private static function hasMember(string $class, string $name): bool
    {
        $reflection = new \ReflectionClass($class);
        if ($reflection->hasMethod($name) && $reflection->getMethod($name)->isPublic()) {
            return true;
        }
        if ($reflection->hasProperty($name) && $reflection->getProperty($name)->isPublic()) {
            return true;
        }
        // A read-only property on PHP 7.4 (Internal\ReadOnlyProperties): private, listed as public.
        return $reflection->hasConstant('PUBLIC') && in_array($name, (array) $reflection->getConstant('PUBLIC'), true)
            && str_contains((string) $reflection->getDocComment(), "\$$name ");
    }

    /** @return list<class-string> the package's exception classes and interface */
    private static function exceptionClasses(): array
    {
        $classes = [];
        foreach (glob(dirname(__DIR__) . '/src/Exception/*.php') as $path) {
            $classes[] = 'LoginByCall\\Exception\\' . basename($path, '.php');
        }
        return $classes;
    }

    public function testTypesAreClasses(): void
    {
        foreach (self::$vocabulary['types'] as $type) {
            if (array_key_exists("types.$type", self::EXCEPTIONS)) {
                continue;
            }
            self::assertTrue(class_exists("LoginByCall\\$type"), "no class LoginByCall\\$type");
        }
    }

    public function testMembersAreMethodsOrProperties(): void
    {
        foreach (self::$vocabulary['members'] as $type => $members) {
            foreach ($members as $member) {
                $key = "$type.$member";
                $name = self::EXCEPTIONS[$key][0] ?? self::camel($member);
                if ($type === 'LoginPolicy') {
                    self::assertContains($name, self::constructorArguments(), "Client has no argument $name ($key)");
                } elseif ($type === 'Error' || $type === 'GuardRefused') {
                    $classes = $type === 'Error' ? self::exceptionClasses() : [GuardRefusedException::class];
                    $found = false;
                    foreach ($classes as $class) {
                        $found = $found || self::hasMember($class, $name) || self::hasMember($class, 'get' . ucfirst($name));
                    }
                    self::assertTrue($found, "no exception has $name() or get" . ucfirst($name) . "() ($key)");
                } else {
                    self::assertTrue(self::hasMember("LoginByCall\\$type", $name), "LoginByCall\\$type has no $name ($key)");
                }
            }
        }
        // What every exception has is on the interface a site catches.
        self::assertTrue(self::hasMember(LoginByCallException::class, 'mayHaveBeenPlaced'));
        self::assertTrue(self::hasMember(LoginByCallException::class, 'getKind'));
    }

    /** @return list<string> */
    private static function constructorArguments(): array
    {
        return array_map(
            static fn (\ReflectionParameter $p): string => $p->getName(),
            (new \ReflectionMethod(Client::class, '__construct'))->getParameters(),
        );
    }

    public function testOptionsAreNamedArgumentsOfClient(): void
    {
        $arguments = self::constructorArguments();
        foreach (self::$vocabulary['options'] as $option) {
            self::assertContains(self::camel($option), $arguments, "Client has no argument for the option $option");
        }
    }

    public function testFunctions(): void
    {
        foreach (self::$vocabulary['functions'] as $function) {
            $name = self::EXCEPTIONS["functions.$function"][0] ?? 'LoginByCall\\' . self::camel($function);
            self::assertTrue(is_callable($name), "no $name for the function $function");
        }
    }

    public function testEnumValuesAreWhatThePackageTakesAndGives(): void
    {
        $enums = self::$vocabulary['enums'];
        self::assertSame($enums['SignaturePlacement'], SignaturePlacement::ALL);
        self::assertSame($enums['SignaturePlacement'], [SignaturePlacement::PARAM, SignaturePlacement::HEADER]);
        self::assertSame($enums['Verdict'], [Verdict::ACCEPTED, Verdict::REJECTED, Verdict::LOCKED, Verdict::EXPIRED]);
        self::assertSame($enums['ErrorKind'], array_keys(Errors::KINDS));
        self::assertSame($enums['GuardReason'], GuardRefusedException::REASONS);
        // Names the library hands through as strings: documented as the package's callers see them.
        $transport = (string) (new \ReflectionMethod(\LoginByCall\Exception\TransportException::class, 'getTransportKind'))->getDocComment();
        foreach ($enums['TransportKind'] as $kind) {
            self::assertStringContainsString("`$kind`", $transport, "TransportException documents the transport kind $kind");
        }
        $client = (string) (new \ReflectionMethod(Client::class, '__construct'))->getDocComment();
        foreach ($enums['Encoding'] as $encoding) {
            [$base] = explode('+', $encoding);
            self::assertStringContainsString("`$base`", $client, "Client documents the encoding $encoding");
        }
        self::assertStringContainsString('`+json`', $client);
    }

    /** An old name stays only as a documented, deprecated argument of Client; nothing else has it. */
    public function testDeprecatedNamesAreGoneOrDeprecatedArguments(): void
    {
        $doc = (string) (new \ReflectionMethod(Client::class, '__construct'))->getDocComment();
        $arguments = self::constructorArguments();
        $sources = '';
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(dirname(__DIR__) . '/src', \FilesystemIterator::SKIP_DOTS)) as $file) {
            $sources .= file_get_contents($file->getPathname());
        }
        $classes = array_merge(self::exceptionClasses(), array_map(
            static fn (string $t): string => "LoginByCall\\$t",
            array_filter(self::$vocabulary['types'], static fn (string $t): bool => class_exists("LoginByCall\\$t")),
        ));
        foreach (self::$vocabulary['deprecated'] as $old => $new) {
            $context = str_contains($old, '.') ? strstr($old, '.', true) : '';
            $name = str_contains($old, '.') ? substr((string) strrchr($old, '.'), 1) : $old;
            if ($context === '') {
                self::assertFalse(class_exists("LoginByCall\\$name"), "the old class name $name (now $new) is still there");
                continue;
            }
            if (isset(self::$vocabulary['enums'][$context])) {
                self::assertStringNotContainsString("'$name'", $sources, "the old $context $name (now $new) is still a value");
                self::assertStringNotContainsString("`$name`", $sources, "the old $context $name (now $new) is still documented");
                continue;
            }
            $camel = self::camel($name);
            foreach ($classes as $class) {
                if ($class === Client::class && in_array($camel, $arguments, true)) {
                    continue; // a constructor argument, checked below
                }
                self::assertFalse(self::hasMember($class, $camel), "$class still has the old name $camel (now $new)");
            }
            if (in_array($camel, $arguments, true)) {
                self::assertMatchesRegularExpression('/@param\s+\S+\s+\$' . $camel . '\s+deprecated/', $doc, "the argument $camel is documented as deprecated");
                self::assertStringContainsString("$camel is deprecated", $sources, "the argument $camel triggers a deprecation");
            }
        }
    }
}
