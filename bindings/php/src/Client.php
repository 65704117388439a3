<?php

declare(strict_types=1);

namespace LoginByCall;

use FFI;
use FFI\CData;
use LoginByCall\Exception\DecodeException;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LoginByCallException;
use LoginByCall\Internal\Answers;
use LoginByCall\Internal\Native;

/**
 * A LoginByCall client: one method per API method, each throwing a LoginByCallException on failure.
 *
 * ```php
 * $client = new LoginByCall\Client(callApiId: $id, apiKey: $key);
 * $login = $client->startLogin($_POST['phone'], $_SERVER['REMOTE_ADDR']);
 * ```
 *
 * Retries (of the methods safe to retry; `call` is never sent twice), timeouts, signing and the
 * service's answers are handled by libloginbycall. By default ($shared) the client comes from the
 * library's per-process cache: every Client made with the same settings in one process (a PHP-FPM
 * worker, request after request) uses the same kept-alive connections to the service, so a page pays
 * no new TCP and TLS handshake.
 */
final class Client
{
    private FFI $ffi;

    private CData $handle;

    /** The region normalizePhone() reads national forms in (defaultRegion). */
    private string $region;

    /** @var object|null the PSR-3 logger the library's events go to */
    private ?object $logger = null;

    /**
     * Every argument is optional and named; unset ones keep the library's defaults. The names are
     * the SDK's one vocabulary (`maxAttempts`, `ttl`, `signaturePlacement`, `defaultRegion`,
     * `deadline`, as `max_attempts`, `ttl`, ... in Rust, C and Python).
     *
     * @param ?string $callApiId the account's call-api-id (not needed for register())
     * @param ?string $apiKey the account's secret api-key (kept only as the keyed HMAC state)
     * @param ?string $baseUrl the API root (default the service's; e.g. the base_url of `lbc sandbox`)
     * @param ?float $timeout seconds for one attempt of a request, answer included (default 15)
     * @param ?float $connectTimeout seconds to establish a connection (default 5)
     * @param ?float $deadline seconds for a whole operation, every retry and backoff included
     *        (default: the same as $timeout, so that a page has one budget)
     * @param ?int $maxRetries extra attempts of the retry-safe methods (default 2; 0: none)
     * @param ?float $retryBaseDelay seconds before the first retry, doubling (default 0.25)
     * @param ?string $encoding `query`, `form` (default), `rest` or `multipart`, optionally `+json`
     * @param ?string $signaturePlacement SignaturePlacement::PARAM (`param`, the default) or
     *        SignaturePlacement::HEADER (`header`: the HTTP header `Signature`)
     * @param ?int $maxResponseBytes the largest answer accepted (default 1 MiB)
     * @param ?string $caBundle a PEM file of the only CA certificates to trust
     * @param ?string $proxy `http://host:port` or `socks5://host:port`
     * @param ?string $userAgent the User-Agent header (default `loginbycall-php/VERSION`)
     * @param ?string $defaultRegion the region whose national number forms are read (default `RU`:
     *        `8 (925) 688-06-36` is `79256880636`)
     * @param ?int $maxAttempts checks a login allows (default 3)
     * @param ?int $ttl seconds after the call during which a login's code is accepted (default 300)
     * @param ?string $store where attempts, accept-once and the guard's counters are kept:
     *        `sqlite:///path.sqlite3` (the default is a per-user SQLite file shared by every PHP-FPM
     *        worker, CLI script and cron job of this server), `redis://host:6379/0` (several
     *        servers) or `memory:` (this process only: tests)
     * @param false|array<string, mixed>|null $guard what the guard checks before any call is
     *        placed: null for the defaults (limits a person logging in never meets), an array of
     *        the settings to change (e.g. `['ip_rate' => ['calls' => 100, 'window' => 3600]]`), or
     *        false for no guard (tests only)
     * @param ?string $stateKey the secret (at least 16 bytes) sealing saved logins (default:
     *        derived from the api-key)
     * @param list<string> $oldStateKeys older state keys whose saved logins are still resumed
     * @param bool $shared use the per-process client cache (kept-alive connections across requests)
     * @param ?int $loginTtl deprecated (E_USER_DEPRECATED): the old name of $ttl, kept for one release
     * @param ?bool $signatureInHeader deprecated (E_USER_DEPRECATED): use
     *        `signaturePlacement: SignaturePlacement::HEADER`; kept for one release
     * @param ?object $logger a PSR-3 logger (`Psr\Log\LoggerInterface`, or any object with its
     *        `log($level, $message, array $context)`): each request at `debug` (method, attempt,
     *        status, time, request id), retries and guard refusals at `info`, answers that may have
     *        placed a call at `warning`; numbers masked, keys and signatures never logged. Needs a
     *        libloginbycall with the log functions (else one `warning` says so and nothing else is
     *        logged). Off (null) by default
     *
     * @throws InvalidArgumentException for a setting the library refuses
     */
    public function __construct(
        ?string $callApiId = null,
        #[\SensitiveParameter]
        ?string $apiKey = null,
        ?string $baseUrl = null,
        ?float $timeout = null,
        ?float $connectTimeout = null,
        ?float $deadline = null,
        ?int $maxRetries = null,
        ?float $retryBaseDelay = null,
        ?string $encoding = null,
        ?string $signaturePlacement = null,
        ?int $maxResponseBytes = null,
        ?string $caBundle = null,
        ?string $proxy = null,
        ?string $userAgent = null,
        ?string $defaultRegion = null,
        ?int $maxAttempts = null,
        ?int $ttl = null,
        ?string $store = null,
        $guard = null,
        #[\SensitiveParameter]
        ?string $stateKey = null,
        #[\SensitiveParameter]
        array $oldStateKeys = [],
        bool $shared = true,
        ?int $loginTtl = null,
        ?bool $signatureInHeader = null,
        ?object $logger = null
    ) {
        if ($loginTtl !== null) {
            trigger_error('LoginByCall\Client: the argument loginTtl is deprecated, use ttl', E_USER_DEPRECATED);
            if ($ttl !== null && $ttl !== $loginTtl) {
                throw new InvalidArgumentException('ttl and its deprecated name loginTtl disagree: give ttl only', 'ttl');
            }
            $ttl ??= $loginTtl;
        }
        if ($signatureInHeader !== null) {
            trigger_error(
                'LoginByCall\Client: the argument signatureInHeader is deprecated, use signaturePlacement: SignaturePlacement::HEADER',
                E_USER_DEPRECATED,
            );
            $implied = $signatureInHeader ? SignaturePlacement::HEADER : SignaturePlacement::PARAM;
            if ($signaturePlacement !== null && $signaturePlacement !== $implied) {
                throw new InvalidArgumentException('signaturePlacement and the deprecated signatureInHeader disagree: give signaturePlacement only', 'signaturePlacement');
            }
            $signaturePlacement ??= $implied;
        }
        $this->ffi = $ffi = Native::ffi();
        $this->region = $defaultRegion ?? 'RU';
        $log = null;
        if ($logger !== null) {
            if (!is_callable([$logger, 'log'])) {
                throw new InvalidArgumentException('logger must be a PSR-3 logger (an object with a log($level, $message, array $context) method)', 'logger');
            }
            $log = Native::logFfi();
            if ($log === null) {
                self::emit($logger, 'warning', 'libloginbycall ' . $ffi->lbc_version() . ' has no log functions: nothing is logged', ['event' => 'no_log']);
            }
        }
        $config = $ffi->lbc_config_new();
        if ($config === null) {
            throw new Exception\InternalException('lbc_config_new failed');
        }
        try {
            $text = [
                'base_url' => [$baseUrl, 'lbc_config_set_base_url'],
                'call_api_id' => [$callApiId, 'lbc_config_set_call_api_id'],
                'api_key' => [$apiKey, 'lbc_config_set_api_key'],
                'encoding' => [$encoding, 'lbc_config_set_encoding'],
                'ca_bundle' => [$caBundle, 'lbc_config_set_ca_bundle'],
                'proxy' => [$proxy, 'lbc_config_set_proxy'],
                'user_agent' => [$userAgent ?? 'loginbycall-php/' . $ffi->lbc_version(), 'lbc_config_set_user_agent'],
                'default_region' => [$defaultRegion, 'lbc_config_set_default_region'],
                'store' => [$store, 'lbc_config_set_store'],
                'guard' => [self::guardJson($guard), 'lbc_config_set_guard'],
            ];
            foreach ($text as $name => [$value, $setter]) {
                if ($value !== null) {
                    $err = Native::errorSlot($ffi);
                    Native::check($ffi, $ffi->$setter($config, Native::text($value, $name), FFI::addr($err)), $err);
                }
            }
            $numbers = [
                'timeout' => [$timeout === null ? null : Native::millis($timeout, 'timeout'), 'lbc_config_set_timeout_ms'],
                'connect_timeout' => [$connectTimeout === null ? null : Native::millis($connectTimeout, 'connectTimeout'), 'lbc_config_set_connect_timeout_ms'],
                'deadline' => [$deadline === null ? null : Native::millis($deadline, 'deadline'), 'lbc_config_set_deadline_ms'],
                'max_retries' => [self::unsigned($maxRetries, 'maxRetries', 0xFFFFFFFF), 'lbc_config_set_max_retries'],
                'retry_base_delay' => [$retryBaseDelay === null ? null : Native::millis($retryBaseDelay, 'retryBaseDelay'), 'lbc_config_set_retry_base_delay_ms'],
                'max_response_bytes' => [self::unsigned($maxResponseBytes, 'maxResponseBytes', PHP_INT_MAX), 'lbc_config_set_max_response_bytes'],
            ];
            foreach ($numbers as [$value, $setter]) {
                if ($value !== null) {
                    $err = Native::errorSlot($ffi);
                    Native::check($ffi, $ffi->$setter($config, $value, FFI::addr($err)), $err);
                }
            }
            if ($signaturePlacement !== null) {
                if ($signaturePlacement === SignaturePlacement::PARAM) {
                    $placement = $ffi->LBC_SIGNATURE_PLACEMENT_PARAM;
                } elseif ($signaturePlacement === SignaturePlacement::HEADER) {
                    $placement = $ffi->LBC_SIGNATURE_PLACEMENT_HEADER;
                } else {
                    throw new InvalidArgumentException(
                        "signaturePlacement must be 'param' or 'header' (SignaturePlacement::PARAM, ::HEADER)",
                        'signaturePlacement'
                    );
                }
                $err = Native::errorSlot($ffi);
                Native::check($ffi, $ffi->lbc_config_set_signature_placement($config, $placement, FFI::addr($err)), $err);
            }
            $keys = $stateKey === null ? [] : [['lbc_config_set_state_key', $stateKey, 'stateKey']];
            foreach (array_values($oldStateKeys) as $i => $old) {
                if (!is_string($old)) {
                    throw new InvalidArgumentException('oldStateKeys must be a list of strings', "oldStateKeys[$i]");
                }
                $keys[] = ['lbc_config_add_old_state_key', $old, "oldStateKeys[$i]"];
            }
            foreach ($keys as [$setter, $key, $name]) {
                $bytes = Native::bytes($ffi, $key);
                $err = Native::errorSlot($ffi);
                $status = $ffi->$setter($config, $bytes, strlen($key), FFI::addr($err));
                FFI::memset($bytes, 0, FFI::sizeof($bytes));
                Native::check($ffi, $status, $err);
            }
            if ($maxAttempts !== null || $ttl !== null) {
                $err = Native::errorSlot($ffi);
                $status = $ffi->lbc_config_set_login_policy(
                    $config,
                    self::unsigned($maxAttempts ?? 3, 'maxAttempts', 0xFFFFFFFF),
                    self::unsigned($ttl ?? 300, 'ttl', PHP_INT_MAX),
                    FFI::addr($err),
                );
                Native::check($ffi, $status, $err);
            }
            if ($log !== null) {
                $logErr = $log->new('void *');
                $status = $log->lbc_config_set_log_level($ffi->cast('void *', $config), 3, FFI::addr($logErr));
                if ($status !== 0) {
                    Native::check($ffi, $status, $ffi->cast('lbc_error *', $logErr));
                }
                $this->logger = $logger;
            }
            $client = $ffi->new('lbc_client *');
            $err = Native::errorSlot($ffi);
            $make = $shared ? 'lbc_client_shared' : 'lbc_client_new';
            Native::check($ffi, $ffi->$make($config, FFI::addr($client), FFI::addr($err)), $err);
            $this->handle = $client;
        } finally {
            $ffi->lbc_config_free($config);
        }
    }

