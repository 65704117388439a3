<?php
/**
 * The number form (wp-login.php?action=loginbycall), and the honest "may have been placed" page.
 *
 * @package LoginByCall
 * @var array<string, mixed> $context
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use LoginByCall\WordPress\Pages;
use LoginByCall\WordPress\Texts;

$lbc_link = in_array($context['purpose'], ['link', 'remove'], true);
$lbc_remove = $context['purpose'] === 'remove';
?>
<section class="lbc-card" data-lbc-page="<?php echo $context['placed'] ? 'placed' : 'phone'; ?>">
<?php if ($context['placed']) : ?>
  <h2 class="lbc-title"><?php echo esc_html(Texts::filtered('placed_title', __('We could not tell whether the call was placed', 'loginbycall'))); ?></h2>
  <p class="lbc-lead"><?php echo esc_html(Texts::filtered('placed', __('The service did not answer in time, so your phone may still ring. If it does, you do not need to answer, but no code can be checked for that call. Wait a minute before asking for a new call, so that you are not called twice.', 'loginbycall'))); ?></p>
  <form method="post" action="<?php echo esc_url(Pages::url()); ?>" class="lbc-form" data-lbc-submit>
    <?php wp_nonce_field('loginbycall_phone', '_lbcnonce', false); ?>
    <input type="hidden" name="purpose" value="<?php echo esc_attr($context['purpose']); ?>">
    <input type="hidden" name="phone" value="<?php echo esc_attr($context['phone']); ?>">
    <button type="submit" class="button button-primary button-large lbc-button" data-lbc-again data-lbc-busy="<?php esc_attr_e('Calling…', 'loginbycall'); ?>"><?php esc_html_e('Call me again', 'loginbycall'); ?></button>
    <?php include __DIR__ . '/_countdown.php'; ?>
  </form>
<?php else : ?>
  <h2 class="lbc-title"><?php echo esc_html($lbc_remove ? __('Remove a phone number', 'loginbycall') : ($lbc_link ? __('Add a phone number', 'loginbycall') : ($context['signup'] ? __('Sign up by phone call', 'loginbycall') : __('Log in by phone call', 'loginbycall')))); ?></h2>
  <?php include __DIR__ . '/_messages.php'; ?>
  <?php if (!$context['unavailable']) : ?>
  <p class="lbc-lead"><?php echo esc_html(Texts::filtered('lead', __('We will call your phone from a random number. You do not need to answer: the last digits of that number are your code.', 'loginbycall'))); ?></p>
  <form method="post" action="<?php echo esc_url(Pages::url()); ?>" class="lbc-form" data-lbc-phone-form data-lbc-submit>
    <?php wp_nonce_field('loginbycall_phone', '_lbcnonce', false); ?>
    <input type="hidden" name="purpose" value="<?php echo esc_attr($context['purpose']); ?>">
    <input type="hidden" name="redirect_to" value="<?php echo esc_attr($context['redirect_to']); ?>">
    <label class="lbc-label" for="lbc-phone"><?php esc_html_e('Phone number', 'loginbycall'); ?></label>
    <?php if ($lbc_remove) : ?>
    <input type="hidden" name="number" value="<?php echo esc_attr($context['phone']); ?>">
    <input type="tel" id="lbc-phone" class="input" readonly value="<?php echo esc_attr($context['phone']); ?>">
    <?php else : ?>
    <input type="tel" name="phone" id="lbc-phone" class="input" autocomplete="tel" inputmode="tel" required placeholder="+7 925 688-06-36" value="<?php echo esc_attr($context['phone']); ?>">
    <?php endif; ?>
    <button type="submit" class="button button-primary button-large lbc-button" data-lbc-again data-lbc-busy="<?php esc_attr_e('Calling…', 'loginbycall'); ?>"><?php esc_html_e('Call me', 'loginbycall'); ?></button>
    <?php include __DIR__ . '/_countdown.php'; ?>
  </form>
  <?php endif; ?>
<?php endif; ?>
  <p class="lbc-aside"><a href="<?php echo esc_url($lbc_link ? get_edit_profile_url() : wp_login_url($context['redirect_to'])); ?>"><?php echo esc_html($lbc_link ? __('Back to your profile', 'loginbycall') : __('Log in another way', 'loginbycall')); ?></a></p>
</section>
