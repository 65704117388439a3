"""Answers are immutable, typed, with a useful repr; money in credits and exact USD; CallStatus is
an IntEnum whose is_final is the core's; Payment comes in both shapes."""

from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal

import pytest

import loginbycall
from conftest import MakeServer, json_answer
from loginbycall import CallStatus, _native


def test_call_status_is_an_int_enum_matching_the_core() -> None:
    assert issubclass(CallStatus, int)
    assert [int(s) for s in CallStatus] == [1, 2, 4, 8, 16, 32]
    for status in CallStatus:
        assert status.is_final == _native.call_status_is_final(int(status))
        assert status.is_final == (status not in (CallStatus.QUEUED, CallStatus.DIALING))
    assert CallStatus(16).description == "notanswered"
    assert CallStatus(4) == 4 and CallStatus.ANSWERED.name == "ANSWERED"


def test_an_unknown_status_number_is_kept_and_final() -> None:
    odd = CallStatus(64)
    assert isinstance(odd, CallStatus) and odd == 64 and odd.name == "UNKNOWN_64"
    assert odd.is_final and odd.description == "unknown"
    with pytest.raises(ValueError):
        CallStatus("4")  # type: ignore[arg-type]


def test_answers_are_frozen_and_pickle(client: loginbycall.Client) -> None:
    for answer in (client.status(), client.server_status(), client.balance(), client.pay(100)):
        assert dataclasses.is_dataclass(answer)
        field = dataclasses.fields(answer)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(answer, field, None)
        assert pickle.loads(pickle.dumps(answer)) == answer
        assert type(answer).__name__ in repr(answer)


def test_money_is_credits_and_exact_dollars() -> None:
    assert loginbycall.CREDITS_PER_USD == 10_000
    assert loginbycall.usd(1_234_567) == Decimal("123.4567")
    assert loginbycall.usd(-40) == Decimal("-0.004")
    balance = loginbycall.Balance(
        balance=30_000, consumed=100, balance_notify_limit=-1, last_payments=(), current=29_900
    )
    assert balance.current_usd == Decimal("2.99") and balance.balance_notify_limit_usd == -Decimal("0.0001")


def test_the_later_payment_shape_is_html(raw_server: MakeServer) -> None:
    html = '<form action="https://pay.example/"><button class="lbc-payment-button">PAY</button></form>'
    body = ('{"html": %s}' % __import__("json").dumps(html)).encode()
    server = raw_server(lambda _: json_answer(body))
    client = loginbycall.Client("id", "key", base_url=server.url)
    payment = client.pay(100)
    assert payment.shape == "html" and payment.html == html
    assert payment.url is None and payment.fields == ()
    assert payment.to_html() == html


def test_a_verdict_reads_without_isinstance() -> None:
    verdict = loginbycall.Verdict(
        name="rejected", accepted=False, locked=False, expired=False, attempts_left=2
    )
    assert verdict.rejected and not verdict and verdict.attempts_left == 2
    assert "attempts_left=2" in repr(verdict)
