"""Every API method against the embedded sandbox, in every encoding."""

from __future__ import annotations

import http.client
import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

import loginbycall
from conftest import MakeServer, VerifySite, json_answer, phone
from loginbycall import CallStatus
from loginbycall.testing import Sandbox


def test_register_then_confirm_over_real_http(sandbox: Sandbox, verify_site: VerifySite) -> None:
    anonymous = loginbycall.Client(base_url=sandbox.base_url)
    registration = anonymous.register(
        "127.0.0.1",
        "admin@example.com",
        admin_phone="+7 925 688-06-36",
        verify_url=verify_site.url("/lbc.html"),
        balance_notify_limit=5000,
    )
    assert isinstance(registration, loginbycall.Registration)
    assert registration.verify_url == verify_site.url("/lbc.html")
    mail = sandbox.outbox()[-1]
    assert mail.to == "admin@example.com" and mail.call_api_id == registration.call_api_id
    assert mail.api_key is not None and mail.api_key in mail.body
    assert mail.api_key not in repr(mail)

    site = anonymous.with_credentials(registration.call_api_id, mail.api_key)
    assert site.call_api_id == registration.call_api_id
    status = site.status()
    assert (status.activated, status.blocked) == (False, False)
    with pytest.raises(loginbycall.AccountInactive):
        site.balance()

    # The sandbox fetches verify_url while the client waits (with the interpreter released).
    verify_site.content = registration.call_api_id.encode()
    site.credential_confirm()
    assert verify_site.fetched == ["/lbc.html"]
    assert site.status().activated
    balance = site.balance()
    assert (balance.balance, balance.balance_notify_limit) == (0, 5000)


def test_status_and_server_status(client: loginbycall.Client, sandbox: Sandbox) -> None:
    status = client.status()
    assert status == loginbycall.AccountStatus(
        activated=True, blocked=False, allow_unsecure_calls=False
    )
    server = client.server_status()
    assert (server.server_status, server.is_working) == (1, True)
    sandbox.update_account(server_status=0)
    assert client.server_status().is_working is False


def test_options_and_balance(client: loginbycall.Client) -> None:
    client.options(4321)
    balance = client.balance()
    assert isinstance(balance, loginbycall.Balance)
    assert balance.balance_notify_limit == 4321
    assert balance.balance == 1_000_000 and balance.consumed == 0
    assert balance.current == 1_000_000
    assert balance.balance_usd == Decimal("100")
    assert balance.balance_notify_limit_usd == Decimal("0.4321")
    client.call(phone())
    after = client.balance()
    assert after.consumed == 100 and after.current == 1_000_000 - 100
    assert after.consumed_usd == Decimal("0.01")
    assert after.current_usd == Decimal("99.99")


def test_pay_gives_a_form_that_credits_the_account(
    client: loginbycall.Client, sandbox: Sandbox
) -> None:
    payment = client.pay(50_000, locale="en", success_url="http://127.0.0.1/thanks")
    assert payment.shape == "form" and payment.html is None
    assert payment.url is not None and payment.method == "POST"
    assert payment.fields and all(isinstance(v, str) for _, v in payment.fields)
    html = payment.to_html()
    assert html.startswith("<form") and "lbc-payment-button" in html
    assert f'action="{payment.url}"' in html
    # Post the form as the user's browser would: the sandbox credits the amount.
    target = urlsplit(payment.url)
    connection = http.client.HTTPConnection(target.hostname or "", target.port)
    connection.request("POST", target.path, body=b"", headers={"Content-Length": "0"})
    assert connection.getresponse().status in (200, 303)
    connection.close()
    balance = client.balance()
    assert balance.balance == 1_050_000
    assert balance.last_payments[-1].value == 50_000
    assert balance.last_payments[-1].value_usd == Decimal("5")
    assert balance.last_payments[-1].created_at.tzinfo is not None
    with pytest.raises(loginbycall.InvalidInput) as caught:
        client.pay(0)
    assert caught.value.field == "amount"


def test_change_credential_then_confirm(client: loginbycall.Client, sandbox: Sandbox) -> None:
    change = client.change_credential("ops@example.com", "79256880636")
    assert isinstance(change, loginbycall.CredentialChange)
    mail = sandbox.outbox()[-1]
    assert mail.to == "ops@example.com" and mail.api_key
    new = client.with_credentials(change.call_api_id, mail.api_key)
    new.credential_confirm()
    with pytest.raises(loginbycall.AccountBlocked):
        client.balance()
    assert new.balance().balance == 1_000_000
    assert sandbox.account_state(change.call_api_id).admin_email == "ops@example.com"


