<?php
/**
 * The phone-call pages on wp-login.php, beside the password form:
 *
 *   wp-login.php?action=loginbycall          the number (GET), places the call (POST)
 *   wp-login.php?action=loginbycall-code     "Waiting for a call from +7925688____" and the digits
 *   wp-login.php?action=loginbycall-again    a new call to the same number (POST)
 *   wp-login.php?action=loginbycall-status   the call's live status (JSON, polled by the page)
 *
 * The purpose of a flow is `login` (a verified number logs its user in; an unknown one signs up a
 * new user when the site allows registration) or `link` (a logged-in user adds a number). Every form
 * carries a nonce; every redirect goes through wp_safe_redirect. Hooks: loginbycall_logged_in
 * ($user, $phone), loginbycall_signed_up ($user, $phone), loginbycall_login_failed ($phone, $reason),
 * loginbycall_call_refused ($phone, $reason, $retry_after); filters loginbycall_login_redirect and
 * loginbycall_text.
 *
 * @package LoginByCall
 */

declare(strict_types=1);

namespace LoginByCall\WordPress;

use LoginByCall\CallState;

final class Pages
{
    private function __construct()
    {
    }

    public static function register(): void
    {
        add_action('login_form_loginbycall', [self::class, 'phonePage']);
        add_action('login_form_loginbycall-code', [self::class, 'codePage']);
        add_action('login_form_loginbycall-again', [self::class, 'againPage']);
        add_action('login_form_loginbycall-status', [self::class, 'statusJson']);
        add_action('login_form', [self::class, 'besidePasswordForm']);
        add_action('register_form', [self::class, 'besideRegisterForm']);
        add_action('login_enqueue_scripts', [self::class, 'assets']);
        add_filter('authenticate', [self::class, 'secondFactor'], 100, 1);
    }

    /**
     * Two-factor: after a right password (the filter runs after WordPress's own checks), a user of a
     * role the settings name, who has a number, gets a call to it and is logged in only on the code
     * page. When no call can be placed the login is refused (fails closed), never let through.
     *
     * @param mixed $user
     * @return mixed
     */
    public static function secondFactor($user)
    {
        if (!$user instanceof \WP_User || !Settings::get('enabled') || did_action('application_password_did_authenticate')) {
            return $user; // application passwords are their own second secret
        }
        $roles = (array) Settings::get('twofa_roles');
        if (array_intersect($roles, (array) $user->roles) === []) {
            return $user;
        }
        $numbers = Accounts::numbers($user->ID);
        if ($numbers === []) {
            return $user;
        }
        if (defined('XMLRPC_REQUEST') && XMLRPC_REQUEST) {
            // No page to type the digits on: a password alone must not do.
            return new \WP_Error('loginbycall_2fa', esc_html__('This account logs in with a phone call after the password; XML-RPC cannot do that. Use an application password.', 'loginbycall'));
        }
        if (!Service::ready()) {
            return new \WP_Error('loginbycall_2fa', esc_html(Texts::filtered('unavailable', __('Login by phone call is not available right now. Please use another way to log in.', 'loginbycall'))));
        }
        $result = self::startCall($numbers[0], '2fa', self::requestedRedirect(), $user->ID);
        if ($result !== null) {
            $message = (string) ($result['error'] ?? __('Login by phone call is not available right now. Please use another way to log in.', 'loginbycall'));
            return new \WP_Error('loginbycall_2fa', esc_html($message));
        }
        wp_safe_redirect(self::url('code'));
        exit;
    }

    /** The plugin's CSS and JS on wp-login.php. */
    public static function assets(): void
    {
        Assets::styleAndScript();
    }

    /** The URL of one of the pages. */
    public static function url(string $page = '', array $args = []): string
    {
        $action = $page === '' ? 'loginbycall' : 'loginbycall-' . $page;
        return add_query_arg(array_merge(['action' => $action], $args), wp_login_url());
    }

