<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * The answer to Client::status().
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read bool $activated Whether the account (these keys) is activated.
 * @property-read bool $blocked Whether the account is suspended (or these keys retired).
 * @property-read bool $allowUnsecureCalls Whether the service's administrator allowed the account unsigned requests.
 */
final class AccountStatus
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['activated', 'blocked', 'allowUnsecureCalls'];

    /** Whether the account (these keys) is activated. */
    private bool $activated;

    /** Whether the account is suspended (or these keys retired). */
    private bool $blocked;

    /** Whether the service's administrator allowed the account unsigned requests. */
    private bool $allowUnsecureCalls;

    public function __construct(bool $activated, bool $blocked, bool $allowUnsecureCalls)
    {
        $this->activated = $activated;
        $this->blocked = $blocked;
        $this->allowUnsecureCalls = $allowUnsecureCalls;
    }
}
