<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * One of the last payments Balance lists.
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read int $value The amount, in credits (1 USD = 10 000 credits).
 * @property-read int $created When it was made, as UNIX seconds.
 */
final class BalancePayment
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['value', 'created'];

    /** The amount, in credits (1 USD = 10 000 credits). */
    private int $value;

    /** When it was made, as UNIX seconds. */
    private int $created;

    public function __construct(int $value, int $created)
    {
        $this->value = $value;
        $this->created = $created;
    }
}
