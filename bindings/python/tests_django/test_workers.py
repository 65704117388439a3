"""Many workers: the example site under gunicorn (4 processes × 4 threads) with Redis as the
cache, against one sandbox; 30 concurrent wrong guesses and then the right code, for one login.

scripts/test-django.sh starts Redis and sets ``LBC_REDIS_URL``; without it the test is skipped
(or fails, under ``LBC_DJANGO_REQUIRE_ALL``).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import need, phone, wrong
from loginbycall.testing import Sandbox
from site_process import Browserless, free_port, manage, serving, site_env

GUESSES = 30


def test_thirty_concurrent_guesses_on_four_workers_get_three_checks(tmp_path: Path) -> None:
    redis_url = os.environ.get("LBC_REDIS_URL", "")
    need(bool(redis_url), "LBC_REDIS_URL is not set (scripts/test-django.sh starts Redis)")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    need(gunicorn.exists() or shutil.which("gunicorn") is not None, "gunicorn is not installed")
    import redis

    store = redis.Redis.from_url(redis_url)
    store.flushdb()

    # The call rings on through the test, so that every code page asks call-status, and each
    # answer is delayed: the session is saved after the page, so concurrent guesses all read
    # the same unlocked login and only the cache's counter stands between them and more checks.
    with Sandbox(dial_ms=0, ring_ms=600_000) as sandbox:
        account = sandbox.account
        env = site_env(
            tmp_path / "site.sqlite3",
            LBC_DEBUG="0",
            LBC_CALL_API_ID=account.call_api_id,
            LBC_API_KEY=account.api_key,
            LBC_BASE_URL=sandbox.base_url,
            LBC_REDIS_URL=redis_url,
        )
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        check = manage(env, "check", "--fail-level", "WARNING")
        assert "no issues" in check
        port = free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "demo.wsgi",
            "--workers",
            "4",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ]
        log = tmp_path / "gunicorn.log"
        with serving(command, env, port, log):
            browser = Browserless(port)
            _, _, page = browser.request("GET", "/accounts/phone/")
            number = phone()
            status, _ = browser.post_form("/accounts/phone/", page, {"phone": number})
            assert status == 302
            status, _, code_page = browser.request("GET", "/accounts/phone/code/")
            assert status == 200 and 'name="digits"' in code_page
            call = sandbox.latest_call_to(number)
            assert call is not None
            token = browser.token(code_page)
            sandbox.arm_fault("delay", "call-status", delay_ms=400)
            barrier = threading.Barrier(GUESSES)

            def guess(index: int) -> str:
                guesser = Browserless(port)
                guesser.cookies = dict(browser.cookies)
                barrier.wait()
                status, _headers, text = guesser.request(
                    "POST",
                    "/accounts/phone/code/",
                    {"digits": wrong(call.code), "csrfmiddlewaretoken": token},
                )
                assert status == 200, (status, text[:300])
                return text

            with ThreadPoolExecutor(GUESSES) as pool:
                pages = list(pool.map(guess, range(GUESSES)))

            status, right = browser.post_form(
                "/accounts/phone/code/", code_page, {"digits": call.code}
            )
            assert status == 200
            assert "No attempt is left for this call" in right
            _, _, home = browser.request("GET", "/")
            assert "Welcome" in home and "Hello," not in home

        text = log.read_text()
        checks = re.findall(r" (\d+) loginbycall INFO check call=\S+ verdict=(\w+)", text)
        by_cache = re.findall(r" (\d+) loginbycall INFO check refused: call=\S+ \(the cache", text)
        by_session = re.findall(
            r" (\d+) loginbycall INFO check refused: call=\S+ \(the login", text
        )
        rejected = sum("Wrong digits" in page for page in pages)
        assert 1 <= len(checks) <= 3, text
        assert all(verdict in ("rejected", "locked") for _, verdict in checks)
        assert rejected == len(checks)
        # Every other request was refused without a check: by Redis's counter while the
        # session still held the unlocked login, by the session's "locked" once it was saved.
        assert len(by_cache) + len(by_session) == GUESSES + 1 - len(checks)
        assert len(by_cache) >= 1
        counters = [int(store.get(key) or 0) for key in store.scan_iter("*loginbycall:checks:*")]
        assert counters == [len(checks) + len(by_cache)]
        pids = {pid for pid, *_ in checks} | set(by_cache) | set(by_session)
        print(
            f"checks {len(checks)}, refused by the cache {len(by_cache)}, by the session "
            f"{len(by_session)}, in {len(pids)} processes"
        )
        # More than one process took part.
        assert len(pids) >= 2, text
