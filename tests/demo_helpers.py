"""The demo's server (``python -m saleor_plugins serve``, as ``dev.py demo`` ends) run as a
separate process on the test database, and what it prints."""
import re
import sys
import time
from contextlib import contextmanager

import pytest

from saleor_plugins.demo import dashboard, runner

from .shop_server import ShopServer

ROW = re.compile(r"^  (\S.*?)\s{2,}(\S.*)$")


class DemoServer(ShopServer):
    def __init__(self, log, dashboard_source=None):
        super().__init__(log, env={"DJANGO_SETTINGS_MODULE": "tests.demo_server_settings"})
        self.dashboard_source = dashboard_source
        self.base = f"http://127.0.0.1:{self.port}"

    def command(self):
        command = [sys.executable, "-m", "saleor_plugins", "serve", "--host", "127.0.0.1",
                   "--port", str(self.port)]
        if self.dashboard_source:
            command += ["--dashboard", str(self.dashboard_source)]
        return command

    def printed(self, timeout=30) -> dict:
        """The rows the demo printed (label -> value), once its banner is complete."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_text()
            if "Stop with Ctrl+C" in text:
                return dict(ROW.match(line).groups() for line in text.splitlines()
                            if ROW.match(line))
            time.sleep(0.2)
        raise RuntimeError("the demo printed no banner:\n" + self.log.read_text()[-3000:])


def dashboard_archive():
    """The built dashboard the demo finds by default (../shared/saleor/), or SALEOR_DASHBOARD."""
    source, looked_for = dashboard.find_source()
    if source is None:
        raise RuntimeError(f"the dashboard archive is needed for this test: {looked_for} not "
                           f"found; set SALEOR_DASHBOARD to {dashboard.DASHBOARD_ARCHIVE}")
    return source


def sign_in_to_dashboard(page, base):
    """Sign in to the demo's Saleor dashboard with the demo's staff login (Playwright page)."""
    from playwright.sync_api import expect

    page.goto(f"{base}/dashboard/")
    page.locator('[data-test-id="email"]').fill(runner.DEMO_STAFF_EMAIL)
    page.locator('[data-test-id="password"]').fill(runner.DEMO_STAFF_PASSWORD)
    page.locator('[data-test-id="submit"]').click()
    expect(page.locator('[data-test-id="userMenu"]')).to_be_visible()  # signed in


@contextmanager
def dashboard_page(browser, log):
    """(server, page): the demo's server with its dashboard, and a page signed in to it."""
    server = DemoServer(log, dashboard_source=dashboard_archive()).start()
    try:
        server.wait_until_serving(timeout=120)
        page = browser.new_page()
        sign_in_to_dashboard(page, server.base)
        yield server, page
    finally:
        server.stop()


@pytest.fixture
def quiet(capsys):
    """The demo's output is not the test's: drop it after the test."""
    yield
    capsys.readouterr()
