<?php
/**
 * The bridge to the LoginByCall PHP package: finds and loads it, says exactly what is missing when
 * it cannot (FFI, the package, the library, the credentials), and builds the Client from the settings.
 * Nothing here may end a request with a fatal error: every failure becomes a problem text that the
 * admin notice shows, and the phone-call way hides itself while the password login goes on.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Service
{
    /** @var ?object the Client of this request */
    private static $client = null;

    /** @var ?string why the phone-call way is off (null: not checked yet, '' : ready) */
    private static $problem = null;

    private function __construct()
    {
    }

    /**
     * The package's autoload.php: the constant LOGINBYCALL_PHP_PACKAGE (the file or its folder) in
     * wp-config.php, else the copy shipped in the plugin at vendor/loginbycall/.
     */
    public static function autoloadPath(): string
    {
        if (defined('LOGINBYCALL_PHP_PACKAGE')) {
            $path = rtrim((string) constant('LOGINBYCALL_PHP_PACKAGE'), '/');
            return substr($path, -4) === '.php' ? $path : $path . '/autoload.php';
        }
        return LOGINBYCALL_WP_DIR . '/vendor/loginbycall/autoload.php';
    }

    /** Why login by phone call cannot work now, in words an administrator can act on; '' when it can. */
    public static function problem(): string
    {
        if (self::$problem === null) {
            self::$problem = self::diagnose();
        }
        return self::$problem;
    }

    /** Whether the phone-call way is on and working (settings, package, library, credentials). */
    public static function ready(): bool
    {
        return (bool) Settings::get('enabled') && self::problem() === '';
    }

    /** The configured Client (call ready() first); null when it cannot be made. */
    public static function client()
    {
        if (self::$client === null && self::problem() === '') {
            try {
                self::$client = self::build(self::credentials());
            } catch (\Throwable $e) {
                self::$problem = self::describe($e);
            }
        }
        return self::$client;
    }

    /**
     * The call-api-id, api key and base URL in use: the sandbox's (with the id and key the admin
     * entered for it) in sandbox mode, else the service's.
     *
     * @return array{call_api_id: string, api_key: string, base_url: ?string}
     */
    public static function credentials(): array
    {
        $base = Settings::get('base_url');
        if (Settings::get('sandbox') && (string) Settings::get('sandbox_url') !== '') {
            $base = (string) Settings::get('sandbox_url');
        }
        return [
            'call_api_id' => (string) Settings::get('call_api_id'),
            'api_key' => (string) Settings::get('api_key'),
            'base_url' => is_string($base) && $base !== '' ? $base : null,
        ];
    }

    /** Whether the sandbox is in use (the code page then shows the sandbox's virtual phone). */
    public static function sandbox(): bool
    {
        return (bool) Settings::get('sandbox') && (string) Settings::get('sandbox_url') !== '';
    }

    /**
     * A Client with these credentials and the site's store, guard and policy. The package's
     * constructor takes named arguments on PHP 8; the plugin runs on 7.4 too, so they go through
     * Client::fromOptions() (the package's array form, in its PHP 7.4 port), or, with a package
     * that has none, by position, read from the constructor's own parameter list.
     *
     * @param array{call_api_id: string, api_key: string, base_url: ?string} $credentials
     * @return object LoginByCall\Client
     */
    public static function build(array $credentials)
    {
        self::load();
        $settings = Settings::all();
        $named = [
            'callApiId' => $credentials['call_api_id'] === '' ? null : $credentials['call_api_id'],
            'apiKey' => $credentials['api_key'] === '' ? null : $credentials['api_key'],
            'baseUrl' => $credentials['base_url'],
            'timeout' => 10.0,
            'deadline' => 10.0,
            'maxAttempts' => (int) $settings['max_attempts'],
            'store' => self::store(),
            'userAgent' => 'loginbycall-wordpress/' . LOGINBYCALL_WP_VERSION,
        ];
        $guard = Settings::guard($settings);
        if ($guard !== []) {
            $named['guard'] = $guard;
        }
        $named = (array) apply_filters('loginbycall_client_args', $named);
        $class = 'LoginByCall\\Client';
        if (method_exists($class, 'fromOptions')) {
            return $class::fromOptions($named); // the package's own way for PHP 7.4
        }
        return new $class(...self::positional($class, $named));
    }

    /**
     * The constructor's arguments in its order, the given ones by name, the rest at their defaults.
     *
     * @param array<string, mixed> $named
     * @return list<mixed>
     */
    public static function positional(string $class, array $named): array
    {
        $constructor = (new \ReflectionClass($class))->getConstructor();
        $args = [];
        $unknown = $named;
        $last = -1;
        foreach ($constructor === null ? [] : $constructor->getParameters() as $i => $parameter) {
            $name = $parameter->getName();
            if (array_key_exists($name, $named)) {
                $args[$i] = $named[$name];
                unset($unknown[$name]);
                $last = $i;
            } else {
                $args[$i] = $parameter->isDefaultValueAvailable() ? $parameter->getDefaultValue() : null;
            }
        }
        if ($unknown !== []) {
            throw new \InvalidArgumentException($class . ' takes no argument named ' . implode(', ', array_keys($unknown)));
        }
        return array_slice($args, 0, $last + 1);
    }

    /**
     * Where the library counts attempts, accept-once and the guard's calls: the setting (or
     * LOGINBYCALL_STORE), else a SQLite file in wp-content/uploads/loginbycall-<random>/, shared by
     * every PHP worker of the site and closed to the web (.htaccess, index.php; the random name for
     * servers that ignore .htaccess). A site on several servers sets `redis://host:6379/0`.
     */
    public static function store(): string
    {
        $store = (string) Settings::get('store');
        if ($store !== '') {
            return $store;
        }
        $suffix = get_option('loginbycall_store_suffix');
        if (!is_string($suffix) || preg_match('/^[a-z0-9]{16}$/', $suffix) !== 1) {
            $suffix = strtolower(wp_generate_password(16, false, false));
            update_option('loginbycall_store_suffix', $suffix, false);
        }
        $uploads = wp_upload_dir(null, false);
        $dir = $uploads['basedir'] . '/loginbycall-' . $suffix;
        if (!is_dir($dir)) {
            wp_mkdir_p($dir);
            @file_put_contents($dir . '/.htaccess', "Require all denied\nDeny from all\n");
            @file_put_contents($dir . '/index.php', "<?php\n// Silence.\n");
        }
        return 'sqlite://' . $dir . '/store.sqlite3';
    }

    /**
     * Loads the package (once). Its files may not even parse on this PHP: a ParseError is a
     * Throwable, caught by the callers and told to the admin.
     */
    public static function load(): void
    {
        if (class_exists('LoginByCall\\Client', false)) {
            return;
        }
        if (defined('LOGINBYCALL_LIB') && getenv('LOGINBYCALL_LIB') === false) {
            putenv('LOGINBYCALL_LIB=' . constant('LOGINBYCALL_LIB'));
        }
        $autoload = self::autoloadPath();
        if (!is_file($autoload)) {
            throw new \RuntimeException('autoload');
        }
        require_once $autoload;
        class_exists('LoginByCall\\Client');
    }

    private static function diagnose(): string
    {
        if (!extension_loaded('FFI')) {
            return __('PHP\'s FFI extension is not loaded. Install or enable it for the PHP that runs this site (on Debian and Ubuntu it is part of php-cli and php-fpm; elsewhere the package php-ffi or --with-ffi), then restart PHP-FPM or the web server.', 'loginbycall');
        }
        $enable = strtolower((string) ini_get('ffi.enable'));
        if (!in_array($enable, ['1', 'on', 'true', 'yes'], true) && !self::preloaded()) {
            return sprintf(
                /* translators: 1: the current value of ffi.enable, 2: a php.ini file of this PHP's FPM on Debian and Ubuntu */
                __('PHP allows FFI only in preloaded code here (ffi.enable = %1$s). Set "ffi.enable = 1" in the php.ini of PHP-FPM (e.g. %2$s), or preload the package as its README shows (ffi.preload and opcache.preload), then restart PHP-FPM.', 'loginbycall'),
                $enable === '' ? 'preload' : $enable,
                '/etc/php/' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION . '/fpm/conf.d/90-loginbycall.ini'
            );
        }
        if (!is_file(self::autoloadPath())) {
            return sprintf(
                /* translators: %s: the path looked at */
                __('The LoginByCall PHP package is missing: %s does not exist. Install the plugin from the SDK\'s loginbycall-wordpress zip or with its integrations/wordpress/build.sh (both put the package in vendor/loginbycall/), or define LOGINBYCALL_PHP_PACKAGE in wp-config.php as the path of its autoload.php.', 'loginbycall'),
                self::autoloadPath()
            );
        }
        $credentials = self::credentials();
        if ($credentials['call_api_id'] === '' || $credentials['api_key'] === '') {
            return __('LoginByCall has no credentials yet: enter the call-api-id and the api key on Settings → LoginByCall (or define LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY in wp-config.php).', 'loginbycall');
        }
        try {
            self::$client = self::build($credentials);
        } catch (\Throwable $e) {
            return self::describe($e);
        }
        return '';
    }

    private static function preloaded(): bool
    {
        try {
            return \FFI::scope('LOGINBYCALL') !== null;
        } catch (\Throwable $e) {
            return false;
        }
    }

    /** What an administrator reads for a failure to load the package or make the client. */
    private static function describe(\Throwable $e): string
    {
        if ($e instanceof \ParseError || $e instanceof \Error && strpos($e->getMessage(), 'syntax') !== false) {
            return sprintf(
                /* translators: 1: PHP version, 2: the error */
                __('The LoginByCall PHP package does not run on PHP %1$s (%2$s). Install a version of the package for this PHP, or run the site on a newer PHP.', 'loginbycall'),
                PHP_VERSION,
                $e->getMessage()
            );
        }
        if (is_a($e, 'LoginByCall\\Exception\\LibraryException')) {
            return sprintf(
                /* translators: %s: the library's own message, listing the paths it tried */
                __('libloginbycall was not found or could not be loaded: %s. Install it (make install PREFIX=/usr/local && ldconfig) or define LOGINBYCALL_LIB in wp-config.php as the path of libloginbycall.so.', 'loginbycall'),
                $e->getMessage()
            );
        }
        return sprintf(
            /* translators: %s: the error */
            __('LoginByCall could not start: %s', 'loginbycall'),
            get_class($e) . ': ' . $e->getMessage()
        );
    }

    /** Forgets the client and the diagnosis (after the settings changed). */
    public static function reset(): void
    {
        self::$client = null;
        self::$problem = null;
    }
}
