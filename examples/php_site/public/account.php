<?php
// The logged-in page.

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

$user = auth()->user();
if ($user === null) {
    redirect('/');
}
page('Welcome', '<p>Logged in as <strong id="user">+' . e($user) . '</strong>.</p>'
    . '<form method="post" action="/logout.php"><input type="hidden" name="csrf" value="' . e(csrf_token()) . '"><button>Log out</button></form>');
