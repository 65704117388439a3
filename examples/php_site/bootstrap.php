<?php
// Shared by every page: the package, the client, the session, and small helpers.
//
// The client is made anew on every request, as PHP does; LoginByCall\Client takes it from
// libloginbycall's per-process cache, so a PHP-FPM worker keeps one kept-alive connection to the
// service across all the requests it serves.

declare(strict_types=1);

require_once getenv('LOGINBYCALL_PHP') ?: __DIR__ . '/../../bindings/php/autoload.php';

use LoginByCall\Client;
use LoginByCall\SessionLogin;

session_start(['cookie_httponly' => true, 'cookie_samesite' => 'Lax', 'use_strict_mode' => true]);

/** The login flow of this session. */
function auth(): SessionLogin
{
    static $auth = null;
    // Client::fromOptions([...]) is `new Client(callApiId: ..., ...)` for PHP 7.4, which has no
    // named arguments; on PHP 8 either works.
    return $auth ??= new SessionLogin(Client::fromOptions([
        'callApiId' => (string) getenv('LBC_CALL_API_ID'),
        'apiKey' => (string) getenv('LBC_API_KEY'),
        'baseUrl' => getenv('LBC_BASE_URL') ?: null,
        'timeout' => 10.0,
        'deadline' => 10.0,     // the whole operation, retries included: one budget per page
        'maxAttempts' => 3,     // checks per call, counted in the store by every worker
        'ttl' => 300,           // seconds the code is accepted after the call
        // Attempts, accept-once and the guard's counters: by default a SQLite file of the FPM
        // user, shared by every worker of this server; LBC_STORE may name a Redis for several.
        'store' => getenv('LBC_STORE') ?: null,
        'guard' => guard_settings(),
        // Optional: the library's events (one line per request, retries, refusals) into a file.
        'logger' => getenv('LBC_LOG_FILE') ? new FileLogger((string) getenv('LBC_LOG_FILE')) : null,
    ]));
}

/**
 * A PSR-3 logger in a few lines (a site with Monolog passes its Psr\Log\LoggerInterface instead):
 * appends `LEVEL event message` lines to a file.
 */
final class FileLogger
{
    private string $path;

    public function __construct(string $path)
    {
        $this->path = $path;
    }

    /** @param mixed $level */
    public function log($level, $message, array $context = []): void
    {
        $event = (string) ($context['event'] ?? '-');
        @file_put_contents($this->path, "$level $event " . str_replace("\n", ' ', (string) $message) . "\n", FILE_APPEND | LOCK_EX);
    }
}

/**
 * The guard's settings: its defaults (limits a person logging in never meets), unless the pool's
 * LBC_GUARD_FILE names a JSON file of settings to change, e.g. a load test whose logins all come
 * from one IP: {"ip_rate": {"calls": 1000, "window": 3600}}.
 */
function guard_settings(): ?array
{
    $file = getenv('LBC_GUARD_FILE');
    if ($file === false || $file === '') {
        return null;
    }
    $settings = json_decode((string) file_get_contents($file), true, 16, JSON_THROW_ON_ERROR);
    if (!is_array($settings)) {
        throw new RuntimeException("$file: the guard's settings must be a JSON object");
    }
    return $settings;
}

/** Text for HTML. */
function e(string $text): string
{
    return htmlspecialchars($text, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

/** The session's form token (against cross-site form posts). */
function csrf_token(): string
{
    return $_SESSION['csrf'] ??= bin2hex(random_bytes(16));
}

/** A form field as text: '' when missing or not a string (`phone[]=1` is an array). */
function field(string $name): string
{
    $value = $_POST[$name] ?? '';
    return is_string($value) ? $value : '';
}

/** Ends a POST whose token is not the session's. */
function require_post(): void
{
    if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST' || !hash_equals(csrf_token(), field('csrf'))) {
        http_response_code(400);
        exit('Bad request');
    }
}

/** Redirects to $path and ends the request (never returns). */
function redirect(string $path, ?string $flash = null): void
{
    if ($flash !== null) {
        $_SESSION['flash'] = $flash;
    }
    header('Location: ' . $path, true, 303);
    exit;
}

/** The page around $body. */
function page(string $title, string $body): void
{
    $flash = $_SESSION['flash'] ?? null;
    unset($_SESSION['flash']);
    header('Content-Type: text/html; charset=utf-8');
    echo '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>', e($title), '</title>',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}',
        'input,button{font-size:1.2rem;padding:.4rem}.flash{background:#fee;padding:.5rem}.code{font-size:2rem;letter-spacing:.2rem}</style>',
        '</head><body><h1>', e($title), '</h1>',
        $flash === null ? '' : '<p class="flash">' . e((string) $flash) . '</p>',
        $body, '</body></html>';
}
