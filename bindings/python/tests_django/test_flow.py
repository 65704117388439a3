"""The whole flow with Django's test client against the sandbox (no JavaScript: the forms work
without it)."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from conftest import SandboxFactory, code_of, phone, requests_of, start, submit, wrong
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from loginbycall.django import signals
from loginbycall.django.models import PhoneNumber
from loginbycall.django.state import SESSION_KEY
from loginbycall.testing import Sandbox

pytestmark = pytest.mark.django_db


def make_user(number: str, **fields: Any) -> Any:
    user = get_user_model().objects.create_user(username=fields.pop("username", "anna"), **fields)
    PhoneNumber.objects.create(user=user, number="+" + number, verified_at=timezone.now())
    return user


class Received:
    """Collects a signal's sends."""

    def __init__(self, signal: Any) -> None:
        self.sends: list[dict[str, Any]] = []
        self.signal = signal
        signal.connect(self.receive)

    def receive(self, sender: Any, **kwargs: Any) -> None:
        self.sends.append(kwargs)

    def close(self) -> None:
        self.signal.disconnect(self.receive)


@pytest.fixture
def succeeded() -> Any:
    received = Received(signals.login_succeeded)
    yield received
    received.close()


@pytest.fixture
def failed() -> Any:
    received = Received(signals.login_failed)
    yield received
    received.close()


def test_the_right_digits_log_in_and_go_to_next(
    client: Client, sandbox: Sandbox, succeeded: Received
) -> None:
    number = phone()
    user = make_user(number, first_name="Anna")
    page = client.get(reverse("loginbycall:phone") + "?next=/private/")
    assert page.status_code == 200
    assert 'name="phone"' in page.content.decode()
    started = start(client, "+7 " + number[1:], next_url="/private/")
    assert started.status_code == 302
    assert started["Location"] == reverse("loginbycall:code")

    page = client.get(reverse("loginbycall:code"))
    html = page.content.decode()
    state = json.loads(client.session[SESSION_KEY]["login_json"])
    prompt = state["prompt"]
    assert (
        f'Waiting for a call from\n    <span class="lbc-number" data-lbc-prompt>+{prompt}' in html
    )
    digits_input = re.search(r"<input[^>]*name=\"digits\"[^>]*>", html)
    assert digits_input is not None
    for attribute in (
        'inputmode="numeric"',
        'autocomplete="one-time-code"',
        'maxlength="4"',
        'minlength="4"',
        'pattern="[0-9]{4}"',
    ):
        assert attribute in digits_input.group(0)

    done = submit(client, code_of(sandbox, number))
    assert done.status_code == 302
    assert done["Location"] == "/private/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert SESSION_KEY not in client.session
    assert client.get("/private/").content == b"home: anna"
    assert [s["user"] for s in succeeded.sends] == [user]
    assert succeeded.sends[0]["phone"] == "+" + number
    assert succeeded.sends[0]["created"] is False


def test_the_status_is_live_and_not_asked_for_after_the_final_one(
    client: Client, make_sandbox: SandboxFactory
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=60_000)
    number = phone()
    start(client, number)
    status = client.get(reverse("loginbycall:status"))
    assert status["Content-Type"] == "application/json"
    data = status.json()
    assert data["status"] == "dialing"
    assert data["final"] is False
    assert "ringing" in data["message"]

    # Ending the call (as the service does when it stops ringing) makes the status final.
    call = sandbox.latest_call_to(number)
    assert call is not None
    sandbox.client().call_hangup(call.call)
    data = client.get(reverse("loginbycall:status")).json()
    assert data["final"] is True
    asked = requests_of(sandbox, "call-status")
    for _ in range(3):
        again = client.get(reverse("loginbycall:status")).json()
        assert again["final"] is True
        assert again["status"] == data["status"]
    client.get(reverse("loginbycall:code"))
    assert requests_of(sandbox, "call-status") == asked


def test_the_status_endpoint_without_a_login(client: Client) -> None:
    response = client.get(reverse("loginbycall:status"))
    assert response.status_code == 404
    assert response.json()["final"] is True


