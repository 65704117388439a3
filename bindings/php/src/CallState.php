<?php

declare(strict_types=1);

namespace LoginByCall;

/** The answer to Client::callStatus() and Login::waitFinal(): where a call is. */
final readonly class CallState
{
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

    public function __construct(
        /** The status number (the constants above; an unknown number counts as final). */
        public int $status,
        /** The service's text for it, e.g. `answered`. */
        public string $statusDesc,
        /** Whether the status will not change any more. */
        public bool $isFinal,
        /** Why the call failed (FAILED), when the service said. */
        public ?string $lastError = null,
    ) {
    }
}
