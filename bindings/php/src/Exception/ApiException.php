<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * The service answered with an error code. Each code the SDK knows has a subclass of its own
 * (CallRepeatTimeoutException, InvalidSignatureException, ...; the service's catch-all code `Error`
 * is ServiceErrorException); an unknown code is thrown as ApiException itself, with getErrorCode()
 * as the service spelled it. The service did not carry the request out: mayHaveBeenPlaced() is false.
 */
class ApiException extends \RuntimeException implements LoginByCallException
{
    /** The code this class stands for (null for ApiException itself: any code). */
    public const CODE = null;

    /** The class the documentation puts that code in. */
    public const ERROR_CLASS = null;

    private string $errorCode;

    private ?string $errorClass;

    private ?string $reason;

    private ?string $requestId;

    /** @var array<string, mixed> */
    private array $additional;

    protected ?float $delay;

    /**
     * @param array<string, mixed> $additional
     */
    final public function __construct(
        string $message,
        string $errorCode,
        ?string $errorClass = null,
        ?string $reason = null,
        ?string $requestId = null,
        array $additional = [],
        ?float $delay = null,
        ?\Throwable $previous = null
    ) {
        $this->errorCode = $errorCode;
        $this->errorClass = $errorClass;
        $this->reason = $reason;
        $this->requestId = $requestId;
        $this->additional = $additional;
        $this->delay = $delay;
        parent::__construct($message, 0, $previous);
    }

    /** The service's error code, e.g. `CALL_REPEAT_TIMEOUT`. */
    public function getErrorCode(): string
    {
        return $this->errorCode;
    }

    /** The error class the service sent (`clazz`: `GENERIC` or `PROCESS`), when it sent one. */
    public function getErrorClass(): ?string
    {
        return $this->errorClass;
    }

    /** The service's human-readable reason, when it sent one. */
    public function getReason(): ?string
    {
        return $this->reason;
    }

    /** The answer's X-Request-Id, to quote to the service's support. */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    /**
     * The `additional` details the service sent for some codes (e.g. `['delay' => 23.563]`).
     *
     * @return array<string, mixed>
     */
    public function getAdditional(): array
    {
        return $this->additional;
    }

    public function getKind(): string
    {
        return 'api_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return false;
    }
}
