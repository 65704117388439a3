"""Fixtures: a sandbox per test with ``LOGINBYCALL`` pointed at it, and the flow's steps.

The suite runs against the installed package (scripts/test-django.sh installs the wheel into
fresh virtual environments); ``test_package.py`` checks that.
"""

from __future__ import annotations

import http.client
import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from loginbycall.django.testing import sandbox_settings
from loginbycall.testing import Sandbox

#: The repository's root (bindings/python/tests_django/ is three levels down).
REPO = Path(__file__).resolve().parents[3]

_numbers = itertools.count(10)


def phone(ending: int = 36) -> str:
    """A valid Russian mobile number ending in ``ending`` (the sandbox's outcome: 08 busy,
    16 not answered, 32 failed, else answered), different on every call."""
    return f"7925688{next(_numbers) % 100:02d}{ending:02d}"


def control(sandbox: Sandbox, method: str, path: str, body: Any = None) -> Any:
    """A request to the sandbox's ``/_sandbox/`` controls; the decoded JSON answer. Only for what
    ``loginbycall.testing.Sandbox`` has no method for yet (``/_sandbox/state``'s request counts);
    everything else goes through the Sandbox's own methods."""
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=30)
    try:
        payload = None if body is None else json.dumps(body).encode()
        headers = {} if body is None else {"Content-Type": "application/json"}
        connection.request(method, path, body=payload, headers=headers)
        answer = connection.getresponse()
        data = json.loads(answer.read() or b"null")
    finally:
        connection.close()
    assert answer.status == 200, (method, path, answer.status, data)
    return data


def requests_of(sandbox: Sandbox, method: str) -> int:
    """How many requests of ``method`` the sandbox received."""
    by_method = control(sandbox, "GET", "/_sandbox/state")["requests"]["by_method"]
    return int(by_method.get(method, 0))


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    caches["default"].clear()
    yield
    caches["default"].clear()


SandboxFactory = Callable[..., Sandbox]


@pytest.fixture
def make_sandbox() -> Iterator[SandboxFactory]:
    """``make_sandbox(**options)``: a sandbox (``loginbycall.testing.Sandbox`` options, and
    ``loginbycall={...}`` for more ``LOGINBYCALL`` keys) with the settings pointed at it."""
    with ExitStack() as stack:

        def make(**options: Any) -> Sandbox:
            return stack.enter_context(sandbox_settings(**options))

        yield make


@pytest.fixture
def sandbox(make_sandbox: SandboxFactory) -> Sandbox:
    """A sandbox whose calls end at once (answered, unless the number says otherwise)."""
    return make_sandbox(dial_ms=0, ring_ms=0)


def start(client: Client, number: str, *, next_url: str | None = None, **extra: Any) -> Any:
    """Posts ``number`` on the phone page (with ``?next=`` when given)."""
    url = reverse("loginbycall:phone")
    data = {"phone": number}
    if next_url is not None:
        data["next"] = next_url
    return client.post(url, data, **extra)


def code_of(sandbox: Sandbox, number: str) -> str:
    """The digits the user reads off the phone for the latest call to ``number``."""
    call = sandbox.latest_call_to(number)
    assert call is not None, f"no call to {number}"
    return call.code


def wrong(code: str) -> str:
    """Digits of the same length as ``code`` that are not it."""
    return "".join(str((int(d) + 1) % 10) for d in code)


def submit(client: Client, digits: str, **extra: Any) -> Any:
    """Posts ``digits`` on the code page."""
    return client.post(reverse("loginbycall:code"), {"digits": digits}, **extra)


def logged_in_user_id(client: Client) -> str | None:
    """The id of the user the client's session is logged in as."""
    value = client.session.get("_auth_user_id")
    return None if value is None else str(value)


def need(condition: bool, why: str) -> None:
    """Skips the test when ``condition`` is false, or fails it when scripts/test-django.sh set
    ``LBC_DJANGO_REQUIRE_ALL`` (there, every tool is installed and nothing may be skipped)."""
    import os

    if condition:
        return
    if os.environ.get("LBC_DJANGO_REQUIRE_ALL"):
        pytest.fail(f"required by LBC_DJANGO_REQUIRE_ALL: {why}")
    pytest.skip(why)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis for the worker test: ``LBC_REDIS_URL`` when set (scripts/test-django.sh starts
    one), else a redis-server of the suite's own on a free port (no persistence), stopped at the
    end."""
    import os
    import shutil
    import socket
    import subprocess
    import tempfile
    import time

    given = os.environ.get("LBC_REDIS_URL")
    if given:
        yield given
        return
    server = shutil.which("redis-server")
    need(server is not None, "redis-server is not installed (Debian: apt-get install redis-server)")
    assert server is not None
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="loginbycall-redis-")
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", workdir],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
