"""The cart rules' staff page mounted in Saleor's dashboard (3.23.27) in headless Chromium: the
demo installs the package as an app, its page is an entry of the dashboard's Discounts menu,
the page takes the token the dashboard hands it (App Bridge handshake) and staff create a
rule from inside the dashboard's frame."""
import pytest
from saleor.app.models import App

from saleor_plugins.demo import runner
from saleor_plugins.discount_rules.models import DiscountRule
from saleor_plugins.pages.manifest import APP_ID

from . import factories
from .browser import NEEDS_BROWSER, SCREENSHOTS, browser, expect  # noqa: F401 (fixture)
from .demo_helpers import dashboard_page, quiet  # noqa: F401 (fixture)

pytestmark = NEEDS_BROWSER + [pytest.mark.django_db(transaction=True)]


def test_staff_create_a_rule_in_the_page_mounted_in_the_dashboard(browser, tmp_path, quiet):
    factories.restore_migration_rows()  # after another test's flush
    runner.activate_package_plugins()
    runner.ensure_demo_staff()
    with dashboard_page(browser, tmp_path / "demo.log") as (server, page):
        app = App.objects.get(identifier=APP_ID)
        extension = app.extensions.get()
        assert (extension.mount, extension.target) == ("navigation_discounts", "app_page")
        assert list(extension.permissions.values_list("codename", flat=True)) == [
            "manage_discount_rules"]

        page.locator('[data-test-id="menu-item-label-discounts"]').click()
        page.get_by_text("Cart rules", exact=True).click()
        frame = page.frame_locator('iframe[data-test-id="app-frame"]')
        expect(frame.locator("#page")).to_be_visible()  # signed in by the dashboard's token
        expect(frame.locator("#page-login")).to_be_hidden()
        expect(frame.locator("#page-who")).to_have_text(runner.DEMO_STAFF_EMAIL)

        dismiss = page.get_by_role("button", name="Dismiss Pulse announcement")
        if dismiss.count():  # the dashboard's announcement covers the frame's lower part
            dismiss.click()
        frame.locator("#rule-new").click()
        frame.locator("#rule-name").fill("Fra dashbordet")
        frame.locator("#rule-value").fill("25")
        frame.locator("#condition-add").click()
        condition = frame.locator("#rule-conditions .condition").first
        condition.locator(".condition-type").select_option("MIN_QUANTITY")
        condition.locator("input[data-input=quantity]").fill("2")
        frame.locator("#rule-save").click()
        row = frame.locator("#rules-body tr", has_text="Fra dashbordet")
        expect(row).to_contain_text("at least 2 products")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dashboard-discount-rules.png"))
        rule = DiscountRule.objects.get(name="Fra dashbordet")
        assert rule.value == 25 and rule.conditions.get().quantity == 2
