<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * The answer to Client::call(): the call is queued.
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read string $call The call's id, for callStatus() and callHangup().
 * @property-read string $mask The number the call comes from; its last $codelen digits are the code: never show them.
 * @property-read int $codelen How many trailing digits of the mask the user must type.
 * @property-read int $repeatTimeout Seconds before the same number may be called again.
 */
final class CallStarted
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['call', 'mask', 'codelen', 'repeatTimeout'];

    /** The call's id, for callStatus() and callHangup(). */
    private string $call;

    /** The number the call comes from; its last $codelen digits are the code: never show them. */
    private string $mask;

    /** How many trailing digits of the mask the user must type. */
    private int $codelen;

    /** Seconds before the same number may be called again. */
    private int $repeatTimeout;

    public function __construct(string $call, string $mask, int $codelen, int $repeatTimeout)
    {
        $this->call = $call;
        $this->mask = $mask;
        $this->codelen = $codelen;
        $this->repeatTimeout = $repeatTimeout;
    }
}
