"""The JSON API's async views (Django 5.0 and later), through Django's async test client as an
ASGI server drives them: the requests that wait for the service (placing a call, its status) wait
as coroutines on :class:`loginbycall.AsyncClient`, all at once, not one by one on a Django
thread."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from conftest import SandboxFactory, phone
from django.test import AsyncClient as AsyncTestClient
from loginbycall._native import _in_flight
from loginbycall.django.api import ASYNC_VIEWS

API = "/accounts/phone/api/app/"
POLLERS = 6


def test_the_views_are_async_from_django_5() -> None:
    import inspect

    import django
    from django.urls import resolve

    view = resolve(API + "call").func
    assert inspect.iscoroutinefunction(view) == (django.VERSION >= (5, 0)) == ASYNC_VIEWS


@pytest.mark.skipif(not ASYNC_VIEWS, reason="Django 4.2's view decorators need sync views")
@pytest.mark.django_db(transaction=True)
def test_polls_of_several_apps_wait_for_the_service_together(
    make_sandbox: SandboxFactory,
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=60_000)
    numbers = [phone(40 + i) for i in range(POLLERS)]

    async def scenario() -> tuple[list[tuple[int, Any]], int, float]:
        client = AsyncTestClient()
        tokens = []
        for number in numbers:
            answer = await client.post(
                API + "call", {"phone": "+" + number}, content_type="application/json"
            )
            data = answer.json()
            assert answer.status_code == 200, data
            assert data["data"]["call"]["final"] is False
            tokens.append(data["meta"]["session_token"])
        # Every poll's call_status now takes 1.5 s at the service.
        sandbox.arm_fault("delay", "call-status", count=POLLERS, delay_ms=1_500)

        async def poll(token: str) -> tuple[int, Any]:
            answer = await client.get(API + "call", headers={"X-Session-Token": token})
            return answer.status_code, answer.json()

        started = time.monotonic()
        polls = asyncio.gather(*(poll(token) for token in tokens))
        waiting = 0
        while not polls.done():
            waiting = max(waiting, _in_flight())
            await asyncio.sleep(0.05)
        return await polls, waiting, time.monotonic() - started

    answers, waiting, took = asyncio.run(scenario())
    print(f"\n{POLLERS} polls, each answered by the service after 1.5 s: {took:.2f} s in all")
    for status, data in answers:
        assert status == 200, data
        assert data["data"]["call"]["status"] == "dialing" or data["data"]["call"]["code"] == 1
    # The service's answers were awaited by all the polls at once, on the core's threads.
    assert waiting == POLLERS, f"{waiting} of {POLLERS} polls waited for the service at once"
