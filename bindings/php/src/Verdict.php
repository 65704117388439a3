<?php

declare(strict_types=1);

namespace LoginByCall;

/** The verdict of Login::check() on the digits the user typed. */
final class Verdict
{
    public const ACCEPTED = 'accepted';
    public const REJECTED = 'rejected';
    public const LOCKED = 'locked';
    public const EXPIRED = 'expired';

    private string $verdict;

    private int $attemptsLeft;

    /**
     * @param string $verdict ACCEPTED, REJECTED, LOCKED or EXPIRED
     *
     * @throws Exception\InvalidArgumentException for any other $verdict (which the message does not
     *         repeat: it may be anything a caller passed)
     */
    public function __construct(string $verdict, int $attemptsLeft = 0)
    {
        if (!in_array($verdict, [self::ACCEPTED, self::REJECTED, self::LOCKED, self::EXPIRED], true)) {
            throw new Exception\InvalidArgumentException(
                "verdict must be 'accepted', 'rejected', 'locked' or 'expired' (Verdict::ACCEPTED, ...)",
                'verdict'
            );
        }
        $this->verdict = $verdict;
        $this->attemptsLeft = $attemptsLeft;
    }

    /** The right digits: log the user in (Login::hangup() ends the call). */
    public function isAccepted(): bool
    {
        return $this->verdict === self::ACCEPTED;
    }

    /** Wrong digits (or not exactly codelen digits); the user may try again while attemptsLeft() > 0. */
    public function isRejected(): bool
    {
        return $this->verdict === self::REJECTED;
    }

    /** No attempts left, or the code was already accepted once: start a new call. */
    public function isLocked(): bool
    {
        return $this->verdict === self::LOCKED;
    }

    /** The code is too old: start a new call. */
    public function isExpired(): bool
    {
        return $this->verdict === self::EXPIRED;
    }

    /** The checks left after a rejection (0 for every other verdict). */
    public function attemptsLeft(): int
    {
        return $this->attemptsLeft;
    }

    /** `accepted`, `rejected`, `locked` or `expired`. */
    public function name(): string
    {
        return $this->verdict;
    }
}
