<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * The service's answer was not what the protocol promises (not JSON, a field missing or of the
 * wrong type). The request was carried: mayHaveBeenPlaced() is true.
 */
final class DecodeException extends \RuntimeException implements LoginByCallException
{
    private ?string $field;

    private ?string $requestId;

    private bool $placed;

    public function __construct(
        string $message,
        ?string $field = null,
        ?string $requestId = null,
        bool $placed = true,
        ?\Throwable $previous = null
    ) {
        $this->field = $field;
        $this->requestId = $requestId;
        $this->placed = $placed;
        parent::__construct($message, 0, $previous);
    }

    /** The answer's field to blame, when one is. */
    public function getField(): ?string
    {
        return $this->field;
    }

    /** The answer's X-Request-Id, when it had one. */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    public function getKind(): string
    {
        return 'decode_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return $this->placed;
    }
}
