<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * The store that keeps login attempts and the guard's counters (SQLite, Redis) failed: e.g. a
 * database that cannot be opened or a Redis server that does not answer. The message never holds a
 * password from the store's URL.
 */
final class StoreException extends \RuntimeException implements LoginByCallException
{
    public function __construct(string $message, ?\Throwable $previous = null)
    {
        parent::__construct($message, 0, $previous);
    }

    public function getKind(): string
    {
        return 'store_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return false;
    }
}