def test_the_code_page_without_a_login_goes_back_to_the_phone_page(client: Client) -> None:
    response = client.get(reverse("loginbycall:code"))
    assert response.status_code == 302
    assert response["Location"] == reverse("loginbycall:phone")


def test_three_wrong_digits_lock_the_login_and_the_right_ones_are_refused_after(
    client: Client, sandbox: Sandbox, failed: Received
) -> None:
    number = phone()
    make_user(number)
    start(client, number)
    code = code_of(sandbox, number)
    texts = []
    for _ in range(3):
        response = submit(client, wrong(code))
        assert response.status_code == 200
        texts.append(response.content.decode())
    assert "Wrong digits. 2 attempts left." in texts[0]
    assert "Wrong digits. 1 attempt left." in texts[1]
    assert "Wrong digits, and no attempt is left." in texts[2]
    assert 'name="digits"' not in texts[2]

    refused = submit(client, code)
    assert "No attempt is left for this call" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert [s["reason"] for s in failed.sends] == ["rejected", "rejected", "rejected", "locked"]


def test_digits_of_the_wrong_form_cost_no_attempt(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    make_user(number)
    start(client, number)
    for typed in ("12a4", "123", "12345", ""):
        response = submit(client, typed)
        assert response.status_code == 200
        assert "Wrong digits" not in response.content.decode()
    from loginbycall.django.client import get_client

    assert get_client().resume_login(client.session[SESSION_KEY]["login_json"]).attempts == 0
    assert submit(client, " " + code_of(sandbox, number) + " ").status_code == 302


def test_an_expired_code_is_refused(
    client: Client, make_sandbox: SandboxFactory, failed: Received
) -> None:
    # The lifetime is the site's setting (never the session's state, which cannot be edited).
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"TTL": 1})
    number = phone()
    make_user(number)
    start(client, number)
    time.sleep(2.1)

    response = submit(client, code_of(sandbox, number))
    assert response.status_code == 200
    assert "The code has expired. Ask for a new call." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert [s["reason"] for s in failed.sends] == ["expired"]


def test_the_repeat_timeout_shows_a_countdown_of_the_delay_rounded_up(
    client: Client, sandbox: Sandbox
) -> None:
    sandbox.arm_fault(
        "error", "call", code="CALL_REPEAT_TIMEOUT", additional={"delay": 23.563}, count=1
    )
    response = start(client, phone())
    html = response.content.decode()
    assert "A call to this number was placed a moment ago" in html
    assert 'data-lbc-countdown="24"' in html
    assert "data-lbc-again" in html


def test_calling_again_too_soon_counts_down_the_service_s_delay(
    client: Client, make_sandbox: SandboxFactory
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, repeat_timeout=30)
    number = phone()
    start(client, number)
    page = client.get(reverse("loginbycall:code")).content.decode()
    first = re.search(r'data-lbc-countdown="(\d+)"', page)
    assert first is not None and 25 <= int(first.group(1)) <= 30

    again = client.post(reverse("loginbycall:again")).content.decode()
    assert "A call to this number was placed a moment ago" in again
    shown = re.search(r'data-lbc-countdown="(\d+)"', again)
    assert shown is not None and 25 <= int(shown.group(1)) <= 30
    # The first call's login is still there: its code still works.
    assert 'name="digits"' in again
    assert sandbox.latest_call_to(number) is not None


def test_calling_again_after_the_timeout_places_a_new_call(
    client: Client, make_sandbox: SandboxFactory
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, repeat_timeout=30)
    number = phone()
    make_user(number)
    start(client, number)
    first = client.session[SESSION_KEY]["login_json"]
    sandbox.advance_clock(31)
    response = client.post(reverse("loginbycall:again"))
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["login_json"] != first
    assert submit(client, code_of(sandbox, number)).status_code == 302


@pytest.mark.parametrize(
    ("ending", "status", "text"),
    [
        (8, "busy", "Your line was busy"),
        (16, "notanswered", "The call was not answered"),
        (32, "error", "The call could not be made"),
    ],
)
def test_busy_not_answered_and_failed_calls_say_so_and_offer_a_new_call(
    client: Client, sandbox: Sandbox, ending: int, status: str, text: str
) -> None:
    start(client, phone(ending))
    data = client.get(reverse("loginbycall:status")).json()
    assert data["status"] == status
    assert data["final"] is True
    assert data["retry"] is True
    assert text in data["message"]
    page = client.get(reverse("loginbycall:code")).content.decode()
    assert text in page
    assert "lbc-again lbc-again-first" in page
    assert reverse("loginbycall:again") in page


