"""Many workers: the example site under gunicorn (6 processes) with Redis as the
cache (and so as lbc-core's store, through the app's cache adapter), against one sandbox; 30
concurrent wrong guesses and then the right code, for one login: exactly max_attempts judged.

Redis: ``LBC_REDIS_URL`` when set (scripts/test-django.sh), else a redis-server the ``redis_url``
fixture starts.
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


def test_thirty_concurrent_guesses_on_six_workers_get_three_checks(
    tmp_path: Path, redis_url: str
) -> None:
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
            # Every guess reaches lbc-core: the per-number limit of wrong digits is off here.
            LBC_CHECK_FAILED_LIMIT="",
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
            # Sync workers, one request at a time each: the guesses are served by several
            # processes at once whatever the machine's load. (A gthread worker accepts every
            # waiting connection, so on a busy machine one process took all 30; and gunicorn
            # 23's gthread with --worker-connections stops reading connections it has accepted.)
            "--worker-class",
            "sync",
            "--workers",
            "6",
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
        by_session = re.findall(
            r" (\d+) loginbycall INFO check refused: call=\S+ \(the login is locked", text
        )
        rejected = sorted(re.findall(r"Wrong digits\. (\d) attempts? left", "".join(pages)))
        # lbc-core judged exactly 3 (max_attempts): two rejected with attempts left and one that
        # used the last attempt; the checks it counted after those were locked unjudged, and the
        # requests that read the session once it said "locked" never reached it.
        assert rejected == ["1", "2"], rejected
        assert [v for _, v in checks].count("rejected") == 2
        assert all(v in ("rejected", "locked") for _, v in checks)
        assert len(checks) >= 3
        assert len(checks) + len(by_session) == GUESSES + 1, text
        counters = [int(store.get(key) or 0) for key in store.scan_iter("*:attempts:*")]
        assert counters == [len(checks)], counters
        assert not list(store.scan_iter("*:accepted:*")), "the right code was refused"
        pids = {pid for pid, _ in checks} | set(by_session)
        print(
            f"{len(checks)} checks counted by lbc-core in Redis, 3 judged, "
            f"{len(by_session)} refused by the session, in {len(pids)} processes"
        )
        assert len(pids) >= 2, text


SIGNUPS = 6


def _failures(log: str) -> str:
    """What a failed request left in gunicorn's log: from its first error on (its traceback)."""
    found = [log.find(mark) for mark in ("Traceback", " ERROR ", "[ERROR]") if mark in log]
    return log[min(found):][:6000] if found else log[-3000:]


def test_concurrent_sign_ups_on_sqlite_do_not_fail(tmp_path: Path, redis_url: str) -> None:
    """Six new numbers typing their right codes at once, on four gunicorn workers sharing one
    SQLite file: every one is signed up and logged in, none gets a 500 ("database is locked")."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    need(gunicorn.exists() or shutil.which("gunicorn") is not None, "gunicorn is not installed")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with Sandbox(dial_ms=0, ring_ms=0) as sandbox:
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
        port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "demo.wsgi", "--workers", "4", "--threads", "2",
            "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5",
        ]
        log = tmp_path / "gunicorn.log"
        with serving(command, env, port, log):
            people = []
            for _ in range(SIGNUPS):
                person = Browserless(port)
                _, _, page = person.request("GET", "/accounts/phone/")
                number = phone()
                assert person.post_form("/accounts/phone/", page, {"phone": number})[0] == 302
                _, _, code_page = person.request("GET", "/accounts/phone/code/")
                call = sandbox.latest_call_to(number)
                assert call is not None
                people.append((person, code_page, call.code))
            barrier = threading.Barrier(SIGNUPS)

            def sign_up(entry: tuple[Browserless, str, str]) -> int:
                person, code_page, code = entry
                barrier.wait()
                return person.post_form("/accounts/phone/code/", code_page, {"digits": code})[0]

            with ThreadPoolExecutor(SIGNUPS) as pool:
                statuses = list(pool.map(sign_up, people))
            assert statuses == [302] * SIGNUPS, (statuses, _failures(log.read_text()))
            for person, _, _ in people:
                _, _, home = person.request("GET", "/")
                assert "Hello," in home
        users = manage(
            env, "shell", "-c",
            "from loginbycall.django.models import PhoneNumber; print(PhoneNumber.objects.count())",
        )
        assert users.strip().splitlines()[-1] == str(SIGNUPS)
