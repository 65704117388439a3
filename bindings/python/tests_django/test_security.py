"""The security items: each with a test that fails without it."""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import SandboxFactory, code_of, phone, start, submit, wrong
from django.contrib.auth import authenticate, get_user_model
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter
from loginbycall.django.client import get_client
from loginbycall.django.store import CacheStore
from loginbycall.django.models import PhoneNumber
from loginbycall.django.state import SESSION_KEY
from loginbycall.django.views import CodeView
from loginbycall.testing import Sandbox

pytestmark = pytest.mark.django_db


def make_user(number: str, username: str = "anna") -> Any:
    user = get_user_model().objects.create_user(username=username)
    PhoneNumber.objects.create(user=user, number="+" + number, verified_at=timezone.now())
    return user


def test_every_post_needs_the_csrf_token(sandbox: Sandbox) -> None:
    strict = Client(enforce_csrf_checks=True)
    number = phone()
    assert strict.post(reverse("loginbycall:phone"), {"phone": number}).status_code == 403
    assert sandbox.latest_call_to(number) is None
    # With a login in progress, the code and "call again" forms are protected too.
    page = strict.get(reverse("loginbycall:phone"))
    token = page.context["csrf_token"]
    assert (
        strict.post(
            reverse("loginbycall:phone"), {"phone": number, "csrfmiddlewaretoken": token}
        ).status_code
        == 302
    )
    for name, data in (("loginbycall:code", {"digits": "1234"}), ("loginbycall:again", {})):
        assert strict.post(reverse(name), data).status_code == 403, name


@override_settings(
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
)
def test_the_views_protect_themselves_without_the_csrf_middleware(sandbox: Sandbox) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("loginbycall:phone"), {"phone": phone()}).status_code == 403


