<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * The package was used in a way it cannot be: e.g. SessionLogin without a started session, or
 * Login::waitFinal() on a login restored without a client. Also PHP's own \LogicException.
 */
final class LogicException extends \LogicException implements LoginByCallException
{
    public function getKind(): string
    {
        return 'usage_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return false;
    }
}
