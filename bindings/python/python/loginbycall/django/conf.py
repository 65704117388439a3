"""The app's settings: the ``LOGINBYCALL`` dict of the site's settings (the credentials and the
address may come from the environment instead), read on every use.

Reading on every use keeps ``override_settings`` working in tests; the values are small.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings as django_settings

__all__ = [
    "CLIENT_SETTINGS",
    "DEFAULT_RATE_LIMITS",
    "DEPRECATED_KEYS",
    "ENVIRONMENT",
    "KNOWN_KEYS",
    "AppSettings",
    "app_settings",
    "raw_settings",
]

#: allauth-style rates, per action: ``AMOUNT/DURATION/PER`` joined by commas, ``PER`` one of
#: ``ip``, ``key`` (the phone number) or ``user``; a duration is a number (default 1) and a unit
#: ``s``, ``m``, ``h`` or ``d``. A site's ``RATE_LIMITS`` replaces single actions; ``None`` or
#: ``""`` turns an action's limit off.
#:
#: Calls placed are limited by lbc-core's guard (per number, per IP address, per number range, in
#: all, by number type and country), counted in the app's store: ``RATE_LIMITS["call"]`` is gone
#: (``manage.py check`` says so). What the guard does not count stays here.
DEFAULT_RATE_LIMITS: dict[str, str] = {
    # Wrong digits, across calls, per (number, client address): a guesser gets a few calls'
    # attempts, and a stranger's guesses do not use up the owner's.
    "check_failed": "6/h/key,20/d/key",
    # Wrong digits per number from every client together: the ceiling a crowd of addresses
    # meets. Higher, so that the owner is not locked out by strangers before the guard's call
    # limits stop them.
    "check_failed_number": "30/h/key,60/d/key",
    # Adding, changing or removing a number of the logged-in account (per user).
    "numbers": "10/h/user",
    # Proving the account for the numbers page with a password (per user).
    "reauthenticate": "5/15m/user",
    # The status endpoint the code page's script polls (with backoff: about 45 polls a login).
    "status": "120/m/ip",
}

#: The keys that are :class:`loginbycall.Client` keyword arguments, named as the SDK names them
#: in every language (``MAX_ATTEMPTS`` is ``Client(max_attempts=...)``). The others go in
#: ``CLIENT_OPTIONS``.
CLIENT_SETTINGS: tuple[str, ...] = (
    "CALL_API_ID",
    "API_KEY",
    "BASE_URL",
    "SIGNATURE_PLACEMENT",
    "DEFAULT_REGION",
    "DEADLINE",
    "MAX_ATTEMPTS",
    "TTL",
    # The store and the guard: a store URL (default: the site's cache, not the SDK's SQLite
    # file) and Client(guard=...)'s dict or None.
    "STORE",
    "GUARD",
)

#: Keys renamed in 0.2, still read for one release (``manage.py check`` warns): old -> new.
DEPRECATED_KEYS: dict[str, str] = {"LOGIN_TTL": "TTL"}

#: Every key ``LOGINBYCALL`` may hold; others are reported by ``manage.py check`` (typos).
KNOWN_KEYS: frozenset[str] = frozenset(
    {
        *CLIENT_SETTINGS,
        *DEPRECATED_KEYS,
        "SANDBOX",
        "SIGNUP",
        "CLIENT_OPTIONS",
        "CREATE_USER",
        "ADAPTER",
        "REAUTHENTICATION_TIMEOUT",
        "API_TOKEN_HEADER",
        "FORMS",
        "OTHER_LOGIN_URL",
        "RATE_LIMITS",
        "TRUSTED_PROXY_HEADER",
        "TRUSTED_PROXY_COUNT",
        "CACHE",
        "STORE",
        "SINGLE_PROCESS",
        "GUARD",
        "SERVER_STATUS_CACHE_SECONDS",
        "SANDBOX_OPTIONS",
    }
)


@dataclass(frozen=True)
class AppSettings:
    """``LOGINBYCALL`` with its defaults filled in."""

    call_api_id: str | None = None
    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    #: Run against the embedded sandbox (needs ``DEBUG``).
    sandbox: bool = False
    #: Create a user for a verified number that no account has.
    signup: bool = False
    #: More keyword arguments of :class:`loginbycall.Client` (``timeout``, ``proxy``, ...).
    client_options: Mapping[str, Any] = field(default_factory=dict)
    #: Dotted path of ``create_user(request, phone) -> user`` (deprecated: ``ADAPTER``).
    create_user: str | None = None
    #: Dotted path of the adapter class (:class:`loginbycall.django.adapter.DefaultAdapter`).
    adapter: str | None = None
    #: Seconds a proof of the account (a call or the password) lets the numbers be changed.
    reauthentication_timeout: int = 300
    #: ``{"phone": dotted path, "code": dotted path}``: the form classes to use.
    forms: Mapping[str, str] = field(default_factory=dict)
    #: The "log in another way" link (a URL or a URL name) when calls cannot be placed.
    other_login_url: str | None = None
    rate_limits: Mapping[str, str | None] = field(default_factory=dict)
    #: The header a trusted proxy sets with the client's address (``X-Forwarded-For``,
    #: ``X-Real-IP``, ...); ``None``: ``REMOTE_ADDR``.
    trusted_proxy_header: str | None = None
    #: How many proxies of the site's own append to ``X-Forwarded-For``.
    trusted_proxy_count: int = 1
    #: The cache alias that counts attempts and rate limits (and is the store, unless ``STORE``).
    cache: str = "default"
    #: A store URL (``sqlite:///...``, ``redis://...``) for lbc-core's counters instead of the
    #: cache.
    store: str | None = None
    #: Only one process serves the site (``runserver``): a per-process cache is then enough.
    single_process: bool = False
    #: lbc-core's guard: ``...`` its defaults (``GUARD`` left out), ``None`` off, or a dict of the
    #: settings that differ (``Client(guard=...)``).
    guard: Any = ...
    #: Checks allowed per call.
    max_attempts: int = 3
    #: Seconds a code stays valid.
    ttl: int = 300
    #: ``"param"`` or ``"header"``; ``None``: the SDK's default.
    signature_placement: str | None = None
    #: The region national numbers are read in (``"RU"``); ``None``: the SDK's default.
    default_region: str | None = None
    #: Seconds one API method call may take, retries included; ``None``: the SDK's default.
    deadline: float | None = None
    #: How long the phone page trusts one ``server_status`` answer (0: never asks).
    server_status_cache_seconds: int = 60
    #: Keyword arguments of :class:`loginbycall.testing.Sandbox` for the embedded sandbox.
    sandbox_options: Mapping[str, Any] = field(default_factory=dict)

    def rate(self, action: str) -> str | None:
        """The rates of ``action``: the site's, else the default."""
        if action in self.rate_limits:
            return self.rate_limits[action]
        return DEFAULT_RATE_LIMITS.get(action)


