<?php
// POST digits: checks them against the session's login.

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

try {
    $verdict = auth()->check((string) ($_POST['digits'] ?? ''));
    answer(['verdict' => $verdict->name(), 'left' => $verdict->attemptsLeft(), 'user' => auth()->user()]);
} catch (LoginByCall\Exception\LoginByCallException $e) {
    http_response_code(500);
    answer(['error' => $e->getKind(), 'message' => $e->getMessage()]);
}
