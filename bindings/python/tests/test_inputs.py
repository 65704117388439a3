"""Bad input of any kind (None, a lone surrogate, a NUL byte, a 1 MB string, a wrong type) is
``InvalidInput`` or ``TypeError``: never a crash, never another exception."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest

import loginbycall
from loginbycall.testing import Sandbox

BAD: list[Any] = [None, "\ud800", "79256880636\x00", "7" * 1_000_000, 79256880636, b"bytes", 1.5, [], {}]
IDS = ["None", "surrogate", "NUL", "1MB", "int", "bytes", "float", "list", "dict"]


def refused(call: Callable[[], object]) -> BaseException | None:
    """The exception ``call`` raised, checked to be InvalidInput or TypeError (None: no error)."""
    try:
        call()
    except (loginbycall.InvalidInput, TypeError) as error:
        return error
    return None


@pytest.fixture(scope="module")
def shared_sandbox() -> Any:
    with Sandbox(dial_ms=0, ring_ms=0) as sb:
        yield sb


#: Every entry point that takes text, with the value put in that text's place.
TEXT_ARGUMENTS: dict[str, Callable[[loginbycall.Client, Any], object]] = {
    "call(msisdn)": lambda c, v: c.call(v),
    "call(ip_address)": lambda c, v: c.call("79256880636", v),
    "call_status(call)": lambda c, v: c.call_status(v),
    "call_hangup(call)": lambda c, v: c.call_hangup(v),
    "start_login(msisdn)": lambda c, v: c.start_login(v),
    "register(domain)": lambda c, v: c.register(v, "a@example.com"),
    "register(admin_email)": lambda c, v: c.register("example.com", v),
    "change_credential(admin_email)": lambda c, v: c.change_credential(v),
    "request(method)": lambda c, v: c.request(v, {}),
    "normalize_phone": lambda c, v: c.normalize_phone(v),
    "with_credentials(call_api_id)": lambda c, v: c.with_credentials(v, "k"),
    "loginbycall.normalize_phone": lambda c, v: loginbycall.normalize_phone(v),
    "sign(method)": lambda c, v: loginbycall.sign("key", v, {}),
    "resume_login(state)": lambda c, v: c.resume_login(v),
}


@pytest.mark.parametrize("entry", list(TEXT_ARGUMENTS))
@pytest.mark.parametrize("value", BAD, ids=IDS)
def test_text_arguments_refuse_bad_values(shared_sandbox: Sandbox, entry: str, value: Any) -> None:
    if value is None and entry == "call(ip_address)":
        return  # None is "no IP address"
    client = shared_sandbox.client()
    error = refused(lambda: TEXT_ARGUMENTS[entry](client, value))
    assert error is not None, f"{entry} accepted {value!r:.40}"
    assert len(str(error)) < 1000, "the message quotes the whole input"
    if isinstance(value, str):
        assert isinstance(error, loginbycall.InvalidInput), error
    elif value is not None:
        assert isinstance(error, TypeError), error


@pytest.mark.parametrize("value", [None, 5, b"k", "\ud800"], ids=["None", "int", "bytes", "surrogate"])
def test_a_key_must_be_text(value: Any) -> None:
    assert refused(lambda: loginbycall.Signer(value)) is not None
    assert refused(lambda: loginbycall.sign(value, "call", {})) is not None
    assert refused(lambda: loginbycall.Client("id", value)) is not None or value is None


def test_any_text_is_a_key() -> None:
    for key in ("k\x00ey", "7" * 1_000_000, "ключ"):
        assert len(loginbycall.Signer(key).sign("call", {"msisdn": "1"})) == 128


def test_integers_of_the_wrong_type_or_size(shared_sandbox: Sandbox) -> None:
    client = shared_sandbox.client()
    wrong: list[Any] = ["5", None, 1.5, True, 2**80, -(2**80)]
    for bad in wrong:
        error = refused(lambda: client.options(bad))
        assert error is not None, bad
    assert isinstance(refused(lambda: client.pay(2**80)), loginbycall.InvalidInput)
    assert isinstance(refused(lambda: client.pay(cast(Any, "100"))), TypeError)


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": -1},
        {"timeout": 0},
        {"timeout": float("nan")},
        {"timeout": float("inf")},
        {"timeout": "15"},
        {"connect_timeout": 0},
        {"deadline": 0},
        {"max_retries": -1},
        {"max_retries": 2**70},
        {"max_retries": "2"},
        {"base_url": "ftp://example.com/"},
        {"base_url": "http://h/\r\nX: y"},
        {"base_url": "\ud800"},
        {"encoding": "carrier-pigeon"},
        {"signature_placement": "cookie"},
        {"user_agent": "a\r\nX-Injected: 1"},
        {"proxy": "::not a proxy::"},
        {"ca_bundle": "/nonexistent/ca.pem"},
        {"ca_bundle": 5},
        {"default_region": "XX"},
        {"max_response_bytes": 0},
        {"max_attempts": 0},
        {"ttl": 0},
        {"api_key": ""},
        {"api_key": 5},
        {"call_api_id": " "},
        {"call_api_id": "id\x00"},
    ],
)
def test_bad_client_settings_raise_at_construction(options: dict[str, Any]) -> None:
    error = refused(lambda: loginbycall.Client(**options))
    assert error is not None, options
    if isinstance(error, loginbycall.InvalidInput):
        assert error.field, options


def test_the_key_never_appears_in_a_message() -> None:
    key = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq"
    settings: list[dict[str, Any]] = [{"base_url": key}, {"proxy": f"http://user:{key}@"}]
    for options in settings:
        error = refused(lambda: loginbycall.Client("id", key, **options))
        assert error is not None and key not in str(error) and key not in repr(error)
    client = loginbycall.Client("id", key)
    assert key not in repr(client) and key not in str(client)


def test_params_must_be_a_mapping_of_text() -> None:
    signer = loginbycall.Signer("k")
    mappings: list[Any] = [[("a", "b")], "ab", 5, {"a": 1.5}, {"a": b"x"}, {1: "x"}, {"a": ["x"]}]
    for bad in mappings:
        assert isinstance(refused(lambda: signer.sign("call", bad)), TypeError), bad
    assert isinstance(refused(lambda: signer.sign("call", {"a": "\ud800"})), loginbycall.InvalidInput)
    # Any mapping with items() will do, and ints are their decimal text.
    from types import MappingProxyType

    params: dict[str, str | int | None] = {"call-api-id": "x", "timestamp": 1, "msisdn": "7"}
    as_text = {k: str(v) for k, v in params.items()}
    assert signer.sign("call", MappingProxyType(params)) == signer.sign("call", as_text)


def test_check_refuses_what_is_not_text(shared_sandbox: Sandbox) -> None:
    shared_sandbox.set_fixed_mask("79256880636")
    try:
        login = shared_sandbox.client(max_attempts=100).start_login("79256880636")
    finally:
        shared_sandbox.set_fixed_mask(None)
    not_text: list[Any] = [None, 636, b"0636"]
    for bad in not_text:
        assert isinstance(refused(lambda: login.check(bad)), TypeError)
    assert isinstance(refused(lambda: login.check("\ud800")), loginbycall.InvalidInput)
    for odd in ("06\x0036", "0" * 1_000_000, "０６３６"):
        assert login.check(odd).rejected
    assert login.check("0636").accepted


def test_the_cores_length_limits_refuse_before_sending(shared_sandbox: Sandbox) -> None:
    client = shared_sandbox.client()
    long_url = "https://example.com/" + "a" * 2048
    cases: list[tuple[Any, str]] = [
        (lambda: client.request("m" * 65), "method"),
        (lambda: client.request("balance", {"x" * 65: "1"}), "params"),
        (lambda: client.request("call-status", {"call": "9" * 4097}), "call"),
        (lambda: client.pay(100, success_url=long_url), "success_url"),
    ]
    for send, field in cases:
        error = refused(send)
        assert isinstance(error, loginbycall.InvalidInput), (field, error)
        assert error.field == field, error
