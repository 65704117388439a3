"""The process-wide :class:`loginbycall.Client`, and the embedded sandbox when ``SANDBOX`` is on.

One client per process (it is thread-safe and keeps its connections); a new one when the
settings change (``override_settings`` in tests). The embedded sandbox lives in this process:
with several worker processes each would have its own, so it is for ``runserver`` and tests;
a site with many workers points ``BASE_URL`` at one sandbox or at the service.
"""

from __future__ import annotations

import atexit
import hashlib
import threading
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from loginbycall import Client
from loginbycall.testing import Sandbox

from .conf import AppSettings, app_settings
from .store import CacheStore

__all__ = ["embedded_sandbox", "get_client", "reset"]

_lock = threading.Lock()
_clients: dict[str, Client] = {}
_sandbox: Sandbox | None = None


def _fingerprint(conf: AppSettings) -> str:
    # The key is hashed so that it is not kept as a dictionary key in clear.
    parts: list[Any] = [
        conf.call_api_id,
        hashlib.sha256((conf.api_key or "").encode()).hexdigest(),
        conf.base_url,
        conf.sandbox,
        sorted(conf.client_options.items()),
        conf.max_attempts,
        conf.ttl,
        conf.signature_placement,
        conf.default_region,
        conf.deadline,
        sorted(conf.sandbox_options.items()),
        conf.cache,
        conf.store,
        repr(conf.guard),
    ]
    return repr(parts)


def _start_sandbox(conf: AppSettings) -> Sandbox:
    global _sandbox
    if _sandbox is None:
        _sandbox = Sandbox(**dict(conf.sandbox_options))
        atexit.register(_sandbox.close)
    return _sandbox


def embedded_sandbox() -> Sandbox | None:
    """The embedded sandbox when ``SANDBOX`` is on (started on first use), else ``None``."""
    conf = app_settings()
    if not conf.sandbox:
        return None
    _refuse_sandbox_without_debug()
    with _lock:
        return _start_sandbox(conf)


def _refuse_sandbox_without_debug() -> None:
    if not django_settings.DEBUG:
        raise ImproperlyConfigured(
            "LOGINBYCALL['SANDBOX'] is for development: it is refused while DEBUG is off"
        )


def get_client() -> Client:
    """The client for the current settings (the embedded sandbox's when ``SANDBOX`` is on)."""
    conf = app_settings()
    if conf.sandbox:
        _refuse_sandbox_without_debug()
    key = _fingerprint(conf)
    with _lock:
        client = _clients.get(key)
        if client is not None:
            return client
        options: dict[str, Any] = dict(conf.client_options)
        for name, old, value in (
            ("max_attempts", "login_max_attempts", conf.max_attempts),
            ("ttl", "login_ttl", conf.ttl),
        ):
            if name not in options and old not in options:
                options[name] = value
        given: dict[str, object] = {
            "signature_placement": conf.signature_placement,
            "default_region": conf.default_region,
            "deadline": conf.deadline,
        }
        for name, setting in given.items():
            if setting is not None:
                options.setdefault(name, setting)
        # lbc-core counts attempts, accept-once and the guard's calls in the store: a URL, or the
        # site's cache.
        options.setdefault("store", conf.store or CacheStore(conf.cache))
        if conf.guard is not ...:
            options.setdefault("guard", conf.guard)
        if conf.sandbox:
            sandbox = _start_sandbox(conf)
            account = sandbox.account
            client = Client(
                account.call_api_id, account.api_key, base_url=sandbox.base_url, **options
            )
        else:
            if not conf.call_api_id or not conf.api_key:
                raise ImproperlyConfigured(
                    "LOGINBYCALL needs CALL_API_ID and API_KEY (or SANDBOX: True while DEBUG)"
                )
            if conf.base_url:
                options["base_url"] = conf.base_url
            client = Client(conf.call_api_id, conf.api_key, **options)
        _clients.clear()
        _clients[key] = client
        return client


def reset() -> None:
    """Forgets the client (the next use builds one); the embedded sandbox keeps running."""
    with _lock:
        _clients.clear()
