"""``AsyncClient`` (issue 17): the client's methods as coroutines that never block the event
loop, cancellation that leaves nothing running, ``async with``."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

import loginbycall
from conftest import phone
from loginbycall import AsyncClient, AsyncLogin, errors
from loginbycall._native import _in_flight
from loginbycall.testing import Sandbox


T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def test_every_method_of_client_is_a_coroutine_of_async_client() -> None:
    import inspect

    for name, member in vars(loginbycall.Client).items():
        if name.startswith("_") or name in {"from_env"}:
            continue
        assert hasattr(AsyncClient, name), name
        sync_io = {"with_credentials", "normalize_phone", "base_url", "call_api_id", "closed"}
        if name not in sync_io:
            assert inspect.iscoroutinefunction(getattr(AsyncClient, name)), name
    for name in ("check", "wait_final", "hangup"):
        assert inspect.iscoroutinefunction(getattr(AsyncLogin, name)), name


def test_a_login_from_start_to_hangup(sandbox: Sandbox) -> None:
    async def main() -> None:
        account = sandbox.account
        async with AsyncClient(
            account.call_api_id, account.api_key, base_url=sandbox.base_url,
            store=sandbox.store_url,
        ) as client:
            assert (await client.server_status()).is_working
            assert (await client.status()).activated
            balance = await client.balance()
            number = phone()
            login = await client.start_login(number, ip_address="203.0.113.9")
            assert isinstance(login, AsyncLogin)
            state = await login.wait_final(5.0)
            assert state.is_final
            call = sandbox.call(login.call)
            assert call is not None and call.code is not None
            resumed = await client.resume_login(login.to_json())
            assert (await resumed.check(call.code)).accepted
            await resumed.hangup()
            assert (await client.balance()).consumed > balance.consumed
            answer = await client.request("server-status")
            assert "server_status" in answer
            with pytest.raises(errors.InvalidInput) as refused:
                await client.call("not a number")
            assert refused.value.field == "msisdn"
        assert client.closed
        with pytest.raises(errors.InvalidInput) as closed:
            await client.balance()
        assert closed.value.field == "client"

    run(main())


def test_the_event_loop_keeps_ticking_while_50_requests_run(sandbox: Sandbox) -> None:
    """Prints the figure (the issue's target: ticks every 10 ms stay within 2 ms); asserts only
    that every request succeeded and that the loop ran meanwhile."""
    sandbox.arm_fault("delay", "server-status", count=50, delay_ms=200)

    async def main() -> tuple[list[float], float]:
        client = AsyncClient(client=sandbox.client())
        lateness: list[float] = []
        stop = asyncio.Event()

        async def ticker() -> None:
            while not stop.is_set():
                before = time.perf_counter()
                await asyncio.sleep(0.010)
                lateness.append(time.perf_counter() - before - 0.010)

        tick = asyncio.ensure_future(ticker())
        started = time.perf_counter()
        answers = await asyncio.gather(*(client.server_status() for _ in range(50)))
        took = time.perf_counter() - started
        stop.set()
        await tick
        assert all(a.is_working for a in answers)
        return lateness, took

    lateness, took = run(main())
    assert len(lateness) >= 5, "the loop ran while the requests were in flight"
    print(
        f"\n50 concurrent requests (200 ms each) in {took * 1000:.0f} ms; a 10 ms ticker was late "
        f"by median {statistics.median(lateness) * 1000:.2f} ms, max {max(lateness) * 1000:.2f} ms "
        f"over {len(lateness)} ticks"
    )


def test_cancellation_cancels_the_request_and_nothing_leaks(sandbox: Sandbox) -> None:
    # Far apart, so that a loaded machine cannot blur them: cancelled after 0.2 s, answered after 6 s.
    sandbox.arm_fault("delay", "balance", count=1, delay_ms=6_000)

    async def main() -> float:
        client = AsyncClient(client=sandbox.client(timeout=8.0))
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(client.balance(), 0.2)
        cancelled_after = time.monotonic() - started
        # The client goes on working at once.
        assert (await client.server_status()).is_working
        return cancelled_after

    cancelled_after = run(main())
    assert cancelled_after < 3.0
    # The request in flight ends on its own thread (by its answer or its timeout): then nothing
    # is left running.
    deadline = time.monotonic() + 10
    while _in_flight() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _in_flight() == 0


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout is Python 3.11+")
def test_asyncio_timeout_cancels_wait_final_at_its_next_pause() -> None:
    with Sandbox(dial_ms=0, ring_ms=30_000) as sandbox:

        async def main() -> None:
            client = AsyncClient(client=sandbox.client(guard=None))
            login = await client.start_login(phone())
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.3):
                    await login.wait_final(20.0)
            assert time.monotonic() - started < 5.0  # not the 20 s wait, nor the 30 s ring

        run(main())
        deadline = time.monotonic() + 5
        while _in_flight() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _in_flight() == 0, "the polling stopped at its next pause"


def test_errors_raise_in_the_coroutine(sandbox: Sandbox) -> None:
    sandbox.arm_fault("502", "call", count=1)

    async def main() -> None:
        client = AsyncClient(client=sandbox.client())
        with pytest.raises(errors.HttpError) as failed:
            await client.call(phone())
        assert failed.value.may_have_been_placed

    run(main())


def test_from_env_and_wrong_arguments(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOGINBYCALL_CALL_API_ID", sandbox.account.call_api_id)
    monkeypatch.setenv("LOGINBYCALL_API_KEY", sandbox.account.api_key)
    monkeypatch.setenv("LOGINBYCALL_BASE_URL", sandbox.base_url)
    client = AsyncClient.from_env(store=sandbox.store_url)
    assert client.base_url == sandbox.base_url
    assert run(client.server_status()).is_working
    with pytest.raises(TypeError, match="client must be a loginbycall.Client"):
        AsyncClient(client="x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="takes no other argument"):
        AsyncClient("id", client=sandbox.client())
