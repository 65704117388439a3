<?php

declare(strict_types=1);

namespace LoginByCall;

/** The answer to Client::balance(); amounts in credits (1 USD = 10 000 credits). */
final readonly class Balance
{
    /**
     * @param list<BalancePayment> $payments
     */
    public function __construct(
        /** The sum of every payment. */
        public int $balance,
        /** The sum of every charge. */
        public int $consumed,
        /** What is left: balance - consumed. */
        public int $current,
        /** The balance below which the administrator is mailed (-1: never). */
        public int $notifyLimit,
        /** The last payments (at most 5), as the service lists them. */
        public array $payments,
    ) {
    }
}
