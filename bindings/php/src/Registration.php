<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * The answer to Client::register(): the account's id; its api-key is mailed to the admin.
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read string $callApiId The account's (new) call-api-id.
 * @property-read string $verifyUrl Where the service will look for the file holding the call-api-id.
 */
final class Registration
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['callApiId', 'verifyUrl'];

    /** The account's (new) call-api-id. */
    private string $callApiId;

    /** Where the service will look for the file holding the call-api-id. */
    private string $verifyUrl;

    public function __construct(string $callApiId, string $verifyUrl)
    {
        $this->callApiId = $callApiId;
        $this->verifyUrl = $verifyUrl;
    }
}
