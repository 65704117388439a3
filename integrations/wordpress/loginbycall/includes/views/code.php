<?php
/**
 * The code page (wp-login.php?action=loginbycall-code): "Waiting for a call from +7925688____",
 * the live status, the digits, "call me again" with its countdown.
 *
 * @package LoginByCall
 * @var array<string, mixed> $context
 */

declare(strict_types=1);

defined('ABSPATH') || exit;

use LoginByCall\CallState;
use LoginByCall\WordPress\Pages;

$lbc_status = $context['status'];
$lbc_link = in_array($context['purpose'], ['link', 'remove'], true);
$lbc_len = (int) $context['codelen'];
$lbc_phone = $lbc_status['virtual_phone'] ?? null;
// Busy and failed calls never rang: there are no digits to type (the script hides them too when
// the status turns so while the page is open).
$lbc_never_rang = in_array($lbc_status['code'], [CallState::BUSY, CallState::FAILED], true);
$lbc_over = $context['locked'] || $context['expired'];
?>
<section class="lbc-card" data-lbc-page="code" data-lbc-login data-status-url="<?php echo esc_url(Pages::url('status')); ?>" data-final="<?php echo $lbc_status['final'] ? 'true' : 'false'; ?>" data-expires-in="<?php echo esc_attr((string) $lbc_status['expires_in']); ?>">
  <h2 class="lbc-title"><?php echo esc_html($context['purpose'] === '2fa' ? __('Confirm your login by a call', 'loginbycall') : ($lbc_link ? __('Confirm the number', 'loginbycall') : __('Log in by phone call', 'loginbycall'))); ?></h2>
  <p class="lbc-prompt" data-lbc-prompt-line<?php echo ($lbc_over || $lbc_never_rang) ? ' hidden' : ''; ?>><?php esc_html_e('Waiting for a call from', 'loginbycall'); ?>
    <span class="lbc-number" data-lbc-prompt><?php echo esc_html($context['prompt']); ?><span class="lbc-blanks" aria-label="<?php echo esc_attr(sprintf(
        /* translators: %d: how many digits are hidden */
        _n('%d digit', '%d digits', $lbc_len, 'loginbycall'),
        $lbc_len
    )); ?>"><?php echo str_repeat('<span class="lbc-blank"></span>', $lbc_len); ?></span></span>
  </p>
  <p class="lbc-status"<?php echo $lbc_over ? ' hidden' : ''; ?> data-lbc-status data-status="<?php echo esc_attr($lbc_status['status']); ?>" data-code="<?php echo esc_attr((string) $lbc_status['code']); ?>" role="status" aria-live="polite"><?php echo esc_html($lbc_status['message']); ?></p>
  <?php if (is_array($lbc_phone)) : ?>
  <aside class="lbc-phone" data-lbc-phone data-state="<?php echo esc_attr($lbc_phone['state']); ?>" aria-label="<?php esc_attr_e('Virtual phone', 'loginbycall'); ?>">
    <div class="lbc-phone-notch"></div>
    <div class="lbc-phone-screen">
      <div class="lbc-phone-label" data-lbc-phone-label><?php echo esc_html($lbc_phone['label']); ?></div>
      <div class="lbc-phone-number" data-lbc-phone-number><?php if ($lbc_phone['head'] !== '') : ?><?php echo esc_html($lbc_phone['head']); ?><mark data-lbc-phone-code><?php echo esc_html($lbc_phone['code']); ?></mark><?php endif; ?></div>
      <div class="lbc-phone-ring" aria-hidden="true"></div>
    </div>
    <p class="lbc-phone-caption"><?php esc_html_e('Virtual phone (sandbox): no real call is placed. The code is the highlighted end of the number.', 'loginbycall'); ?></p>
  </aside>
  <?php endif; ?>
  <?php include __DIR__ . '/_messages.php'; ?>
  <?php if ($lbc_over) : ?>
    <p class="lbc-alert lbc-alert-warning" data-lbc-locked<?php echo $context['error'] !== '' ? ' hidden' : ''; ?>><?php echo esc_html($context['expired'] ? __('The code has expired. Ask for a new call.', 'loginbycall') : __('No attempt is left for this call. Ask for a new call.', 'loginbycall')); ?></p>
  <?php endif; ?>
  <div class="lbc-actions">
  <?php if (!$lbc_over) : ?>
  <form method="post" action="<?php echo esc_url(Pages::url('code')); ?>" class="lbc-form lbc-code-form" data-lbc-code-form data-lbc-submit<?php echo $lbc_never_rang ? ' hidden' : ''; ?>>
    <?php wp_nonce_field('loginbycall_code', '_lbcnonce', false); ?>
    <label class="lbc-label" for="lbc-digits"><?php echo esc_html(sprintf(
        /* translators: %d: how many digits */
        _n('The last %d digit of the calling number', 'The last %d digits of the calling number', $lbc_len, 'loginbycall'),
        $lbc_len
    )); ?></label>
    <input type="text" name="digits" id="lbc-digits" class="input lbc-digits" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="<?php echo esc_attr((string) $lbc_len); ?>" required autofocus>
    <button type="submit" class="button button-primary button-large lbc-button lbc-code-button" data-lbc-busy="<?php esc_attr_e('Checking…', 'loginbycall'); ?>"><?php echo esc_html($lbc_link ? __('Confirm', 'loginbycall') : __('Log in', 'loginbycall')); ?></button>
  </form>
  <?php endif; ?>
  <form method="post" action="<?php echo esc_url(Pages::url('again')); ?>" class="lbc-again<?php echo ($lbc_status['retry'] || $lbc_over) ? ' lbc-again-first' : ''; ?>" data-lbc-again-form data-lbc-submit>
    <?php wp_nonce_field('loginbycall_again', '_lbcnonce', false); ?>
    <span class="lbc-again-text"><?php esc_html_e('No call?', 'loginbycall'); ?></span>
    <button type="submit" class="button lbc-button-secondary" data-lbc-again data-lbc-busy="<?php esc_attr_e('Calling…', 'loginbycall'); ?>"><?php esc_html_e('Call me again', 'loginbycall'); ?></button>
    <?php include __DIR__ . '/_countdown.php'; ?>
  </form>
  </div>
  <p class="lbc-aside"><?php if ($context['purpose'] !== '2fa') : ?><a href="<?php echo esc_url(Pages::url('', $lbc_link ? ['purpose' => 'link'] : [])); ?>"><?php esc_html_e('Use another number', 'loginbycall'); ?></a><?php endif; ?>
  <?php if ($context['purpose'] === 'login') : ?> · <?php endif; ?><?php if (!$lbc_link) : ?><a href="<?php echo esc_url(wp_login_url()); ?>"><?php esc_html_e('Log in another way', 'loginbycall'); ?></a><?php endif; ?></p>
  <noscript><p class="lbc-aside"><a href="<?php echo esc_url(Pages::url('code')); ?>"><?php esc_html_e('Refresh the call\'s status', 'loginbycall'); ?></a></p></noscript>
</section>
