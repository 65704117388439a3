<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * The service (or a proxy in front of it) answered with an HTTP status other than 200, e.g. 502.
 * The request may have been carried out: mayHaveBeenPlaced() is true.
 */
final class HttpException extends \RuntimeException implements LoginByCallException
{
    private int $statusCode;

    private ?string $requestId;

    private bool $placed;

    public function __construct(
        string $message,
        int $statusCode,
        ?string $requestId = null,
        bool $placed = true,
        ?\Throwable $previous = null
    ) {
        $this->statusCode = $statusCode;
        $this->requestId = $requestId;
        $this->placed = $placed;
        parent::__construct($message, 0, $previous);
    }

    /** The HTTP status, e.g. 502 (`http_status` in every language). */
    public function getHttpStatus(): int
    {
        return $this->statusCode;
    }

    /**
     * The old name of getHttpStatus(), kept for one release.
     *
     * @deprecated use getHttpStatus()
     */
    public function getStatusCode(): int
    {
        trigger_error('LoginByCall\\Exception\\HttpException::getStatusCode() is deprecated, use getHttpStatus()', E_USER_DEPRECATED);
        return $this->statusCode;
    }

    /** The answer's X-Request-Id, when it had one. */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    public function getKind(): string
    {
        return 'http_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return $this->placed;
    }
}
