<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * The guard refused to place a call, before anything was sent (so nothing was placed or paid for):
 * the number's type or country is not allowed, a rate or spend limit was reached, or calls to this
 * country or range were paused (the brake). getReason() says which; getRetryAfter() when the same
 * call may be tried again, if waiting helps.
 */
final class GuardRefusedException extends \RuntimeException implements LoginByCallException
{
    /** Every reason the library gives, the same names in every language. */
    public const REASONS = ['number_type', 'country', 'number_rate', 'ip_rate', 'range_rate', 'global_rate', 'spend', 'brake'];

    private string $reason;

    private ?float $retryAfter;

    public function __construct(
        string $message,
        string $reason,
        ?float $retryAfter = null,
        ?\Throwable $previous = null
    ) {
        $this->reason = $reason;
        $this->retryAfter = $retryAfter;
        parent::__construct($message, 0, $previous);
    }

    /**
     * Why: `number_type`, `country`, `number_rate`, `ip_rate`, `range_rate`, `global_rate`, `spend`
     * or `brake` (REASONS; a newer library may add more).
     */
    public function getReason(): string
    {
        return $this->reason;
    }

    /** Seconds until the same call may be tried again; null when waiting would not help. */
    public function getRetryAfter(): ?float
    {
        return $this->retryAfter;
    }

    public function getKind(): string
    {
        return 'guard_refused';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return false;
    }
}
