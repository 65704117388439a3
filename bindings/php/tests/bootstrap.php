<?php
// Starts what the tests talk to, once for the whole run, and stops it at the end:
//  - `lbc sandbox --listen 127.0.0.1:0` (LBC_BIN, else target/debug/lbc of CARGO_TARGET_DIR or the
//    workspace), read from its ready line;
//  - a scripted HTTP server (`php -S` with tests/fixtures/scripted.php) for what the sandbox never
//    does: HTTP 502, an answer that is not JSON, an unknown error code, an answer too slow, and the
//    verify_url file of credential_confirm.

declare(strict_types=1);

require dirname(__DIR__) . '/autoload.php';
require __DIR__ . '/Support/Servers.php';
require __DIR__ . '/Support/TestCase.php';

LoginByCall\Tests\Support\Servers::start();