def test_an_answered_call_asks_for_the_digits(client: Client, sandbox: Sandbox) -> None:
    start(client, phone())
    data = client.get(reverse("loginbycall:status")).json()
    assert (data["status"], data["final"], data["retry"]) == ("answered", True, False)
    assert "Type the last 4 digits" in data["message"]


@override_settings(
    LOGINBYCALL={"CALL_API_ID": "x", "API_KEY": "y", "OTHER_LOGIN_URL": "password-login"}
)
def test_server_status_zero_offers_another_way(
    client: Client, make_sandbox: SandboxFactory
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0)
    sandbox.set_server_status(0)
    page = client.get(reverse("loginbycall:phone")).content.decode()
    assert "Login by phone call is not available right now" in page
    assert 'href="/password/"' in page
    assert 'name="phone"' not in page
    # Trusted for a while: the service is not asked on every page view.
    asked = requests_of(sandbox, "server-status")
    client.get(reverse("loginbycall:phone"))
    assert requests_of(sandbox, "server-status") == asked


def test_call_rejected_offers_another_way(client: Client, make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(
        dial_ms=0,
        ring_ms=0,
        loginbycall={"SERVER_STATUS_CACHE_SECONDS": 0, "OTHER_LOGIN_URL": "/password/"},
    )
    sandbox.set_server_status(0)
    page = client.get(reverse("loginbycall:phone")).content.decode()
    assert 'name="phone"' in page  # not asked: the call itself tells
    response = start(client, phone())
    html = response.content.decode()
    assert "Login by phone call is not available right now" in html
    assert 'href="/password/"' in html
    assert SESSION_KEY not in client.session


def test_not_enough_credit_says_the_site_cannot_call_and_links_another_way(
    client: Client, sandbox: Sandbox
) -> None:
    sandbox.arm_fault("error", "call", code="NOT_ENOUGH_CREDIT", count=1)
    response = start(client, phone())
    assert response.status_code == 503
    html = response.content.decode()
    assert "This site cannot place calls right now." in html
    assert "try again in a minute" not in html
    assert 'href="/password/">Log in another way' in html


def test_an_invalid_number_is_a_form_error(client: Client, sandbox: Sandbox) -> None:
    response = start(client, "70000000000")
    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    assert sandbox.latest_call_to("70000000000") is None


def test_signup_on_creates_a_user_for_a_new_number(
    client: Client, make_sandbox: SandboxFactory, succeeded: Received
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"SIGNUP": True})
    number = phone()
    start(client, number)
    assert submit(client, code_of(sandbox, number)).status_code == 302
    owner = PhoneNumber.objects.get(number="+" + number).user
    assert client.session["_auth_user_id"] == str(owner.pk)
    assert owner.get_username() == "+" + number
    assert not owner.has_usable_password()
    assert succeeded.sends[0]["created"] is True


def test_signup_uses_the_site_s_hook(client: Client, make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(
        dial_ms=0,
        ring_ms=0,
        loginbycall={"SIGNUP": True, "CREATE_USER": "testapp.hooks.create_user"},
    )
    number = phone()
    start(client, number)
    submit(client, code_of(sandbox, number))
    owner = PhoneNumber.objects.get(number="+" + number).user
    assert owner.username == "caller-" + number[-4:]


def test_signup_off_refuses_a_new_number_with_a_clear_message(
    client: Client, sandbox: Sandbox, failed: Received
) -> None:
    number = phone()
    start(client, number)
    response = submit(client, code_of(sandbox, number))
    assert response.status_code == 200
    assert f"The number +{number} is not linked to any account." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.exists()
    assert [s["reason"] for s in failed.sends] == ["unknown_number"]


def test_no_enumeration_the_phone_page_answers_the_same_for_known_and_unknown_numbers(
    client: Client, sandbox: Sandbox
) -> None:
    known = phone()
    make_user(known)
    unknown = phone()
    first = start(client, known)
    second = start(Client(), unknown)
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])


