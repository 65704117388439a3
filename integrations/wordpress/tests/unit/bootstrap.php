<?php
/**
 * PHPUnit bootstrap for the plugin's own code that needs no WordPress: small shims of the few
 * WordPress functions it calls (translation, filters, sanitising), nothing else. Filters added
 * with add_filter() here run as WordPress would run them.
 */

declare(strict_types=1);

define('ABSPATH', __DIR__ . '/');

$GLOBALS['lbc_filters'] = [];

function add_filter(string $hook, callable $callback, int $priority = 10, int $args = 1): void
{
    $GLOBALS['lbc_filters'][$hook][$priority][] = [$callback, $args];
}

function remove_all_filters(string $hook): void
{
    unset($GLOBALS['lbc_filters'][$hook]);
}

function apply_filters(string $hook, $value, ...$args)
{
    $callbacks = $GLOBALS['lbc_filters'][$hook] ?? [];
    ksort($callbacks);
    foreach ($callbacks as $list) {
        foreach ($list as [$callback, $count]) {
            $value = $callback(...array_slice(array_merge([$value], $args), 0, $count));
        }
    }
    return $value;
}

function __(string $text, string $domain = 'default'): string
{
    return $text;
}

function _n(string $single, string $plural, int $number, string $domain = 'default'): string
{
    return $number === 1 ? $single : $plural;
}

function sanitize_text_field(string $text): string
{
    return trim((string) preg_replace('/[\r\n\t ]+/', ' ', strip_tags($text)));
}

// The package's classes the plugin names (CallState), as the plugin's Service would load them;
// nothing here loads the library.
require __DIR__ . '/../../../../bindings/php/autoload.php';
require __DIR__ . '/../../loginbycall/includes/Phone.php';
require __DIR__ . '/../../loginbycall/includes/Settings.php';
require __DIR__ . '/../../loginbycall/includes/Texts.php';
require __DIR__ . '/../../loginbycall/includes/Service.php';
