"""The process-wide :class:`loginbycall.Client`, and the embedded sandbox when ``SANDBOX`` is on.

One client per process (it is thread-safe and keeps its connections); a new one when the
settings change (``override_settings`` in tests). The embedded sandbox lives in this process:
with several worker processes each would have its own, so it is for ``runserver`` and tests;
a site with many workers points ``BASE_URL`` at one sandbox or at the service.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from loginbycall import Client
from loginbycall.testing import Sandbox

from .conf import AppSettings, app_settings
from .store import CacheStore

__all__ = ["announce_sandbox", "embedded_sandbox", "get_client", "reset"]

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


class _Attached:
    """The part of ``SandboxServer`` a :class:`Sandbox` reads, for a sandbox of another
    process (:mod:`.sandbox_process`)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.base_url = str(data["base_url"])
        self.port = int(data["port"])
        self.accounts = [(str(i), str(k)) for i, k in data["accounts"]]
        self.ready_line = str(data.get("ready_line", ""))
        self.running = True

    def shutdown(self) -> None:
        """The sandbox belongs to its own process: nothing to stop here."""


def _attach(data: dict[str, Any]) -> Sandbox:
    # A Sandbox whose server runs in the sandbox process: its methods only need the address.
    sandbox = Sandbox.__new__(Sandbox)
    sandbox._server = _Attached(data)  # type: ignore[assignment]
    sandbox._origin = urlsplit(str(data["base_url"]))
    sandbox._store_dir = str(Path(str(data["store_url"])[len("sqlite://") :]).parent)
    return sandbox


def _state_file() -> Path:
    """Where the sandbox process of this ``runserver`` (the autoreloader, our parent) says
    where it is."""
    return Path(tempfile.gettempdir()) / f"loginbycall-sandbox-{os.getuid()}-{os.getppid()}.json"


def _read_state(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        with socket.create_connection(("127.0.0.1", int(data["port"])), timeout=1):
            pass
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _shared_sandbox(conf: AppSettings) -> Sandbox:
    """The sandbox process of this ``runserver``: found, or started and waited for."""
    path = _state_file()
    data = _read_state(path)
    if data is None:
        subprocess.Popen(  # noqa: S603 (our own module, with our interpreter)
            [
                sys.executable,
                "-m",
                "loginbycall.django.sandbox_process",
                str(path),
                str(os.getppid()),
                json.dumps(dict(conf.sandbox_options)),
            ],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while data is None:
            if time.monotonic() > deadline:
                raise ImproperlyConfigured("the embedded sandbox's process did not start")
            time.sleep(0.05)
            data = _read_state(path)
    return _attach(data)


def _start_sandbox(conf: AppSettings) -> Sandbox:
    global _sandbox
    if _sandbox is None:
        if os.environ.get("RUN_MAIN") == "true":
            # runserver's autoreloaded child: the sandbox lives in a process of its own, so
            # that it keeps its port, account and calls across reloads.
            _sandbox = _shared_sandbox(conf)
        else:
            _sandbox = Sandbox(**dict(conf.sandbox_options))
            atexit.register(_sandbox.close)
    return _sandbox


def announce_sandbox() -> None:
    """Starts the embedded sandbox and prints where it is (``runserver``'s start-up)."""
    sandbox = embedded_sandbox()
    if sandbox is None:
        return
    sys.stderr.write(
        f"loginbycall: embedded sandbox (SANDBOX: True, no real call) at {sandbox.base_url}\n"
        f"loginbycall: its dashboard (calls, codes, faults): {sandbox.dashboard_url}\n"
    )
    sys.stderr.flush()


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
        if conf.sandbox and not conf.store:
            # The sandbox's own SQLite store: it outlives runserver's reloads with the sandbox.
            options.setdefault("store", _start_sandbox(conf).store_url)
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
