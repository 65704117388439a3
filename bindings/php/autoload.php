<?php
// For sites without Composer: `require 'bindings/php/autoload.php';` (or wherever the package is),
// then use LoginByCall\Client, LoginByCall\Login, LoginByCall\Signer. With Composer, composer.json
// maps the same namespace (PSR-4: LoginByCall\ => src/).

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (strncmp($class, 'LoginByCall\\', 12) !== 0) {
        return;
    }
    $path = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen('LoginByCall\\'))) . '.php';
    if (is_file($path)) {
        require $path;
    }
});
