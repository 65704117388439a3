<?php

declare(strict_types=1);

namespace LoginByCall\Internal;

use LoginByCall\Exception\LogicException;

/**
 * Read-only public properties on every PHP version the package supports (7.4 has no `readonly`):
 * the class keeps its values in private properties, listed in its PUBLIC constant, which read as
 * public ones (`$login->call`, `isset($state->lastError)`); writing or unsetting any property throws
 * LogicException, as writing a readonly property throws Error on PHP 8.1 and later.
 *
 * @internal
 */
trait ReadOnlyProperties
{
    /** @return mixed */
    public function __get(string $name)
    {
        if (in_array($name, self::PUBLIC, true)) {
            return $this->$name;
        }
        throw new LogicException('undefined property ' . self::class . '::$' . self::safeName($name));
    }

    public function __isset(string $name): bool
    {
        return in_array($name, self::PUBLIC, true) && isset($this->$name);
    }

    /** @param mixed $value */
    public function __set(string $name, $value): void
    {
        throw new LogicException('cannot modify ' . self::class . '::$' . self::safeName($name) . ': its properties are read-only');
    }

    public function __unset(string $name): void
    {
        throw new LogicException('cannot unset ' . self::class . '::$' . self::safeName($name) . ': its properties are read-only');
    }

    /** A property name as it may appear in a message: a PHP identifier, else `(?)`. */
    private static function safeName(string $name): string
    {
        return preg_match('/\A[A-Za-z_][A-Za-z0-9_]{0,63}\z/', $name) === 1 ? $name : '(?)';
    }
}
