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
            <?php else : ?><input type="text" class="regular-text code" id="lbc-store" name="lbc[store]" value="<?php echo esc_attr((string) $s['store']); ?>" placeholder="redis://127.0.0.1:6379/0"><?php endif; ?>
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
</div>
        <?php
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
