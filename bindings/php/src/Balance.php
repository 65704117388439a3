<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * The answer to Client::balance(); amounts in credits (1 USD = 10 000 credits).
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read int $balance The sum of every payment.
 * @property-read int $consumed The sum of every charge.
 * @property-read int $current What is left: balance - consumed.
 * @property-read int $notifyLimit The balance below which the administrator is mailed (-1: never).
 * @property-read list<BalancePayment> $payments The last payments (at most 5), as the service lists them.
 */
final class Balance
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['balance', 'consumed', 'current', 'notifyLimit', 'payments'];

    /** The sum of every payment. */
    private int $balance;

    /** The sum of every charge. */
    private int $consumed;

    /** What is left: balance - consumed. */
    private int $current;

    /** The balance below which the administrator is mailed (-1: never). */
    private int $notifyLimit;

    /** @var list<BalancePayment> The last payments (at most 5), as the service lists them. */
    private array $payments;

    /**
     * @param list<BalancePayment> $payments
     */
    public function __construct(int $balance, int $consumed, int $current, int $notifyLimit, array $payments)
    {
        $this->balance = $balance;
        $this->consumed = $consumed;
        $this->current = $current;
        $this->notifyLimit = $notifyLimit;
        $this->payments = $payments;
    }
}
