<?php

declare(strict_types=1);

namespace LoginByCall;

use LoginByCall\Internal\ReadOnlyProperties;

/**
 * The answer to Client::pay(): a payment form in either of the service's two shapes. $html is an
 * HTML form a page can embed whichever shape it came in (its button has the class
 * `lbc-payment-button`).
 *
 * Its properties read as public ones and cannot be changed (LogicException).
 *
 * @property-read string $shape SHAPE_FORM or SHAPE_HTML.
 * @property-read string $html The form as HTML, for both shapes.
 * @property-read string|null $url The payment system's address (form shape only).
 * @property-read string|null $method The form's method, GET or POST (form shape only).
 * @property-read array<string, string> $fields The form's hidden fields, in the service's order (form shape only).
 */
final class Payment
{
    use ReadOnlyProperties;

    /** @internal the properties that read as public */
    private const PUBLIC = ['shape', 'html', 'url', 'method', 'fields'];

    /** The first revision's shape: a form posting $fields to $url. */
    public const SHAPE_FORM = 'form';

    /** The later revision's shape: a ready HTML form. */
    public const SHAPE_HTML = 'html';

    /** SHAPE_FORM or SHAPE_HTML. */
    private string $shape;

    /** The form as HTML, for both shapes. */
    private string $html;

    /** The payment system's address (form shape only). */
    private ?string $url;

    /** The form's method, GET or POST (form shape only). */
    private ?string $method;

    /** @var array<string, string> The form's hidden fields, in the service's order (form shape only). */
    private array $fields;

    /**
     * @param array<string, string> $fields
     */
    public function __construct(
        string $shape,
        string $html,
        ?string $url = null,
        ?string $method = null,
        array $fields = []
    ) {
        $this->shape = $shape;
        $this->html = $html;
        $this->url = $url;
        $this->method = $method;
        $this->fields = $fields;
    }
}