def test_call_call_status_call_hangup() -> None:
    with Sandbox(dial_ms=60_000, ring_ms=60_000) as sandbox:
        client = sandbox.client()
        number = phone()
        started = client.call(f"+{number[0]} ({number[1:4]}) {number[4:]}", "80.80.88.88")
        assert isinstance(started, loginbycall.CallStarted)
        assert re.fullmatch(r"\d+", started.mask) and started.codelen == 4
        assert started.repeat_timeout == 30
        seen = sandbox.call(started.call)
        assert seen is not None and seen.msisdn == number
        assert seen.ip_address == "80.80.88.88" and seen.mask == started.mask
        assert seen.code == started.mask[-4:]
        state = client.call_status(started.call)
        assert state.status is CallStatus.QUEUED and not state.is_final
        assert state.status_desc == "queued"
        client.call_hangup(started.call)
        state = client.call_status(started.call)
        assert state.status is CallStatus.NOT_ANSWERED and state.is_final
        with pytest.raises(loginbycall.CallNotFound):
            client.call_status("no-such-call")


@pytest.mark.parametrize(
    ("ending", "status"),
    [
        (36, CallStatus.ANSWERED),
        (8, CallStatus.BUSY),
        (16, CallStatus.NOT_ANSWERED),
        (32, CallStatus.FAILED),
    ],
)
def test_final_statuses_follow_the_number(
    client: loginbycall.Client, ending: int, status: CallStatus
) -> None:
    started = client.call(phone(ending))
    state = client.call_status(started.call)
    assert state.status is status and state.is_final
    assert (state.last_error is not None) == (status is CallStatus.FAILED)


def test_request_reaches_any_method_by_name(client: loginbycall.Client) -> None:
    answer = client.request("balance")
    assert answer["balance"] == 1_000_000
    started = client.request("call", {"msisdn": phone(), "ip_address": None})
    assert set(started) >= {"call", "mask", "codelen", "repeat_timeout"}
    state = client.request("call-status", {"call": started["call"]})
    assert state["status"] == 4
    assert client.request("options", {"balance_notify_limit": 77}) is not None
    assert client.balance().balance_notify_limit == 77
    with pytest.raises(loginbycall.InvalidArgs):
        client.request("no-such-method", {"x": "1"})


@pytest.mark.parametrize("placement", ["param", "header"])
@pytest.mark.parametrize(
    "encoding",
    ["query", "form", "rest", "multipart", "query+json", "form+json", "rest+json", "multipart+json"],
)
def test_every_encoding_and_placement(sandbox: Sandbox, encoding: str, placement: str) -> None:
    client = sandbox.client(encoding=encoding, signature_placement=placement)
    assert client.balance().balance == 1_000_000
    started = client.call(phone())
    assert client.call_status(started.call).status is CallStatus.ANSWERED


def test_normalize_phone() -> None:
    assert loginbycall.normalize_phone("8 (925) 688-06-36") == "79256880636"
    assert loginbycall.normalize_phone("+1 202-555-0143") == "12025550143"
    assert loginbycall.normalize_phone("(202) 555-0143", "US") == "12025550143"
    client = loginbycall.Client(default_region="US")
    assert client.normalize_phone("(202) 555-0143") == "12025550143"
    for bad in ("70000000000", "12345", "7925abc0636", ""):
        with pytest.raises(loginbycall.InvalidInput) as caught:
            loginbycall.normalize_phone(bad)
        assert caught.value.field == "msisdn"
    with pytest.raises(loginbycall.InvalidInput):
        loginbycall.normalize_phone("79256880636", "XX")


def test_the_user_agent_names_the_binding(raw_server: MakeServer) -> None:
    server = raw_server(lambda _: json_answer(b'{"server_status": 1}'))
    loginbycall.Client(base_url=server.url).server_status()
    loginbycall.Client(base_url=server.url, user_agent="my-site/2.0").server_status()
    agents = [
        line.split(b":", 1)[1].strip()
        for request in server.requests
        for line in request.split(b"\r\n")
        if line.lower().startswith(b"user-agent:")
    ]
    assert agents == [f"loginbycall-python/{loginbycall.__version__}".encode(), b"my-site/2.0"]
