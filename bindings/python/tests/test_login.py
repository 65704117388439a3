"""The login flow: the prompt, the verdicts, three attempts, expiry, one acceptance, the JSON
state, waiting for the call to end, hanging up."""

from __future__ import annotations

import json
import threading
import time

import pytest

import loginbycall
from conftest import phone
from loginbycall import CallStatus, Login
from loginbycall.testing import Sandbox


def login_with_code(mask_end: str = "0636") -> Login:
    """A login whose code is ``mask_end`` (a state as ``to_json`` writes it)."""
    state = {
        "call": "c1",
        "msisdn": "79256880636",
        "ip_address": None,
        "mask": "7925688" + mask_end,
        "codelen": len(mask_end),
        "repeat_timeout": 30,
        "started_at": int(time.time()),
        "attempts": 0,
        "accepted": False,
        "policy": {"max_attempts": 3, "ttl": {"secs": 300, "nanos": 0}},
    }
    return Login.from_json(json.dumps(state))


def test_a_whole_login_against_the_sandbox(client: loginbycall.Client, sandbox: Sandbox) -> None:
    number = phone()
    login = client.start_login(f"8 ({number[1:4]}) {number[4:7]}-{number[7:9]}-{number[9:]}",
                               ip_address="80.80.88.88")
    assert isinstance(login, Login)
    assert login.msisdn == number and login.ip_address == "80.80.88.88"
    seen = sandbox.latest_call_to(number)
    assert seen is not None and seen.call == login.call
    assert login.codelen == 4 and login.prompt == seen.mask[:-4]
    assert login.attempts_left == 3 and login.max_attempts == 3
    assert login.expires_at == login.started_at + 300
    verdict = login.check(seen.code)
    assert verdict.accepted and bool(verdict) and verdict.name == "accepted"
    assert login.is_accepted and login.attempts_left == 0
    state = login.wait_final(client, timeout=10)
    assert state.status is CallStatus.ANSWERED
    login.hangup(client)


def test_wrong_digits_are_rejected_and_whitespace_is_trimmed() -> None:
    login = login_with_code("0636")
    first = login.check("636")
    assert (first.name, first.rejected, first.attempts_left) == ("rejected", True, 2)
    assert not first and not first.locked and not first.expired
    second = login.check("06a6")
    assert second.rejected and second.attempts_left == 1
    assert login.check(" 0636\n").accepted
    again = login.check("0636")
    assert again.locked and not again.accepted, "accepted only once"


def test_three_wrong_attempts_lock_the_login() -> None:
    login = login_with_code("0636")
    assert login.check("1111").attempts_left == 2
    assert login.check("2222").attempts_left == 1
    third = login.check("3333")
    assert third.locked and third.attempts_left == 0
    assert login.check("0636").locked
    assert login.attempts == 3 and login.attempts_left == 0


def test_an_old_code_has_expired() -> None:
    state = json.loads(login_with_code("0636").to_json())
    state["started_at"] = int(time.time()) - 301
    login = Login.from_json(json.dumps(state))
    verdict = login.check("0636")
    assert verdict.expired and not verdict.accepted and verdict.name == "expired"
    assert login.attempts == 0, "a check after expiry costs no attempt"


def test_the_state_round_trips_through_json() -> None:
    login = login_with_code("0636")
    login.check("1234")
    back = Login.from_json(login.to_json())
    assert back.to_json() == login.to_json()
    assert (back.attempts, back.call, back.prompt) == (1, "c1", "7925688")
    assert back.check("0636").accepted


@pytest.mark.parametrize(
    "change",
    [
        {"mask": "12€"},
        {"mask": "7925688abcd"},
        {"codelen": 0},
        {"codelen": 40},
        {"attempts": 99},
        {"call": ""},
        {"policy": {"max_attempts": 0, "ttl": {"secs": 300, "nanos": 0}}},
    ],
)
def test_a_tampered_state_is_refused(change: dict[str, object]) -> None:
    state = {**json.loads(login_with_code().to_json()), **change}
    with pytest.raises(loginbycall.InvalidInput) as caught:
        Login.from_json(json.dumps(state))
    assert caught.value.field == "login_state"


@pytest.mark.parametrize("text", ["", "{}", "[]", "not json", "\ud800", "\x00"])
def test_anything_but_a_saved_login_is_refused(text: str) -> None:
    with pytest.raises(loginbycall.InvalidInput):
        Login.from_json(text)


def test_the_repr_hides_the_code() -> None:
    login = login_with_code("9876")
    assert "9876" not in repr(login) and "7925688" in repr(login)


def test_one_login_checked_from_many_threads_is_accepted_once() -> None:
    login = Login.from_json(
        json.dumps(
            {**json.loads(login_with_code("0636").to_json()), "policy": {"max_attempts": 100, "ttl": {"secs": 300, "nanos": 0}}}
        )
    )
    verdicts: list[loginbycall.Verdict] = []
    lock = threading.Lock()

    def check() -> None:
        for _ in range(10):
            verdict = login.check("0636")
            with lock:
                verdicts.append(verdict)

    threads = [threading.Thread(target=check) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(v.accepted for v in verdicts) == 1
    assert len(verdicts) == 80


@pytest.mark.parametrize(("ending", "status"), [(8, CallStatus.BUSY), (32, CallStatus.FAILED)])
def test_wait_final_returns_the_final_status(ending: int, status: CallStatus) -> None:
    with Sandbox(dial_ms=100, ring_ms=300) as sandbox:
        client = sandbox.client()
        login = client.start_login(phone(ending))
        state = login.wait_final(client, timeout=10)
        assert state.status is status and state.is_final


def test_wait_final_returns_by_its_timeout() -> None:
    with Sandbox(dial_ms=60_000, ring_ms=60_000) as sandbox:
        client = sandbox.client()
        login = client.start_login(phone())
        started = time.monotonic()
        state = login.wait_final(client, timeout=1.0)
        assert state.status is CallStatus.QUEUED and not state.is_final
        assert time.monotonic() - started < 5
        login.hangup(client)
        assert client.call_status(login.call).status is CallStatus.NOT_ANSWERED


def test_login_policy_comes_from_the_client(sandbox: Sandbox) -> None:
    client = sandbox.client(max_attempts=5, ttl=60)
    login = client.start_login(phone())
    assert login.max_attempts == 5 and login.expires_at == login.started_at + 60
    with pytest.raises(loginbycall.InvalidInput):
        sandbox.client(max_attempts=0)


def test_the_old_policy_names_still_work_with_a_deprecation_warning(sandbox: Sandbox) -> None:
    with pytest.warns(DeprecationWarning, match=r"use Client\(max_attempts=\.\.\.\)"):
        client = sandbox.client(login_max_attempts=4)
    with pytest.warns(DeprecationWarning, match=r"use Client\(ttl=\.\.\.\)"):
        client = loginbycall.Client(
            client.call_api_id, sandbox.account.api_key, base_url=sandbox.base_url, login_ttl=90
        )
    login = client.start_login(phone())
    assert login.max_attempts == 3 and login.expires_at == login.started_at + 90
    with pytest.raises(TypeError, match="both ttl and its deprecated name login_ttl"):
        sandbox.client(ttl=60, login_ttl=60)
    with pytest.warns(DeprecationWarning, match="use Login.is_accepted"):
        assert login.accepted is False

