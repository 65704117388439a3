<?php

declare(strict_types=1);

namespace LoginByCall;

/**
 * Where a request's signature goes: Client's `signaturePlacement` argument takes one of these.
 *
 * ```php
 * new LoginByCall\Client(callApiId: $id, apiKey: $key, signaturePlacement: SignaturePlacement::HEADER);
 * ```
 */
final class SignaturePlacement
{
    /** The parameter `signature` (the default). */
    public const PARAM = 'param';

    /** The HTTP header `Signature`. */
    public const HEADER = 'header';

    /** Every placement, as Client accepts them. */
    public const ALL = [self::PARAM, self::HEADER];

    private function __construct()
    {
    }
}
