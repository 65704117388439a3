"""The management commands, against the sandbox."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from loginbycall.testing import Sandbox


def run(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_check_says_ok_when_calls_can_be_placed(sandbox: Sandbox) -> None:
    text = run("loginbycall_check")
    assert "activated: yes, blocked: no" in text
    assert "server status: 1 (calls are placed)" in text
    assert "ok: logins by call work" in text
    assert sandbox.account.api_key not in text


def test_check_fails_when_the_service_places_no_calls(sandbox: Sandbox) -> None:
    sandbox.set_server_status(0)
    with pytest.raises(CommandError, match="the service places no calls now"):
        run("loginbycall_check")


def test_check_fails_for_a_blocked_account(sandbox: Sandbox) -> None:
    sandbox.update_account(blocked=True)
    with pytest.raises(CommandError):
        run("loginbycall_check")


def test_check_fails_with_a_wrong_key(sandbox: Sandbox) -> None:
    with override_settings(
        LOGINBYCALL={
            "CALL_API_ID": sandbox.account.call_api_id,
            "API_KEY": "not-the-key",
            "BASE_URL": sandbox.base_url,
        }
    ):
        with pytest.raises(CommandError, match="refused") as raised:
            run("loginbycall_check")
    assert "not-the-key" not in str(raised.value)


def test_balance_shows_usd_and_credits(sandbox: Sandbox) -> None:
    sandbox.set_balance(1_234_567)
    text = run("loginbycall_balance")
    assert "left:     123.4567 USD (1234567 credits)" in text
    assert "spent:" in text
