"""Saleor's own dashboard (3.23.27), served by the demo, in headless Chromium: the demo's
staff login signs in, the home page shows, and an order of the demo data opens with its
number and customer, read from the demo's API."""
import pytest
from graphene import Node
from saleor.order.models import Order

from saleor_plugins.demo import runner

from . import factories
from .browser import NEEDS_BROWSER, SCREENSHOTS, browser, expect  # noqa: F401 (fixture)
from .demo_helpers import dashboard_page, quiet  # noqa: F401 (fixture)

pytestmark = NEEDS_BROWSER + [pytest.mark.django_db(transaction=True)]


def test_the_demo_staff_signs_in_to_saleors_dashboard_and_opens_an_order(browser, tmp_path, quiet):
    factories.restore_migration_rows()  # after another test's flush
    runner.run_demo(serve=False, images=False)
    order = Order.objects.exclude(lines=None).exclude(user_email="").order_by("-number").first()
    with dashboard_page(browser, tmp_path / "demo.log") as (server, page):
        expect(page.locator('[data-test-id="menu-item-label-orders"]')).to_be_visible()
        assert page.url == f"{server.base}/dashboard/home"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dashboard-home.png"))

        page.goto(f"{server.base}/dashboard/orders/{Node.to_global_id('Order', order.pk)}")
        expect(page.get_by_text(f"#{order.number}").first).to_be_visible()
        # the customer card (a product name also stands in hidden elements)
        expect(page.get_by_text(order.user_email).first).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "dashboard-order.png"), full_page=True)