    /**
     * A client from an array of the constructor's arguments by name, for PHP 7.4 (which has no
     * named arguments): `Client::fromOptions(['callApiId' => $id, 'apiKey' => $key, 'store' => ...])`
     * is `new Client(callApiId: $id, apiKey: $key, store: ...)` on PHP 8.
     *
     * @param array<string, mixed> $options the constructor's argument names => values
     *
     * @throws InvalidArgumentException for a name the constructor does not have, and as the constructor
     */
    public static function fromOptions(
        #[\SensitiveParameter]
        array $options
    ): self {
        $arguments = [];
        $parameters = (new \ReflectionMethod(self::class, '__construct'))->getParameters();
        foreach ($parameters as $parameter) {
            $name = $parameter->getName();
            if (array_key_exists($name, $options)) {
                $arguments[] = $options[$name];
                unset($options[$name]);
            } else {
                $arguments[] = $parameter->getDefaultValue();
            }
        }
        if ($options !== []) {
            $unknown = array_map(static function ($name): string {
                return Native::label((string) $name);
            }, array_keys($options));
            throw new InvalidArgumentException('Client has no argument ' . implode(', ', $unknown), 'options');
        }
        return new self(...$arguments);
    }

    /** The guard argument as the JSON the library reads (null: the defaults). */
    /**
     * @param false|array<string, mixed>|null $guard
     */
    private static function guardJson($guard): ?string
    {
        if ($guard === null) {
            return null;
        }
        if ($guard === false) {
            return 'false';
        }
        if (!is_array($guard) || ($guard !== [] && array_keys($guard) === range(0, count($guard) - 1))) {
            throw new InvalidArgumentException('guard must be false, null or an array of settings by name', 'guard');
        }
        return Native::json((object) $guard, 'guard');
    }

