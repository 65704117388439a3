<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * The request could not be carried: DNS, a refused or reset connection, TLS, a proxy, I/O.
 * mayHaveBeenPlaced() is false only when the connection failed before any byte was written.
 */
final class TransportException extends \RuntimeException implements LoginByCallException
{
    private string $transportKind;

    private bool $placed;

    public function __construct(
        string $message,
        string $transportKind,
        bool $placed = false,
        ?\Throwable $previous = null
    ) {
        $this->transportKind = $transportKind;
        $this->placed = $placed;
        parent::__construct($message, 0, $previous);
    }

    /** What failed: `dns`, `connect`, `tls`, `reset`, `proxy`, `protocol` or `io`. */
    public function getTransportKind(): string
    {
        return $this->transportKind;
    }

    public function getKind(): string
    {
        return 'transport_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return $this->placed;
    }
}