    /** "Log in by phone call" under the password form (moved below the form by the script). */
    public static function besidePasswordForm(): void
    {
        if (!Service::ready()) {
            return;
        }
        $args = [];
        if (!empty($_REQUEST['redirect_to'])) {
            $args['redirect_to'] = rawurlencode(wp_unslash((string) $_REQUEST['redirect_to']));
        }
        echo '<div class="lbc-alt" data-lbc-alt><p class="lbc-or"><span>' . esc_html__('or', 'loginbycall') . '</span></p>'
            . '<a class="button button-large lbc-alt-button" href="' . esc_url(self::url('', $args)) . '">'
            . esc_html(Texts::filtered('log_in_by_call', __('Log in by phone call', 'loginbycall'))) . '</a></div>';
    }

    /** "Sign up by phone call" on the registration form. */
    public static function besideRegisterForm(): void
    {
        if (!Service::ready() || !Settings::get('signup')) {
            return;
        }
        echo '<div class="lbc-alt" data-lbc-alt><p class="lbc-or"><span>' . esc_html__('or', 'loginbycall') . '</span></p>'
            . '<a class="button button-large lbc-alt-button" href="' . esc_url(self::url('', ['signup' => 1])) . '">'
            . esc_html(Texts::filtered('sign_up_by_call', __('Sign up by phone call', 'loginbycall'))) . '</a></div>';
    }

