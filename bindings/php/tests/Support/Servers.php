<?php

declare(strict_types=1);

namespace LoginByCall\Tests\Support;

/** The sandbox and the scripted server of the test run, and the sandbox's control endpoints. */
final class Servers
{
    /** @var resource[] */
    private static array $processes = [];

    public static string $baseUrl = '';

    public static string $origin = '';

    /** The scripted server's origin, e.g. http://127.0.0.1:PORT */
    public static string $scripted = '';

    public static function start(): void
    {
        $lbc = getenv('LBC_BIN') ?: (getenv('CARGO_TARGET_DIR') ?: dirname(__DIR__, 4) . '/target') . '/debug/lbc';
        if (!is_executable($lbc)) {
            throw new \RuntimeException("no lbc binary at $lbc: build it with `cargo build -p lbc-cli` or set LBC_BIN");
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
            [PHP_BINARY, '-S', "127.0.0.1:$port", __DIR__ . '/../fixtures/scripted.php'],
            [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $unused,
            null,
            ['PHP_CLI_SERVER_WORKERS' => '4'] + getenv(),
        );
        if ($php === false) {
            throw new \RuntimeException('cannot start php -S');
        }
        self::$processes[] = $php;
        self::$scripted = "http://127.0.0.1:$port";
        for ($i = 0; $i < 100 && @file_get_contents(self::$scripted . '/ping') !== 'pong'; $i++) {
            usleep(50_000);
        }
        register_shutdown_function([self::class, 'stop']);
    }

    public static function stop(): void
    {
        foreach (self::$processes as $process) {
            proc_terminate($process);
            proc_close($process);
        }
        self::$processes = [];
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
