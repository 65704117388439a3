<?php
/**
 * The block in Russian, as the block editor gets it (scripts/test-wordpress.sh runs it):
 * php i18n.php WP_DIR SITE_URL
 *
 * Loads WordPress with the locale ru_RU and the plugin, then checks that block.json's title,
 * description and keywords are translated, and that the translations WordPress prints for the
 * editor script (the inline wp.i18n.setLocaleData() call) come from the plugin's
 * languages/loginbycall-ru_RU-MD5.json. Prints one line per check; exits 1 on a failure.
 */

declare(strict_types=1);

[$script, $dir, $url] = $argv;
$_SERVER['HTTP_HOST'] = parse_url($url, PHP_URL_HOST);
$_SERVER['SERVER_PORT'] = (string) parse_url($url, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/';
// A filter set before WordPress loads (WP_Hook's preinitialised hooks): the whole run in Russian.
$GLOBALS['wp_filter'] = ['locale' => [10 => [['function' => static function (): string {
    return 'ru_RU';
}, 'accepted_args' => 1]]]];
require $dir . '/wp-load.php';

$failed = 0;
function check(bool $ok, string $what): void
{
    global $failed;
    echo ($ok ? 'ok: ' : 'FAILED: ') . $what . "\n";
    $failed += $ok ? 0 : 1;
}

$block = WP_Block_Type_Registry::get_instance()->get_registered('loginbycall/login');
check($block !== null, 'the block loginbycall/login is registered');
if ($block !== null) {
    check($block->title === 'Войти по звонку', "its title in Russian: {$block->title}");
    check(strpos($block->description, 'посетитель вводит номер') !== false, 'its description in Russian');
    check($block->keywords === ['вход', 'телефон', 'звонок'], 'its keywords in Russian: ' . implode(', ', $block->keywords));
    // WordPress 6.1 lists the handles; older ones have the one.
    $handle = isset($block->editor_script_handles) ? ($block->editor_script_handles[0] ?? null) : $block->editor_script;
    check(is_string($handle) && wp_script_is($handle, 'registered'), "its editor script is registered ($handle)");
    $printed = (string) wp_scripts()->print_translations((string) $handle, false);
    check(strpos($printed, 'После входа') !== false && strpos($printed, 'Перейти по адресу') !== false,
        'the editor script gets its texts in Russian from languages/*.json');
}
exit($failed === 0 ? 0 : 1);
