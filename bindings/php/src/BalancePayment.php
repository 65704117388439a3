<?php

declare(strict_types=1);

namespace LoginByCall;

/** One of the last payments Balance lists. */
final readonly class BalancePayment
{
    public function __construct(
        /** The amount, in credits (1 USD = 10 000 credits). */
        public int $value,
        /** When it was made, as UNIX seconds. */
        public int $created,
    ) {
    }
}