    /** The number form; its POST places the call. */
    public static function phonePage(): void
    {
        $purpose = isset($_REQUEST['purpose']) && in_array($_REQUEST['purpose'], ['link', 'remove'], true) ? (string) $_REQUEST['purpose'] : 'login';
        if ($purpose !== 'login' && !is_user_logged_in()) {
            wp_safe_redirect(wp_login_url(self::url('', ['purpose' => 'link'])));
            exit;
        }
        $number = '';
        if ($purpose === 'remove') {
            $number = (string) Phone::e164(isset($_REQUEST['number']) ? wp_unslash((string) $_REQUEST['number']) : '');
            if (!in_array($number, Accounts::numbers(get_current_user_id()), true)) {
                wp_safe_redirect(get_edit_profile_url());
                exit;
            }
        }
        if (!Service::ready()) {
            self::render('phone', ['purpose' => $purpose, 'unavailable' => true]);
        }
        $redirect = self::requestedRedirect();
        if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
            self::render('phone', ['purpose' => $purpose, 'redirect_to' => $redirect, 'signup' => !empty($_GET['signup']), 'phone' => $number]);
        }
        if (!wp_verify_nonce(isset($_POST['_lbcnonce']) ? (string) $_POST['_lbcnonce'] : '', 'loginbycall_phone')) {
            self::render('phone', ['purpose' => $purpose, 'redirect_to' => $redirect, 'error' => self::expired()]);
        }
        $phone = $purpose === 'remove' ? $number : (isset($_POST['phone']) ? sanitize_text_field(wp_unslash((string) $_POST['phone'])) : '');
        $result = self::startCall($phone, $purpose, $redirect);
        if ($result === null) {
            wp_safe_redirect(self::url('code'));
            exit;
        }
        self::render('phone', array_merge(['purpose' => $purpose, 'redirect_to' => $redirect, 'phone' => $phone], $result));
    }

    /** The code page; its POST checks the digits. */
    public static function codePage(): void
    {
        $flow = Flow::load();
        if ($flow === null || !Service::ready()) {
            wp_safe_redirect(self::url());
            exit;
        }
        $login = self::resume($flow);
        if ($login === null) {
            Flow::clear();
            wp_safe_redirect(self::url());
            exit;
        }
        if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
            self::render('code', self::codeContext($flow, $login));
        }
        if (!wp_verify_nonce(isset($_POST['_lbcnonce']) ? (string) $_POST['_lbcnonce'] : '', 'loginbycall_code')) {
            self::render('code', self::codeContext($flow, $login, ['error' => self::expired()]));
        }
        $digits = isset($_POST['digits']) ? Phone::digitsOnly(wp_unslash((string) $_POST['digits']), 16) : '';
        $phone = (string) Phone::e164($login->msisdn);
        if ($digits === '') {
            self::render('code', self::codeContext($flow, $login, ['error' => Texts::filtered('digits_empty', sprintf(
                /* translators: %d: how many digits */
                _n('Type the last %d digit of the number that called you.', 'Type the last %d digits of the number that called you.', $login->codelen, 'loginbycall'),
                $login->codelen
            ))]));
        }
        if (!empty($flow['locked'])) {
            self::failed($phone, 'locked');
            self::render('code', self::codeContext($flow, $login, ['error' => Texts::filtered('locked', __('No attempt is left for this call. Ask for a new call.', 'loginbycall'))]));
        }
        $before = $login->attempts();
        try {
            $verdict = $login->check($digits);
        } catch (\Throwable $e) {
            self::log('check failed: ' . get_class($e));
            self::render('code', self::codeContext($flow, $login, ['error' => Texts::filtered('store_failed', __('We could not check the code just now. Please try again in a minute.', 'loginbycall'))]), 503);
        }
        if ($verdict->isAccepted()) {
            self::accepted($flow, $login);
        }
        if ($verdict->isExpired()) {
            self::failed($phone, 'expired');
            self::render('code', self::codeContext($flow, $login, ['error' => Texts::filtered('expired', __('The code has expired. Ask for a new call.', 'loginbycall'))]));
        }
        if ($verdict->isLocked() && ($login->isAccepted() || $before >= $login->maxAttempts)) {
            $flow['locked'] = true;
            Flow::save($flow);
            self::failed($phone, 'locked');
            self::render('code', self::codeContext($flow, $login, ['error' => Texts::filtered('locked', __('No attempt is left for this call. Ask for a new call.', 'loginbycall'))]));
        }
        self::failed($phone, 'rejected');
        if ($verdict->isLocked()) {
            $flow['locked'] = true;
            Flow::save($flow);
        }
        self::render('code', self::codeContext($flow, $login, ['error' => Texts::wrong($verdict->isLocked() ? 0 : $verdict->attemptsLeft())]));
    }

    /** "Call me again": a new call to the flow's number. */
    public static function againPage(): void
    {
        $flow = Flow::load();
        if ($flow === null || !Service::ready() || $_SERVER['REQUEST_METHOD'] !== 'POST') {
            wp_safe_redirect($flow === null ? self::url() : self::url('code'));
            exit;
        }
        $login = self::resume($flow);
        if ($login === null || !wp_verify_nonce(isset($_POST['_lbcnonce']) ? (string) $_POST['_lbcnonce'] : '', 'loginbycall_again')) {
            wp_safe_redirect(self::url('code'));
            exit;
        }
        $result = self::startCall($login->msisdn, (string) $flow['purpose'], (string) ($flow['redirect_to'] ?? ''), (int) ($flow['user_id'] ?? 0));
        if ($result === null) {
            wp_safe_redirect(self::url('code'));
            exit;
        }
        if (!empty($result['unavailable']) || !empty($result['placed'])) {
            Flow::clear();
            self::render('phone', array_merge(['purpose' => $flow['purpose'], 'phone' => '+' . $login->msisdn], $result));
        }
        self::render('code', self::codeContext($flow, $login, $result));
    }

    /** The call's status as JSON for the code page's script. */
    public static function statusJson(): void
    {
        $flow = Flow::load();
        $login = $flow === null || !Service::ready() ? null : self::resume($flow);
        if ($flow === null || $login === null) {
            wp_send_json(['status' => 'none', 'final' => true, 'message' => ''], 404);
        }
        wp_send_json(self::status($flow, $login));
    }

    /**
     * Places a call and saves the flow; null when placed, else what the page shows instead
     * (error, countdown, unavailable, placed: the honest "may have been placed" page).
     *
     * @return ?array<string, mixed>
     */
    private static function startCall(string $phone, string $purpose, string $redirect, int $userId = 0): ?array
    {
        $client = Service::client();
        if ($client === null) {
            return ['unavailable' => true];
        }
        $ip = (string) apply_filters('loginbycall_client_ip', isset($_SERVER['REMOTE_ADDR']) ? (string) $_SERVER['REMOTE_ADDR'] : '');
        try {
            $login = $client->startLogin($phone, $ip === '' ? null : $ip);
        } catch (\Throwable $e) {
            return self::callFailed($phone, $e);
        }
        Flow::save([
            'login' => $login->toJson(),
            'purpose' => $purpose,
            'user_id' => $userId !== 0 ? $userId : ($purpose === 'login' ? 0 : get_current_user_id()),
            'redirect_to' => $redirect,
            'final' => null,
            'locked' => false,
        ]);
        self::log('call placed: call=' . substr($login->call, 0, 12) . ' to ' . Phone::masked($login->msisdn) . ' (' . $purpose . ')');
        return null;
    }

    /** @return array<string, mixed> what the phone page says after a failed call */
    private static function callFailed(string $phone, \Throwable $e): array
    {
        $number = Phone::e164(preg_replace('/[^0-9]/', '', $phone) ?? '') ?? '';
        if (is_a($e, 'LoginByCall\\Exception\\GuardRefusedException')) {
            $reason = $e->getReason();
            $retry = $e->getRetryAfter();
            self::log('call to ' . Phone::masked($number) . ' refused by the guard: ' . $reason);
            do_action('loginbycall_call_refused', $number, $reason, $retry);
            $rate = in_array($reason, ['number_rate', 'ip_rate', 'range_rate'], true);
            self::failed($number, $rate ? 'rate_limited' : 'refused');
            if ($rate && $retry !== null) {
                return ['error' => Texts::tooMany($retry), 'http' => 429, 'guard' => $reason];
            }
            if ($reason === 'number_type' || $reason === 'country') {
                return ['error' => Texts::filtered('not_possible', __('Calls to this number are not possible. Log in another way.', 'loginbycall')), 'guard' => $reason];
            }
            return ['unavailable' => true, 'guard' => $reason];
        }
        if (is_a($e, 'LoginByCall\\Exception\\CallRepeatTimeoutException')) {
            return ['error' => Texts::filtered('repeat', __('A call to this number was placed a moment ago.', 'loginbycall')), 'countdown' => (int) ceil($e->getDelay())];
        }
        if (is_a($e, 'LoginByCall\\Exception\\CallRejectedException')) {
            return ['unavailable' => true];
        }
        if (is_a($e, 'LoginByCall\\Exception\\InvalidArgumentException')) {
            return ['error' => Texts::filtered('invalid_number', __('Enter a valid phone number, e.g. +7 925 688-06-36.', 'loginbycall'))];
        }
        $placed = is_a($e, 'LoginByCall\\Exception\\LoginByCallException') && $e->mayHaveBeenPlaced();
        // The administrator learns it on the dashboard (e.g. NOT_ENOUGH_CREDIT, a blocked account).
        set_transient('loginbycall_last_failure', ['at' => time(), 'what' => get_class($e) . ': ' . $e->getMessage()], DAY_IN_SECONDS);
        do_action('loginbycall_service_failed', $e);
        self::log('call to ' . Phone::masked($number) . ' failed: ' . get_class($e) . ($placed ? ' (may have been placed)' : ''));
        if ($placed) {
            return ['placed' => true, 'countdown' => 60, 'http' => 503];
        }
        return ['error' => Texts::filtered('call_failed', __('We could not place the call. Please try again in a minute, or log in another way.', 'loginbycall')), 'http' => 503];
    }

    /** The right digits: log in (signing up when allowed) or link the number, then redirect. */
    private static function accepted(array $flow, $login): void
    {
        $phone = (string) Phone::e164($login->msisdn);
        Flow::clear();
        if ($flow['purpose'] === 'remove') {
            $userId = get_current_user_id();
            if ($userId === 0 || $userId !== (int) $flow['user_id']) {
                wp_safe_redirect(wp_login_url());
                exit;
            }
            Accounts::unlink($userId, $phone);
            wp_safe_redirect(add_query_arg('loginbycall', 'removed', get_edit_profile_url($userId)) . '#loginbycall');
            exit;
        }
        if ($flow['purpose'] === 'link') {
            $userId = get_current_user_id();
            if ($userId === 0 || $userId !== (int) $flow['user_id']) {
                wp_safe_redirect(self::url('', ['purpose' => 'link']));
                exit;
            }
            if (!Accounts::link($userId, $phone)) {
                self::render('phone', ['purpose' => 'link', 'error' => Texts::filtered('taken', __('This number is linked to another account.', 'loginbycall'))]);
            }
            wp_safe_redirect(add_query_arg('loginbycall', 'linked', get_edit_profile_url($userId)) . '#loginbycall');
            exit;
        }
        $user = Accounts::userOf($phone);
        $created = false;
        if ($flow['purpose'] === '2fa') {
            // The second factor: the number must still be this user's.
            if ($user === null || $user->ID !== (int) $flow['user_id']) {
                self::failed($phone, 'unknown_number');
                wp_safe_redirect(wp_login_url());
                exit;
            }
        } elseif ($user === null) {
            if (!get_option('users_can_register') || !Settings::get('signup')) {
                self::failed($phone, 'unknown_number');
                self::render('phone', ['purpose' => 'login', 'notice' => Texts::filtered('unknown_number', sprintf(
                    /* translators: %s: the phone number */
                    __('The number %s is not linked to any account. Log in another way and add it to your account.', 'loginbycall'),
                    $phone
                ), ['phone' => $phone])]);
            }
            $user = Accounts::create($phone);
            if (is_wp_error($user)) {
                self::failed($phone, 'signup_failed');
                self::render('phone', ['purpose' => 'login', 'error' => Texts::filtered('signup_failed', __('We could not create your account. Please try again later.', 'loginbycall'))]);
            }
            $created = true;
            do_action('loginbycall_signed_up', $user, $phone);
        }
        if ($flow['purpose'] === 'login' && !$created && array_intersect((array) Settings::get('twofa_roles'), (array) $user->roles) !== []) {
            // Two factors for this role: the call alone must not stand in for the password.
            self::failed($phone, 'two_factor_required');
            self::render('phone', ['purpose' => 'login', 'notice' => Texts::filtered('two_factor_required', __('This account logs in with its password first, then a phone call. Log in with the password.', 'loginbycall'))]);
        }
        /** Whether this user may log in by phone call (false: refused, e.g. a blocked account). */
        if (!apply_filters('loginbycall_allow_login', true, $user, $phone)) {
            self::failed($phone, 'inactive');
            self::render('phone', ['purpose' => 'login', 'notice' => Texts::filtered('inactive', __('This account cannot log in.', 'loginbycall'))]);
        }
        wp_set_current_user($user->ID);
        wp_set_auth_cookie($user->ID, false, is_ssl());
        do_action('wp_login', $user->user_login, $user);
        do_action('loginbycall_logged_in', $user, $phone, $created);
        self::log('login by call=' . substr($login->call, 0, 12) . ': user ' . $user->ID . ($created ? ' (signed up)' : ''));
        $requested = (string) ($flow['redirect_to'] ?? '');
        $default = $requested !== '' ? $requested : admin_url();
        $to = (string) apply_filters('login_redirect', $default, $requested, $user);
        $to = (string) apply_filters('loginbycall_login_redirect', $to, $user, $created);
        if ($to === admin_url() && !$user->has_cap('read')) {
            $to = home_url('/');
        }
        wp_safe_redirect($to);
        exit;
    }

    /** The Login of the flow, or null when its state is refused (edited, another key) or unreadable. */
    private static function resume(array $flow)
    {
        $client = Service::client();
        if ($client === null) {
            return null;
        }
        try {
            return $client->resumeLogin((string) $flow['login']);
        } catch (\Throwable $e) {
            return null;
        }
    }

    /** @return array<string, mixed> the status as the page and the JSON show it */
    private static function status(array $flow, $login): array
    {
        $code = null;
        $final = false;
        if (isset($flow['final']) && $flow['final'] !== null) {
            $code = (int) $flow['final'];
            $final = true;
        } else {
            try {
                $state = $login->status();
                $code = (int) $state->status;
                $final = (bool) $state->isFinal;
            } catch (\Throwable $e) {
                if (is_a($e, 'LoginByCall\\Exception\\CallNotFoundException')) {
                    $code = 0;
                    $final = true;
                }
            }
            if ($final) {
                $flow['final'] = $code;
                Flow::save($flow);
            }
        }
        $payload = [
            'status' => Texts::statusName($code),
            'code' => $code,
            'final' => $final,
            'message' => Texts::status($code, (int) $login->codelen),
            'retry' => $final && in_array($code, Texts::RETRY, true),
            'expires_in' => max(0, (int) $login->expiresAt - time()),
        ];
        $phone = self::virtualPhone($login);
        if ($phone !== null) {
            $payload['virtual_phone'] = $phone;
        }
        return $payload;
    }

    /** What the sandbox's virtual phone shows (sandbox mode only): the caller's number once it rings. */
    private static function virtualPhone($login): ?array
    {
        if (!Service::sandbox()) {
            return null;
        }
        $root = Settings::sandboxRoot((string) Settings::get('sandbox_url'));
        $answer = wp_remote_get($root . '/_sandbox/calls/' . rawurlencode($login->call), ['timeout' => 3]);
        $call = is_wp_error($answer) ? null : json_decode((string) wp_remote_retrieve_body($answer), true);
        $status = is_array($call) && isset($call['status']) ? (int) $call['status'] : null;
        if (!is_array($call) || !in_array($status, [CallState::DIALING, CallState::ANSWERED, CallState::NOT_ANSWERED], true)) {
            $labels = [CallState::BUSY => __('Line busy', 'loginbycall'), CallState::FAILED => __('No call came through', 'loginbycall')];
            return ['state' => 'idle', 'label' => $labels[$status] ?? __('No call yet', 'loginbycall'), 'head' => '', 'code' => ''];
        }
        $mask = (string) $call['mask'];
        $len = (int) $call['codelen'];
        $ringing = $status === CallState::DIALING;
        return [
            'state' => $ringing ? 'ringing' : 'missed',
            'label' => $ringing ? __('Incoming call', 'loginbycall') : __('Missed call', 'loginbycall'),
            'head' => '+' . substr($mask, 0, strlen($mask) - $len),
            'code' => substr($mask, strlen($mask) - $len),
        ];
    }

    /** @return array<string, mixed> */
    private static function codeContext(array $flow, $login, array $extra = []): array
    {
        $status = self::status($flow, $login);
        $left = $login->attemptsLeft();
        return array_merge([
            'purpose' => $flow['purpose'],
            'prompt' => Phone::promptHead($login->prompt()),
            'codelen' => (int) $login->codelen,
            'status' => $status,
            'expired' => time() >= (int) $login->expiresAt,
            'locked' => !empty($flow['locked']) || $left === 0 || $login->isAccepted(),
            'countdown' => max(0, (int) ceil($login->startedAt + $login->repeatTimeout - time())),
        ], $extra);
    }

    /** The address to go to after the login, when it is on this site. */
    private static function requestedRedirect(): string
    {
        $to = isset($_REQUEST['redirect_to']) ? wp_unslash((string) $_REQUEST['redirect_to']) : '';
        if ($to === '') {
            return '';
        }
        $safe = wp_validate_redirect($to, '');
        return is_string($safe) ? $safe : '';
    }

    private static function expired(): string
    {
        return Texts::filtered('nonce', __('The page has expired. Please try again.', 'loginbycall'));
    }

    /** do_action('loginbycall_login_failed', $phone, $reason): a refusal, for logs and fail2ban. */
    private static function failed(string $phone, string $reason): void
    {
        do_action('loginbycall_login_failed', $phone, $reason);
    }

    private static function log(string $line): void
    {
        if (defined('WP_DEBUG') && WP_DEBUG && defined('WP_DEBUG_LOG') && WP_DEBUG_LOG) {
            error_log('loginbycall: ' . $line);
        }
    }

    /**
     * Renders a page inside wp-login.php's frame and ends the request.
     *
     * @param array<string, mixed> $context
     */
    private static function render(string $template, array $context, int $status = 200): void
    {
        if (!empty($context['http'])) {
            $status = (int) $context['http'];
        }
        status_header($status);
        nocache_headers();
        $context = array_merge([
            'purpose' => 'login',
            'error' => '',
            'notice' => '',
            'unavailable' => false,
            'placed' => false,
            'countdown' => 0,
            'redirect_to' => '',
            'phone' => '',
            'signup' => false,
        ], $context);
        $title = $context['purpose'] === 'link' ? __('Add a phone number', 'loginbycall') : __('Log in by phone call', 'loginbycall');
        if ($template === 'code') {
            $title = __('Waiting for a call', 'loginbycall');
        }
        login_header(Texts::filtered('title_' . $template, $title));
        include LOGINBYCALL_WP_DIR . '/includes/views/' . $template . '.php';
        login_footer();
        exit;
    }
}
