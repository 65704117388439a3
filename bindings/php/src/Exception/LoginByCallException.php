<?php

declare(strict_types=1);

namespace LoginByCall\Exception;

/**
 * Every exception the package throws implements this interface: catch it to catch them all.
 *
 * The kinds (getKind()) are the SDK's names, the same in every language: `api_error`
 * (ApiException and its one subclass per code), `http_error`, `transport_error`, `timeout`,
 * `decode_error`, `invalid_input`, `internal_error`, `guard_refused` (GuardRefusedException),
 * `store_error` (StoreException), and this package's own `library_error` (libloginbycall cannot be
 * loaded) and `usage_error`.
 */
interface LoginByCallException extends \Throwable
{
    /** The kind of failure, e.g. `api_error`. */
    public function getKind(): string;

    /**
     * Whether the failed request may have reached the service, so that after a failed call()
     * or startLogin() a call may have been placed and paid for: check with callStatus() before
     * calling the same number again. False only when nothing reached the service.
     */
    public function mayHaveBeenPlaced(): bool;
}