    public function __destruct()
    {
        if (isset($this->handle)) {
            $this->ffi->lbc_client_free($this->handle);
        }
    }

    /** A client holds a native handle: it cannot be cloned (use withCredentials() for another). */
    private function __clone()
    {
    }

    /** @return never */
    public function __serialize(): array
    {
        throw new Exception\LogicException('a LoginByCall\Client cannot be serialized: make a new one');
    }

    private static function unsigned(?int $value, string $name, int $max): ?int
    {
        if ($value !== null && ($value < 0 || $value > $max)) {
            throw new InvalidArgumentException("$name must be between 0 and $max", $name);
        }
        return $value;
    }

    /**
     * Hands the library's log lines since the last call to the logger (when there is one), then
     * throws the exception for a failed call.
     *
     * @throws LoginByCallException
     */
    private function checked(int $status, CData $err): void
    {
        $this->flushLog();
        Native::check($this->ffi, $status, $err);
    }

    /** @internal hands the library's log lines since the last call to the logger, if any */
    public function flushLog(): void
    {
        if ($this->logger === null) {
            return;
        }
        $log = Native::logFfi();
        if ($log === null) {
            return;
        }
        $text = $log->lbc_client_take_log($this->ffi->cast('void *', $this->handle));
        if ($text === null || FFI::isNull($text)) {
            return;
        }
        try {
            $json = FFI::string($text);
        } finally {
            $log->lbc_string_free($text);
        }
        $lines = json_decode($json, true);
        if (!is_array($lines)) {
            return;
        }
        foreach ($lines as $line) {
            if (!is_array($line) || !is_string($line['message'] ?? null)) {
                continue;
            }
            $level = in_array($line['level'] ?? null, ['debug', 'info', 'warning'], true) ? $line['level'] : 'info';
            $context = is_array($line['fields'] ?? null) ? $line['fields'] : [];
            $context['event'] = is_string($line['event'] ?? null) ? $line['event'] : 'unknown';
            self::emit($this->logger, $level, $line['message'], $context);
        }
    }

