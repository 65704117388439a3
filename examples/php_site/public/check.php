<?php
// Checks the digits the user typed.

declare(strict_types=1);

require __DIR__ . '/../bootstrap.php';

use LoginByCall\Exception\InvalidArgumentException;

require_post();
try {
    $verdict = auth()->check(field('digits'));
} catch (InvalidArgumentException $e) {
    redirect('/code.php', 'Type digits only.');
}
if ($verdict->isAccepted()) {
    redirect('/account.php');
}
if ($verdict->isRejected()) {
    redirect('/code.php', sprintf('Wrong code: %d attempt%s left.', $verdict->attemptsLeft(), $verdict->attemptsLeft() === 1 ? '' : 's'));
}
redirect('/', $verdict->isExpired() ? 'The code is too old: let us call you again.' : 'Too many wrong codes: let us call you again.');
