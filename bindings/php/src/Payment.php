<?php

declare(strict_types=1);

namespace LoginByCall;

/**
 * The answer to Client::pay(): a payment form in either of the service's two shapes. $html is an
 * HTML form a page can embed whichever shape it came in (its button has the class
 * `lbc-payment-button`).
 */
final readonly class Payment
{
    /** The first revision's shape: a form posting $fields to $url. */
    public const SHAPE_FORM = 'form';

    /** The later revision's shape: a ready HTML form. */
    public const SHAPE_HTML = 'html';

    /**
     * @param array<string, string> $fields
     */
    public function __construct(
        /** SHAPE_FORM or SHAPE_HTML. */
        public string $shape,
        /** The form as HTML, for both shapes. */
        public string $html,
        /** The payment system's address (form shape only). */
        public ?string $url = null,
        /** The form's method, GET or POST (form shape only). */
        public ?string $method = null,
        /** The form's hidden fields, in the service's order (form shape only). */
        public array $fields = [],
    ) {
    }
}
