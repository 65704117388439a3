"""System checks (``manage.py check``, run by ``runserver`` and ``migrate`` too).

Errors: settings missing or malformed, the embedded sandbox without ``DEBUG``, the signed-cookie
session engine (the login state holds the code and must stay on the server), a cache that
cannot count (``DummyCache``). Warnings: the backend not enabled, a cache whose counts are per
process or not atomic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.base import InvalidCacheBackendError
from django.utils.module_loading import import_string

from .conf import DEFAULT_RATE_LIMITS, DEPRECATED_KEYS, KNOWN_KEYS, raw_settings
from .ratelimit import parse_rates

__all__ = ["check_settings", "register"]

BACKEND = "loginbycall.django.backends.PhoneCallBackend"
SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"
_NOT_ATOMIC = (
    "django.core.cache.backends.db.DatabaseCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)
_INTS = (
    "MAX_ATTEMPTS",
    "TTL",
    *DEPRECATED_KEYS,
    "TRUSTED_PROXY_COUNT",
    "SERVER_STATUS_CACHE_SECONDS",
)


def _error(message: str, hint: str, number: int) -> checks.CheckMessage:
    return checks.Error(message, hint=hint, id=f"loginbycall.E{number:03d}")


def _warning(message: str, hint: str, number: int) -> checks.CheckMessage:
    return checks.Warning(message, hint=hint, id=f"loginbycall.W{number:03d}")


def _check_values(raw: Mapping[str, Any]) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    unknown = sorted(str(key) for key in raw if key not in KNOWN_KEYS)
    if unknown:
        found.append(
            _error(
                f"LOGINBYCALL has unknown keys: {', '.join(unknown)}",
                "Known keys: " + ", ".join(sorted(KNOWN_KEYS)) + ".",
                7,
            )
        )
    sandbox = raw.get("SANDBOX", False)
    if not sandbox and not (raw.get("CALL_API_ID") and raw.get("API_KEY")):
        found.append(
            _error(
                "LOGINBYCALL needs CALL_API_ID and API_KEY",
                "Set them from the service's registration mail (keep API_KEY out of the "
                'repository), or set "SANDBOX": True to try the app with the embedded sandbox '
                "while DEBUG is on.",
                2,
            )
        )
    if sandbox and not settings.DEBUG:
        found.append(
            _error(
                'LOGINBYCALL["SANDBOX"] is on while DEBUG is off',
                "The sandbox places no real calls and shows the code on the page: it is for "
                "development only. Set CALL_API_ID and API_KEY for production.",
                3,
            )
        )
    for key in ("SANDBOX", "SIGNUP"):
        if key in raw and not isinstance(raw[key], bool):
            found.append(_error(f"LOGINBYCALL[{key!r}] must be True or False", "", 8))
    for key in _INTS:
        value = raw.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            found.append(_error(f"LOGINBYCALL[{key!r}] must be a whole number", "", 8))
    for key in ("MAX_ATTEMPTS", "TTL", *DEPRECATED_KEYS):
        if raw.get(key) == 0:
            found.append(_error(f"LOGINBYCALL[{key!r}] must be at least 1", "", 8))
    for old, new in DEPRECATED_KEYS.items():
        if old not in raw:
            continue
        if new in raw:
            found.append(
                _error(
                    f"LOGINBYCALL has both {new!r} and its deprecated name {old!r}",
                    f"Keep only {new!r}.",
                    10,
                )
            )
        else:
            found.append(
                _warning(
                    f"LOGINBYCALL[{old!r}] is deprecated and goes in the next release",
                    f"Rename it to {new!r} (the same value).",
                    3,
                )
            )
    placement = raw.get("SIGNATURE_PLACEMENT")
    if placement is not None and placement not in ("param", "header"):
        found.append(
            _error("LOGINBYCALL['SIGNATURE_PLACEMENT'] must be \"param\" or \"header\"", "", 8)
        )
    region = raw.get("DEFAULT_REGION")
    if region is not None and not (isinstance(region, str) and len(region) == 2):
        found.append(
            _error("LOGINBYCALL['DEFAULT_REGION'] must be a region code such as \"RU\"", "", 8)
        )
    deadline = raw.get("DEADLINE")
    if deadline is not None and (
        not isinstance(deadline, (int, float)) or isinstance(deadline, bool) or deadline <= 0
    ):
        found.append(_error("LOGINBYCALL['DEADLINE'] must be a number of seconds above 0", "", 8))
    for key in ("CLIENT_OPTIONS", "FORMS", "RATE_LIMITS", "SANDBOX_OPTIONS"):
        if key in raw and not isinstance(raw[key], Mapping):
            found.append(_error(f"LOGINBYCALL[{key!r}] must be a dict", "", 8))
    for name in ("CREATE_USER",):
        path = raw.get(name)
        if path is not None:
            try:
                import_string(path)
            except ImportError as error:
                found.append(_error(f"LOGINBYCALL[{name!r}] cannot be imported: {error}", "", 8))
    forms = raw.get("FORMS") or {}
    if isinstance(forms, Mapping):
        for form, path in forms.items():
            if form not in ("phone", "code"):
                found.append(_error(f"LOGINBYCALL['FORMS'] has an unknown form {form!r}", "", 8))
                continue
            try:
                import_string(path)
            except ImportError as error:
                found.append(_error(f"LOGINBYCALL['FORMS'][{form!r}]: {error}", "", 8))
    rates = raw.get("RATE_LIMITS") or {}
    if isinstance(rates, Mapping):
        for action, text in rates.items():
            if action not in DEFAULT_RATE_LIMITS:
                found.append(
                    _error(
                        f"LOGINBYCALL['RATE_LIMITS'] has an unknown action {action!r}",
                        "Actions: " + ", ".join(sorted(DEFAULT_RATE_LIMITS)) + ".",
                        6,
                    )
                )
                continue
            try:
                parse_rates(text)
            except (ValueError, AttributeError) as error:
                found.append(
                    _error(
                        f"LOGINBYCALL['RATE_LIMITS'][{action!r}] is malformed: {error}",
                        'Write rates as "5/m/ip,3/10m/key" (amount/duration/per).',
                        6,
                    )
                )
    return found


def _check_sessions() -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if settings.SESSION_ENGINE == SIGNED_COOKIES:
        found.append(
            _error(
                "SESSION_ENGINE is signed cookies: the login state, which holds the code, "
                "would be sent to the browser",
                "Use a server-side session engine: django.contrib.sessions.backends.db "
                "(the default), cache or cached_db.",
                4,
            )
        )
    middleware: Sequence[str] = getattr(settings, "MIDDLEWARE", None) or ()
    if "django.contrib.sessions.middleware.SessionMiddleware" not in middleware:
        found.append(
            _error(
                "The session middleware is not enabled",
                "Add django.contrib.sessions.middleware.SessionMiddleware to MIDDLEWARE.",
                9,
            )
        )
    return found


def _check_cache(raw: Mapping[str, Any]) -> list[checks.CheckMessage]:
    alias = str(raw.get("CACHE", "default"))
    try:
        cache = caches[alias]
    except InvalidCacheBackendError:
        return [_error(f"LOGINBYCALL['CACHE'] names no cache: {alias!r}", "", 5)]
    backend = f"{type(cache).__module__}.{type(cache).__qualname__}"
    if backend == "django.core.cache.backends.dummy.DummyCache":
        return [
            _error(
                f"The cache {alias!r} is DummyCache: attempts and rate limits cannot be counted",
                "Use Redis or Memcached (or LocMemCache for a single process).",
                5,
            )
        ]
    if backend in _NOT_ATOMIC:
        return [
            _warning(
                f"The cache {alias!r} ({backend}) does not count atomically",
                "Concurrent guesses could get more checks than allowed: use Redis or Memcached.",
                2,
            )
        ]
    if backend == "django.core.cache.backends.locmem.LocMemCache" and not settings.DEBUG:
        return [
            _warning(
                f"The cache {alias!r} is LocMemCache: each process counts on its own",
                "With several worker processes or servers use Redis or Memcached.",
                2,
            )
        ]
    return []


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every check of the app."""
    raw = raw_settings()
    if raw is None:
        return [
            _error(
                "The LOGINBYCALL setting is missing",
                'Add LOGINBYCALL = {"CALL_API_ID": ..., "API_KEY": ...} to the settings, or '
                'LOGINBYCALL = {"SANDBOX": True} to try the app while DEBUG is on.',
                1,
            )
        ]
    if not isinstance(raw, Mapping):
        return [_error("The LOGINBYCALL setting must be a dict", "", 1)]
    found = _check_values(raw) + _check_sessions() + _check_cache(raw)
    backends: Sequence[str] = getattr(settings, "AUTHENTICATION_BACKENDS", ())
    if BACKEND not in backends:
        found.append(
            _warning(
                f"{BACKEND} is not in AUTHENTICATION_BACKENDS",
                "Without it, a verified call logs no one in.",
                1,
            )
        )
    return found


def register() -> None:
    """Registers the checks (the app's ``ready`` does)."""
    checks.register(check_settings, checks.Tags.security)
