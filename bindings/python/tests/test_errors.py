"""The exception tree: one class per kind and per known code, exactly lbc-core's lists, each raised
with its attributes; no message or repr holds the api-key; every exception pickles."""

from __future__ import annotations

import importlib.util
import pickle
import time
from pathlib import Path

import pytest

import loginbycall
from conftest import MakeServer, json_answer, phone
from loginbycall import _native, errors
from loginbycall.testing import Sandbox

KEY = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq"


def generator() -> object:
    path = Path(__file__).resolve().parents[1] / "tools" / "gen_errors.py"
    spec = importlib.util.spec_from_file_location("gen_errors", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_one_class_per_known_code_exactly_the_cores() -> None:
    codes = {code: (cls, text) for code, cls, text in _native.ERROR_CODES}
    assert len(codes) == 21
    assert set(errors.API_ERRORS) == set(codes)
    for code, exception in errors.API_ERRORS.items():
        assert issubclass(exception, errors.ApiError)
        assert exception.CODE == code
        assert exception.ERROR_CLASS == codes[code][0]
        assert getattr(loginbycall, exception.__name__) is exception
        assert exception.__doc__ is not None and codes[code][1] in exception.__doc__
    assert errors.API_ERRORS["CALL_REPEAT_TIMEOUT"] is loginbycall.CallRepeatTimeout
    assert errors.API_ERRORS["INVALID_SIGNATURE"] is loginbycall.InvalidSignature
    assert errors.API_ERRORS["NOT_ENOUGH_CREDIT"] is loginbycall.NotEnoughCredit
    assert errors.API_ERRORS["NONCE_ALREADY_USED"] is loginbycall.NonceAlreadyUsed
    assert errors.API_ERRORS["Error"] is loginbycall.ServiceError


def test_one_class_per_kind_exactly_the_cores() -> None:
    assert list(errors.KINDS) == list(_native.ERROR_KINDS)
    for kind, exception in errors.KINDS.items():
        assert issubclass(exception, loginbycall.LoginByCallError)
        assert exception.kind == kind
    assert issubclass(loginbycall.Timeout, TimeoutError)
    assert issubclass(loginbycall.InvalidInput, ValueError)


def test_the_generated_blocks_are_what_the_generator_writes() -> None:
    gen = generator()
    for module, render in ((errors, "render"), (loginbycall, "render_init")):
        installed = Path(module.__file__ or "").read_text(encoding="utf-8")
        block = getattr(gen, render)(_native.ERROR_CODES)
        assert gen.splice(installed, block) == installed, f"{module.__name__}: run tools/gen_errors.py"  # type: ignore[attr-defined]
    assert gen.class_name("CALL_REPEAT_TIMEOUT") == "CallRepeatTimeout"  # type: ignore[attr-defined]


def test_call_repeat_timeout_has_its_delay(client: loginbycall.Client) -> None:
    number = phone()
    client.call(number, "80.80.88.88")
    with pytest.raises(loginbycall.CallRepeatTimeout) as caught:
        client.call(number, "80.80.88.88")
    error = caught.value
    assert isinstance(error.delay, float) and 0 < error.delay <= 30
    assert error.code == "CALL_REPEAT_TIMEOUT" and error.error_class == "PROCESS"
    assert isinstance(error.additional, dict) and "delay" in error.additional
    assert error.kind == "api_error" and error.may_have_been_placed is False
    assert "CALL_REPEAT_TIMEOUT" in str(error)


def test_a_bad_key_is_invalid_signature(sandbox: Sandbox) -> None:
    client = loginbycall.Client(sandbox.account.call_api_id, KEY, base_url=sandbox.base_url)
    with pytest.raises(loginbycall.InvalidSignature) as caught:
        client.balance()
    error = caught.value
    assert error.code == "INVALID_SIGNATURE" and error.error_class == "GENERIC"
    assert error.delay is None
    for text in (str(error), repr(error), repr(error.args), repr(error.__dict__)):
        assert KEY not in text


def test_not_enough_credit_after_the_balance_is_set_to_zero(
    client: loginbycall.Client, sandbox: Sandbox
) -> None:
    sandbox.set_balance(0)
    with pytest.raises(loginbycall.NotEnoughCredit) as caught:
        client.call(phone())
    assert caught.value.may_have_been_placed is False
    assert isinstance(caught.value, loginbycall.ApiError)


@pytest.mark.parametrize("code", [code for code, _, _ in _native.ERROR_CODES])
def test_every_code_raises_its_class_with_its_attributes(raw_server: MakeServer, code: str) -> None:
    import json

    body = {"error": code, "clazz": "PROCESS", "reason": "why", "additional": {"delay": 23.563}}
    server = raw_server(
        lambda _: json_answer(json.dumps(body).encode(), headers="X-Request-Id: 0247_1\r\n")
    )
    client = loginbycall.Client("id", KEY, base_url=server.url)
    with pytest.raises(loginbycall.ApiError) as caught:
        client.call_status("c1")
    error = caught.value
    assert type(error) is errors.API_ERRORS[code]
    assert (error.code, error.error_class, error.reason) == (code, "PROCESS", "why")
    assert error.additional == {"delay": 23.563} and error.delay == pytest.approx(23.563)
    assert error.request_id == "0247_1" and "0247_1" in str(error)
    assert error.description == dict((c, d) for c, _, d in _native.ERROR_CODES)[code]
    assert error.may_have_been_placed is False and error.kind == "api_error"


def test_an_unknown_code_stays_api_error(raw_server: MakeServer) -> None:
    server = raw_server(
        lambda _: json_answer(
            b'{"error":"SOMETHING_NEW","clazz":"PROCESS","reason":"new","stack":"at x"}',
            headers="X-Request-Id: req-7\r\n",
        )
    )
    client = loginbycall.Client("id", KEY, base_url=server.url)
    with pytest.raises(loginbycall.ApiError) as caught:
        client.balance()
    error = caught.value
    assert type(error) is loginbycall.ApiError
    assert (error.code, error.error_class, error.reason) == ("SOMETHING_NEW", "PROCESS", "new")
    assert error.stack == "at x" and error.request_id == "req-7"


def test_http_errors_have_status_and_snippet(raw_server: MakeServer) -> None:
    server = raw_server(lambda _: json_answer(b"bad gateway", status="502 Bad Gateway"))
    client = loginbycall.Client("id", KEY, base_url=server.url, max_retries=0)
    with pytest.raises(loginbycall.HttpError) as caught:
        client.balance()
    assert caught.value.http_status == 502 and "bad gateway" in caught.value.snippet
    assert caught.value.may_have_been_placed is True


def test_an_unreadable_answer_is_a_decode_error(raw_server: MakeServer) -> None:
    server = raw_server(lambda _: json_answer(b'{"call":"c","mask":"79x","codelen":4}'))
    client = loginbycall.Client("id", KEY, base_url=server.url)
    with pytest.raises(loginbycall.DecodeError) as caught:
        client.call("79256880636")
    assert caught.value.field == "mask" and caught.value.may_have_been_placed is True
    server.respond = lambda _: json_answer(b"<html>")
    with pytest.raises(loginbycall.DecodeError):
        client.balance()


def test_a_refused_connection_is_a_transport_error() -> None:
    import socket

    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    client = loginbycall.Client("id", KEY, base_url=f"http://127.0.0.1:{port}/", max_retries=0)
    with pytest.raises(loginbycall.TransportError) as caught:
        client.call("79256880636")
    assert caught.value.transport_kind == "connect"
    assert caught.value.may_have_been_placed is False


def test_invalid_input_names_the_argument(client: loginbycall.Client) -> None:
    with pytest.raises(loginbycall.InvalidInput) as caught:
        client.call("79256880636", "not an ip")
    assert caught.value.field == "ip_address" and caught.value.reason
    assert isinstance(caught.value, ValueError)
    with pytest.raises(ValueError):
        client.call("12345")


def exceptions() -> list[loginbycall.LoginByCallError]:
    made: list[loginbycall.LoginByCallError] = [
        cls("message", code=code, delay=1.5, additional={"delay": 1.5}, request_id="r")
        for code, cls in errors.API_ERRORS.items()
    ]
    made += [
        loginbycall.ApiError("m", code="NEW"),
        loginbycall.HttpError("m", http_status=502, snippet="x"),
        loginbycall.TransportError("m", transport_kind="dns"),
        loginbycall.Timeout("m", method="call", after=1.0, may_have_been_placed=True),
        loginbycall.DecodeError("m", field="mask"),
        loginbycall.InvalidInput("m", field="msisdn", reason="r"),
        loginbycall.GuardRefused("m", reason="ip_rate", retry_after=12.5),
        loginbycall.GuardRefused("m", reason="number_type"),
        loginbycall.StoreError("m"),
        loginbycall.InternalError("m"),
    ]
    return made


@pytest.mark.parametrize("error", exceptions(), ids=lambda e: type(e).__name__)
def test_every_exception_pickles_with_its_attributes(error: loginbycall.LoginByCallError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert back.__dict__ == error.__dict__
    assert str(back) == str(error) and back.args == error.args


def test_the_old_name_of_http_status_still_works_with_a_deprecation_warning() -> None:
    error = loginbycall.HttpError("m", http_status=502)
    with pytest.warns(DeprecationWarning, match="use HttpError.http_status"):
        assert error.status == 502


def test_guard_refusals_and_store_failures_have_their_classes() -> None:
    assert errors.KINDS["guard_refused"] is loginbycall.GuardRefused
    assert errors.KINDS["store_error"] is loginbycall.StoreError
    assert issubclass(loginbycall.GuardRefused, loginbycall.LoginByCallError)
    assert issubclass(loginbycall.StoreError, loginbycall.LoginByCallError)
    refused = loginbycall.GuardRefused("m", reason="brake", retry_after=900.0)
    assert (refused.reason, refused.retry_after, refused.may_have_been_placed) == (
        "brake",
        900.0,
        False,
    )
    assert loginbycall.GuardRefused.REASONS == _native.GUARD_REASONS
