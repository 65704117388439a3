<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * The answer to Client::serverStatus().
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read int $value The service's own figure: 1 works, 0 technical trouble.
 * @property-read bool $isWorking Whether calls can be placed now; when not, offer users another way to log in.
 */
final class ServerStatus
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['value', 'isWorking'];

    /** The service's own figure: 1 works, 0 technical trouble. */
    private int $value;

    /** Whether calls can be placed now; when not, offer users another way to log in. */
    private bool $isWorking;

    public function __construct(int $value, bool $isWorking)
    {
        $this->value = $value;
        $this->isWorking = $isWorking;
    }
}
