"""The README's Django section, verbatim, in a brand-new ``django-admin startproject``: its
settings and URL lines are appended as written, ``manage.py check`` and ``migrate`` pass,
``runserver`` (with its autoreloader) prints the sandbox's address and dashboard, chromium logs
in through the pages as a new user, and an autoreload keeps the same sandbox with its calls."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO, need, phone
from site_process import free_port
from chromium import CHROMEDRIVER, CHROMIUM, chrome

README = REPO / "README.md"


def django_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("### Django\n")
    return text[start : text.index("### Old names kept for one release", start)]


def block(section: str, first_line: str) -> str:
    """The README's Python block whose first line starts with ``first_line``."""
    for found in re.finditer(r"```python\n(.*?)```", section, re.S):
        if found.group(1).startswith(first_line):
            return found.group(1)
    raise AssertionError(f"no block starting with {first_line!r} in the Django section")


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


def wait_for(what: str, check: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_the_readme_lines_give_a_working_login_in_a_new_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER), "chromium is not installed")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    monkeypatch.setenv("SE_OFFLINE", "true")
    section = django_section()
    for command in (
        "django-admin startproject mysite",
        "python manage.py migrate",
        "python manage.py runserver",
    ):
        assert command in section, command
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LBC_", "DJANGO_", "LOGINBYCALL_", "RUN_MAIN"))
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    django_admin = [sys.executable, "-m", "django"]
    subprocess.run(
        [*django_admin, "startproject", "mysite"], cwd=tmp_path, env=env, check=True, timeout=120
    )
    project = tmp_path / "mysite"
    settings = project / "mysite" / "settings.py"
    urls = project / "mysite" / "urls.py"
    settings.write_text(settings.read_text() + "\n" + block(section, "# settings.py"))
    urls.write_text(urls.read_text() + "\n" + block(section, "# urls.py"))

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    assert "no issues" in manage("check")
    manage("migrate")

    port = free_port()
    log = tmp_path / "runserver.log"
    number = phone()
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    sandbox_port = 0
    try:

        def page_up() -> bool:
            assert server.poll() is None, log.read_text()
            try:
                return get(port, "/accounts/phone/")[0] == 200
            except OSError:
                return False

        wait_for("runserver", page_up)
        wait_for("the sandbox's lines", lambda: "its dashboard" in log.read_text())
        text = log.read_text()
        dashboard = re.search(r"its dashboard \(calls, codes, faults\): (http://\S+)", text)
        address = re.search(r"embedded sandbox \(SANDBOX: True, no real call\) at (\S+)", text)
        assert dashboard is not None and address is not None, text
        sandbox_port = int(re.search(r":(\d+)/", dashboard.group(1)).group(1))  # type: ignore[union-attr]
        assert get(sandbox_port, "/_sandbox/")[0] == 200

        with tempfile.TemporaryDirectory() as profile:
            driver = chrome(profile)
            wait = WebDriverWait(driver, 30)
            try:
                driver.get(f"http://127.0.0.1:{port}/accounts/phone/")
                field = wait.until(ready.presence_of_element_located((By.NAME, "phone")))
                field.send_keys("+" + number)
                driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
                code = wait.until(
                    lambda d: d.find_element(By.CSS_SELECTOR, "[data-lbc-phone-code]").text
                    or None
                )
                driver.find_element(By.NAME, "digits").send_keys(code)
                driver.find_element(By.CSS_SELECTOR, "[data-lbc-code-form] button").click()
                listed = wait.until(
                    ready.presence_of_element_located((By.CSS_SELECTOR, "[data-lbc-numbers]"))
                )
                assert "+" + number in listed.text
                assert driver.current_url.endswith("/accounts/phone/numbers/")
            finally:
                driver.quit()

        # An autoreload: the same sandbox, with its calls.
        lines = text.count("its dashboard")
        urls.write_text(urls.read_text() + "\n# touched by the test\n")
        wait_for("the autoreload", lambda: log.read_text().count("its dashboard") > lines)
        again = re.findall(r"its dashboard \(calls, codes, faults\): (http://\S+)", log.read_text())
        assert again[-1] == dashboard.group(1)
        status, _ = get(sandbox_port, "/_sandbox/phones/" + number)
        assert status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    # The sandbox process ends with runserver.
    if sandbox_port:

        def closed() -> bool:
            try:
                get(sandbox_port, "/_sandbox/")
            except OSError:
                return True
            return False

        wait_for("the sandbox to stop", closed, timeout=15)
