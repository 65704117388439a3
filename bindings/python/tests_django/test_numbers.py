"""The numbers page: listing, and adding, changing or removing a number only with a fresh proof
(a login, a call to one of the account's numbers, the password), its own rate limit, and the
account told (signals, a message, the adapter's mail hook)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SandboxFactory, code_of, phone, start, submit
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from loginbycall.django import signals
from loginbycall.django.flows import PROVED_KEY
from loginbycall.django.models import PhoneNumber
from loginbycall.testing import Sandbox

pytestmark = pytest.mark.django_db

NUMBERS = reverse("loginbycall:numbers")


def user_with(number: str, password: str | None = None) -> Any:
    user = get_user_model().objects.create_user(username="anna", password=password)
    PhoneNumber.objects.create(user=user, number="+" + number, verified_at=timezone.now())
    return user


def stale(client: Client) -> None:
    """The session of a thief: logged in, but no proof for a long time."""
    session = client.session
    session[PROVED_KEY] = 0
    session.save()


@pytest.fixture
def adapter_sandbox(make_sandbox: SandboxFactory) -> Sandbox:
    from testapp.adapter import RecordingAdapter

    RecordingAdapter.mails = []
    return make_sandbox(
        dial_ms=0, ring_ms=0, loginbycall={"ADAPTER": "testapp.adapter.RecordingAdapter"}
    )


def test_the_page_lists_the_numbers(client: Client, adapter_sandbox: Sandbox) -> None:
    number = phone()
    client.force_login(user_with(number))
    page = client.get(NUMBERS).content.decode()
    assert "+" + number in page
    assert "Remove" in page  # a login is a fresh proof


def test_a_stolen_session_cannot_add_or_remove(client: Client, adapter_sandbox: Sandbox) -> None:
    number = phone()
    user = user_with(number, password="secret-pass")
    client.force_login(user)
    stale(client)
    page = client.get(NUMBERS).content.decode()
    assert "first confirm it is you" in page
    assert client.get(reverse("loginbycall:add"))["Location"] == NUMBERS
    refused = client.post(NUMBERS, {"action": "remove", "number": "+" + number})
    assert refused.status_code == 403
    assert PhoneNumber.objects.filter(user=user).count() == 1
    wrong = client.post(NUMBERS, {"action": "password", "password": "guess"})
    assert "Wrong password." in wrong.content.decode()


def test_the_password_proves_and_a_removal_tells_the_account(
    client: Client, adapter_sandbox: Sandbox
) -> None:
    from testapp.adapter import RecordingAdapter

    number = phone()
    user = user_with(number, password="secret-pass")
    client.force_login(user)
    stale(client)
    removed: list[dict[str, Any]] = []
    signals.number_removed.connect(
        lambda sender, **kw: removed.append(kw), weak=False, dispatch_uid="test-removed"
    )
    try:
        client.post(NUMBERS, {"action": "password", "password": "secret-pass"})
        response = client.post(NUMBERS, {"action": "remove", "number": "+" + number}, follow=True)
    finally:
        signals.number_removed.disconnect(dispatch_uid="test-removed")
    assert not PhoneNumber.objects.filter(user=user).exists()
    assert [r["phone"] for r in removed] == ["+" + number]
    assert RecordingAdapter.mails == [("+" + number, "removed")]
    assert f"The number +{number} was removed." in response.content.decode()


def test_a_call_to_a_verified_number_proves_and_a_number_is_changed(
    client: Client, adapter_sandbox: Sandbox
) -> None:
    from testapp.adapter import RecordingAdapter

    old, new = phone(), phone()
    user = user_with(old)
    client.force_login(user)
    stale(client)
    assert client.post(NUMBERS, {"action": "prove", "number": "+" + old}).status_code == 302
    assert submit(client, code_of(adapter_sandbox, old))["Location"] == NUMBERS
    assert "Remove" in client.get(NUMBERS).content.decode()
    replace = reverse("loginbycall:add") + "?replaces=%2B" + old
    assert client.post(replace, {"phone": new}).status_code == 302
    done = submit(client, code_of(adapter_sandbox, new))
    assert done["Location"] == NUMBERS
    assert [n.number for n in PhoneNumber.objects.filter(user=user)] == ["+" + new]
    assert RecordingAdapter.mails == [("+" + new, "added"), ("+" + old, "removed")]


def test_the_last_number_of_an_account_without_password_stays(
    client: Client, adapter_sandbox: Sandbox
) -> None:
    number = phone()
    client.force_login(user_with(number))
    refused = client.post(NUMBERS, {"action": "remove", "number": "+" + number})
    assert refused.status_code == 409
    assert PhoneNumber.objects.count() == 1


def test_changes_have_their_own_rate_limit(client: Client, make_sandbox: SandboxFactory) -> None:
    make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"RATE_LIMITS": {"numbers": "1/h/user"}})
    first, second = phone(), phone()
    user = user_with(first, password="secret-pass")
    PhoneNumber.objects.create(user=user, number="+" + second, verified_at=timezone.now())
    client.force_login(user)
    assert client.post(NUMBERS, {"action": "remove", "number": "+" + first}).status_code == 302
    limited = client.post(NUMBERS, {"action": "remove", "number": "+" + second})
    assert limited.status_code == 429
    assert PhoneNumber.objects.filter(user=user).count() == 1


def test_a_logged_out_visitor_goes_to_the_phone_page(client: Client) -> None:
    assert client.get(NUMBERS)["Location"].startswith(reverse("loginbycall:phone"))
