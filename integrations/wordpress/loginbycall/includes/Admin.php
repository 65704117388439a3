<?php
/**
 * Settings → LoginByCall (manage_options only): credentials (the api key never shown back), the
 * sandbox, the store, the guard's limits, "test the connection" (server status, account status,
 * balance), and the admin notice that says exactly what is missing when the plugin cannot work.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Admin
{
    private const PAGE = 'loginbycall';

    private function __construct()
    {
    }

    public static function register(): void
    {
        add_action('admin_menu', static function (): void {
            add_options_page(__('LoginByCall', 'loginbycall'), __('LoginByCall', 'loginbycall'), 'manage_options', self::PAGE, [self::class, 'page']);
        });
        add_action('admin_post_loginbycall_save', [self::class, 'save']);
        add_action('admin_post_loginbycall_test', [self::class, 'test']);
        add_action('admin_post_loginbycall_register', [self::class, 'registerAccount']);
        add_action('admin_post_loginbycall_confirm', [self::class, 'confirmAccount']);
        add_action('init', [self::class, 'verificationFile'], 0);
        add_action('admin_notices', [self::class, 'notice']);
        add_filter('plugin_action_links_' . plugin_basename(LOGINBYCALL_WP_FILE), static function (array $links): array {
            array_unshift($links, '<a href="' . esc_url(admin_url('options-general.php?page=' . self::PAGE)) . '">' . esc_html__('Settings', 'loginbycall') . '</a>');
            return $links;
        });
    }

    /** The notice on the dashboard, the plugins page and the settings page when something is missing. */
    public static function notice(): void
    {
        if (!current_user_can('manage_options') || !Settings::get('enabled')) {
            return;
        }
        $screen = function_exists('get_current_screen') ? get_current_screen() : null;
        $id = $screen === null ? '' : (string) $screen->id;
        if (!in_array($id, ['dashboard', 'plugins', 'settings_page_' . self::PAGE], true)) {
            return;
        }
        $failure = get_transient('loginbycall_last_failure');
        if (is_array($failure) && isset($failure['at'], $failure['what'])) {
            echo '<div class="notice notice-warning" data-lbc-last-failure><p><strong>' . esc_html__('A phone-call login failed:', 'loginbycall') . '</strong> '
                . esc_html(sprintf(
                    /* translators: 1: date and time, 2: the error */
                    __('at %1$s the service could not place the call (%2$s). Visitors were asked to try again later. "Test the connection" on Settings → LoginByCall clears this notice.', 'loginbycall'),
                    wp_date((string) get_option('date_format') . ' ' . (string) get_option('time_format'), (int) $failure['at']),
                    (string) $failure['what']
                )) . '</p></div>';
        }
        $problem = Service::problem();
        if ($problem === '') {
            return;
        }
        echo '<div class="notice notice-error" data-lbc-admin-notice><p><strong>' . esc_html__('Login by phone call is off.', 'loginbycall') . '</strong> '
            . esc_html($problem) . ' ' . esc_html__('The password login works as before.', 'loginbycall') . '</p></div>';
    }

    public static function page(): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('Sorry, you are not allowed to manage options for this site.', 'loginbycall'), 403);
        }
        $s = Settings::all();
        $key = (string) Settings::get('api_key');
        $result = get_transient('loginbycall_admin_result_' . get_current_user_id());
        delete_transient('loginbycall_admin_result_' . get_current_user_id());
        ?>
