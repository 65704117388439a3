<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * The answer to Client::callStatus() and Login::waitFinal(): where a call is.
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read int $status The status number (the constants above; an unknown number counts as final).
 * @property-read string $statusDesc The service's text for it, e.g. `answered`.
 * @property-read bool $isFinal Whether the status will not change any more.
 * @property-read string|null $lastError Why the call failed (FAILED), when the service said.
 */
final class CallState
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['status', 'statusDesc', 'isFinal', 'lastError'];

    /** In the queue. */
    public const QUEUED = 1;
    /** The phone is ringing. */
    public const DIALING = 2;
    /** The user picked up. */
    public const ANSWERED = 4;
    /** The user rejected the call or was busy. */
    public const BUSY = 8;
    /** Nobody answered within 30 seconds. */
    public const NOT_ANSWERED = 16;
    /** The call failed; see $lastError. */
    public const FAILED = 32;

    /** The status number (the constants above; an unknown number counts as final). */
    private int $status;

    /** The service's text for it, e.g. `answered`. */
    private string $statusDesc;

    /** Whether the status will not change any more. */
    private bool $isFinal;

    /** Why the call failed (FAILED), when the service said. */
    private ?string $lastError;

    public function __construct(int $status, string $statusDesc, bool $isFinal, ?string $lastError = null)
    {
        $this->status = $status;
        $this->statusDesc = $statusDesc;
        $this->isFinal = $isFinal;
        $this->lastError = $lastError;
    }
}