#: The settings read from the environment when ``LOGINBYCALL`` does not name them: the variables
#: ``Client.from_env`` reads (a test holds them to the SDK's ``CLIENT_ENVIRONMENT``).
ENVIRONMENT: dict[str, str] = {
    "CALL_API_ID": "LOGINBYCALL_CALL_API_ID",
    "API_KEY": "LOGINBYCALL_API_KEY",
    "BASE_URL": "LOGINBYCALL_BASE_URL",
}


def raw_settings() -> Any:
    """``settings.LOGINBYCALL`` as the site wrote it, with ``CALL_API_ID``, ``API_KEY`` and
    ``BASE_URL`` taken from ``LOGINBYCALL_CALL_API_ID``, ``LOGINBYCALL_API_KEY`` and
    ``LOGINBYCALL_BASE_URL`` (the variables ``Client.from_env`` reads) where it does not name
    them; ``None`` when neither the setting nor those variables exist."""
    raw = getattr(django_settings, "LOGINBYCALL", None)
    if raw is not None and not isinstance(raw, Mapping):
        return raw
    merged = dict(raw or {})
    for key, variable in ENVIRONMENT.items():
        value = os.environ.get(variable, "").strip()
        if value and merged.get(key) is None:
            merged[key] = value
    return merged if raw is not None or merged else None


def app_settings() -> AppSettings:
    """The settings with their defaults (the system checks report what is wrong with them)."""
    raw = raw_settings()
    if not isinstance(raw, Mapping):
        return AppSettings()
    return AppSettings(
        call_api_id=raw.get("CALL_API_ID"),
        api_key=raw.get("API_KEY"),
        base_url=raw.get("BASE_URL"),
        sandbox=bool(raw.get("SANDBOX", False)),
        signup=bool(raw.get("SIGNUP", False)),
        client_options=dict(raw.get("CLIENT_OPTIONS") or {}),
        create_user=raw.get("CREATE_USER") or None,
        adapter=raw.get("ADAPTER") or None,
        reauthentication_timeout=int(raw.get("REAUTHENTICATION_TIMEOUT", 300)),
        forms=dict(raw.get("FORMS") or {}),
        other_login_url=raw.get("OTHER_LOGIN_URL"),
        rate_limits=dict(raw.get("RATE_LIMITS") or {}),
        trusted_proxy_header=raw.get("TRUSTED_PROXY_HEADER"),
        trusted_proxy_count=int(raw.get("TRUSTED_PROXY_COUNT", 1)),
        cache=str(raw.get("CACHE", "default")),
        store=raw.get("STORE"),
        single_process=bool(raw.get("SINGLE_PROCESS", False)),
        guard=raw.get("GUARD", ...),
        max_attempts=int(raw.get("MAX_ATTEMPTS", 3)),
        ttl=int(raw.get("TTL", raw.get("LOGIN_TTL", 300))),
        signature_placement=raw.get("SIGNATURE_PLACEMENT"),
        default_region=raw.get("DEFAULT_REGION"),
        deadline=raw.get("DEADLINE"),
        server_status_cache_seconds=int(raw.get("SERVER_STATUS_CACHE_SECONDS", 60)),
        sandbox_options=dict(raw.get("SANDBOX_OPTIONS") or {}),
    )
