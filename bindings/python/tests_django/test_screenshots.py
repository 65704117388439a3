"""Screenshots of every state of the pages, in English and Russian, 900 and 360 px wide, taken
by Debian's chromium on the example site under ``runserver`` with the embedded sandbox: phone,
calling (the button while the request runs), ringing, answered, wrong, locked, expired, busy,
failed, may-have-been-placed, unavailable and the numbers page. Each state is checked as it is taken (its status, its one alert), and the
files are kept in ``LBC_DJANGO_SCREENSHOTS`` (scripts/test-django.sh: ``$LBC_ARTIFACTS``) for a
person to look at.

Without ``LBC_DJANGO_SCREENSHOTS`` the test is skipped: the script sets it for one of its two
runs (the pages are the same on both Django versions).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import phone
from site_process import free_port, serving, site_env
from chromium import CHROMEDRIVER, CHROMIUM, chrome, replaced

WIDTHS = {"wide": (900, 1100), "narrow": (360, 1000)}
TTL = 10


def arm(sandbox_port: int, body: dict[str, Any]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", sandbox_port, timeout=10)
    try:
        connection.request(
            "POST", "/_sandbox/faults", json.dumps(body), {"Content-Type": "application/json"}
        )
        assert connection.getresponse().status == 200
    finally:
        connection.close()


def test_screenshots_of_every_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = os.environ.get("LBC_DJANGO_SCREENSHOTS")
    if not target:
        pytest.skip("LBC_DJANGO_SCREENSHOTS is not set (scripts/test-django.sh sets it once)")
    assert os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER), "chromium is missing"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    monkeypatch.setenv("SE_OFFLINE", "true")
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    env = site_env(
        tmp_path / "site.sqlite3", LBC_DEBUG="1", LBC_TTL=str(TTL), LBC_GUARD="off", LBC_RING_MS="1500"
    )
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    log = tmp_path / "runserver.log"
    with serving(command, env, port, log) as base, tempfile.TemporaryDirectory() as profile:
        found = re.search(r"its dashboard \(calls, codes, faults\): http://[^:]+:(\d+)/", log.read_text())
        driver = chrome(profile)
        wait = WebDriverWait(driver, 30)
        taken: list[str] = []
        try:
            driver.get(base + "/")
            if found is None:
                # The sandbox starts with the first page that needs it.
                driver.get(base + "/accounts/phone/")
                wait.until(lambda d: "its dashboard" in log.read_text())
                found = re.search(
                    r"its dashboard \(calls, codes, faults\): http://[^:]+:(\d+)/",
                    log.read_text(),
                )
            assert found is not None, log.read_text()
            sandbox_port = int(found.group(1))

            def shot(language: str, state: str) -> None:
                for name, (width, height) in WIDTHS.items():
                    driver.set_window_size(width, height)
                    # The whole page: the window as tall as the content.
                    inner, tall = driver.execute_script(
                        "return [window.innerHeight, document.documentElement.scrollHeight];"
                    )
                    if tall > inner:
                        driver.set_window_size(width, height + tall - inner)
                    # No horizontal scrolling at any width.
                    assert driver.execute_script(
                        "return document.documentElement.scrollWidth <= window.innerWidth;"
                    ), (language, state, name)
                    path = out / f"{language}-{name}-{state}.png"
                    assert driver.save_screenshot(str(path))
                    taken.append(path.name)
                driver.set_window_size(*WIDTHS["wide"])

            def alerts() -> int:
                return len(driver.find_elements(By.CSS_SELECTOR, "[role=alert]"))

            def status() -> str:
                return str(
                    driver.find_element(By.CSS_SELECTOR, "[data-lbc-status]").get_attribute(
                        "data-status"
                    )
                )

            def call(number: str) -> None:
                driver.get(base + "/accounts/phone/")
                box = driver.find_element(By.NAME, "phone")
                box.send_keys("+" + number)
                button = driver.find_element(By.CSS_SELECTOR, "[data-lbc-page=phone] button")
                button.click()
                wait.until(replaced(button))

            def digits(text: str) -> None:
                box = driver.find_element(By.NAME, "digits")
                box.clear()
                box.send_keys(text)
                button = driver.find_element(By.CSS_SELECTOR, "[data-lbc-code-form] button")
                button.click()
                wait.until(replaced(button))

            for language in ("en", "ru"):
                driver.get(base + "/")
                driver.add_cookie({"name": "django_language", "value": language})

                driver.get(base + "/accounts/phone/")
                shot(language, "phone")

                call(phone())
                wait.until(lambda d: status() in ("dialing", "answered"))
                expiring = driver.get_cookie("sessionid")
                expiring_since = time.monotonic()
                assert expiring is not None
                driver.delete_cookie("sessionid")

                number = phone()
                call(number)
                wait.until(lambda d: status() == "dialing")
                shot(language, "ringing")
                wait.until(lambda d: status() == "answered")
                code = driver.find_element(By.CSS_SELECTOR, "[data-lbc-phone-code]").text
                shot(language, "answered")
                wrong = "".join(str((int(d) + 1) % 10) for d in code)
                digits(wrong)
                assert alerts() == 1
                assert driver.find_element(By.NAME, "digits").get_attribute("value") == ""
                shot(language, "wrong")
                digits(wrong)
                digits(wrong)
                assert alerts() == 1
                assert not driver.find_elements(By.NAME, "digits")
                shot(language, "locked")

                call(phone(8))
                wait.until(lambda d: status() == "busy")
                assert "lbc-again-first" in str(
                    driver.find_element(By.CSS_SELECTOR, "[data-lbc-again-form]").get_attribute(
                        "class"
                    )
                )
                shot(language, "busy")

                call(phone(32))
                wait.until(lambda d: status() == "error")
                shot(language, "failed")

                # While the request runs: the button is disabled and says so. The request is
                # held back in the page (a listener after the app's cancels the navigation), so
                # that the state stays to be looked at.
                driver.get(base + "/accounts/phone/")
                driver.find_element(By.NAME, "phone").send_keys("+" + phone())
                driver.execute_script(
                    "document.querySelector('[data-lbc-page=phone] form')"
                    ".addEventListener('submit', function (e) { e.preventDefault(); });"
                )
                button = driver.find_element(By.CSS_SELECTOR, "[data-lbc-page=phone] button")
                button.click()
                wait.until(lambda d: button.get_attribute("aria-busy") == "true")
                assert not button.is_enabled()
                assert button.text == {"en": "Calling…", "ru": "Звоним…"}[language]
                shot(language, "calling")

                arm(sandbox_port, {"method": "call", "kind": "truncate", "count": 1})
                call(phone())
                wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-lbc-outcome=may_ring]"))
                assert alerts() == 0  # a notice, not an error
                shot(language, "may-have-been-placed")

                arm(
                    sandbox_port,
                    {"method": "call", "kind": "error", "code": "NOT_ENOUGH_CREDIT", "count": 1},
                )
                call(phone())
                wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-lbc-unavailable]"))
                assert alerts() == 1
                shot(language, "unavailable")

                # expired: its call's code runs out while the other states are taken, in
                # another session (the cookie is kept aside and given back).
                driver.delete_cookie("sessionid")
                driver.add_cookie(expiring)
                left = TTL + 1 - (time.monotonic() - expiring_since)
                if left > 0:
                    time.sleep(left)
                driver.get(base + "/accounts/phone/code/")
                assert driver.find_elements(By.CSS_SELECTOR, "[data-lbc-locked]")
                assert alerts() == 1
                shot(language, "expired")
                driver.delete_cookie("sessionid")

                mine = phone()
                call(mine)
                wait.until(lambda d: status() == "answered")
                digits(driver.find_element(By.CSS_SELECTOR, "[data-lbc-phone-code]").text)
                wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-greeting]"))
                driver.get(base + "/accounts/phone/numbers/")
                listed = driver.find_element(By.CSS_SELECTOR, "[data-lbc-numbers]")
                assert "+" + mine in listed.text
                shot(language, "numbers")
                driver.find_element(By.CSS_SELECTOR, "[data-logout]").click()
                wait.until(lambda d: d.find_elements(By.LINK_TEXT, "Log in by phone call"))
        finally:
            driver.quit()
    assert len(taken) == 2 * 2 * 12
    print(f"{len(taken)} screenshots in {out}")
