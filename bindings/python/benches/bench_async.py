"""Benchmark of ``AsyncClient`` and of the interruptible main-thread path (issue 17), run by hand;
prints figures, asserts nothing but that requests succeed.

1. The event loop while ``N`` requests run at once: a task sleeping 10 ms at a time reports how late
   it woke (median, p99, max); the target is within 2 ms.
2. A ``call-status`` round trip to the embedded sandbox: median through ``Client`` from the main
   thread (which runs the request on a thread of its own so that Ctrl-C works), from another
   thread (the request runs right there), and through ``AsyncClient``.

    python bindings/python/benches/bench_async.py [--requests 50] [--delay-ms 200] [--round-trips 500]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import threading
import time

from loginbycall import AsyncClient
from loginbycall.testing import Sandbox


async def loop_lateness(client: AsyncClient, requests: int) -> tuple[list[float], float]:
    lateness: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.010)
            lateness.append(time.perf_counter() - before - 0.010)

    tick = asyncio.ensure_future(ticker())
    started = time.perf_counter()
    answers = await asyncio.gather(*(client.server_status() for _ in range(requests)))
    took = time.perf_counter() - started
    stop.set()
    await tick
    assert all(a.is_working for a in answers)
    return lateness, took


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--delay-ms", type=int, default=200)
    parser.add_argument("--round-trips", type=int, default=500)
    args = parser.parse_args()
    with Sandbox(dial_ms=0, ring_ms=0) as sandbox:
        sandbox.arm_fault("delay", "server-status", count=args.requests, delay_ms=args.delay_ms)
        client = AsyncClient(client=sandbox.client())
        lateness, took = asyncio.run(loop_lateness(client, args.requests))
        lateness.sort()
        print(f"{args.requests} concurrent requests ({args.delay_ms} ms each) in {ms(took)}")
        print(f"  10 ms ticker late by: median {ms(statistics.median(lateness))}, "
              f"p99 {ms(lateness[int(len(lateness) * 0.99) - 1])}, max {ms(lateness[-1])} "
              f"({len(lateness)} ticks)")

        sync = sandbox.client()
        login = sync.start_login("79256880636")
        call = login.call

        def timed(run: object) -> float:
            samples = []
            for _ in range(args.round_trips):
                started = time.perf_counter()
                run()  # type: ignore[operator]
                samples.append(time.perf_counter() - started)
            return statistics.median(samples)

        main_thread = timed(lambda: sync.call_status(call))
        other: list[float] = []
        worker = threading.Thread(target=lambda: other.append(timed(lambda: sync.call_status(call))))
        worker.start()
        worker.join()

        async def async_round_trips() -> float:
            samples = []
            for _ in range(args.round_trips):
                started = time.perf_counter()
                await client.call_status(call)
                samples.append(time.perf_counter() - started)
            return statistics.median(samples)

        in_async = asyncio.run(async_round_trips())
        print(f"call-status round trip, median of {args.round_trips}:")
        print(f"  Client, main thread (interruptible) {ms(main_thread)}")
        print(f"  Client, other thread                {ms(other[0])}")
        print(f"  AsyncClient                         {ms(in_async)}")


if __name__ == "__main__":
    main()
