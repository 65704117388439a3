<?php

declare(strict_types=1);

namespace LoginByCall;

use FFI;
use FFI\CData;
use LoginByCall\Exception\LogicException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Internal\Native;

/**
 * One login in progress: the call placed for it (Client::startLogin()) and the checks made so far.
 *
 * Show prompt() while the phone rings (`+7925688` then $codelen empty boxes), check() the digits the
 * user types: the verdict says whether to log them in. Between requests keep toJson() in the
 * session (a sealed state holding no code) and restore it with Client::resumeLogin(), or let
 * SessionLogin do both.
 *
 * Its public properties read as such and cannot be changed (LogicException):
 *
 * @property-read string $call The id of the login's call.
 * @property-read int $codelen How many digits the user types.
 * @property-read string $msisdn The number called, as digits with the country code (e.g. `79256880636`).
 * @property-read int $expiresAt When the code stops being accepted, as UNIX seconds.
 * @property-read string|null $ipAddress The user's IP address given to Client::startLogin(), if any.
 * @property-read int $startedAt When the call was placed, as UNIX seconds.
 * @property-read int $repeatTimeout Seconds the service asks to wait before calling the same number again.
 * @property-read int $maxAttempts How many checks the login allows in all (the client's maxAttempts).
 */
final class Login
{
    use Internal\ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['call', 'codelen', 'msisdn', 'expiresAt', 'ipAddress', 'startedAt', 'repeatTimeout', 'maxAttempts'];

    /** The id of the login's call. */
    private string $call;

    /** How many digits the user types. */
    private int $codelen;

    /** The number called, as digits with the country code (e.g. `79256880636`). */
    private string $msisdn;

    /** When the code stops being accepted, as UNIX seconds. */
    private int $expiresAt;

    /** The user's IP address given to Client::startLogin(), if any. */
    private ?string $ipAddress;

    /** When the call was placed, as UNIX seconds. */
    private int $startedAt;

    /** Seconds the service asks to wait before calling the same number again. */
    private int $repeatTimeout;

    /** How many checks the login allows in all (the client's maxAttempts). */
    private int $maxAttempts;

    private FFI $ffi;

    private CData $handle;

    private ?Client $client;

    private function __construct(
        CData $handle,
        ?Client $client
    ) {
        $this->client = $client;
        $this->ffi = $ffi = Native::ffi();
        $this->handle = $handle;
        $this->call = Native::take($ffi, $ffi->lbc_login_call($handle)) ?? '';
        $this->codelen = (int) $ffi->lbc_login_codelen($handle);
        $this->msisdn = Native::take($ffi, $ffi->lbc_login_msisdn($handle)) ?? '';
        $this->expiresAt = (int) $ffi->lbc_login_expires_at($handle);
        $this->ipAddress = Native::take($ffi, $ffi->lbc_login_ip_address($handle));
        $this->startedAt = (int) $ffi->lbc_login_started_at($handle);
        $this->repeatTimeout = (int) $ffi->lbc_login_repeat_timeout($handle);
        $this->maxAttempts = (int) $ffi->lbc_login_max_attempts($handle);
    }

    /** @internal wraps a native `lbc_login *`, which the Login then owns */
    public static function adopt(CData $handle, ?Client $client): self
    {
        return new self($handle, $client);
    }

    public function __destruct()
    {
        $this->ffi->lbc_login_free($this->handle);
    }

    /** A login holds a native handle: clone it through toJson() and Client::resumeLogin(). */
    private function __clone()
    {
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new LogicException('serialize a LoginByCall\Login with toJson(), restore it with Client::resumeLogin()');
    }

    /**
     * The login's sealed state, for the session: no code and no mask in it, sealed with the client's
     * state key (any change is refused by Client::resumeLogin()). Checks do not change it (attempts
     * and accept-once are counted in the client's store), so it is saved once, after startLogin().
     */
    public function toJson(): string
    {
        $out = $this->ffi->new('char *');
        $err = Native::errorSlot($this->ffi);
        Native::check($this->ffi, $this->ffi->lbc_login_to_json($this->handle, FFI::addr($out), FFI::addr($err)), $err);
        return Native::take($this->ffi, $out) ?? '';
    }

