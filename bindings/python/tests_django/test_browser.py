"""A real browser: Debian's chromium, driven by selenium, logs in on the example site under
``manage.py runserver`` with the embedded sandbox, as a person would: types the number, sees
the call's status change live, reads the code off the virtual phone, types it, and lands on the
home page greeted by name. A screenshot of the code page is saved to ``LBC_DJANGO_SCREENSHOT``
(scripts/test-django.sh sets it), else into the test's temporary directory.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import need, phone
from site_process import free_port, manage, serving, site_env

from chromium import CHROMEDRIVER, CHROMIUM, chrome


def test_a_person_logs_in_with_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need(os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER), "chromium is not installed")
    try:
        import selenium  # noqa: F401
    except ImportError:
        need(False, "selenium is not installed")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # Selenium Manager must not try to download anything: the binaries are given.
    monkeypatch.setenv("SE_OFFLINE", "true")
    number = phone()
    env = site_env(tmp_path / "site.sqlite3", LBC_DEBUG="1")
    port = free_port()
    # As on a fresh clone: no database yet; manage.py runserver migrates first.
    command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    log = tmp_path / "runserver.log"
    with serving(command, env, port, log) as base, tempfile.TemporaryDirectory() as profile:
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; from django.utils import timezone; "
            "from loginbycall.django.models import PhoneNumber; "
            "u = User.objects.create_user('anna', first_name='Anna'); "
            f"PhoneNumber.objects.create(user=u, number='+{number}', verified_at=timezone.now())",
        )
        driver = chrome(profile)
        wait = WebDriverWait(driver, 30)
        try:
            driver.get(base + "/")
            driver.find_element(By.LINK_TEXT, "Log in by phone call").click()
            field = wait.until(ready.presence_of_element_located((By.NAME, "phone")))
            field.send_keys(f"+7 {number[1:4]} {number[4:7]}-{number[7:9]}-{number[9:]}")
            driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()

            status = wait.until(
                ready.presence_of_element_located((By.CSS_SELECTOR, "[data-lbc-status]"))
            )
            assert driver.current_url.endswith("/accounts/phone/code/")
            prompt = driver.find_element(By.CSS_SELECTOR, "[data-lbc-prompt]").text
            assert prompt.startswith("+7")
            first = status.get_attribute("data-status")
            driver.execute_script("window.lbcSamePage = true;")
            # The status changes without a reload: the script polls it.
            wait.until(lambda d: status.get_attribute("data-status") != first)
            wait.until(lambda d: status.get_attribute("data-status") in ("dialing", "answered"))
            assert driver.execute_script("return window.lbcSamePage === true;")
            code = wait.until(
                lambda d: d.find_element(By.CSS_SELECTOR, "[data-lbc-phone-code]").text or None
            )
            shown = driver.find_element(By.CSS_SELECTOR, "[data-lbc-phone-number]").text
            assert shown.startswith(prompt) and shown.endswith(code)
            digits = driver.find_element(By.NAME, "digits")
            assert digits.get_attribute("autocomplete") == "one-time-code"
            assert digits.get_attribute("inputmode") == "numeric"
            digits.send_keys(code)
            save_screenshot(driver, tmp_path)

            # At the final status the script stops asking (the service says never to ask
            # again): no poll in longer than the longest backoff step (8 s).
            root = driver.find_element(By.CSS_SELECTOR, "[data-lbc-login]")
            wait.until(lambda d: root.get_attribute("data-final") == "true")
            assert status.get_attribute("data-status") == "answered"
            polls = log.read_text().count("GET /accounts/phone/status/")
            time.sleep(9)
            assert log.read_text().count("GET /accounts/phone/status/") == polls

            driver.find_element(By.CSS_SELECTOR, "[data-lbc-code-form] button").click()
            greeting = wait.until(
                ready.presence_of_element_located((By.CSS_SELECTOR, "[data-greeting]"))
            )
            assert greeting.text == "Hello, Anna!"
            assert driver.current_url == base + "/"

            driver.find_element(By.CSS_SELECTOR, "[data-logout]").click()
            # The page is replaced while it is read: a heading found may go stale.
            after = WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))
            after.until(lambda d: "Welcome" in d.find_element(By.TAG_NAME, "h1").text)
        finally:
            driver.quit()


def save_screenshot(driver: Any, tmp_path: Path) -> None:
    target = Path(os.environ.get("LBC_DJANGO_SCREENSHOT") or tmp_path / "django-code-page.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
    print(f"screenshot of the code page: {target}")
    copy = os.environ.get("LBC_DJANGO_SCREENSHOT_COPY")
    if copy:
        shutil.copyfile(target, copy)
