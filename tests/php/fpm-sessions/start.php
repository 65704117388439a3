<?php
// POST phone: places the call of a new login, kept in the session.

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

$login = auth()->start((string) ($_POST['phone'] ?? ''), $_SERVER['REMOTE_ADDR'] ?? null);
answer(['call' => $login->call, 'session' => session_id()]);
