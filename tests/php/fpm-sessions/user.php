<?php
// The session's logged-in user (null) and whether a login is in progress.

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

answer(['user' => auth()->user(), 'pending' => auth()->pending() !== null]);
