<?php
// Places the call and sends the user to the code page.

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

use LoginByCall\Exception\CallRepeatTimeoutException;
use LoginByCall\Exception\GuardRefusedException;
use LoginByCall\Exception\InvalidArgumentException;
use LoginByCall\Exception\LoginByCallException;

require_post();
try {
    auth()->start(field('phone'), $_SERVER['REMOTE_ADDR'] ?? null);
} catch (InvalidArgumentException $e) {
    redirect('/', 'That is not a phone number we can call.');
} catch (GuardRefusedException $e) {
    // Refused before anything was sent (a number type or country, too many calls, the brake).
    redirect('/', $e->getRetryAfter() !== null
        ? sprintf('Too many calls: try again in %d seconds.', (int) ceil($e->getRetryAfter()))
        : 'We cannot call this number.');
} catch (CallRepeatTimeoutException $e) {
    redirect('/', sprintf('We called this number a moment ago: try again in %d seconds.', (int) ceil($e->getDelay())));
} catch (LoginByCallException $e) {
    error_log('loginbycall: ' . $e->getMessage());
    redirect('/', $e->mayHaveBeenPlaced()
        ? 'We could not tell whether the call went out: wait a minute before trying again.'
        : 'We cannot call right now: please try again later.');
}
redirect('/code.php');