<div class="wrap" data-lbc-settings>
  <h1><?php esc_html_e('Login by phone call', 'loginbycall'); ?></h1>
        <?php if (is_array($result)) : ?>
  <div class="notice notice-<?php echo esc_attr($result['ok'] ? 'success' : 'error'); ?>" data-lbc-result="<?php echo $result['ok'] ? 'ok' : 'error'; ?>">
            <?php foreach ($result['lines'] as $line) : ?><p><?php echo esc_html($line); ?></p><?php endforeach; ?>
  </div>
        <?php endif; ?>
  <form method="post" action="<?php echo esc_url(admin_url('admin-post.php')); ?>">
    <input type="hidden" name="action" value="loginbycall_save">
        <?php wp_nonce_field('loginbycall_save'); ?>
    <table class="form-table" role="presentation">
      <tr><th scope="row"><?php esc_html_e('Phone-call login', 'loginbycall'); ?></th>
        <td><label><input type="checkbox" name="lbc[enabled]" value="1" <?php checked($s['enabled']); ?>> <?php esc_html_e('Offer "Log in by phone call" beside the password form', 'loginbycall'); ?></label></td></tr>
      <tr><th scope="row"><label for="lbc-id"><?php esc_html_e('call-api-id', 'loginbycall'); ?></label></th>
        <td><?php if (Settings::fromConstant('call_api_id')) : ?><code><?php echo esc_html((string) Settings::get('call_api_id')); ?></code> <span class="description"><?php esc_html_e('(set in wp-config.php)', 'loginbycall'); ?></span>
            <?php else : ?><input type="text" class="regular-text code" id="lbc-id" name="lbc[call_api_id]" value="<?php echo esc_attr((string) $s['call_api_id']); ?>" autocomplete="off"><?php endif; ?></td></tr>
      <tr><th scope="row"><label for="lbc-key"><?php esc_html_e('api key', 'loginbycall'); ?></label></th>
        <td><?php if (Settings::fromConstant('api_key')) : ?><code><?php echo esc_html(Settings::hint($key)); ?></code> <span class="description"><?php esc_html_e('(set in wp-config.php)', 'loginbycall'); ?></span>
            <?php else : ?><input type="password" class="regular-text code" id="lbc-key" name="lbc[api_key]" value="" autocomplete="new-password" placeholder="<?php echo esc_attr($key === '' ? '' : Settings::hint($key)); ?>">
            <p class="description"><?php echo esc_html($key === '' ? __('The secret key the service mailed you.', 'loginbycall') : __('Stored; never shown. Leave empty to keep it.', 'loginbycall')); ?></p>
            <p class="description"><?php esc_html_e('Or define LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY in wp-config.php, which keeps the key out of the database.', 'loginbycall'); ?></p><?php endif; ?></td></tr>
      <tr><th scope="row"><?php esc_html_e('Sandbox', 'loginbycall'); ?></th>
        <td><label><input type="checkbox" name="lbc[sandbox]" value="1" <?php checked($s['sandbox']); ?>> <?php esc_html_e('Use the sandbox instead of the service (no real calls, no charges)', 'loginbycall'); ?></label>
          <p><input type="url" class="regular-text code" name="lbc[sandbox_url]" value="<?php echo esc_attr((string) $s['sandbox_url']); ?>" placeholder="http://127.0.0.1:8080/callapi/v2.0/"></p>
          <p class="description"><?php esc_html_e('Start it with "lbc sandbox --listen 127.0.0.1:8080 --account demo-id:demo-key" and enter its base_url here, and its account as the call-api-id and api key. The code page then shows the virtual phone.', 'loginbycall'); ?></p></td></tr>
      <tr><th scope="row"><?php esc_html_e('Sign-up', 'loginbycall'); ?></th>
        <td><label><input type="checkbox" name="lbc[signup]" value="1" <?php checked($s['signup']); ?>> <?php esc_html_e('A new number creates an account when anyone can register (Settings → General), with the default role', 'loginbycall'); ?></label></td></tr>
      <tr><th scope="row"><label for="lbc-store"><?php esc_html_e('Store', 'loginbycall'); ?></label></th>
        <td><?php if (Settings::fromConstant('store')) : ?><code><?php echo esc_html((string) Settings::get('store')); ?></code>
            <?php else : ?><input type="text" class="regular-text code" id="lbc-store" name="lbc[store]" value="<?php echo esc_attr((string) $s['store']); ?>"><?php endif; ?>
          <p class="description"><?php esc_html_e('Where attempts and the call limits are counted. Empty: a SQLite file in the uploads folder, closed to the web. Several servers: redis://host:6379/0.', 'loginbycall'); ?></p></td></tr>
      <tr><th scope="row"><?php esc_html_e('Call limits', 'loginbycall'); ?></th>
        <td><fieldset>
            <?php
            $labels = [
                'number_rate' => __('Calls to one number per hour', 'loginbycall'),
                'ip_rate' => __('Calls for one visitor (IP address) per hour', 'loginbycall'),
                'range_rate' => __('Calls to one number range per hour', 'loginbycall'),
                'global_rate' => __('Calls in all per hour', 'loginbycall'),
            ];
            foreach ($labels as $name => $label) :
                ?>
          <p><label><input type="number" min="0" class="small-text" name="lbc[<?php echo esc_attr($name); ?>]" value="<?php echo esc_attr((string) $s[$name]); ?>"> <?php echo esc_html($label); ?></label></p>
            <?php endforeach; ?>
          <p><label><input type="number" min="1" max="10" class="small-text" name="lbc[max_attempts]" value="<?php echo esc_attr((string) $s['max_attempts']); ?>"> <?php esc_html_e('Attempts at the digits per call', 'loginbycall'); ?></label></p>
          <p><label><input type="text" class="regular-text" name="lbc[countries]" value="<?php echo esc_attr((string) $s['countries']); ?>" placeholder="RU, KZ"> <?php esc_html_e('Countries calls may go to', 'loginbycall'); ?></label></p>
          <p class="description"><?php esc_html_e('0 or empty: the library\'s defaults (5 calls to a number, 20 per visitor, 30 per range, 1000 in all per hour; Russia only). Premium-rate and other costly number types are always refused.', 'loginbycall'); ?></p>
        </fieldset></td></tr>
      <tr><th scope="row"><?php esc_html_e('Two-factor', 'loginbycall'); ?></th>
        <td><fieldset>
            <?php foreach (wp_roles()->get_names() as $role => $name) : ?>
          <label><input type="checkbox" name="lbc[twofa_roles][]" value="<?php echo esc_attr($role); ?>" <?php checked(in_array($role, (array) $s['twofa_roles'], true)); ?>> <?php echo esc_html(translate_user_role($name)); ?></label><br>
            <?php endforeach; ?>
          <p class="description"><?php esc_html_e('Users with these roles who have a number get a phone call after the password, and are logged in only with its digits.', 'loginbycall'); ?></p>
        </fieldset></td></tr>
    </table>
        <?php submit_button(__('Save settings', 'loginbycall')); ?>
  </form>
  <h2><?php esc_html_e('Test the connection', 'loginbycall'); ?></h2>
  <p><?php esc_html_e('Asks the service for its status, the account\'s status and the balance with the saved settings. No call is placed.', 'loginbycall'); ?></p>
  <form method="post" action="<?php echo esc_url(admin_url('admin-post.php')); ?>">
    <input type="hidden" name="action" value="loginbycall_test">
        <?php wp_nonce_field('loginbycall_test'); ?>
        <?php submit_button(__('Test the connection', 'loginbycall'), 'secondary', 'lbc-test', false); ?>
  </form>
  <h2><?php esc_html_e('A new account', 'loginbycall'); ?></h2>
        <?php $pending = self::pending(); ?>
        <?php if ($pending === null) : ?>
  <p><?php esc_html_e('Registers this site\'s domain with the service (or issues new keys for it: the balance is kept). The service mails the api key to the address below; this site then publishes the new call-api-id at a verification address until the key is confirmed.', 'loginbycall'); ?></p>
  <form method="post" action="<?php echo esc_url(admin_url('admin-post.php')); ?>">
    <input type="hidden" name="action" value="loginbycall_register">
            <?php wp_nonce_field('loginbycall_register'); ?>
    <p><label><?php esc_html_e('Administrator\'s e-mail', 'loginbycall'); ?> <input type="email" class="regular-text" name="admin_email" required value="<?php echo esc_attr((string) get_option('admin_email')); ?>"></label></p>
    <p><label><?php esc_html_e('Administrator\'s phone (optional)', 'loginbycall'); ?> <input type="tel" class="regular-text" name="admin_phone" value=""></label></p>
            <?php submit_button(__('Register', 'loginbycall'), 'secondary', 'lbc-register', false); ?>
  </form>
        <?php else : ?>
  <p data-lbc-pending><?php echo esc_html(sprintf(
      /* translators: 1: the new call-api-id, 2: the verification address */
      __('Registered: the new call-api-id is %1$s, published at %2$s. Enter the api key the service mailed you to confirm it; the keys in use until then keep working.', 'loginbycall'),
      $pending['call_api_id'],
      $pending['verify_url']
  )); ?></p>
  <form method="post" action="<?php echo esc_url(admin_url('admin-post.php')); ?>">
    <input type="hidden" name="action" value="loginbycall_confirm">
            <?php wp_nonce_field('loginbycall_confirm'); ?>
    <p><label><?php esc_html_e('The mailed api key', 'loginbycall'); ?> <input type="password" class="regular-text code" name="api_key" id="lbc-new-key" required autocomplete="off"></label></p>
            <?php submit_button(__('Confirm the keys', 'loginbycall'), 'primary', 'lbc-confirm', false); ?>
            <?php submit_button(__('Cancel', 'loginbycall'), 'secondary', 'lbc-cancel', false, ['formnovalidate' => 'formnovalidate']); ?>
  </form>
        <?php endif; ?>