    /**
     * One line to a PSR-3 logger. A logger that throws is ignored: logging never changes what a
     * call returns or throws.
     *
     * @param array<string, mixed> $context
     */
    private static function emit(object $logger, string $level, string $message, array $context): void
    {
        try {
            $logger->log($level, $message, $context);
        } catch (\Throwable $e) {
            // A failing logger does not fail the request.
        }
    }

    /** @internal the native `lbc_client *`, for Login */
    public function handle(): CData
    {
        return $this->handle;
    }

    /** A new `T *` out-parameter and an `lbc_error *`. */
    private function slots(string $type): array
    {
        return [$this->ffi->new($type), Native::errorSlot($this->ffi)];
    }

    /**
     * `register`: registers $domain (or re-registers it, keeping its balance); the api-key is mailed
     * to $adminEmail. Needs no credentials.
     *
     * @throws LoginByCallException
     */
    public function register(
        string $domain,
        string $adminEmail,
        ?string $adminPhone = null,
        ?string $verifyUrl = null,
        ?int $balanceNotifyLimit = null
    ): Registration {
        $ffi = $this->ffi;
        [$out, $err] = $this->slots('lbc_registration *');
        $limit = null;
        if ($balanceNotifyLimit !== null) {
            $limit = $ffi->new('int64_t');
            $limit->cdata = $balanceNotifyLimit;
        }
        $status = $ffi->lbc_client_register(
            $this->handle,
            Native::text($domain, 'domain'),
            Native::text($adminEmail, 'adminEmail'),
            Native::optText($adminPhone, 'adminPhone'),
            Native::optText($verifyUrl, 'verifyUrl', Native::MAX_URL),
            $limit === null ? null : FFI::addr($limit),
            FFI::addr($out),
            FFI::addr($err),
        );
        $this->checked($status, $err);
        return Answers::registration($ffi, $out);
    }