    /** What may be shown while the phone rings: the caller's number without its last $codelen digits. */
    public function prompt(): string
    {
        return Native::take($this->ffi, $this->ffi->lbc_login_prompt($this->handle)) ?? '';
    }

    /** The checks made so far, right or wrong. */
    public function attempts(): int
    {
        return (int) $this->ffi->lbc_login_attempts($this->handle);
    }

    /** The checks left before the login locks (0 once the code was accepted). */
    public function attemptsLeft(): int
    {
        return (int) $this->ffi->lbc_login_attempts_left($this->handle);
    }

    /** Whether a check accepted the code: the user is logged in. */
    public function isAccepted(): bool
    {
        return (bool) $this->ffi->lbc_login_is_accepted($this->handle);
    }

    /**
     * Checks the digits the user typed (surrounding whitespace is trimmed; exactly $codelen digits,
     * compared in constant time: `636` is not `0636`). Every check of a live login counts as an
     * attempt; a check after expiry costs none. A wrong code is a verdict, not an exception.
     *
     * @throws Exception\InvalidArgumentException for a NUL byte or invalid UTF-8
     */
    public function check(
        #[\SensitiveParameter]
        string $digits
    ): Verdict {
        $ffi = $this->ffi;
        $verdict = $ffi->new('lbc_verdict');
        $left = $ffi->new('uint32_t');
        $err = Native::errorSlot($ffi);
        $status = $ffi->lbc_login_check($this->handle, Native::text($digits, 'digits'), FFI::addr($verdict), FFI::addr($left), FFI::addr($err));
        if ($this->client !== null) {
            $this->client->flushLog();
        }
        Native::check($ffi, $status, $err);
        $value = $verdict->cdata;
        if ($value === $ffi->LBC_VERDICT_ACCEPTED) {
            $name = Verdict::ACCEPTED;
        } elseif ($value === $ffi->LBC_VERDICT_REJECTED) {
            $name = Verdict::REJECTED;
        } elseif ($value === $ffi->LBC_VERDICT_LOCKED) {
            $name = Verdict::LOCKED;
        } else {
            $name = Verdict::EXPIRED;
        }
        return new Verdict($name, (int) $left->cdata);
    }

    /**
     * The call's status now (`call-status`).
     *
     * @throws LoginByCallException
     */
    public function status(?Client $client = null): CallState
    {
        return $this->client($client)->callStatus($this->call);
    }

    /**
     * Polls `call-status` (backing off from 0.5 s to 3 s) until the call's status is final or
     * $timeout seconds pass; returns the last status seen (not final if the time ran out). Blocks.
     *
     * @throws LoginByCallException
     */
    public function waitFinal(float $timeout = 60.0, ?Client $client = null): CallState
    {
        $client = $this->client($client);
        $out = $this->ffi->new('lbc_call_state *');
        $err = Native::errorSlot($this->ffi);
        $status = $this->ffi->lbc_login_wait_final($this->handle, $client->handle(), Native::millis($timeout, 'timeout'), FFI::addr($out), FFI::addr($err));
        $client->flushLog();
        Native::check($this->ffi, $status, $err);
        return Internal\Answers::callState($this->ffi, $out);
    }

    /**
     * Ends the login's call if it is still ringing (`call-hangup`), e.g. once the digits were accepted.
     *
     * @throws LoginByCallException
     */
    public function hangup(?Client $client = null): void
    {
        $client = $this->client($client);
        $err = Native::errorSlot($this->ffi);
        $status = $this->ffi->lbc_login_hangup($this->handle, $client->handle(), FFI::addr($err));
        $client->flushLog();
        Native::check($this->ffi, $status, $err);
    }

    private function client(?Client $client): Client
    {
        $client = $client ?? $this->client;
        if ($client === null) {
            throw new LogicException('this login has no client: pass one to this method');
        }
        return $client;
    }
}
