"""Headless Chromium (Debian's ``chromium`` package) driven by Playwright, for the browser tests.

``tests/service/conftest.py`` registers the ``browser`` and ``page`` fixtures. Without Chromium
they skip with the reason, except in CI (``CI=true``), where they fail. ``page.problems``
collects console errors and dialogs, which a test asserts are empty.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/lib/chromium/chromium")  # /usr/bin/chromium is a wrapper script
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def chromium_or_skip() -> None:
    if CHROMIUM.is_file():
        return
    reason = f"{CHROMIUM} is missing: apt-get install chromium chromium-driver"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    page = context.new_page()
    page.problems = []  # type: ignore[attr-defined]
    page.on("console", lambda m: _problem(page, m.type, m.text))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))  # type: ignore[attr-defined]
    yield page
    context.close()


def _problem(page: object, kind: str, text: str) -> None:
    """Console errors, except the status line of a form the test expects to be refused (422)."""
    if kind == "error" and "status of 422" not in text:
        page.problems.append(f"{page.url}: {text}")  # type: ignore[attr-defined]
