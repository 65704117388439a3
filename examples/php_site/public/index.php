<?php
// The phone form.

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

if (auth()->isLoggedIn()) {
    redirect('/account.php');
}
page('Log in by phone', '<form method="post" action="/call.php">'
    . '<input type="hidden" name="csrf" value="' . e(csrf_token()) . '">'
    . '<p><label>Your phone number<br><input name="phone" type="tel" autocomplete="tel" placeholder="+7 925 688-06-36" required></label></p>'
    . '<p><button>Call me</button></p>'
    . '<p>We will call you: type the last digits of the number that calls.</p></form>');
