"""The 90 signature vectors (tests/vectors/signatures.json, computed by the documentation's own
JavaScript example) through ``loginbycall.sign`` and ``Signer.sign``."""

from __future__ import annotations

import json
from typing import Any

import pytest

import loginbycall
from conftest import REPO

VECTORS: list[dict[str, Any]] = json.loads(
    (REPO / "tests" / "vectors" / "signatures.json").read_text(encoding="utf-8")
)


def test_there_are_90_vectors() -> None:
    assert len(VECTORS) == 90


@pytest.mark.parametrize("case", VECTORS, ids=lambda c: f"{c['method']}")
def test_sign_reproduces_the_vector(case: dict[str, Any]) -> None:
    params: dict[str, str] = case["params"]
    # Any order will do: the method's documented order decides.
    reversed_params = dict(reversed(list(params.items())))
    expected = case["signature"]
    assert loginbycall.sign(case["key"], case["method"], reversed_params) == expected
    assert loginbycall.Signer(case["key"]).sign(case["method"], params) == expected


def test_the_canonical_string_is_what_gets_signed() -> None:
    import hashlib
    import hmac

    for case in VECTORS:
        message = loginbycall.canonical(case["method"], case["params"])
        assert message.startswith(case["method"].encode())
        digest = hmac.new(case["key"].encode(), message, hashlib.sha512).hexdigest()
        assert digest == case["signature"]


def test_empty_and_none_values_are_left_out() -> None:
    case = VECTORS[0]
    signer = loginbycall.Signer(case["key"])
    base = signer.sign(case["method"], case["params"])
    assert signer.sign(case["method"], {**case["params"], "ip_address": ""}) == base
    assert signer.sign(case["method"], {**case["params"], "ip_address": None}) == base
    assert signer.sign(case["method"], {**case["params"], "ip_address": "1.2.3.4"}) != base


def test_one_key_signs_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    signer = loginbycall.Signer(VECTORS[0]["key"])
    same_key = [c for c in VECTORS if c["key"] == VECTORS[0]["key"]]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda c: signer.sign(c["method"], c["params"]), same_key * 20))
    assert got == [c["signature"] for c in same_key * 20]


def test_unknown_and_unsigned_methods_are_invalid_input() -> None:
    for method in ("nope", "Call", "register", "status", "server-status"):
        with pytest.raises(loginbycall.InvalidInput) as caught:
            loginbycall.sign("key", method, {})
        assert caught.value.field == "method"


def test_the_signer_never_shows_its_key() -> None:
    key = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq"
    signer = loginbycall.Signer(key)
    assert key not in repr(signer) and key not in str(signer)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(signer)
