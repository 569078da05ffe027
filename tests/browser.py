"""Headless Chromium for the browser tests: Debian's package (no browser downloads), driven
by Playwright (the test extra). Screenshots go to <state dir>/screenshots/."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from saleor_plugins.embedded_db import state_dir

CHROMIUM = "/usr/bin/chromium"
try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    expect = sync_playwright = None
else:
    expect.set_options(timeout=30000)  # a single-page app on a loaded 2-core machine is slow

# Playwright's sync API keeps an event loop on this thread; the Django calls made in the
# tests (fixtures, assertions) are plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SCREENSHOTS = Path(state_dir()) / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NEEDS_BROWSER = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM}"),
    pytest.mark.skipif(sync_playwright is None, reason="browser tests need playwright (test extra)"),
]


@pytest.fixture
def browser():
    profile = tempfile.mkdtemp(prefix="saleor-plugins-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
            viewport=DESKTOP, locale="en-GB",
        )
        context.set_default_timeout(60000)  # a loaded CI machine is slow
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def screenshot(page, name, docs_name=None):
    """The viewport (what a person sees first) as a test artefact, ``<name>.png``; with
    ``docs_name`` also a small palette PNG in docs/screenshots/ for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    if docs_name:
        from PIL import Image

        DOCS.mkdir(parents=True, exist_ok=True)
        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=64).save(DOCS / docs_name, optimize=True)
    return path


def submit_staff_login(page, page_url, user, password="password"):
    """Open a staff page (``page_url`` with its ``?lang=``) and log in with its shared form."""
    page.goto(page_url)
    page.fill("#page-login-email", user.email)
    page.fill("#page-login-password", password)
    page.press("#page-login-password", "Enter")