    /**
     * `status`: whether the account is activated, blocked, allowed unsigned calls.
     *
     * @throws LoginByCallException
     */
    public function status(): AccountStatus
    {
        [$out, $err] = $this->slots('lbc_account_status *');
        $this->checked($this->ffi->lbc_client_status($this->handle, FFI::addr($out), FFI::addr($err)), $err);
        return Answers::accountStatus($this->ffi, $out);
    }

    /**
     * `server-status`: whether the service can place calls now.
     *
     * @throws LoginByCallException
     */
    public function serverStatus(): ServerStatus
    {
        [$out, $err] = $this->slots('lbc_server_status *');
        $this->checked($this->ffi->lbc_client_server_status($this->handle, FFI::addr($out), FFI::addr($err)), $err);
        return Answers::serverStatus($this->ffi, $out);
    }

    /**
     * `options`: sets the balance (credits) below which the administrator is mailed; -1: never.
     *
     * @throws LoginByCallException
     */
    public function options(int $balanceNotifyLimit): void
    {
        $err = Native::errorSlot($this->ffi);
        $this->checked($this->ffi->lbc_client_options($this->handle, $balanceNotifyLimit, FFI::addr($err)), $err);
    }

    /**
     * `balance`: payments, consumption, the notification limit and the last payments.
     *
     * @throws LoginByCallException
     */
    public function balance(): Balance
    {
        [$out, $err] = $this->slots('lbc_balance *');
        $this->checked($this->ffi->lbc_client_balance($this->handle, FFI::addr($out), FFI::addr($err)), $err);
        return Answers::balance($this->ffi, $out);
    }

