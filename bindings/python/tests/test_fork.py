"""A client made before a fork (issue 15): gunicorn ``--preload`` with 4 workers, the client made
and used in the master, then 1,000 calls spread over the workers; each answer is checked against
the sandbox's record of that call: no worker may read another's answer (its call id and mask, so
its code)."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from conftest import phone
from loginbycall.testing import Sandbox

CALLS = 1000
WORKERS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(port: int, path: str) -> dict[str, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        data: dict[str, Any] = json.loads(answer.read())
        return data
    finally:
        connection.close()


def test_a_client_made_before_the_fork_never_crosses_answers() -> None:
    if importlib.util.find_spec("gunicorn") is None:
        if os.environ.get("LBC_PYTHON_REQUIRE_ALL"):
            pytest.fail("gunicorn is not installed (pip install gunicorn)")
        pytest.skip("gunicorn is not installed")
    with Sandbox(dial_ms=0, ring_ms=0, repeat_timeout=0) as sandbox:
        port = free_port()
        env = {
            **os.environ,
            "LBC_FORK_CALL_API_ID": sandbox.account.call_api_id,
            "LBC_FORK_API_KEY": sandbox.account.api_key,
            "LBC_FORK_BASE_URL": sandbox.base_url,
        }
        here = Path(__file__).resolve().parent
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(WORKERS),
             "--bind", f"127.0.0.1:{port}", "--chdir", str(here), "--log-level", "warning",
             "forkapp:app"],
            env=env,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert server.poll() is None, "gunicorn exited"
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.1)
            assert sandbox.requests("server-status") == 1, "the master's request"
            numbers = [phone() for _ in range(CALLS)]
            with ThreadPoolExecutor(16) as pool:
                answers = list(pool.map(lambda n: get(port, f"/call?msisdn={n}"), numbers))
        finally:
            server.terminate()
            server.wait(30)
        failures = [a for a in answers if "error" in a]
        assert not failures, failures[:5]
        crossed = []
        for number, answer in zip(numbers, answers):
            record = sandbox.call(answer["call"])
            if (record is None or record.msisdn != number or record.mask != answer["mask"]
                    or answer["msisdn"] != number):
                crossed.append((number, answer, record))
        assert len(crossed) == 0, f"{len(crossed)} crossed answers: {crossed[:3]}"
        pids = {a["pid"] for a in answers}
        assert len(pids) == WORKERS and answers[0]["master"] not in pids, pids
        assert sandbox.requests("call") == CALLS
