<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/** A failure inside the SDK or its platform (e.g. no randomness from the OS), or a bug in it. */
final class InternalException extends \RuntimeException implements LoginByCallException
{
    private bool $panic;

    public function __construct(
        string $message,
        bool $panic = false,
        ?\Throwable $previous = null
    ) {
        $this->panic = $panic;
        parent::__construct($message, 0, $previous);
    }

    /** Whether the library panicked (a bug: please report it). */
    public function isPanic(): bool
    {
        return $this->panic;
    }

    public function getKind(): string
    {
        return 'internal_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return false;
    }
}