    /**
     * `pay`: a payment form refilling the balance by $amount credits (1 USD = 10 000 credits).
     *
     * @throws LoginByCallException
     */
    public function pay(
        int $amount,
        ?string $locale = null,
        ?string $successUrl = null,
        ?string $failUrl = null,
        ?string $returnUrl = null
    ): Payment {
        [$out, $err] = $this->slots('lbc_payment *');
        $status = $this->ffi->lbc_client_pay(
            $this->handle,
            $amount,
            Native::optText($locale, 'locale'),
            Native::optText($successUrl, 'successUrl', Native::MAX_URL),
            Native::optText($failUrl, 'failUrl', Native::MAX_URL),
            Native::optText($returnUrl, 'returnUrl', Native::MAX_URL),
            FFI::addr($out),
            FFI::addr($err),
        );
        $this->checked($status, $err);
        return Answers::payment($this->ffi, $out);
    }

    /**
     * `change_credential`: issues a new id and key (mailed to $adminEmail) and returns the new
     * call-api-id; confirm them with credentialConfirm() on withCredentials($newId, $newKey).
     *
     * @throws LoginByCallException
     */
    public function changeCredential(string $adminEmail, ?string $adminPhone = null): string
    {
        [$out, $err] = $this->slots('char *');
        $status = $this->ffi->lbc_client_change_credential(
            $this->handle,
            Native::text($adminEmail, 'adminEmail'),
            Native::optText($adminPhone, 'adminPhone'),
            FFI::addr($out),
            FFI::addr($err),
        );
        $this->checked($status, $err);
        return Native::take($this->ffi, $out) ?? '';
    }

    /**
     * `credential_confirm`: activates this client's (new) id and key; every older key stops working.
     *
     * @throws LoginByCallException
     */
    public function credentialConfirm(): void
    {
        $err = Native::errorSlot($this->ffi);
        $this->checked($this->ffi->lbc_client_credential_confirm($this->handle, FFI::addr($err)), $err);
    }

    /**
     * A client with the same settings and connections but other credentials (e.g. for
     * credentialConfirm() after changeCredential()).
     *
     * @throws LoginByCallException
     */
    public function withCredentials(
        string $callApiId,
        #[\SensitiveParameter]
        string $apiKey
    ): self
    {
        [$out, $err] = $this->slots('lbc_client *');
        $status = $this->ffi->lbc_client_with_credentials(
            $this->handle,
            Native::text($callApiId, 'callApiId'),
            Native::text($apiKey, 'apiKey'),
            FFI::addr($out),
            FFI::addr($err),
        );
        $this->checked($status, $err);
        // A client the library already made: no config to build it from.
        $client = (new \ReflectionClass(self::class))->newInstanceWithoutConstructor();
        $client->ffi = $this->ffi;
        $client->handle = $out;
        $client->region = $this->region;
        $client->logger = $this->logger;
        return $client;
    }

    /**
     * A phone number as this client reads it before calling (its defaultRegion's national forms
     * included): PhoneNumber::normalize($text, $defaultRegion).
     *
     * @throws InvalidArgumentException naming `msisdn` for a number that is not valid anywhere
     */
    public function normalizePhone(string $text): string
    {
        return PhoneNumber::normalize($text, $this->region);
    }

    /**
     * `call`: rings $msisdn (any common notation, e.g. `+7 (925) 688-06-36`) from a random number
     * whose last codelen digits are the code. $ipAddress is the user's address (recommended).
     * A call costs money and is never sent twice: after a failure whose mayHaveBeenPlaced() is true,
     * check with callStatus() before calling again. startLogin() is what a login page wants.
     *
     * @throws LoginByCallException
     */
    public function call(string $msisdn, ?string $ipAddress = null): CallStarted
    {
        [$out, $err] = $this->slots('lbc_call_started *');
        $status = $this->ffi->lbc_client_call(
            $this->handle,
            Native::text($msisdn, 'msisdn'),
            Native::optText($ipAddress, 'ipAddress'),
            FFI::addr($out),
            FFI::addr($err),
        );
        $this->checked($status, $err);
        return Answers::callStarted($this->ffi, $out);
    }

