<?php

declare(strict_types=1);

namespace LoginByCall;

/** The answer to Client::serverStatus(). */
final readonly class ServerStatus
{
    public function __construct(
        /** The service's own figure: 1 works, 0 technical trouble. */
        public int $value,
        /** Whether calls can be placed now; when not, offer users another way to log in. */
        public bool $isWorking,
    ) {
    }
}
