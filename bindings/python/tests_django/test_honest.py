"""Every page honest about the call: a call that may have been placed, a double submit, busy
calls, one alert per state, wrong digits cleared, Unicode digits, the lockout per client, and
nothing lost on a database error."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import SandboxFactory, code_of, phone, start, submit, wrong
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from loginbycall.django.models import PhoneNumber
from loginbycall.testing import Sandbox

pytestmark = pytest.mark.django_db


def make_user(number: str, username: str = "anna") -> Any:
    user = get_user_model().objects.create_user(username=username)
    PhoneNumber.objects.create(user=user, number="+" + number, verified_at=timezone.now())
    return user


def test_a_call_that_may_have_been_placed_is_never_reported_as_not_placed(
    client: Client, sandbox: Sandbox
) -> None:
    sandbox.arm_fault("truncate", "call", count=1)
    number = phone()
    response = start(client, number)
    html = response.content.decode()
    assert response.status_code == 200
    assert "could not" not in html.lower()
    assert "your phone may ring" in html
    assert 'data-lbc-outcome="may_ring"' in html
    assert re.search(r'data-lbc-countdown="(\d+)"', html)
    # The call was placed (and charged): the sandbox has it.
    assert sandbox.latest_call_to(number) is not None


def test_a_call_that_was_not_placed_says_so(client: Client, sandbox: Sandbox) -> None:
    sandbox.arm_fault("error", "call", code="UNEXPECTED", count=5)
    response = start(client, phone())
    assert response.status_code == 503
    assert "The call was not placed." in response.content.decode()


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
def test_a_double_submit_lands_both_on_the_code_page_of_the_one_call(
    make_sandbox: SandboxFactory,
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, repeat_timeout=30)
    sandbox.arm_fault("delay", "call", delay_ms=1500, count=1)
    number = phone()
    first = Client()
    first.get(reverse("loginbycall:phone"))
    csrf = first.cookies["csrftoken"].value
    barrier = threading.Barrier(2)

    def submit_once(_: int) -> tuple[int, str, str]:
        browser = Client()
        browser.cookies["csrftoken"] = csrf
        barrier.wait()
        response = start(browser, number)
        page = browser.get(reverse("loginbycall:code")).content.decode()
        return response.status_code, response.get("Location", ""), page

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(submit_once, range(2)))
    assert sandbox.requests("call") == 2
    call = sandbox.latest_call_to(number)
    assert call is not None
    for status, location, page in answers:
        assert status in (200, 302), (status, page[:300])
        assert 'name="digits"' in page
        assert "+" + call.mask[: -call.codelen] in page


def test_busy_puts_call_me_again_first(client: Client, sandbox: Sandbox) -> None:
    start(client, phone(8))
    html = client.get(reverse("loginbycall:code")).content.decode()
    assert 'data-status="busy"' in html
    assert "lbc-again lbc-again-first" in html
    # The call never rang: no digits to type.
    assert re.search(r"<form[^>]*data-lbc-code-form[^>]*hidden", html)


def test_one_alert_when_locked_and_wrong_digits_are_cleared(
    client: Client, sandbox: Sandbox
) -> None:
    number = phone()
    make_user(number)
    start(client, number)
    code = code_of(sandbox, number)
    page = submit(client, wrong(code)).content.decode()
    assert "Wrong digits. 2 attempts left." in page
    box = re.search(r'<input[^>]*name="digits"[^>]*>', page)
    assert box is not None and "value=" not in box.group(0)
    submit(client, wrong(code))
    locked = submit(client, wrong(code)).content.decode()
    assert locked.count('role="alert"') == 1, locked
    assert "no attempt is left" in locked
    again = client.get(reverse("loginbycall:code")).content.decode()
    assert again.count('role="alert"') == 1


def test_unicode_digits_are_read_as_ascii(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    make_user(number)
    full_width = "".join(chr(0xFF10 + int(d)) for d in "+" + number if d.isdigit())
    response = start(client, "+" + full_width)
    assert response.status_code == 302
    code = code_of(sandbox, number)
    arabic = "".join(chr(0x0660 + int(d)) for d in code)
    done = submit(client, arabic)
    assert done.status_code == 302
    assert "_auth_user_id" in client.session


def test_letters_are_still_refused_and_cost_no_attempt(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    start(client, number)
    page = submit(client, "abcd").content.decode()
    assert "Type the last 4 digits" in page
    assert "attempts left" not in page


def test_a_stranger_s_wrong_guesses_do_not_lock_the_owner_out(
    make_sandbox: SandboxFactory,
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, repeat_timeout=0)
    number = phone()
    owner = make_user(number)
    stranger = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(2):
        start(stranger, number)
        code = code_of(sandbox, number)
        for _ in range(3):
            submit(stranger, wrong(code))
    start(stranger, number)
    refused = submit(stranger, wrong(code_of(sandbox, number)))
    assert refused.status_code == 429
    assert "Too many wrong codes" in refused.content.decode()

    person = Client(REMOTE_ADDR="198.51.100.7")
    start(person, number)
    done = submit(person, code_of(sandbox, number))
    assert done.status_code == 302
    assert person.session["_auth_user_id"] == str(owner.pk)


@override_settings()
def test_a_database_error_loses_nothing_and_the_same_digits_work_again(
    make_sandbox: SandboxFactory,
) -> None:
    from testapp.adapter import RecordingAdapter

    sandbox = make_sandbox(
        dial_ms=0, ring_ms=0, loginbycall={"ADAPTER": "testapp.adapter.RecordingAdapter"}
    )
    number = phone()
    user = make_user(number)
    client = Client()
    start(client, number)
    code = code_of(sandbox, number)
    RecordingAdapter.failures = 1
    failed = submit(client, code)
    assert failed.status_code == 503
    assert "Type the same digits again" in failed.content.decode()
    assert "_auth_user_id" not in client.session
    # Other digits do not pass on the accepted code.
    assert "_auth_user_id" not in submit(Client(), code).client.session  # no login: no state
    refused = submit(client, wrong(code))
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    done = submit(client, code)
    assert done.status_code == 302, done.content.decode()[:500]
    assert client.session["_auth_user_id"] == str(user.pk)
