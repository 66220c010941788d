"""Real-browser fixtures: Debian's Chromium driven by Playwright, over one `evalforge up` stack per module.

Playwright's own browser download cannot work here, so the browser is Debian's `chromium` (installed by the
suite when missing, see tests/fixtures/debian_tools.py) passed as `executable_path`. Tests run as root, which
Chromium refuses without `--no-sandbox`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.e2e.stack import Stack, start_stack
from tests.fixtures.debian_tools import CHROMIUM, require_debian_tool

VIEWER_KEY = "browser-viewer-key-0001"
REVIEWER_KEY = "browser-reviewer-key-0002"
LEAD_KEY = "browser-lead-key-0003"
API_KEYS = f"{VIEWER_KEY}=viewer,{REVIEWER_KEY}=reviewer,{LEAD_KEY}=lead"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
REPO = Path(__file__).resolve().parents[2]


def artifacts_dir() -> Path:
    """Where screenshots go: $EVALFORGE_TEST_ARTIFACTS, else .evalforge/test-artifacts in the checkout."""
    root = Path(os.environ.get("EVALFORGE_TEST_ARTIFACTS") or REPO / ".evalforge" / "test-artifacts")
    path = root / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as a test artifact named after what it shows."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    path = artifacts_dir() / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_debian_tool(CHROMIUM)


# Playwright's sync API keeps an event loop running on the main thread while it is open, and `asyncio.run` fails
# in any later test of the same process; so it closes with its module (under pytest-xdist a worker's next file may
# come from any directory).
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright, chromium_path: str) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(executable_path=chromium_path, headless=True,
                                                args=["--no-sandbox", "--disable-dev-shm-usage"])
    yield launched
    launched.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """`evalforge up` with a viewer, a reviewer and a lead key, its bootstrap loading the sample."""
    started = start_stack(tmp_path_factory.mktemp("evalforge-browser"), extra_env={"EVALFORGE_API_KEYS": API_KEYS})
    yield started
    started.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at the desktop size."""
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    yield opened
    context.close()
