<?php

declare(strict_types=1);

namespace LoginByCall;

/** The answer to Client::call(): the call is queued. */
final readonly class CallStarted
{
    public function __construct(
        /** The call's id, for callStatus() and callHangup(). */
        public string $call,
        /** The number the call comes from; its last $codelen digits are the code: never show them. */
        public string $mask,
        /** How many trailing digits of the mask the user must type. */
        public int $codelen,
        /** Seconds before the same number may be called again. */
        public int $repeatTimeout,
    ) {
    }
}
