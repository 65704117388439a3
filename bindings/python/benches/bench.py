"""Benchmark of the Python binding, run by hand (never part of the tests); prints a table.

1. Signing the ``call`` request (the documentation's example): ns per signature for
   ``Signer.sign`` (keyed once), ``loginbycall.sign`` (keyed per call) and the standard library's
   ``hmac.new(key, msg, sha512).hexdigest()`` over the same canonical string (built beforehand,
   so hmac is not charged for building it).
2. A signed ``call-status`` round trip to the embedded sandbox: median and p99 through
   ``loginbycall.Client`` and through what a Django site writes today, ``requests.Session`` plus
   ``hmac`` (timestamp, nonce, canonical string and signature included).

Install the wheel (``maturin build --release``) and ``requests`` into a virtual environment, then::

    python bindings/python/benches/bench.py [--round-trips 2000]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import secrets
import statistics
import sys
import time
import timeit
from collections.abc import Callable

import loginbycall
from loginbycall.testing import Sandbox

KEY = "eVLAWyB20L32gqpQM2liqGd4GGPJxIW1r8Kw1RNq"
CALL = {
    "call-api-id": "npK5AJe407KnZnn9kqYIL9dMJP7WZIpP01kwNjP6",
    "timestamp": "1492799685",
    "nonce": "p2P6YLWPk4wOfqKXwBjkXGyO33k",
    "msisdn": "79256880636",
    "ip_address": "80.80.88.88",
}


def ns_per_call(fn: Callable[[], object], number: int = 20_000, repeat: int = 7) -> float:
    """The best of ``repeat`` runs of ``number`` calls, in ns per call."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e9


def signing() -> list[tuple[str, float]]:
    signer = loginbycall.Signer(KEY)
    key = KEY.encode()
    message = loginbycall.canonical("call", CALL)
    expected = hmac.new(key, message, hashlib.sha512).hexdigest()
    assert signer.sign("call", CALL) == loginbycall.sign(KEY, "call", CALL) == expected
    return [
        ("Signer.sign", ns_per_call(lambda: signer.sign("call", CALL))),
        ("loginbycall.sign", ns_per_call(lambda: loginbycall.sign(KEY, "call", CALL))),
        (
            "hmac.new(...).hexdigest()",
            ns_per_call(lambda: hmac.new(key, message, hashlib.sha512).hexdigest()),
        ),
    ]


def requests_call_status(session: object, base_url: str, call_api_id: str, api_key: str):  # type: ignore[no-untyped-def]
    """``call-status`` as a site writes it by hand with requests and hmac."""

    def once(call: str) -> dict[str, object]:
        params = {
            "call-api-id": call_api_id,
            "timestamp": str(int(time.time())),
            "nonce": secrets.token_urlsafe(24),
            "call": call,
        }
        message = b"call-status" + b"".join(
            b"\0" + name.encode() + b"\0" + params[name].encode()
            for name in ("call-api-id", "timestamp", "nonce", "call")
        )
        params["signature"] = hmac.new(api_key.encode(), message, hashlib.sha512).hexdigest()
        answer = session.post(base_url + "call-status", data=params, timeout=15)  # type: ignore[attr-defined]
        answer.raise_for_status()
        body: dict[str, object] = answer.json()
        if "error" in body:
            raise RuntimeError(body)
        return body

    return once


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def round_trips(count: int) -> list[tuple[str, float, float]]:
    import requests

    with Sandbox(dial_ms=0, ring_ms=0) as sandbox:
        account = sandbox.account
        client = sandbox.client()
        call = client.call("79256880636").call
        by_hand = requests_call_status(
            requests.Session(), sandbox.base_url, account.call_api_id, account.api_key
        )
        assert by_hand(call)["status"] == int(client.call_status(call).status)
        runners: dict[str, Callable[[], object]] = {
            "Client.call_status": lambda: client.call_status(call),
            "requests.Session + hmac": lambda: by_hand(call),
        }
        samples: dict[str, list[float]] = {name: [] for name in runners}
        for _ in range(200):  # warm both connection pools
            for run in runners.values():
                run()
        # Interleaved, so that both see the same machine.
        for _ in range(count):
            for name, run in runners.items():
                started = time.perf_counter_ns()
                run()
                samples[name].append((time.perf_counter_ns() - started) / 1000)
        return [
            (name, statistics.median(s), percentile(s, 0.99)) for name, s in samples.items()
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round-trips", type=int, default=2000)
    args = parser.parse_args()

    print(f"loginbycall {loginbycall.__version__}, Python {sys.version.split()[0]}")
    print()
    rows = signing()
    baseline = rows[-1][1]
    print(f"{'signing the call request':<30} {'ns/signature':>14} {'hmac / this':>12}")
    for name, ns in rows:
        print(f"{name:<30} {ns:>14.0f} {baseline / ns:>11.2f}x")
    print()
    trips = round_trips(args.round_trips)
    print(f"{'call-status round trip':<30} {'median µs':>14} {'p99 µs':>12}")
    for name, median, p99 in trips:
        print(f"{name:<30} {median:>14.1f} {p99:>12.1f}")
    (_, client_median, _), (_, requests_median, _) = trips
    print(f"{'requests / Client (median)':<30} {requests_median / client_median:>13.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
