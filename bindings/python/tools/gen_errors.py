"""Writes the generated parts of ``python/loginbycall/errors.py`` (one ``ApiError`` subclass per
error code lbc-core knows: ``ErrorCode::KNOWN``, exported by the native module as
``loginbycall._native.ERROR_CODES``) and of ``python/loginbycall/__init__.py`` (their import and
``__all__`` entries).

Run it with the built package importable, after the core's list changed::

    python tools/gen_errors.py          # rewrites both files
    python tools/gen_errors.py --check  # exits 1 when they are not what it would write

The classes are written out (not made at import time) so that type checkers and readers see them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

BEGIN = "# BEGIN GENERATED"
END = "# END GENERATED"

#: The service's catch-all code is spelled ``Error``: its class gets a name that says what it is.
RENAMED = {"Error": "ServiceError"}

PACKAGE = Path(__file__).resolve().parent.parent / "python" / "loginbycall"

#: The classes of errors.py that stand for an error kind rather than a code.
BASES = [
    "LoginByCallError",
    "ApiError",
    "HttpError",
    "TransportError",
    "Timeout",
    "DecodeError",
    "InvalidInput",
    "GuardRefused",
    "StoreError",
    "InternalError",
]


def class_name(code: str) -> str:
    """The class for ``code``: its CamelCase (``CALL_REPEAT_TIMEOUT`` -> ``CallRepeatTimeout``)."""
    if code in RENAMED:
        return RENAMED[code]
    return "".join(part.capitalize() for part in code.split("_"))


def render(codes: Iterable[tuple[str, str, str]]) -> str:
    """errors.py's generated block for ``(code, class, description)`` triples, markers included."""
    codes = list(codes)
    out = [
        f"{BEGIN}: one class per known error code, written by tools/gen_errors.py from",
        "# lbc-core's ErrorCode::KNOWN (run it after a change there; tests/test_errors.py checks it).",
        "",
    ]
    for code, error_class, description in codes:
        out += [
            "",
            f"class {class_name(code)}(ApiError):",
            f'    """``{code}`` ({error_class}): {description}"""',
            "",
            f'    CODE: ClassVar[str | None] = "{code}"',
            f'    ERROR_CLASS: ClassVar[str | None] = "{error_class}"',
            "",
        ]
    out += [
        "",
        "#: Each known error code -> its class (an unknown code is raised as ``ApiError``).",
        "API_ERRORS: dict[str, type[ApiError]] = {",
    ]
    out += [f'    "{code}": {class_name(code)},' for code, _, _ in codes]
    out += ["}", "", "__all__ += ["]
    out += [f'    "{class_name(code)}",' for code, _, _ in codes]
    out += ["]", END]
    return "\n".join(out) + "\n"


def render_init(codes: Iterable[tuple[str, str, str]]) -> str:
    """__init__.py's generated block: every exception class imported and in ``__all__``."""
    names = BASES + [class_name(code) for code, _, _ in codes]
    out = [f"{BEGIN}: the exception tree, written by tools/gen_errors.py.", "from .errors import ("]
    out += [f"    {name}," for name in sorted(names)]
    out += [")", "", "__all__ += ["]
    out += [f'    "{name}",' for name in names]
    out += ["]", END]
    return "\n".join(out) + "\n"


def splice(text: str, block: str) -> str:
    """``text`` with its generated block replaced by ``block``."""
    start = text.index(BEGIN)
    end = text.index(END, start) + len(END) + 1
    return text[:start] + block + text[end:]


def main(argv: list[str] | None = None) -> int:
    """Rewrites errors.py, or with ``--check`` says whether it is up to date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, change nothing")
    parser.add_argument("--package", type=Path, default=PACKAGE, help="the package to write")
    args = parser.parse_args(argv)

    from loginbycall import _native

    stale = 0
    for name, render_block in (("errors.py", render), ("__init__.py", render_init)):
        path = args.package / name
        text = path.read_text(encoding="utf-8")
        wanted = splice(text, render_block(_native.ERROR_CODES))
        if wanted == text:
            continue
        if args.check:
            print(f"{path} is out of date: run tools/gen_errors.py", file=sys.stderr)
            stale = 1
            continue
        path.write_text(wanted, encoding="utf-8")
        print(f"wrote {path}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
