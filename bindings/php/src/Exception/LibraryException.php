<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * libloginbycall cannot be loaded: not found (getPathsTried() lists where it was looked for), of
 * another major version, or PHP's FFI is not allowed here (ffi.enable).
 */
final class LibraryException extends \RuntimeException implements LoginByCallException
{
    /** @var list<string> */
    private array $pathsTried;

    /**
     * @param list<string> $pathsTried
     */
    public function __construct(
        string $message,
        array $pathsTried = [],
        ?\Throwable $previous = null
    ) {
        $this->pathsTried = $pathsTried;
        parent::__construct($message, 0, $previous);
    }

    /** @return list<string> the paths looked at, in order */
    public function getPathsTried(): array
    {
        return $this->pathsTried;
    }

    public function getKind(): string
    {
        return 'library_error';
    }

    public function mayHaveBeenPlaced(): bool
    {
        return false;
    }
}
