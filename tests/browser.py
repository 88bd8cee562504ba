"""A real browser for the page tests: Debian's headless Chromium, driven by Selenium
through Debian's chromedriver (never a browser Selenium would download: this machine has
no internet). `.ci/run` installs both; a developer without them sees the browser tests
skipped with the command that installs them, and CI (CI=true) fails instead of skipping."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
# Chromium as the machine's own probe starts it: no GPU, no first-run screens, and none of
# the background connections this closed network refuses by the dozen.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=420,900",  # a phone's width: the page must work there
)


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.path.exists(path) or shutil.which(os.path.basename(path))):
            return f"{path} not found: apt-get install chromium chromium-driver"
    return None


@pytest.fixture
def browser():
    """A fresh headless Chromium with an empty profile, quit after the test."""
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="iwg-chromium-", ignore_cleanup_errors=True) as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={profile}")
        service = Service(executable_path=shutil.which("chromedriver") or CHROMEDRIVER)
        driver = webdriver.Chrome(options=options, service=service)
        driver.set_page_load_timeout(20)
        try:
            yield driver
        finally:
            driver.quit()
