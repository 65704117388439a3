"""Logging (issue 17): the core's events reach ``logging.getLogger("loginbycall")``: one DEBUG
line per attempt (method, attempt, status, time, request id), INFO for retries and the guard's
refusals, WARNING for a call that may have been placed; numbers masked, keys never; nothing
printed by default."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from conftest import phone
from loginbycall import errors
from loginbycall.testing import Sandbox


def records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "loginbycall"]


def test_one_debug_line_per_request(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    client = sandbox.client()
    with caplog.at_level(logging.DEBUG, logger="loginbycall"):
        client.balance()
    [record] = records(caplog)
    assert record.levelno == logging.DEBUG
    assert record.lbc_event == "request"  # type: ignore[attr-defined]
    assert record.lbc_method == "balance"  # type: ignore[attr-defined]
    assert record.lbc_attempt == 1  # type: ignore[attr-defined]
    assert record.lbc_status == 200  # type: ignore[attr-defined]
    assert isinstance(record.lbc_elapsed_ms, int)  # type: ignore[attr-defined]
    assert "balance attempt 1: HTTP 200" in record.getMessage()


def test_retries_are_info_and_a_possible_call_a_warning(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    client = sandbox.client(retry_base_delay=0.01)
    sandbox.arm_fault("503", "balance", count=1)
    sandbox.arm_fault("502", "call", count=1)
    number = phone()
    with caplog.at_level(logging.INFO, logger="loginbycall"):
        client.balance()
        with pytest.raises(errors.HttpError):
            client.call(number)
    logged = records(caplog)
    assert [(r.levelno, r.lbc_event) for r in logged] == [  # type: ignore[attr-defined]
        (logging.INFO, "retry"),
        (logging.WARNING, "may_have_been_placed"),
    ]
    text = "\n".join(r.getMessage() for r in logged)
    assert number[:-4] + "****" in text
    assert number not in text
    assert sandbox.account.api_key not in text


def test_a_refusal_of_the_guard_is_info(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    client = sandbox.client(guard={"allowed_countries": ["KZ"]})
    number = phone()
    with caplog.at_level(logging.INFO, logger="loginbycall"):
        with pytest.raises(errors.GuardRefused):
            client.call(number)
    [record] = records(caplog)
    assert record.levelno == logging.INFO
    assert record.lbc_event == "guard_refused"  # type: ignore[attr-defined]
    assert number not in record.getMessage()


def test_nothing_is_printed_by_default(sandbox: Sandbox) -> None:
    # A fresh interpreter without logging configured: a warning of the SDK must not reach stderr
    # (logging's last resort handler) unless the application asks.
    account = sandbox.account
    sandbox.arm_fault("502", "call", count=1)
    code = (
        "import sys, loginbycall\n"
        "c = loginbycall.Client(sys.argv[1], sys.argv[2], base_url=sys.argv[3], store=sys.argv[4])\n"
        "try:\n    c.call(sys.argv[5])\nexcept loginbycall.HttpError:\n    pass\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, account.call_api_id, account.api_key, sandbox.base_url,
         sandbox.store_url, phone()],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
