<?php
// Logs out (or abandons a login in progress).

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

require_post();
auth()->logout();
session_regenerate_id(true);
redirect('/', 'You are logged out.');
