<?php

declare(strict_types=1);

namespace LoginByCall\Tests\Support;

/**
 * Finds PHP 8-only syntax and functions in a PHP file with PHP's own tokenizer, so that a PHP 8
 * run catches what PHP 7.4 would refuse (Debian 11's PHP 7.4 runs `php -l` on the same files where
 * the test command has that system). What it looks for: readonly, enum, match, `?->`, attributes
 * not alone on their line (PHP 7.4 reads `#[` as a comment to the end of the line), constructor
 * promotion, union, mixed, never, static and false types, trailing commas in parameter lists, `new`
 * in default values, throw as an expression, catch without a variable, first-class callables `f(...)`, `$object::class`,
 * named arguments, and the functions PHP 8 added (str_contains, ...).
 */
final class Php74Syntax
{
    /** Functions PHP 8.0 to 8.4 added that PHP 7.4 does not have. */
    public const FUNCTIONS = [
        'str_contains', 'str_starts_with', 'str_ends_with', 'array_is_list', 'get_debug_type', 'fdiv',
        'preg_last_error_msg', 'get_resource_id', 'array_find', 'array_any', 'array_all', 'json_validate',
        'mb_str_pad', 'array_find_key',
    ];

    /** @return list<string> "LINE: problem" for each problem in $source */
    public static function problems(string $source): array
    {
        $problems = [];
        $tokens = array_values(array_filter(
            token_get_all($source),
            static function ($t): bool {
                return !is_array($t) || !in_array($t[0], [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT], true);
            }
        ));
        $lines = explode("\n", $source);
        $named = [
            'T_READONLY' => 'readonly', 'T_ENUM' => 'enum', 'T_MATCH' => 'match',
            'T_NULLSAFE_OBJECT_OPERATOR' => '?->',
        ];
        $count = count($tokens);
        $line = 1;
        for ($i = 0; $i < $count; $i++) {
            $t = $tokens[$i];
            if (is_array($t)) {
                $line = $t[2];
                $name = token_name($t[0]);
                if (isset($named[$name])) {
                    $problems[] = "$line: {$named[$name]}";
                }
                if ($name === 'T_ATTRIBUTE') {
                    $text = trim($lines[$line - 1]);
                    if (substr($text, 0, 2) !== '#[' || substr($text, -1) !== ']') {
                        $problems[] = "$line: an attribute not alone on its line";
                    }
                }
                if ($t[0] === T_STRING && in_array(strtolower($t[1]), self::FUNCTIONS, true) && self::at($tokens, $i + 1) === '('
                    && !in_array(self::at($tokens, $i - 1), ['->', '::', 'function'], true)) {
                    $problems[] = "$line: {$t[1]}() is PHP 8";
                }
                if ($t[0] === T_THROW && in_array(self::at($tokens, $i - 1), ['??', '?:', '=>', '?', '=', '(', ',', '&&', '||', 'and', 'or', 'return', '.', 'fn'], true)) {
                    $problems[] = "$line: throw as an expression";
                }
                if ($t[0] === T_CATCH) {
                    $j = $i + 2;
                    $hasVariable = false;
                    while ($j < $count && self::at($tokens, $j) !== ')') {
                        $hasVariable = $hasVariable || (is_array($tokens[$j]) && $tokens[$j][0] === T_VARIABLE);
                        $j++;
                    }
                    if (!$hasVariable) {
                        $problems[] = "$line: catch without a variable";
                    }
                }
                if ($t[0] === T_VARIABLE && self::at($tokens, $i + 1) === '::' && self::at($tokens, $i + 2) === 'class') {
                    $problems[] = "$line: \$object::class";
                }
                if ($t[0] === T_ELLIPSIS && self::at($tokens, $i + 1) === ')' && self::at($tokens, $i - 1) === '(') {
                    $problems[] = "$line: a first-class callable";
                }
                if (($t[0] === T_STRING || $t[0] === T_ARRAY || $t[0] === T_LIST) && self::at($tokens, $i + 1) === ':'
                    && in_array(self::at($tokens, $i - 1), ['(', ','], true) && self::insideCall($tokens, $i)) {
                    $problems[] = "$line: a named argument ({$t[1]}:)";
                }
                if ($t[0] === T_FUNCTION || $t[0] === T_FN) {
                    foreach (self::signature($tokens, $i) as $problem) {
                        $problems[] = "$line: $problem";
                    }
                }
            }
        }
        return $problems;
    }

