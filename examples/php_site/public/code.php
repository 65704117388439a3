<?php
// The code page: what the phone will show, the call's live status, the digits form.

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

$login = auth()->pending();
if ($login === null) {
    redirect(auth()->isLoggedIn() ? '/account.php' : '/');
}
$boxes = str_repeat('_', $login->codelen);
page('Type the code', '<p>We are calling you from</p>'
    . '<p class="code">+' . e($login->prompt()) . '<b>' . $boxes . '</b></p>'
    . '<p>Type its last ' . $login->codelen . ' digits.</p>'
    . '<p id="status" data-status-url="/status.php">Call status: …</p>'
    . '<form method="post" action="/check.php">'
    . '<input type="hidden" name="csrf" value="' . e(csrf_token()) . '">'
    . '<p><input name="digits" inputmode="numeric" autocomplete="one-time-code" maxlength="' . $login->codelen . '" pattern="[0-9]*" required autofocus>'
    . ' <button>Log in</button></p></form>'
    . '<form method="post" action="/logout.php"><input type="hidden" name="csrf" value="' . e(csrf_token()) . '"><button>Use another number</button></form>'
    . '<script>(function poll(){var el=document.getElementById("status");'
    . 'fetch(el.dataset.statusUrl,{credentials:"same-origin"}).then(function(r){return r.json()}).then(function(s){'
    . 'if(!s.status)return;el.textContent="Call status: "+s.status.desc;if(!s.status.final)setTimeout(poll,1000)})'
    . '.catch(function(){setTimeout(poll,3000)})})()</script>');
