<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Exception\LogicException;

/**
 * The login flow of a site with PHP sessions, its state kept in `$_SESSION[$key]`:
 *
 * ```php
 * session_start();
 * $auth = new LoginByCall\SessionLogin($client);
 * $auth->start($_POST['phone'], $_SERVER['REMOTE_ADDR']);   // phone form
 * $login = $auth->pending();                                 // code page: null when none,
 * echo $login === null ? '' : $login->prompt();              // else "+7925688____"
 * $verdict = $auth->check($_POST['digits']);                 // digits form
 * if ($verdict->isAccepted()) { ... $auth->user() ... }      // logged in as this number
 * $auth->logout();
 * ```
 *
 * The session holds only the login's sealed state (no code in it), written once by start(): the
 * attempts and accept-once are counted in the client's store, and check() writes the session only
 * when the code is accepted (the user). So a session store that does not lock (phpredis' default,
 * Laravel's) cannot be raced: however many requests check one login at once, at most maxAttempts
 * checks are judged and the code is accepted once.
 *
 * The session ID is regenerated when the code is accepted (against session fixation).
 */
final class SessionLogin
{
    private Client $client;

    private string $key;

    public function __construct(
        Client $client,
        string $key = 'loginbycall'
    ) {
        $this->client = $client;
        $this->key = $key;
    }

    /**
     * Places the call for a new login (replacing any in progress) and keeps it in the session.
     *
     * @throws LoginByCallException
     */
    public function start(string $msisdn, ?string $ipAddress = null): Login
    {
        $login = $this->client->startLogin($msisdn, $ipAddress);
        $this->write(['login' => $login->toJson(), 'user' => null]);
        return $login;
    }

    /**
     * The login in progress, or null when there is none (no session, nothing started, or a saved
     * state this client does not accept: edited, another key). Never writes the session.
     *
     * @throws Exception\StoreException when the store cannot be read
     */
    public function pending(): ?Login
    {
        if (session_status() !== PHP_SESSION_ACTIVE && !isset($_SESSION)) {
            return null;
        }
        $state = $_SESSION[$this->key] ?? null;
        $json = is_array($state) ? ($state['login'] ?? null) : null;
        if (!is_string($json) || $json === '') {
            return null;
        }
        try {
            return $this->client->resumeLogin($json);
        } catch (Exception\InvalidArgumentException $e) {
            return null;
        }
    }

    /**
     * The pending login's call status now (null when there is no login in progress).
     *
     * @throws LoginByCallException
     */
    public function status(): ?CallState
    {
        $login = $this->pending();
        return $login === null ? null : $login->status();
    }

    /**
     * Checks the digits against the pending login (the attempt is counted in the client's store,
     * not in the session). Accepted: the user is logged in (user()), the call hung up and the login
     * forgotten; rejected, locked or expired: the session is not written (a locked or expired login
     * stays locked or expired; start a new one). Without a login in progress the verdict is `locked`.
     *
     * @throws LoginByCallException for a NUL byte or invalid UTF-8 in $digits
     * @throws Exception\StoreException when the store cannot be reached (nothing was judged)
     */
    public function check(
        #[\SensitiveParameter]
        string $digits
    ): Verdict {
        $login = $this->pending();
        if ($login === null) {
            return new Verdict(Verdict::LOCKED);
        }
        $verdict = $login->check($digits);
        if ($verdict->isAccepted()) {
            if (session_status() === PHP_SESSION_ACTIVE && !headers_sent()) {
                session_regenerate_id(true);
            }
            $this->write(['login' => null, 'user' => $login->msisdn]);
            try {
                $login->hangup();
            } catch (LoginByCallException $e) {
                // The user is in; a call still ringing ends by itself.
            }
        }
        return $verdict;
    }

    /** The logged-in user's number (digits with the country code), or null. */
    public function user(): ?string
    {
        $user = $this->read()['user'] ?? null;
        return is_string($user) ? $user : null;
    }

    /** Whether a user is logged in. */
    public function isLoggedIn(): bool
    {
        return $this->user() !== null;
    }

    /** Forgets the user and any login in progress. */
    public function logout(): void
    {
        $this->session();
        unset($_SESSION[$this->key]);
    }

    /** @return array<string, mixed> */
    private function read(): array
    {
        $this->session();
        $state = $_SESSION[$this->key] ?? [];
        return is_array($state) ? $state : [];
    }

    /** @param array<string, mixed> $state */
    private function write(array $state): void
    {
        $this->session();
        $_SESSION[$this->key] = $state;
    }

    private function session(): void
    {
        if (session_status() !== PHP_SESSION_ACTIVE && !isset($_SESSION)) {
            throw new LogicException('SessionLogin needs a session: call session_start() first');
        }
    }
}