    /** The text of token $i ('' past the end). @param list<mixed> $tokens */
    private static function at(array $tokens, int $i): string
    {
        if ($i < 0 || !isset($tokens[$i])) {
            return '';
        }
        return is_array($tokens[$i]) ? strtolower($tokens[$i][1]) : $tokens[$i];
    }

    /** Whether token $i is inside the parentheses of a call (not of a declaration, `array(`, ...). */
    private static function insideCall(array $tokens, int $i): bool
    {
        $depth = 0;
        for ($j = $i - 1; $j >= 0; $j--) {
            $text = self::at($tokens, $j);
            if ($text === ')' || $text === ']' || $text === '}') {
                $depth++;
            } elseif ($text === '(' || $text === '[' || $text === '{' || $text === '${') {
                if ($depth === 0) {
                    if ($text !== '(') {
                        return false;
                    }
                    $before = $tokens[$j - 1] ?? null;
                    if (!is_array($before)) {
                        return $before === ')';
                    }
                    return in_array(token_name($before[0]), ['T_STRING', 'T_NAME_QUALIFIED', 'T_NAME_FULLY_QUALIFIED', 'T_NAME_RELATIVE', 'T_VARIABLE', 'T_STATIC'], true)
                        && !in_array(self::at($tokens, $j - 2), ['function', 'fn'], true);
                }
                $depth--;
            }
        }
        return false;
    }

    /** The problems of the declaration whose `function` or `fn` token is $i. @return list<string> */
    private static function signature(array $tokens, int $i): array
    {
        $problems = [];
        $open = $i + 1;
        while (isset($tokens[$open]) && self::at($tokens, $open) !== '(') {
            $open++;
        }
        $name = self::at($tokens, $open - 1);
        $depth = 0;
        $close = $open;
        $parameters = [[]];
        for ($j = $open; isset($tokens[$j]); $j++) {
            $text = self::at($tokens, $j);
            if ($text === '(' || $text === '[') {
                $depth++;
                if ($depth === 1) {
                    continue;
                }
            } elseif ($text === ')' || $text === ']') {
                $depth--;
                if ($depth === 0) {
                    $close = $j;
                    break;
                }
            } elseif ($text === ',' && $depth === 1) {
                $parameters[] = [];
                continue;
            }
            $parameters[count($parameters) - 1][] = $tokens[$j];
        }
        if (count($parameters) > 1 && $parameters[count($parameters) - 1] === []) {
            $problems[] = 'a trailing comma in a parameter list';
        }
        foreach ($parameters as $parameter) {
            $beforeVariable = true;
            foreach ($parameter as $k => $token) {
                $text = is_array($token) ? strtolower($token[1]) : $token;
                if (is_array($token) && $token[0] === T_VARIABLE) {
                    $beforeVariable = false;
                }
                if ($beforeVariable) {
                    if (in_array($text, ['public', 'private', 'protected'], true) && $name === '__construct') {
                        $problems[] = 'constructor promotion';
                    }
                    if ($text === '|' || $text === 'mixed' || ($text === 'false' && $k === 0) || $text === '&' && false) {
                        $problems[] = "a PHP 8 parameter type ($text)";
                    }
                } elseif ($text === 'new') {
                    $problems[] = 'new in a default value';
                }
            }
        }
        if (self::at($tokens, $close + 1) === ':') {
            for ($j = $close + 2; isset($tokens[$j]) && !in_array(self::at($tokens, $j), ['{', ';', '=>'], true); $j++) {
                $text = self::at($tokens, $j);
                if (in_array($text, ['|', 'mixed', 'never', 'static', 'false', 'true', 'null'], true)) {
                    $problems[] = "a PHP 8 return type ($text)";
                }
            }
        }
        return $problems;
    }
}
