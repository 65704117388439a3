<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * An argument was refused before anything was sent: a malformed phone number, a NUL byte or invalid
 * UTF-8 in a string, an unknown method, a bad setting. Also PHP's own \InvalidArgumentException.
 */
final class InvalidArgumentException extends \InvalidArgumentException implements LoginByCallException
{
    private ?string $field;

    public function __construct(
        string $message,
        ?string $field = null,
        ?\Throwable $previous = null
    ) {
        $this->field = $field;
        parent::__construct($message, 0, $previous);
    }

    /** The argument at fault, e.g. `msisdn`. */
    public function getField(): ?string
    {
        return $this->field;
    }

    public function getKind(): string
    {
        return 'invalid_input';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return false;
    }
}
