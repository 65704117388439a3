<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * No complete answer within the client's timeout or deadline. After a timed-out call() the call
 * may have been placed (mayHaveBeenPlaced()): check with callStatus() before calling again.
 */
final class TimeoutException extends \RuntimeException implements LoginByCallException
{
    private bool $placed;

    public function __construct(
        string $message,
        bool $placed = true,
        ?\Throwable $previous = null
    ) {
        $this->placed = $placed;
        parent::__construct($message, 0, $previous);
    }

    public function getKind(): string
    {
        return 'timeout';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return $this->placed;
    }
}