def test_a_logged_in_user_adds_a_number(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    user = get_user_model().objects.create_user(username="boris")
    client.force_login(user)
    page = client.get(reverse("loginbycall:add"))
    assert "Add a phone number" in page.content.decode()
    response = client.post(reverse("loginbycall:add"), {"phone": number})
    assert response.status_code == 302
    code_page = client.get(reverse("loginbycall:code")).content.decode()
    assert "Confirm the number" in code_page
    done = submit(client, code_of(sandbox, number))
    assert done.status_code == 302
    assert PhoneNumber.objects.get(number="+" + number).user == user
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_number_of_another_account_is_not_added(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    owner = make_user(number, username="owner")
    other = get_user_model().objects.create_user(username="other")
    client.force_login(other)
    client.post(reverse("loginbycall:add"), {"phone": number})
    response = submit(client, code_of(sandbox, number))
    assert "This number is linked to another account." in response.content.decode()
    assert PhoneNumber.objects.get(number="+" + number).user == owner


def test_adding_a_number_needs_a_logged_in_user(client: Client) -> None:
    response = client.get(reverse("loginbycall:add"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("loginbycall:phone"))


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "http:/\\x"]
)
def test_an_unsafe_next_is_ignored(client: Client, sandbox: Sandbox, unsafe: str) -> None:
    number = phone()
    make_user(number)
    page = client.get(reverse("loginbycall:phone"), {"next": unsafe}).content.decode()
    assert "evil" not in page
    start(client, number, next_url=unsafe)
    response = submit(client, code_of(sandbox, number))
    assert response["Location"] == reverse("home")


def test_the_virtual_phone_shows_the_incoming_number_with_the_embedded_sandbox(
    client: Client,
) -> None:
    from loginbycall.django.client import embedded_sandbox

    number = phone()
    with override_settings(
        DEBUG=True,
        LOGINBYCALL={"SANDBOX": True, "SANDBOX_OPTIONS": {"dial_ms": 0, "ring_ms": 60_000}},
    ):
        start(client, number)
        sandbox = embedded_sandbox()
        assert sandbox is not None
        call = sandbox.latest_call_to(number)
        assert call is not None
        page = client.get(reverse("loginbycall:code")).content.decode()
        assert "Virtual phone" in page
        head, code = call.mask[: -call.codelen], call.code
        assert f"+{head}<mark data-lbc-phone-code>{code}</mark>" in page
        data = client.get(reverse("loginbycall:status")).json()
        assert data["virtual_phone"] == {
            "state": "ringing",
            "label": "Incoming call",
            "head": "+" + head,
            "code": code,
        }


def test_without_the_sandbox_there_is_no_virtual_phone(client: Client, sandbox: Sandbox) -> None:
    start(client, phone())
    assert "Virtual phone" not in client.get(reverse("loginbycall:code")).content.decode()
    assert "virtual_phone" not in client.get(reverse("loginbycall:status")).json()


def test_the_embedded_sandbox_is_refused_without_debug(client: Client) -> None:
    from django.core.exceptions import ImproperlyConfigured
    from loginbycall.django.client import get_client

    with override_settings(DEBUG=False, LOGINBYCALL={"SANDBOX": True}):
        with pytest.raises(ImproperlyConfigured, match="DEBUG"):
            get_client()


def test_a_site_overrides_the_templates_and_forms(
    client: Client, sandbox: Sandbox, tmp_path: Any, settings: Any
) -> None:
    folder = tmp_path / "loginbycall"
    folder.mkdir()
    (folder / "phone.html").write_text(
        "<p>Our own phone page</p><form method=post>{% csrf_token %}{{ form.phone }}"
        "{{ form.note }}</form>",
        encoding="utf-8",
    )
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [str(tmp_path)]
    settings.TEMPLATES = templates
    current = dict(settings.LOGINBYCALL)
    current["FORMS"] = {"phone": "testapp.hooks.NotedPhoneForm"}
    settings.LOGINBYCALL = current
    html = client.get(reverse("loginbycall:phone")).content.decode()
    assert "Our own phone page" in html
    assert 'name="note"' in html
