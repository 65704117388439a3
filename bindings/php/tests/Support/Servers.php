<?php

declare(strict_types=1);

namespace LoginByCall\Tests\Support;

/** The sandbox and the web site of the test run, and the sandbox's control endpoints. */
final class Servers
{
    /** @var resource[] */
    private static array $processes = [];

    public static string $baseUrl = '';

    public static string $origin = '';

    /** The web site's origin, e.g. http://127.0.0.1:PORT: it serves the verify_url file. */
    public static string $site = '';

    public static function start(): void
    {
        $lbc = getenv('LBC_BIN') ?: (getenv('CARGO_TARGET_DIR') ?: dirname(__DIR__, 4) . '/target') . '/release/lbc';
        if (!is_executable($lbc)) {
            throw new \RuntimeException("no lbc binary at $lbc: build it with `cargo build --release -p lbc-cli -p lbc-ffi` or set LBC_BIN");
        }
        $sandbox = proc_open([$lbc, 'sandbox', '--listen', '127.0.0.1:0', '--dial-ms', '100', '--ring-ms', '300'], [1 => ['pipe', 'w'], 2 => ['file', sys_get_temp_dir() . '/lbc-php-tests-sandbox.log', 'a']], $pipes);
        if ($sandbox === false) {
            throw new \RuntimeException("cannot start $lbc sandbox");
        }
        self::$processes[] = $sandbox;
        $ready = json_decode((string) fgets($pipes[1]), true);
        if (!is_array($ready) || !isset($ready['base_url'])) {
            throw new \RuntimeException('lbc sandbox printed no ready line');
        }
        self::$baseUrl = $ready['base_url'];
        self::$origin = (string) preg_replace('#/callapi/v2\.0/?$#', '', self::$baseUrl);

        $port = self::freePort();
        $php = proc_open(
            [PHP_BINARY, '-S', "127.0.0.1:$port", __DIR__ . '/../fixtures/site.php'],
            [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $unused,
            null,
            ['PHP_CLI_SERVER_WORKERS' => '4'] + getenv(),
        );
        if ($php === false) {
            throw new \RuntimeException('cannot start php -S');
        }
        self::$processes[] = $php;
        self::$site = "http://127.0.0.1:$port";
        for ($i = 0; $i < 100 && @file_get_contents(self::$site . '/ping') !== 'pong'; $i++) {
            usleep(50_000);
        }
        register_shutdown_function([self::class, 'stop']);
    }

    public static function stop(): void
    {
        foreach (self::$processes as $process) {
            // `php -S` with PHP_CLI_SERVER_WORKERS: PHP 7.4 leaves its workers running when the
            // parent is terminated, so they are ended first, by their parent's pid.
            $parent = (int) (proc_get_status($process)['pid'] ?? 0);
            foreach (self::childrenOf($parent) as $child) {
                posix_kill($child, 15);
            }
            proc_terminate($process);
            proc_close($process);
        }
        self::$processes = [];
    }

    /** @return list<int> the pids whose parent is $parent (from /proc) */
    private static function childrenOf(int $parent): array
    {
        $children = [];
        if ($parent <= 0) {
            return $children;
        }
        foreach ((array) glob('/proc/[0-9]*/stat') as $stat) {
            $text = (string) @file_get_contents((string) $stat);
            // pid (comm) state ppid ...: comm may hold spaces, so read after its last ')'.
            $fields = explode(' ', substr($text, (int) strrpos($text, ')') + 2));
            if (isset($fields[1]) && (int) $fields[1] === $parent) {
                $children[] = (int) $text;
            }
        }
        return $children;
    }

    public static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr((string) $name, strrpos((string) $name, ':') + 1);
    }

    /**
     * A request to the sandbox's /_sandbox/ endpoints; the answer's JSON.
     *
     * @return array<string, mixed>
     */
    public static function control(string $method, string $path, ?array $body = null): array
    {
        $context = stream_context_create(['http' => [
            'method' => $method,
            'header' => "Content-Type: application/json\r\n",
            'content' => $body === null ? '' : json_encode((object) $body),
            'ignore_errors' => true,
        ]]);
        $answer = file_get_contents(self::$origin . $path, false, $context);
        $decoded = json_decode((string) $answer, true);
        if (!is_array($decoded)) {
            throw new \RuntimeException("$method $path: " . $answer);
        }
        return $decoded;
    }

    /**
     * Arms a sandbox fault for the next request of $method that answers it with exactly $bytes
     * (status line, headers, body), then closes the connection; the method does not run.
     */
    public static function answerOnce(string $method, string $bytes): void
    {
        self::control('POST', '/_sandbox/faults', ['method' => $method, 'kind' => 'raw', 'bytes' => $bytes, 'count' => 1]);
    }

    /** An HTTP/1.1 answer: status line, $headers (each ending in CRLF), a JSON content type, $body. */
    public static function httpAnswer(string $status, string $body, string $headers = '', string $type = 'application/json'): string
    {
        return "HTTP/1.1 $status\r\nContent-Type: $type\r\n{$headers}Content-Length: " . strlen($body) . "\r\nConnection: close\r\n\r\n$body";
    }

    /** @return array{call_api_id: string, api_key: string} a fresh activated account */
    public static function account(array $settings = []): array
    {
        return self::control('POST', '/_sandbox/accounts', $settings);
    }

    /** The code the user would type for the latest call to $msisdn. */
    public static function code(string $msisdn): string
    {
        return (string) self::control('GET', '/_sandbox/phones/' . $msisdn)['code'];
    }
}
