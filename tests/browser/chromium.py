"""Chromium for the page tests of the Django app (bindings/python/tests_django) and the WordPress
plugin (integrations/wordpress/tests/browser.py): Debian's chromium and chromium-driver, headless,
driven by selenium, and the one wait condition both need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def chrome(profile: str, width: int = 900, height: int = 1100) -> Any:
    """A headless chromium with its own profile directory, in English, reaching only what the
    test starts (no background networking, updates or sync)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
        "--lang=en-US",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def replaced(element: Any) -> Callable[[Any], bool]:
    """A wait condition: ``element``'s page has been replaced by the next one. Like selenium's
    ``staleness_of``, but chromium, asked mid-navigation about a node of the page it is leaving,
    may answer that the node "does not belong to the document" rather than that it is stale."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def gone(_driver: Any) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return gone
