"""loginbycall.testing.Sandbox: the embedded emulator and its controls."""

from __future__ import annotations

import json
import time

import pytest

import loginbycall
from conftest import phone
from loginbycall.testing import Sandbox, SandboxError


def test_a_context_manager_that_serves_until_exit() -> None:
    with Sandbox() as sb:
        assert sb.base_url.startswith("http://127.0.0.1:") and sb.base_url.endswith("/callapi/v2.0/")
        ready = json.loads(sb.ready_line)
        assert ready["base_url"] == sb.base_url
        assert ready["accounts"][0]["call_api_id"] == sb.account.call_api_id
        assert sb.client().status().activated
        client = sb.client(timeout=2.0, max_retries=0)
    with pytest.raises(loginbycall.TransportError):
        client.status()
    sb.close()  # a second close does nothing


def test_seeded_accounts_and_created_ones() -> None:
    with Sandbox(accounts=[("site-one", "key-one"), ("site-two", "key-two")]) as sb:
        assert [a.call_api_id for a in sb.accounts] == ["site-one", "site-two"]
        assert "key-one" not in repr(sb.accounts)
        assert sb.client(sb.accounts[1]).balance().balance == 1_000_000
        made = sb.create_account(balance=500, allow_unsecure_calls=True)
        state = sb.account_state(made.call_api_id)
        assert (state.balance, state.allow_unsecure_calls, state.key_state) == (500, True, "active")
        unsigned = loginbycall.Client(made.call_api_id, base_url=sb.base_url)
        assert unsigned.balance().balance == 500
        with pytest.raises(SandboxError) as caught:
            sb.create_account(call_api_id="site-one")
        assert caught.value.status == 409
        with pytest.raises(SandboxError):
            sb.account_state("no-such-account")


def test_calls_ring_and_end_on_the_sandbox_clock() -> None:
    with Sandbox(dial_ms=60_000, ring_ms=60_000) as sb:
        client = sb.client()
        number = phone(16)
        started = client.call(number)
        seen = sb.latest_call_to(f"+{number}")
        assert seen is not None and seen == sb.call(started.call)
        assert seen.status is loginbycall.CallStatus.QUEUED
        assert len(seen.code) == 4 and seen.mask.endswith(seen.code)
        sb.advance_clock(61)
        ringing = sb.call(started.call)
        assert ringing is not None and ringing.status is loginbycall.CallStatus.DIALING
        assert client.call_status(started.call).status is loginbycall.CallStatus.DIALING
        sb.advance_clock(60)
        final = sb.call(started.call)
        assert final is not None and final.status is loginbycall.CallStatus.NOT_ANSWERED
        assert sb.call("nope") is None and sb.latest_call_to("79990000000") is None


def test_advancing_the_clock_ends_the_repeat_timeout(client: loginbycall.Client, sandbox: Sandbox) -> None:
    number = phone()
    client.call(number)
    with pytest.raises(loginbycall.CallRepeatTimeout):
        client.call(number)
    sandbox.advance_clock(31)
    client.call(number)


def test_account_controls(client: loginbycall.Client, sandbox: Sandbox) -> None:
    state = sandbox.update_account(blocked=True)
    assert state.blocked
    with pytest.raises(loginbycall.ApiError) as caught:
        client.call(phone())
    assert caught.value.code.startswith("ACCOUNT_BLOCKED")
    sandbox.update_account(blocked=False, server_status=0)
    with pytest.raises(loginbycall.CallRejected):
        client.call(phone())
    sandbox.update_account(server_status=1)
    sandbox.set_balance(0)
    with pytest.raises(loginbycall.NotEnoughCredit):
        client.call(phone())
    assert sandbox.account_state().balance == 0


def test_codelen_and_prices_are_settings() -> None:
    with Sandbox(dial_ms=0, ring_ms=0, codelen=6, call_price=250, account_balance=1000) as sb:
        client = sb.client()
        login = client.start_login(phone())
        assert login.codelen == 6
        seen = sb.call(login.call)
        assert seen is not None and login.check(seen.code).accepted
        assert client.balance().current == 750
    with pytest.raises(ValueError):
        Sandbox(codelen=0)


def test_a_fixed_mask_gives_a_known_code(client: loginbycall.Client, sandbox: Sandbox) -> None:
    sandbox.set_fixed_mask("79001234567")
    login = client.start_login(phone())
    assert login.prompt == "7900123"
    assert login.check("4567").accepted
    assert sandbox.account_state().fixed_mask == "79001234567"
    sandbox.set_fixed_mask(None)
    assert sandbox.account_state().fixed_mask is None


def test_the_later_pay_shape(client: loginbycall.Client, sandbox: Sandbox) -> None:
    sandbox.set_pay_shape("html")
    assert sandbox.account_state().pay_shape == "html"
    payment = client.pay(10_000)
    assert payment.shape == "html" and payment.html is not None
    assert payment.to_html() == payment.html and "lbc-payment-button" in payment.html


def test_the_server_status(client: loginbycall.Client, sandbox: Sandbox) -> None:
    assert sandbox.server_status == 1
    sandbox.set_server_status(0)
    assert sandbox.server_status == 0 and not client.server_status().is_working
    with pytest.raises(loginbycall.CallRejected):
        client.call(phone())


def test_failures_on_demand(sandbox: Sandbox) -> None:
    patient = sandbox.client()
    strict = sandbox.client(max_retries=0, timeout=1.0)
    sandbox.arm_fault("502", "balance", count=1)
    assert patient.balance().balance == 1_000_000, "balance is retried after a 502"
    sandbox.arm_fault("503", "balance", count=1)
    with pytest.raises(loginbycall.HttpError) as http:
        strict.balance()
    assert http.value.http_status == 503

    sandbox.arm_fault("error", "call", code="CALL_REPEAT_TIMEOUT", additional={"delay": 12.5})
    assert [(f.method, f.kind, f.code, f.count) for f in sandbox.faults()] == [
        ("call", "error", "CALL_REPEAT_TIMEOUT", None)
    ]
    with pytest.raises(loginbycall.CallRepeatTimeout) as early:
        strict.call(phone())
    assert early.value.delay == 12.5
    assert sandbox.clear_faults() == 1 and sandbox.faults() == []

    sandbox.arm_fault("reset", "call", count=1)
    with pytest.raises(loginbycall.TransportError):
        strict.call(phone())

    number = phone()
    sandbox.arm_fault("delay", "call", delay_ms=2500, count=1)
    with pytest.raises(loginbycall.Timeout) as slow:
        strict.call(number)
    assert slow.value.may_have_been_placed
    for _ in range(100):  # the sandbox places the call anyway, once its delay is over
        if sandbox.latest_call_to(number) is not None:
            break
        time.sleep(0.05)
    assert sandbox.latest_call_to(number) is not None

    sandbox.arm_fault("truncate", "call", count=1)
    with pytest.raises(loginbycall.LoginByCallError) as cut:
        strict.call(phone())
    assert cut.value.may_have_been_placed

    with pytest.raises(SandboxError) as refused:
        sandbox.arm_fault("meteor")
    assert refused.value.status == 400
    assert "/_sandbox/" in sandbox.dashboard_url
