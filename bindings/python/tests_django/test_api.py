"""The JSON API, with clients that are not the pages: a plain HTTP client against a live
server as a mobile app (the ``X-Session-Token`` header, no cookies, no CSRF), and a browser
client that keeps cookies and must send the CSRF token."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import SandboxFactory, code_of, phone, wrong
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from loginbycall.django.models import PhoneNumber

API = "/accounts/phone/api/"


class App:
    """A mobile app: JSON over HTTP, its session token in a header, no cookies."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token: str | None = None

    def __call__(self, method: str, endpoint: str, body: Any = None) -> tuple[int, Any]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["X-Session-Token"] = self.token
        try:
            connection.request(
                method,
                API + "app/" + endpoint,
                body=None if body is None else json.dumps(body),
                headers=headers,
            )
            answer = connection.getresponse()
            assert answer.getheader("Set-Cookie") is None, "the app client gets no cookie"
            data = json.loads(answer.read())
        finally:
            connection.close()
        token = data.get("meta", {}).get("session_token")
        if token:
            self.token = token
        return answer.status, data


@pytest.mark.django_db(transaction=True)
def test_a_mobile_app_logs_in_signs_up_and_lists_its_numbers(
    live_server: Any, make_sandbox: SandboxFactory
) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"SIGNUP": True})
    app = App(live_server.url)
    number = phone()

    status, data = app("POST", "call", {"phone": "+" + number})
    assert status == 200, data
    call = data["data"]["call"]
    assert call["codelen"] == 4
    mask = sandbox.latest_call_to(number).mask  # type: ignore[union-attr]
    assert mask.startswith(call["prompt"])
    first_token = app.token
    assert first_token

    status, data = app("GET", "call")
    assert status == 200 and data["data"]["call"]["final"] in (True, False)

    code = code_of(sandbox, number)
    status, data = app("POST", "code", {"digits": wrong(code)})
    assert status == 200
    assert data["errors"][0]["code"] == "wrong"
    assert data["errors"][0]["attempts_left"] == 2

    status, data = app("POST", "code", {"digits": code})
    assert status == 200, data
    assert data["meta"]["is_authenticated"] is True
    assert data["data"]["created"] is True
    assert app.token != first_token  # the session key rotates at login

    status, data = app("GET", "session")
    assert data["data"]["user"]["display"] == "+" + number

    status, data = app("GET", "numbers")
    assert [n["number"] for n in data["data"]["numbers"]] == ["+" + number]
    assert data["data"]["proof_left"] > 0

    old = App(live_server.url)
    old.token = first_token
    status, data = old("GET", "session")
    assert status == 401 and data["errors"][0]["code"] == "invalid_session_token"

    status, data = app("DELETE", "session")
    assert data["meta"]["is_authenticated"] is False


@pytest.mark.django_db(transaction=True)
def test_the_app_api_has_the_pages_limits(live_server: Any, make_sandbox: SandboxFactory) -> None:
    make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"GUARD": {"number_rate": {"calls": 1, "window": 3600}}})
    number = phone()
    app = App(live_server.url)
    assert app("POST", "call", {"phone": number})[0] == 200
    other = App(live_server.url)
    status, data = other("POST", "call", {"phone": number})
    assert status == 429
    assert data["errors"][0]["code"] == "rate_limited"
    assert data["errors"][0]["retry_after"] > 0
    status, data = other("POST", "call", {"phone": "not a number"})
    assert status == 400 and data["errors"][0]["code"] == "invalid"


@pytest.mark.django_db(transaction=True)
def test_the_app_api_s_status_polls_are_limited(
    live_server: Any, make_sandbox: SandboxFactory
) -> None:
    make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"RATE_LIMITS": {"status": "2/m/ip"}})
    app = App(live_server.url)
    assert app("POST", "call", {"phone": phone()})[0] == 200
    assert [app("GET", "call")[0] for _ in range(3)] == [200, 200, 429]


@pytest.mark.django_db
def test_the_browser_api_needs_the_csrf_token(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(dial_ms=0, ring_ms=0)
    number = phone()
    user = get_user_model().objects.create_user(username="anna")
    PhoneNumber.objects.create(user=user, number="+" + number, verified_at=timezone.now())
    browser = Client(enforce_csrf_checks=True)
    refused = browser.post(
        API + "browser/call", {"phone": number}, content_type="application/json"
    )
    assert refused.status_code == 403
    session = browser.get(API + "browser/session")
    assert session.json()["data"]["user"] is None
    token = browser.cookies["csrftoken"].value
    placed = browser.post(
        API + "browser/call",
        {"phone": number},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert placed.status_code == 200, placed.content
    assert "session_token" not in placed.json()["meta"]
    done = browser.post(
        API + "browser/code",
        {"digits": code_of(sandbox, number)},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert done.status_code == 200, done.content
    assert done.json()["data"]["user"]["id"] == str(user.pk)
    assert browser.session["_auth_user_id"] == str(user.pk)
