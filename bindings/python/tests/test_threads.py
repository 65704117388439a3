"""Time limits and threads: a server that never answers gives ``Timeout`` in the configured time,
one client serves many threads, and a request never holds the interpreter while it waits."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import loginbycall
from conftest import phone
from loginbycall.testing import Sandbox

KEY = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq"


def test_a_server_that_never_answers_is_a_timeout_in_time(sandbox: Sandbox) -> None:
    sandbox.arm_fault("hang")
    client = loginbycall.Client("id", KEY, base_url=sandbox.base_url, timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(loginbycall.Timeout) as caught:
        client.balance()
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 5, elapsed
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.method == "balance" and caught.value.after == pytest.approx(1.0, abs=0.05)


def test_a_timed_out_call_may_have_been_placed(sandbox: Sandbox) -> None:
    # Two uses: one left afterwards means exactly one request came.
    sandbox.arm_fault("hang", "call", count=2)
    client = loginbycall.Client("id", KEY, base_url=sandbox.base_url, timeout=0.5)
    with pytest.raises(loginbycall.Timeout) as caught:
        client.call("79256880636")
    assert caught.value.may_have_been_placed is True
    assert "call-status" in str(caught.value)
    assert [f.count for f in sandbox.faults()] == [1], "a call is never sent twice"


def test_the_deadline_bounds_every_retry(sandbox: Sandbox) -> None:
    sandbox.arm_fault("hang")
    client = loginbycall.Client(
        "id", KEY, base_url=sandbox.base_url, timeout=1.0, deadline=1.5, max_retries=5
    )
    started = time.monotonic()
    with pytest.raises(loginbycall.Timeout):
        client.balance()
    assert time.monotonic() - started < 4


def test_eight_threads_share_one_client(sandbox: Sandbox) -> None:
    # 24 calls and no code typed: the guard's brake would pause the range after 20.
    client = sandbox.client(guard=None)
    numbers = [phone() for _ in range(8 * 3)]

    def work(number: str) -> tuple[str, loginbycall.CallStatus, int]:
        started = client.call(number)
        state = client.call_status(started.call)
        return started.call, state.status, client.balance().balance

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, numbers))
    assert len({call for call, _, _ in results}) == len(numbers)
    assert all(status is loginbycall.CallStatus.ANSWERED for _, status, _ in results)
    assert client.balance().consumed == 100 * len(numbers)


def test_a_request_releases_the_interpreter_while_it_waits(sandbox: Sandbox) -> None:
    # The sandbox holds the request for 3 s, then answers. Were the interpreter held during the
    # request, no other Python thread could run until the answer came.
    sandbox.arm_fault("delay", "server-status", count=1, delay_ms=3000)
    client = loginbycall.Client(base_url=sandbox.base_url, timeout=8.0, max_retries=0)
    outcome: list[object] = []
    waiter = threading.Thread(target=lambda: outcome.append(client.server_status()))
    waiter.start()
    deadline = time.monotonic() + 10
    while sandbox.faults() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not sandbox.faults(), "the request never arrived"

    done = threading.Event()

    def python_work() -> None:
        total = 0
        for i in range(200_000):
            total += i * i
        assert total > 0
        done.set()

    worker = threading.Thread(target=python_work)
    worker.start()
    finished_while_waiting = done.wait(5) and waiter.is_alive()
    waiter.join(10)
    worker.join(10)
    assert finished_while_waiting, "Python work could not run while a request was waiting"
    assert outcome and isinstance(outcome[0], loginbycall.ServerStatus)
