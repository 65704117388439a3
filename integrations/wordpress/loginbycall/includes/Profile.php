<?php
/**
 * The user's numbers on the profile page: each new number is proved by a call to it (the same flow
 * as the login, purpose `link`), and a number is removed after a call to it proves the user still
 * holds it (purpose `remove`); an administrator editing another user removes a number directly.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

final class Profile
{
    private function __construct()
    {
    }

    public static function register(): void
    {
        add_action('show_user_profile', [self::class, 'section']);
        add_action('edit_user_profile', [self::class, 'section']);
        add_action('edit_user_profile_update', [self::class, 'adminRemove']);
        add_action('admin_enqueue_scripts', static function (string $hook): void {
            if ($hook === 'profile.php' || $hook === 'user-edit.php') {
                Assets::style();
            }
        });
    }

    public static function section(\WP_User $user): void
    {
        if (!current_user_can('edit_user', $user->ID)) {
            return;
        }
        $own = $user->ID === get_current_user_id();
        $numbers = Accounts::numbers($user->ID);
        $done = isset($_GET['loginbycall']) ? sanitize_key((string) $_GET['loginbycall']) : '';
        ?>
<h2 id="loginbycall"><?php esc_html_e('Phone numbers for logging in by phone call', 'loginbycall'); ?></h2>
        <?php if ($done === 'linked' || $done === 'removed') : ?>
<div class="notice notice-success inline" data-lbc-profile-done="<?php echo esc_attr($done); ?>"><p><?php echo esc_html($done === 'linked' ? __('The number is confirmed and linked to your account.', 'loginbycall') : __('The number is removed from your account.', 'loginbycall')); ?></p></div>
        <?php endif; ?>
<table class="form-table" role="presentation"><tr><th scope="row"><?php esc_html_e('Numbers', 'loginbycall'); ?></th><td>
        <?php if ($numbers === []) : ?>
  <p class="description" data-lbc-no-numbers><?php esc_html_e('No number yet.', 'loginbycall'); ?></p>
        <?php else : ?>
  <ul class="lbc-profile-numbers" data-lbc-numbers>
            <?php foreach ($numbers as $number) : ?>
    <li><code data-lbc-number><?php echo esc_html($number); ?></code>
                <?php if ($own) : ?>
      <a class="button button-small" href="<?php echo esc_url(Pages::url('', ['purpose' => 'remove', 'number' => $number])); ?>"><?php esc_html_e('Remove (we call it to confirm)', 'loginbycall'); ?></a>
                <?php elseif (current_user_can('edit_users')) : ?>
      <label><input type="checkbox" name="loginbycall_remove[]" value="<?php echo esc_attr($number); ?>"> <?php esc_html_e('Remove', 'loginbycall'); ?></label>
                <?php endif; ?>
    </li>
            <?php endforeach; ?>
  </ul>
        <?php endif; ?>
        <?php if ($own && Service::ready()) : ?>
  <a class="button" data-lbc-add href="<?php echo esc_url(Pages::url('', ['purpose' => 'link'])); ?>"><?php esc_html_e('Add a phone number', 'loginbycall'); ?></a>
  <p class="description"><?php esc_html_e('We call the number; you type the last digits of the calling number. To change a number, add the new one and remove the old one.', 'loginbycall'); ?></p>
        <?php endif; ?>
        <?php wp_nonce_field('loginbycall_profile_' . $user->ID, '_lbcprofile', false); ?>
</td></tr></table>
        <?php
    }

    /** An administrator removes numbers of another user (the profile form's own save). */
    public static function adminRemove(int $userId): void
    {
        if (!current_user_can('edit_user', $userId) || !current_user_can('edit_users') || empty($_POST['loginbycall_remove'])) {
            return;
        }
        if (!wp_verify_nonce(isset($_POST['_lbcprofile']) ? (string) $_POST['_lbcprofile'] : '', 'loginbycall_profile_' . $userId)) {
            return;
        }
        foreach ((array) wp_unslash($_POST['loginbycall_remove']) as $number) {
            $e164 = Phone::e164((string) $number);
            if ($e164 !== null) {
                Accounts::unlink($userId, $e164);
            }
        }
    }
}
