"""The login flow: the prompt, the verdicts, three attempts, expiry, one acceptance, the JSON
state, waiting for the call to end, hanging up."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import loginbycall
from conftest import phone
from loginbycall import CallStatus, Login
from loginbycall.testing import Sandbox


def login_with_code(sandbox: Sandbox, mask_end: str = "0636", **options: Any) -> Login:
    """A login whose code is ``mask_end`` (the sandbox's fixed mask), on a client made with
    ``options``."""
    sandbox.set_fixed_mask("7925688" + mask_end)
    return sandbox.client(**options).start_login(phone())


def test_wrong_digits_are_rejected_and_whitespace_is_trimmed(sandbox: Sandbox) -> None:
    login = login_with_code(sandbox, "0636")
    first = login.check("636")
    assert (first.name, first.rejected, first.attempts_left) == ("rejected", True, 2)
    assert not first and not first.locked and not first.expired
    second = login.check("06a6")
    assert second.rejected and second.attempts_left == 1
    assert login.check(" 0636\n").accepted
    again = login.check("0636")
    assert again.locked and not again.accepted, "accepted only once"


def test_three_wrong_attempts_lock_the_login(sandbox: Sandbox) -> None:
    login = login_with_code(sandbox, "0636")
    assert login.check("1111").attempts_left == 2
    assert login.check("2222").attempts_left == 1
    third = login.check("3333")
    assert third.locked and third.attempts_left == 0
    assert login.check("0636").locked
    assert login.attempts == 3 and login.attempts_left == 0


def test_an_old_code_has_expired(sandbox: Sandbox) -> None:
    login = login_with_code(sandbox, "0636", ttl=1)
    time.sleep(2.1)
    verdict = login.check("0636")
    assert verdict.expired and not verdict.accepted and verdict.name == "expired"
    assert login.attempts == 0, "a check after expiry costs no attempt"


def test_the_state_is_resumed_and_needs_no_writing_back(sandbox: Sandbox) -> None:
    login = login_with_code(sandbox, "0636")
    saved = login.to_json()
    assert login.check("1234").rejected
    assert login.to_json() == saved, "the state does not change on check"
    client = sandbox.client()
    back = client.resume_login(saved)
    assert back.to_json() == saved
    assert (back.attempts, back.call, back.prompt) == (1, login.call, "7925688")
    assert client.resume_login(saved).check("0636").accepted
    replayed = client.resume_login(saved)
    assert replayed.is_accepted and replayed.check("0636").locked, "a replay is accepted once"


def test_a_state_is_refused_by_another_sites_client(sandbox: Sandbox) -> None:
    saved = login_with_code(sandbox).to_json()
    other = loginbycall.Client("other", "k" * 40, base_url=sandbox.base_url)
    with pytest.raises(loginbycall.InvalidInput) as caught:
        other.resume_login(saved)
    assert caught.value.field == "login_state"


def test_the_state_key_seals_and_rotates(sandbox: Sandbox) -> None:
    old = sandbox.client(state_key="old-key-" + "o" * 20)
    saved = login_with_code(sandbox, state_key="old-key-" + "o" * 20).to_json()
    assert old.resume_login(saved).call
    rotated = sandbox.client(state_key=b"new-key-" + b"n" * 20, old_state_keys=["old-key-" + "o" * 20])
    assert rotated.resume_login(saved).check("0636").accepted
    with pytest.raises(loginbycall.InvalidInput):
        sandbox.client(state_key=b"new-key-" + b"n" * 20).resume_login(saved)
    with pytest.raises(loginbycall.InvalidInput) as caught:
        sandbox.client(state_key="short")
    assert caught.value.field == "state_key"
    with pytest.raises(TypeError):
        sandbox.client(old_state_keys="not a list")


@pytest.mark.parametrize("text", ["", "{}", "[]", "not json", "\ud800", "\x00"])
def test_anything_but_a_saved_login_is_refused(client: loginbycall.Client, text: str) -> None:
    with pytest.raises(loginbycall.InvalidInput) as caught:
        client.resume_login(text)
    assert caught.value.field == "login_state"


def test_from_json_is_gone_with_a_deprecation_warning(sandbox: Sandbox) -> None:
    saved = login_with_code(sandbox).to_json()
    with pytest.warns(DeprecationWarning, match="resume_login"):
        with pytest.raises(loginbycall.InvalidInput, match="resume_login"):
            Login.from_json(saved)


def test_the_repr_hides_the_code(sandbox: Sandbox) -> None:
    login = login_with_code(sandbox, "9876")
    assert "9876" not in repr(login) and "7925688" in repr(login)


def test_one_login_checked_from_many_threads_is_accepted_once(sandbox: Sandbox) -> None:
    login = login_with_code(sandbox, "0636", max_attempts=100)
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

