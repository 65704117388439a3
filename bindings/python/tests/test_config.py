"""Configuration people expect (issue 17): ``Client.from_env``, ``close()`` and ``with``, the
default deadline that leaves room for the retries, the environment's proxy never used for the
sandbox, ``SSL_CERT_FILE``."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import loginbycall
from loginbycall import Client, errors
from loginbycall.testing import Sandbox


def test_from_env_reads_the_three_variables(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGINBYCALL_CALL_API_ID", sandbox.account.call_api_id)
    monkeypatch.setenv("LOGINBYCALL_API_KEY", sandbox.account.api_key)
    monkeypatch.setenv("LOGINBYCALL_BASE_URL", sandbox.base_url)
    client = Client.from_env(store=sandbox.store_url)
    assert client.call_api_id == sandbox.account.call_api_id
    assert client.base_url == sandbox.base_url
    assert client.status().activated
    # Arguments win over the environment.
    assert Client.from_env(call_api_id="other", store="memory:").call_api_id == "other"
    monkeypatch.delenv("LOGINBYCALL_CALL_API_ID")
    with pytest.raises(errors.InvalidInput) as missing:
        Client.from_env()
    assert missing.value.field == "LOGINBYCALL_CALL_API_ID"
    # The table it reads, which the Django app reads too.
    assert loginbycall._native.CLIENT_ENVIRONMENT == {
        "call_api_id": "LOGINBYCALL_CALL_API_ID",
        "api_key": "LOGINBYCALL_API_KEY",
        "base_url": "LOGINBYCALL_BASE_URL",
    }


def test_a_closed_client_says_so(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        assert not client.closed
        assert client.server_status().is_working
    assert client.closed
    for use in (client.balance, client.server_status, lambda: client.call("79256880636")):
        with pytest.raises(errors.InvalidInput) as closed:
            use()
        assert closed.value.field == "client"
        assert "closed" in str(closed.value)
    client.close()  # a second close does nothing
    assert repr(client) == "Client(closed)"


def test_the_default_deadline_leaves_room_for_the_retries(sandbox: Sandbox) -> None:
    # Each attempt times out after 0.3 s; by default the deadline fits all three attempts.
    sandbox.arm_fault("delay", "server-status", count=3, delay_ms=1_000)
    client = sandbox.client(timeout=0.3, retry_base_delay=0.01)
    started = time.monotonic()
    with pytest.raises(errors.Timeout):
        client.server_status()
    took = time.monotonic() - started
    assert sandbox.requests("server-status") == 3, "every retry was made"
    assert took < 3.0
    # A call is never sent again: one attempt.
    sandbox.arm_fault("delay", "call", count=1, delay_ms=1_000)
    with pytest.raises(errors.Timeout) as timed_out:
        client.call("79256880636")
    assert timed_out.value.may_have_been_placed
    assert sandbox.requests("call") == 1


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True,
        text=True, timeout=60,
    )


def test_a_proxy_in_the_environment_never_sees_the_sandbox() -> None:
    code = (
        "from loginbycall.testing import Sandbox\n"
        "with Sandbox() as sb:\n"
        "    assert sb.client().server_status().is_working\n"
        "    print('ok')\n"
    )
    dead = "http://127.0.0.1:9"  # nothing listens on the discard port
    done = _run(code, {"HTTP_PROXY": dead, "HTTPS_PROXY": dead, "ALL_PROXY": dead,
                       "http_proxy": dead, "https_proxy": dead})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    # An explicit proxy= is still used (and here fails, as it should).
    code = (
        "import loginbycall\n"
        "from loginbycall.testing import Sandbox\n"
        "with Sandbox() as sb:\n"
        "    try:\n"
        "        sb.client(proxy='http://127.0.0.1:9', max_retries=0).server_status()\n"
        "    except loginbycall.TransportError as e:\n"
        "        print(e.transport_kind)\n"
    )
    done = _run(code, {})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in {"proxy", "connect"}


def test_ssl_cert_file_names_the_roots(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    empty = tmp_path / "empty.pem"
    empty.write_text("no certificate here\n")
    code = (
        "import loginbycall\n"
        "try:\n"
        "    loginbycall.Client('id', 'key', store='memory:')\n"
        "    print('built')\n"
        "except loginbycall.InvalidInput as e:\n"
        "    print(e.field)\n"
    )
    done = _run(code, {"SSL_CERT_FILE": str(empty), "SSL_CERT_DIR": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "SSL_CERT_FILE"
    # A sandbox (http://) client never reads them.
    code = "import loginbycall\nloginbycall.Client('id', 'key', base_url='http://127.0.0.1:1/', store='memory:')\nprint('ok')\n"
    done = _run(code, {"SSL_CERT_FILE": str(empty), "SSL_CERT_DIR": ""})
    assert done.stdout.strip() == "ok", done.stderr
    assert loginbycall.Client is Client


def test_error_messages_name_the_argument() -> None:
    from loginbycall.testing import SandboxServer

    with pytest.raises(errors.InvalidInput) as region:
        loginbycall.normalize_phone("8 925 688-06-36", region="XX")
    assert region.value.field == "region"
    with pytest.raises(ValueError, match=r"^accounts: call_api_id"):
        SandboxServer(accounts=[("", "key")])
    with pytest.raises(ValueError, match=r"codelen"):
        SandboxServer(codelen=0)
