<?php
// The live status of the call, as JSON, for the code page's script.

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

use LoginByCall\Exception\LoginByCallException;

header('Content-Type: application/json');
header('Cache-Control: no-store');
session_write_close(); // reading only: do not hold the session lock while the service answers
try {
    $state = auth()->status();
    echo json_encode(['status' => $state === null ? null : ['code' => $state->status, 'desc' => $state->statusDesc, 'final' => $state->isFinal]]);
} catch (LoginByCallException $e) {
    http_response_code(502);
    echo json_encode(['error' => $e->getKind()]);
}