    /**
     * `call-status`: where call $call is.
     *
     * @throws LoginByCallException
     */
    public function callStatus(string $call): CallState
    {
        [$out, $err] = $this->slots('lbc_call_state *');
        $status = $this->ffi->lbc_client_call_status($this->handle, Native::text($call, 'call'), FFI::addr($out), FFI::addr($err));
        $this->checked($status, $err);
        return Answers::callState($this->ffi, $out);
    }

    /**
     * `call-hangup`: ends call $call if it is still ringing.
     *
     * @throws LoginByCallException
     */
    public function callHangup(string $call): void
    {
        $err = Native::errorSlot($this->ffi);
        $status = $this->ffi->lbc_client_call_hangup($this->handle, Native::text($call, 'call'), FFI::addr($err));
        $this->checked($status, $err);
    }

    /**
     * Places the call for a login: $msisdn as the user typed it, $ipAddress the user's address.
     * Keep the Login's toJson() in the session (SessionLogin does), show prompt(), check() the digits.
     *
     * @throws LoginByCallException
     */
    public function startLogin(string $msisdn, ?string $ipAddress = null): Login
    {
        [$out, $err] = $this->slots('lbc_login *');
        $status = $this->ffi->lbc_client_start_login(
            $this->handle,
            Native::text($msisdn, 'msisdn'),
            Native::optText($ipAddress, 'ipAddress'),
            FFI::addr($out),
            FFI::addr($err),
        );
        $this->checked($status, $err);
        return Login::adopt($out, $this);
    }

    /**
     * A login back from its saved state (Login::toJson(), e.g. kept in the session), through this
     * client: the attempts made so far and whether the code was accepted are read from the store,
     * the policy is this client's. Any change to the state is refused.
     *
     * @throws Exception\InvalidArgumentException when $state is not a state this site's client
     *         sealed (edited, another key, started in the future)
     * @throws Exception\StoreException when the store cannot be read
     */
    public function resumeLogin(string $state): Login
    {
        [$out, $err] = $this->slots('lbc_login *');
        $status = $this->ffi->lbc_client_resume_login($this->handle, Native::text($state, 'state'), FFI::addr($out), FFI::addr($err));
        $this->checked($status, $err);
        return Login::adopt($out, $this);
    }

    /**
     * Any API method by its wire name (e.g. `call-status`) with its parameters, the answer as an
     * array: the escape hatch for methods and fields the typed ones do not have. call-api-id,
     * timestamp, nonce and the signature are added.
     *
     * @param array<string, string|int|float|null> $params (null values are left out)
     *
     * @return array<string, mixed>
     *
     * @throws LoginByCallException
     */
    public function request(string $method, array $params = []): array
    {
        Native::text($method, 'method', Native::MAX_NAME);
        $clean = [];
        foreach ($params as $name => $value) {
            $name = Native::text((string) $name, 'params name', Native::MAX_NAME);
            $label = 'params[' . Native::label($name) . ']';
            if ($value === null) {
                continue;
            }
            if (is_string($value)) {
                $value = Native::text($value, $label, Native::MAX_VALUE);
            } elseif (is_float($value) && !is_finite($value)) {
                throw new InvalidArgumentException("$label must be a finite number", $label);
            } elseif (!is_int($value) && !is_float($value)) {
                throw new \TypeError("$label must be a string, an int, a float or null, " . Native::typeName($value) . ' given');
            }
            $clean[$name] = $value;
        }
        $json = Native::json((object) $clean, 'params');
        [$out, $err] = $this->slots('char *');
        $status = $this->ffi->lbc_client_request($this->handle, $method, $json, FFI::addr($out), FFI::addr($err));
        $this->checked($status, $err);
        $answer = Native::take($this->ffi, $out) ?? '{}';
        try {
            $decoded = json_decode($answer, true, 512, JSON_THROW_ON_ERROR | JSON_BIGINT_AS_STRING);
        } catch (\JsonException $e) {
            throw new DecodeException('the answer is not JSON: ' . $e->getMessage(), null, null, true, $e);
        }
        return is_array($decoded) ? $decoded : [];
    }
}
