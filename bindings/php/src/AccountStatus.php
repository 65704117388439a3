<?php

declare(strict_types=1);

namespace LoginByCall;

/** The answer to Client::status(). */
final readonly class AccountStatus
{
    public function __construct(
        /** Whether the account (these keys) is activated. */
        public bool $activated,
        /** Whether the account is suspended (or these keys retired). */
        public bool $blocked,
        /** Whether the service's administrator allowed the account unsigned requests. */
        public bool $allowUnsecureCalls,
    ) {
    }
}
