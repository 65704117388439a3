"""System checks (``manage.py check``, run by ``runserver`` and ``migrate`` too).

Errors: settings missing or malformed, the embedded sandbox without ``DEBUG``, the signed-cookie
session engine (the views refuse it at run time too), a per-process cache (``LocMemCache``,
``DummyCache``) as the store while more than one worker may run (unless ``STORE`` names a URL or
``SINGLE_PROCESS`` is True; ``DEBUG`` or not), a bad ``STORE``. Warnings: the backend not
enabled, a cache that does not count atomically, ``RATE_LIMITS["call"]`` (now the guard's).
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
                "repository: the environment's LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY "
                'are read when the setting does not name them), or set "SANDBOX": True to try the app with the embedded sandbox '
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
    if raw.get("CREATE_USER") is not None:
        found.append(
            _warning(
                "LOGINBYCALL['CREATE_USER'] is deprecated and goes in the next release",
                "Override create_user() in an adapter class named by LOGINBYCALL['ADAPTER'].",
                3,
            )
        )
    for name in ("CREATE_USER", "ADAPTER"):
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
            if action == "call":
                continue  # moved to the guard: _check_guard warns
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
                "SESSION_ENGINE is signed cookies: the login state would be sent to the "
                "browser (the views refuse to run)",
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


_PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _check_cache(raw: Mapping[str, Any]) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    store = raw.get("STORE")
    single = raw.get("SINGLE_PROCESS", False)
    if "SINGLE_PROCESS" in raw and not isinstance(single, bool):
        found.append(_error("LOGINBYCALL['SINGLE_PROCESS'] must be True or False", "", 8))
    if raw.get("SANDBOX") is True and "SINGLE_PROCESS" not in raw:
        # The embedded sandbox lives in one process (runserver, tests): so does the site.
        single = True
    if store is not None:
        if not isinstance(store, str) or not store.strip():
            found.append(_error("LOGINBYCALL['STORE'] must be a store URL", _STORE_HINT, 11))
        elif store.strip().startswith("memory:") and single is not True:
            found.append(
                _error(
                    "LOGINBYCALL['STORE'] is memory:, which each process keeps for itself",
                    "With several worker processes each would count attempts on its own: use "
                    + _STORE_HINT_SHORT + ", or set SINGLE_PROCESS: True if only one process runs.",
                    12,
                )
            )
        else:
            try:
                from loginbycall import Client

                Client("check", "check-key-" + "k" * 20, store=store, guard=None)
            except Exception as error:  # noqa: BLE001 (reported as the check's message)
                found.append(_error(f"LOGINBYCALL['STORE'] is refused: {error}", _STORE_HINT, 11))
    alias = str(raw.get("CACHE", "default"))
    try:
        cache = caches[alias]
    except InvalidCacheBackendError:
        return [*found, _error(f"LOGINBYCALL['CACHE'] names no cache: {alias!r}", "", 5)]
    backend = f"{type(cache).__module__}.{type(cache).__qualname__}"
    if backend == "django.core.cache.backends.dummy.DummyCache":
        found.append(
            _error(
                f"The cache {alias!r} is DummyCache: rate limits cannot be counted",
                "Use Redis or Memcached (or LocMemCache with SINGLE_PROCESS: True).",
                5,
            )
        )
    elif backend in _PER_PROCESS and store is None and single is not True:
        # Whether more than one worker runs cannot be known from here (gunicorn runs no checks,
        # and DEBUG says nothing about it): the site has to say so.
        found.append(
            _error(
                f"The cache {alias!r} is {backend.rsplit('.', 1)[-1]}: each process counts "
                "attempts on its own, so with several workers a guesser gets max_attempts "
                "checks per worker",
                "Use a shared cache (Redis, Memcached), or set LOGINBYCALL['STORE'] to "
                + _STORE_HINT_SHORT
                + ", or, if only one process ever serves the site (runserver), "
                "LOGINBYCALL['SINGLE_PROCESS'] = True.",
                13,
            )
        )
    elif backend in _NOT_ATOMIC and store is None:
        found.append(
            _warning(
                f"The cache {alias!r} ({backend}) does not count atomically",
                "Concurrent guesses could get more checks than allowed: use Redis or Memcached, "
                "or LOGINBYCALL['STORE'] = " + _STORE_HINT_SHORT + ".",
                2,
            )
        )
    return found


_STORE_HINT_SHORT = '"sqlite://" (one server) or "redis://host:6379/0" (several)'
_STORE_HINT = (
    "A URL: sqlite:///absolute/path.sqlite3 (or sqlite:// for the per-user default file), "
    "redis://host:port/db, or memory: with SINGLE_PROCESS."
)


def _check_guard(raw: Mapping[str, Any]) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if "GUARD" in raw and raw["GUARD"] is not None:
        try:
            from loginbycall import Client

            Client("check", "check-key-" + "k" * 20, store="memory:", guard=raw["GUARD"])
        except (TypeError, ValueError) as error:
            found.append(
                _error(
                    f"LOGINBYCALL['GUARD'] is refused: {error}",
                    'A dict of the guard\'s settings that differ from its defaults, e.g. '
                    '{"number_rate": {"calls": 3, "window": 3600}, "allowed_countries": '
                    '["RU", "KZ"]}, or None to turn the guard off.',
                    14,
                )
            )
    rates = raw.get("RATE_LIMITS") or {}
    if isinstance(rates, Mapping) and "call" in rates:
        found.append(
            _warning(
                "LOGINBYCALL['RATE_LIMITS']['call'] is ignored: calls are limited by lbc-core's "
                "guard now",
                "The guard limits calls per number (5 an hour), per IP address (20), per "
                "number range (30) and in all (1000), refuses premium-rate and foreign numbers, "
                "and counts in the app's store across every worker. Remove the key.",
                4,
            )
        )
    return found


def check_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    """Every check of the app."""
    raw = raw_settings()
    if raw is None:
        return [
            _error(
                "The LOGINBYCALL setting is missing",
                'Add LOGINBYCALL = {"CALL_API_ID": ..., "API_KEY": ...} to the settings (or '
                "export LOGINBYCALL_CALL_API_ID and LOGINBYCALL_API_KEY), or "
                'LOGINBYCALL = {"SANDBOX": True} to try the app while DEBUG is on.',
                1,
            )
        ]
    if not isinstance(raw, Mapping):
        return [_error("The LOGINBYCALL setting must be a dict", "", 1)]
    found = _check_values(raw) + _check_sessions() + _check_cache(raw) + _check_guard(raw)
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
