<?php

declare(strict_types=1);

namespace LoginByCall;

/** The answer to Client::register(): the account's id; its api-key is mailed to the admin. */
final readonly class Registration
{
    public function __construct(
        /** The account's (new) call-api-id. */
        public string $callApiId,
        /** Where the service will look for the file holding the call-api-id. */
        public string $verifyUrl,
    ) {
    }
}