</div>
        <?php
    }

    /** @return ?array{call_api_id: string, verify_url: string, at: int} the registration waiting for its key */
    private static function pending(): ?array
    {
        $pending = get_option('loginbycall_pending');
        if (!is_array($pending) || !isset($pending['call_api_id'], $pending['verify_url'], $pending['at']) || time() - (int) $pending['at'] > DAY_IN_SECONDS) {
            return null;
        }
        return $pending;
    }

    /**
     * The verification address (`/?loginbycall-verify=1`): the pending call-api-id as plain text while
     * a registration waits for its confirmation, and nothing at all otherwise.
     */
    public static function verificationFile(): void
    {
        if (!isset($_GET['loginbycall-verify'])) {
            return;
        }
        $pending = self::pending();
        if ($pending === null) {
            return;
        }
        nocache_headers();
        header('Content-Type: text/plain; charset=utf-8');
        echo $pending['call_api_id']; // phpcs:ignore WordPress.Security.EscapeOutput -- plain text, [A-Za-z0-9] from the service
        exit;
    }

    public static function registerAccount(): void
    {
        self::allowed('loginbycall_register');
        $email = isset($_POST['admin_email']) ? sanitize_email(wp_unslash((string) $_POST['admin_email'])) : '';
        $phone = isset($_POST['admin_phone']) ? sanitize_text_field(wp_unslash((string) $_POST['admin_phone'])) : '';
        $home = wp_parse_url(home_url());
        $domain = (string) ($home['host'] ?? '') . (isset($home['port']) ? ':' . $home['port'] : '');
        $verify = add_query_arg('loginbycall-verify', '1', home_url('/'));
        try {
            $credentials = Service::credentials();
            $client = Service::build(['call_api_id' => '', 'api_key' => '', 'base_url' => $credentials['base_url']]);
            $done = $client->register($domain, $email, $phone === '' ? null : $phone, $verify);
        } catch (\Throwable $e) {
            /* translators: %s: the error */
            self::result(false, [sprintf(__('The service answered with an error: %s', 'loginbycall'), get_class($e) . ': ' . $e->getMessage())]);
            return;
        }
        update_option('loginbycall_pending', ['call_api_id' => $done->callApiId, 'verify_url' => $done->verifyUrl, 'at' => time()], false);
        /* translators: %s: an e-mail address */
        self::result(true, [sprintf(__('Registered. The service mailed the api key to %s: enter it below to confirm the new keys.', 'loginbycall'), $email)]);
    }

    public static function confirmAccount(): void
    {
        self::allowed('loginbycall_confirm');
        $pending = self::pending();
        if (isset($_POST['lbc-cancel']) || $pending === null) {
            delete_option('loginbycall_pending');
            self::result(true, [__('The registration is cancelled.', 'loginbycall')]);
            return;
        }
        $key = isset($_POST['api_key']) ? trim(wp_unslash((string) $_POST['api_key'])) : '';
        try {
            $credentials = Service::credentials();
            $client = Service::build(['call_api_id' => $pending['call_api_id'], 'api_key' => $key, 'base_url' => $credentials['base_url']]);
            $client->credentialConfirm();
        } catch (\Throwable $e) {
            /* translators: %s: the error */
            self::result(false, [sprintf(__('The service answered with an error: %s', 'loginbycall'), get_class($e) . ': ' . $e->getMessage())]);
            return;
        }
        $settings = Settings::all();
        $settings['call_api_id'] = $pending['call_api_id'];
        $settings['api_key'] = $key;
        update_option(Settings::OPTION, $settings, true);
        delete_option('loginbycall_pending');
        Service::reset();
        $lines = [__('The new keys are confirmed and saved; the older keys of the account no longer work.', 'loginbycall')];
        if (Settings::fromConstant('call_api_id') || Settings::fromConstant('api_key')) {
            $lines[] = __('wp-config.php still sets the credentials: replace them there with the new call-api-id and api key.', 'loginbycall');
        }
        self::result(true, $lines);
    }

    private static function allowed(string $nonce): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('Sorry, you are not allowed to manage options for this site.', 'loginbycall'), 403);
        }
        check_admin_referer($nonce);
    }

    public static function save(): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('Sorry, you are not allowed to manage options for this site.', 'loginbycall'), 403);
        }
        check_admin_referer('loginbycall_save');
        $input = isset($_POST['lbc']) ? wp_unslash($_POST['lbc']) : [];
        [$settings, $problems] = Settings::sanitize($input, Settings::all());
        update_option(Settings::OPTION, $settings, true);
        Service::reset();
        $lines = [__('Settings saved.', 'loginbycall')];
        foreach ($problems as $field) {
            /* translators: %s: the setting's name */
            $lines[] = sprintf(__('The value of "%s" was not valid and was not saved.', 'loginbycall'), $field);
        }
        self::result($problems === [], $lines);
    }

    public static function test(): void
    {
        if (!current_user_can('manage_options')) {
            wp_die(esc_html__('Sorry, you are not allowed to manage options for this site.', 'loginbycall'), 403);
        }
        check_admin_referer('loginbycall_test');
        $lines = [];
        $ok = false;
        $problem = Service::problem();
        if ($problem !== '') {
            $lines[] = $problem;
        } else {
            $client = Service::client();
            try {
                $server = $client->serverStatus();
                $lines[] = $server->isWorking
                    ? __('Server status: working, calls are placed.', 'loginbycall')
                    /* translators: %d: the status number */
                    : sprintf(__('Server status: %d, calls are not placed now.', 'loginbycall'), $server->value);
                $status = $client->status();
                $lines[] = sprintf(
                    /* translators: 1: yes/no, 2: yes/no */
                    __('Account: activated %1$s, blocked %2$s.', 'loginbycall'),
                    $status->activated ? __('yes', 'loginbycall') : __('no', 'loginbycall'),
                    $status->blocked ? __('yes', 'loginbycall') : __('no', 'loginbycall')
                );
                $balance = $client->balance();
                /* translators: %s: credits */
                $lines[] = sprintf(__('Balance: %s credits.', 'loginbycall'), number_format_i18n($balance->current));
                $ok = $server->isWorking && !$status->blocked;
                if ($ok) {
                    delete_transient('loginbycall_last_failure');
                }
            } catch (\Throwable $e) {
                /* translators: %s: the error */
                $lines[] = sprintf(__('The service answered with an error: %s', 'loginbycall'), get_class($e) . ': ' . $e->getMessage());
            }
        }
        self::result($ok, $lines);
    }

    /** @param list<string> $lines */
    private static function result(bool $ok, array $lines): void
    {
        set_transient('loginbycall_admin_result_' . get_current_user_id(), ['ok' => $ok, 'lines' => $lines], 60);
        wp_safe_redirect(admin_url('options-general.php?page=' . self::PAGE));
        exit;
    }
}
