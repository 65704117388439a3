<?php
// The pages of tests/php/fpm-sessions.sh: a login kept in the PHP session by SessionLogin, whatever
// the pool's session handler (files, or phpredis without locking). Answers are JSON.

declare(strict_types=1);

require getenv('LOGINBYCALL_PHP') ?: __DIR__ . '/../../../bindings/php/autoload.php';

use LoginByCall\Client;
use LoginByCall\SessionLogin;

session_start();

function auth(): SessionLogin
{
    return new SessionLogin(Client::fromOptions([
        'callApiId' => (string) getenv('LBC_CALL_API_ID'),
        'apiKey' => (string) getenv('LBC_API_KEY'),
        'baseUrl' => (string) getenv('LBC_BASE_URL'),
        'maxAttempts' => 3,
        // The default store: the SQLite file of the pool's user, shared by its 12 workers.
    ]));
}

/** @param array<string, mixed> $answer */
function answer(array $answer): void
{
    header('Content-Type: application/json');
    echo json_encode($answer + ['pid' => getmypid(), 'handler' => ini_get('session.save_handler')]), "\n";
    exit;
}