def test_no_page_is_cached(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    make_user(number)
    responses = [client.get(reverse("loginbycall:phone")), start(client, number)]
    responses += [
        client.get(reverse("loginbycall:code")),
        client.get(reverse("loginbycall:status")),
        client.post(reverse("loginbycall:again")),
        submit(client, wrong(code_of(sandbox, number))),
    ]
    client.force_login(get_user_model().objects.get())
    responses.append(client.get(reverse("loginbycall:add")))
    for response in responses:
        control_header = response.get("Cache-Control", "")
        assert "no-store" in control_header and "private" in control_header, (
            response.request["PATH_INFO"],
            control_header,
        )


def test_the_digits_are_hidden_from_error_reports(sandbox: Sandbox) -> None:
    request = RequestFactory().post(reverse("loginbycall:code"), {"digits": "4321"})
    request.session = {}  # type: ignore[assignment]
    CodeView.as_view()(request)
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["digits"] != "4321"
    assert "*" in cleansed["digits"]


def test_the_session_key_changes_at_login(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    make_user(number)
    start(client, number)
    before = client.session.session_key
    assert submit(client, code_of(sandbox, number)).status_code == 302
    after = client.session.session_key
    assert before and after and before != after


def test_the_state_stays_on_the_server(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    response = start(client, number)
    call = sandbox.latest_call_to(number)
    assert call is not None
    cookies = " ".join(morsel.value for morsel in response.cookies.values())
    cookies += " ".join(morsel.value for morsel in client.cookies.values())
    assert call.code not in cookies and call.mask not in cookies
    # The session holds lbc-core's sealed state: the prompt, never the whole mask.
    assert call.mask not in client.session[SESSION_KEY]["login_json"]
    page = client.get(reverse("loginbycall:code")).content.decode()
    assert call.mask not in page  # the page shows the prompt, never the whole number


def test_the_ip_is_remote_addr_whatever_headers_say(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    start(client, number, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    call = sandbox.latest_call_to(number)
    assert call is not None and call.ip_address == "203.0.113.7"


@pytest.mark.parametrize(
    ("header", "count", "value", "expected"),
    [
        ("X-Forwarded-For", 1, "198.51.100.9, 192.0.2.44", "192.0.2.44"),
        ("X-Forwarded-For", 2, "6.6.6.6, 198.51.100.9, 192.0.2.44", "198.51.100.9"),
        ("X-Forwarded-For", 3, "192.0.2.44", "10.0.0.1"),
        ("X-Real-IP", 1, "not an address", "10.0.0.1"),
        ("X-Real-IP", 1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_a_trusted_proxy_header_names_the_ip(
    client: Client,
    make_sandbox: SandboxFactory,
    header: str,
    count: int,
    value: str,
    expected: str,
) -> None:
    sandbox = make_sandbox(
        dial_ms=0,
        ring_ms=0,
        loginbycall={"TRUSTED_PROXY_HEADER": header, "TRUSTED_PROXY_COUNT": count},
    )
    number = phone()
    meta = "HTTP_" + header.upper().replace("-", "_")
    start(client, number, REMOTE_ADDR="10.0.0.1", **{meta: value})
    call = sandbox.latest_call_to(number)
    assert call is not None and call.ip_address == expected


def test_the_cache_store_counts_atomically() -> None:
    store = CacheStore("default")
    barrier = threading.Barrier(40)

    def take(_: int) -> tuple[int, bool]:
        barrier.wait()
        return store.incr("concurrent-call", 1, 60), store.add("concurrent-accept", 60)

    with ThreadPoolExecutor(40) as pool:
        taken = list(pool.map(take, range(40)))
    assert sorted(n for n, _ in taken) == list(range(1, 41))
    assert [added for _, added in taken].count(True) == 1
    assert store.get("concurrent-call") == 40 and store.get("nothing") is None


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")
def test_concurrent_guesses_on_one_session_get_three_checks(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    number = phone()
    client = Client()
    start(client, number)
    code = code_of(sandbox, number)
    cookie = client.cookies["sessionid"].value
    barrier = threading.Barrier(20)

    def guess(_: int) -> str:
        guesser = Client()
        guesser.cookies["sessionid"] = cookie
        barrier.wait()
        return str(submit(guesser, wrong(code)).content.decode())

    caplog.set_level(logging.INFO, logger="loginbycall")
    with ThreadPoolExecutor(20) as pool:
        pages = list(pool.map(guess, range(20)))
    # lbc-core judged 3 (two rejected with attempts left, the third used the last one) and
    # refused the rest as locked; the per-number limit of wrong digits refused some earlier.
    checks = [r for r in caplog.records if r.getMessage().startswith("check call=")]
    assert 3 <= len(checks) <= 20
    rejected = sorted(re.findall(r"Wrong digits\. (\d) attempts? left", "".join(pages)))
    assert rejected == ["1", "2"], rejected
    state = client.session[SESSION_KEY]["login_json"]
    assert get_client().resume_login(state).attempts == 3
    assert "_auth_user_id" not in client.session
    refused = submit(client, code).content.decode()
    assert "No attempt is left for this call" in refused, refused
    assert "_auth_user_id" not in client.session


def test_an_accepted_code_logs_in_once(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    make_user(number)
    start(client, number)
    call = sandbox.latest_call_to(number)
    assert call is not None
    # As if a concurrent request (another worker) had won with the same session's state.
    state = client.session[SESSION_KEY]["login_json"]
    assert get_client().resume_login(state).check(call.code).accepted
    response = submit(client, call.code)
    assert "_auth_user_id" not in client.session
    assert "No attempt is left for this call" in response.content.decode()


def test_the_backend_believes_only_the_session_s_accepted_login(
    client: Client, sandbox: Sandbox, rf: RequestFactory
) -> None:
    number = phone()
    make_user(number)
    start(client, number)
    call = sandbox.latest_call_to(number)
    assert call is not None
    request = rf.get("/")
    request.session = client.session
    # Placed, but its digits not accepted yet.
    assert authenticate(request, loginbycall_call=call.call) is None
    # No session state, another call, no request.
    empty = rf.get("/")
    empty.session = Client().session
    assert authenticate(empty, loginbycall_call=call.call) is None
    assert authenticate(None, loginbycall_call=call.call) is None
    assert authenticate(request, loginbycall_call="another-call") is None
    # A password login's credentials do not reach it.
    assert authenticate(request, username="anna", password="x") is None


def test_an_inactive_user_is_not_logged_in(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    user = make_user(number)
    user.is_active = False
    user.save()
    start(client, number)
    response = submit(client, code_of(sandbox, number))
    assert "This account cannot log in." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_calls_are_limited_per_ip_by_the_guard(make_sandbox: SandboxFactory) -> None:
    # lbc-core's guard: 20 calls per IP address an hour (counted in the app's store, the cache).
    sandbox = make_sandbox(dial_ms=0, ring_ms=0)
    for i in range(20):
        browser = Client()
        number = phone()
        assert start(browser, number, REMOTE_ADDR="198.51.100.7").status_code == 302, i
        if i < 4:
            # Some codes typed, as people do: else the guard's brake pauses the country first.
            submit(browser, code_of(sandbox, number), REMOTE_ADDR="198.51.100.7")
    limited = start(Client(), phone(), REMOTE_ADDR="198.51.100.7")
    assert limited.status_code == 429
    assert "Too many calls. Try again in" in limited.content.decode()
    assert sandbox.requests("call") == 20
    # Another address is counted apart.
    assert start(Client(), phone(), REMOTE_ADDR="192.0.2.1").status_code == 302


def test_calls_are_limited_per_number_by_the_guard(make_sandbox: SandboxFactory) -> None:
    # lbc-core's guard: 5 calls per number an hour, whichever browser asks.
    sandbox = make_sandbox(dial_ms=0, ring_ms=0, repeat_timeout=0)
    number = phone()
    for i in range(5):
        assert start(Client(), number, REMOTE_ADDR=f"192.0.2.{i + 10}").status_code == 302
    limited = start(Client(), number, REMOTE_ADDR="192.0.2.2")
    assert limited.status_code == 429
    assert re.search(
        r"Too many calls\. Try again in \d+ (minutes?|seconds?)\.", limited.content.decode()
    )
    assert sandbox.requests("call") == 5
    assert start(Client(), phone()).status_code == 302


def test_failed_checks_are_rate_limited_per_number(
    client: Client, make_sandbox: SandboxFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox = make_sandbox(
        dial_ms=0,
        ring_ms=0,
        loginbycall={"RATE_LIMITS": {"check_failed": "2/h/key"}},
    )
    number = phone()
    make_user(number)
    start(client, number)
    code = code_of(sandbox, number)
    submit(client, wrong(code))
    # A new call (from another browser) does not reset the count of wrong digits.
    sandbox.advance_clock(60)
    other = Client()
    start(other, number, REMOTE_ADDR="192.0.2.3")
    second_code = code_of(sandbox, number)
    submit(other, wrong(second_code))
    caplog.set_level(logging.INFO, logger="loginbycall")
    limited = submit(other, second_code)
    assert limited.status_code == 429
    assert "Too many wrong codes for this number." in limited.content.decode()
    assert not [r for r in caplog.records if r.getMessage().startswith("check call=")]
    assert "_auth_user_id" not in other.session


def test_rate_limits_can_be_turned_off(client: Client, make_sandbox: SandboxFactory) -> None:
    make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"RATE_LIMITS": {"call": None}})
    for _ in range(7):
        assert start(client, phone()).status_code == 302


def test_the_status_endpoint_is_rate_limited(client: Client, make_sandbox: SandboxFactory) -> None:
    make_sandbox(dial_ms=0, ring_ms=0, loginbycall={"RATE_LIMITS": {"status": "2/m/ip"}})
    start(client, phone())
    assert client.get(reverse("loginbycall:status")).status_code == 200
    assert client.get(reverse("loginbycall:status")).status_code == 200
    limited = client.get(reverse("loginbycall:status"))
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1


def test_logs_carry_the_request_id_and_never_the_key_or_the_code(
    client: Client, sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="loginbycall")
    # A known caller number (code 5093), so that the search below is exact.
    sandbox.set_fixed_mask("74951175093")
    number = phone()
    make_user(number)
    start(client, number)
    call = sandbox.latest_call_to(number)
    assert call is not None
    submit(client, wrong(call.code))
    submit(client, call.code)
    sandbox.arm_fault("error", "call", code="NOT_ENOUGH_CREDIT", count=1)
    start(Client(), phone())
    text = "\n".join(record.getMessage() + repr(record.args) for record in caplog.records)
    assert "call placed" in text and "verdict=accepted" in text
    failure = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failure and "request_id=" in failure[0].getMessage()
    assert "request_id=-" not in failure[0].getMessage()
    assert call.code == "5093"
    for secret in (sandbox.account.api_key, call.mask, call.call):
        assert secret not in text, secret
    for digits in (call.code, wrong(call.code)):
        assert not re.search(rf"(?<![0-9]){digits}(?![0-9])", text), digits
    assert number not in text  # numbers are masked


@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies")
def test_cookie_sessions_are_refused_at_run_time(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    # gunicorn runs no system checks: the views refuse to run, and no state reaches a cookie.
    client = Client()
    number = phone()
    caplog.set_level(logging.ERROR, logger="loginbycall")
    for response in (
        client.get(reverse("loginbycall:phone")),
        start(client, number),
        submit(client, "1234"),
        client.get(reverse("loginbycall:status")),
    ):
        assert response.status_code == 503
        assert "sessions are kept in cookies" in response.content.decode()
    assert sandbox.latest_call_to(number) is None
    assert all(SESSION_KEY not in value for value in (c.value for c in client.cookies.values()))
    assert any("signed cookies" in r.getMessage() for r in caplog.records)


def test_the_session_keeps_only_the_sealed_state(client: Client, sandbox: Sandbox) -> None:
    number = phone()
    start(client, number)
    call = sandbox.latest_call_to(number)
    assert call is not None
    saved = client.session[SESSION_KEY]
    assert call.mask not in repr(saved)
    # An edited state is no login at all.
    session = client.session
    session[SESSION_KEY] = {**saved, "login_json": saved["login_json"].replace(number, "79990000000")}
    session.save()
    assert client.get(reverse("loginbycall:code")).status_code == 302


def test_the_guard_refuses_a_premium_rate_number_and_nothing_is_sent(
    client: Client, sandbox: Sandbox
) -> None:
    from loginbycall.django import signals

    seen: list[dict[str, Any]] = []

    def record(**kwargs: Any) -> None:
        seen.append(kwargs)

    signals.call_refused.connect(record)
    try:
        response = start(client, "+1 900 234 5678")
    finally:
        signals.call_refused.disconnect(record)
    assert response.status_code == 200
    assert "Calls to this number are not possible" in response.content.decode()
    assert [s["reason"] for s in seen] == ["number_type"]
    assert sandbox.requests("call") == 0


def test_the_guard_is_configured_in_the_settings(make_sandbox: SandboxFactory) -> None:
    sandbox = make_sandbox(
        dial_ms=0,
        ring_ms=0,
        repeat_timeout=0,
        loginbycall={"GUARD": {"number_rate": {"calls": 1, "window": 600}}},
    )
    number = phone()
    assert start(Client(), number).status_code == 302
    limited = start(Client(), number, REMOTE_ADDR="192.0.2.9")
    assert limited.status_code == 429
    assert sandbox.requests("call") == 1
