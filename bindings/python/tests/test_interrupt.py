"""Ctrl-C (issue 17): a real SIGINT during a request, ``wait_final`` or a sandbox helper raises
``KeyboardInterrupt`` within 100 ms (scheduling slack aside: the test allows 1 s and prints the
figure), and the client goes on working."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from loginbycall.testing import Sandbox

CHILD = textwrap.dedent(
    """
    import json, signal, sys, threading, time
    # Ctrl-C as in a terminal, even when the tests run in a background job (`cmd &` in a script),
    # which starts every child with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import loginbycall
    from loginbycall.testing import Sandbox

    what, base_url, call_api_id, api_key, store = sys.argv[1:6]
    client = loginbycall.Client(call_api_id, api_key, base_url=base_url, store=store,
                                timeout=20.0, guard=None)
    login = None
    if what == "wait_final":
        login = client.start_login("79256880636")
    print("ready", flush=True)
    started = time.monotonic()
    try:
        if what == "balance":
            client.balance()
        elif what == "wait_final":
            login.wait_final(client, 20.0)
        elif what == "sandbox":
            # Sandbox.close() waits for the answers in flight: here one delayed by 20 s.
            sb = Sandbox()
            c = sb.client(timeout=20.0)
            sb.arm_fault("delay", "status", count=1, delay_ms=20_000)
            def slow():
                try:
                    c.status()
                except Exception:
                    pass
            threading.Thread(target=slow, daemon=True).start()
            time.sleep(0.5)
            print("armed", flush=True)
            sb.close()
        outcome = "returned"
    except KeyboardInterrupt:
        outcome = "interrupted"
    took = time.monotonic() - started
    # The client is still usable (the interrupted connection is not reused half-read).
    after = client.server_status().is_working
    print(json.dumps({"outcome": outcome, "took": took, "after": after}), flush=True)
    """
)


@pytest.mark.parametrize("what", ["balance", "wait_final", "sandbox"])
def test_ctrl_c_interrupts_at_once_and_the_client_goes_on(what: str) -> None:
    # Calls stay ringing for 30 s, so that wait_final has to wait; requests to `balance` are delayed.
    with Sandbox(dial_ms=0, ring_ms=30_000) as sandbox:
        if what == "balance":
            sandbox.arm_fault("delay", "balance", count=1, delay_ms=20_000)
        account = sandbox.account
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, what, sandbox.base_url, account.call_api_id,
             account.api_key, sandbox.store_url],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        if what == "sandbox":
            assert child.stdout.readline().strip() == "armed"
        time.sleep(1.0)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline()
        reacted = time.monotonic() - sent
        assert child.wait(timeout=30) == 0
        result = json.loads(line)
        print(f"\n{what}: KeyboardInterrupt {reacted * 1000:.0f} ms after SIGINT")
        assert result["outcome"] == "interrupted", result
        assert result["took"] < 5.0, result
        assert reacted < 2.0, "the interrupt waited for the request"
        assert result["after"] is True


def test_other_threads_are_not_affected_by_the_main_threads_path(sandbox: Sandbox) -> None:
    import threading

    client = sandbox.client()
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(client.server_status().is_working))
    thread.start()
    thread.join()
    assert seen == [True]
    assert client.server_status().is_working
    assert os.getpid() > 0
