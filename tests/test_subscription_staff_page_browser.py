"""The subscriptions staff page in headless Chromium (Debian's package, driven by Playwright)
against the running app: staff log in, filter the list, open a subscription, pause and
resume it, see the upcoming orders and a day's picking list and download it as CSV; the
page in German shows nothing in English once it filled itself."""
from pathlib import Path

import pytest

from saleor_plugins.core.permissions import SubscriptionPermissions
from saleor_plugins.subscription.models import Holiday, Subscription, SubscriptionPlan

from . import factories
from .browser import (  # noqa: F401 (the browser fixture)
    DESKTOP,
    NEEDS_BROWSER,
    PHONE,
    browser,
    expect,
    screenshot,
    submit_staff_login,
)
from .page_checks import untranslated
from .test_klarna_instore_access_browser import watch_errors  # CSP violations included
from .subscription_helpers import (  # noqa: F401 (fixture)
    buy,
    create_plan,
    days,
    make_subscription,
    run_renewals,
    subscriptions_on,
)
from .test_subscription_manage import shop_today

pytestmark = NEEDS_BROWSER + [pytest.mark.django_db(transaction=True)]
# The page forbids eval (its Content-Security-Policy): waits use locators.


@pytest.fixture
def subscriptions_world(api, shop, customer, klarna_gateway, klarna, subscriptions_on):  # noqa: F811
    """Kari bought coffee through checkout (Klarna) and got one renewal; Ola has two mugs."""
    plan = create_plan(shop.coffee, intervals=("1w", "2w"), name="Kaffe hver uke")
    kari = buy(api, customer, shop, klarna, plan, "1w", quantity=2)
    run_renewals(kari.next_order_date)
    Subscription.objects.filter(pk=kari.pk).update(comment="Ring på, hunden er snill")
    kari.refresh_from_db()
    assert [(r.cycle, r.status) for r in kari.renewals.all()] == [(0, "paid"), (1, "paid")]
    ola = factories.create_customer("ola@example.com", first_name="Ola", last_name="Hansen")
    others = [make_subscription(ola, shop.mug, shop_today() + days(n), "2w",
                                shipping_address=factories.create_address(
                                    first_name="Ola", last_name="Hansen"),
                                shipping_method=shop.shipping_method,
                                shipping_method_name=shop.shipping_method.name)
              for n in (2, 3)]
    return kari, others


@pytest.fixture
def manager(db):
    return factories.create_staff("lager@example.com",
                                  permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])


def shot(page, name, width):
    """A viewport screenshot (test artefact) and its copy for the README."""
    file_name = f"subscriptions-{name}-{width}"
    return screenshot(page, file_name, f"{file_name}.png")


def both_widths(page, name):
    shot(page, name, DESKTOP["width"])
    page.set_viewport_size(PHONE)
    shot(page, name, PHONE["width"])
    page.set_viewport_size(DESKTOP)


def log_in(page, url, staff):
    submit_staff_login(page, url + "/staff/subscriptions/?lang=en", staff)
    expect(page.locator("#page")).to_be_visible()


@pytest.fixture
def staff_page(browser, live_server, manager, subscriptions_world):  # noqa: F811
    """(page, console errors) of the manager logged in on the page, in English."""
    page = browser.new_page()
    errors = watch_errors(page)
    log_in(page, live_server.url, manager)
    return page, errors


def test_staff_manage_subscriptions_in_the_browser(staff_page, subscriptions_world):
    kari, _ = subscriptions_world
    page, errors = staff_page
    rows = page.locator("#list-rows tr")
    expect(rows).to_have_count(3)
    both_widths(page, "list")

    # filter by customer (keyboard: type, Enter submits the filter form)
    page.fill("#filter-customer", "kari")
    page.press("#filter-customer", "Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kaffe Fjell")
    page.select_option("#filter-status", "PAUSED")
    page.click("#list-filters button[type=submit]")
    expect(page.locator("#list-empty")).to_be_visible()
    page.select_option("#filter-status", "ACTIVE")
    page.click("#list-filters button[type=submit]")
    expect(rows).to_have_count(1)

    # open it by keyboard: plan, dates, comment; the focus moves to its heading
    rows.first.locator("a").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#detail-title")).to_contain_text("Kaffe Fjell")
    assert page.evaluate("document.activeElement.id") == "detail-title"
    facts = page.locator("#detail-facts")
    expect(facts).to_contain_text("Kaffe hver uke")
    expect(facts).to_contain_text("Ring på, hunden er snill")
    orders = page.locator("#detail-orders tr")
    expect(orders).to_have_count(2)  # the first order and one paid renewal
    expect(orders.nth(1)).to_contain_text("Paid")
    both_widths(page, "detail")

    # a pause to a day the API refuses shows its typed error beside the date
    page.fill("#pause-until", shop_today().isoformat())
    page.click("#action-pause")
    expect(page.locator("#detail-actions .field-error")).to_be_visible()
    assert Subscription.objects.get(pk=kari.pk).status == Subscription.ACTIVE

    until = shop_today() + days(21)
    page.fill("#pause-until", until.isoformat())
    page.click("#action-pause")
    expect(page.locator("#page-message")).to_contain_text("The subscription is paused.")
    expect(facts).to_contain_text("Paused")
    paused = Subscription.objects.get(pk=kari.pk)
    assert paused.status == Subscription.PAUSED and paused.paused_until == until

    page.click("#action-resume")
    expect(page.locator("#page-message")).to_contain_text("The subscription is active again.")
    assert Subscription.objects.get(pk=kari.pk).status == Subscription.ACTIVE

    # cancel asks first; saying no changes nothing
    page.click("#action-cancel")
    expect(page.locator("#page-confirm")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#page-confirm")).to_be_hidden()
    assert Subscription.objects.get(pk=kari.pk).status == Subscription.ACTIVE

    # upcoming orders
    page.click(".subs-tabs a[data-view=forecast]")
    forecast = page.locator("#forecast-rows tr")
    expect(forecast.first).to_be_visible()
    expect(page.locator("#view-forecast")).to_contain_text("Kari Nordmann")
    expect(page.locator("#view-forecast")).to_contain_text("Krus")
    both_widths(page, "forecast")

    # the picking list of Kari's next delivery day, then its CSV
    kari.refresh_from_db()
    page.click(".subs-tabs a[data-view=picking]")
    page.fill("#picking-date", kari.next_delivery_date.isoformat())
    page.click("#picking-form button[type=submit]")
    picking = page.locator("#picking-list")
    expect(picking).to_contain_text("KAFFE-1")
    expect(picking).to_contain_text("Ring på, hunden er snill")
    expect(picking).not_to_contain_text("Nothing to pick for that day.")  # today's answer dropped
    both_widths(page, "picking")
    with page.expect_download() as download_info:
        page.click("#picking-csv")
    download = download_info.value
    assert download.suggested_filename == (
        f"picking-list-{kari.next_delivery_date.isoformat()}.csv")
    csv_text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert "KAFFE-1" in csv_text and "Ring på, hunden er snill" in csv_text

    # a plan: the API's typed error beside the intervals, then saved
    page.click(".subs-tabs a[data-view=plans]")
    expect(page.locator("#plan-rows")).to_contain_text("Kaffe hver uke")
    page.fill("#plan-name", "Krus hver måned")
    page.fill("#plan-product-search", "Krus")
    expect(page.locator("#plan-product option", has_text="Krus")).to_have_count(1)
    page.select_option("#plan-product", label="Krus")
    page.fill("#plan-intervals", "1y")
    page.click("#plan-save")
    expect(page.locator("#plan-intervals + .field-error")).to_be_visible()
    page.fill("#plan-intervals", "1m, 2m")
    page.click("#plan-save")
    expect(page.locator("#plan-rows")).to_contain_text("Krus hver måned")
    assert SubscriptionPlan.objects.get(name="Krus hver måned").intervals == ["1m", "2m"]

    # a holiday, added and deleted again (after a confirmation)
    page.click(".subs-tabs a[data-view=holidays]")
    holiday = shop_today() + days(30)
    page.fill("#holiday-date", holiday.isoformat())
    page.fill("#holiday-name", "Inventur")
    page.click("#holiday-form button[type=submit]")
    expect(page.locator("#holiday-rows")).to_contain_text("Inventur")
    assert Holiday.objects.filter(date=holiday, name="Inventur").exists()
    page.locator("#holiday-rows button.danger").click()
    page.click("#page-confirm-ok")
    expect(page.locator("#holiday-rows")).not_to_contain_text("Inventur")
    assert not Holiday.objects.exists()
    assert errors == []


def test_the_page_in_german_shows_nothing_in_english(staff_page, live_server,
                                                     subscriptions_world):
    kari, _ = subscriptions_world
    page, errors = staff_page
    page.goto(live_server.url + "/staff/subscriptions/?lang=de")  # the login is kept
    expect(page.locator("#list-rows tr")).to_have_count(3)
    assert untranslated(page.content(), "de") == []
    page.locator("#list-rows tr a").first.click()
    expect(page.locator("#detail-facts")).to_contain_text("Kaffe hver uke")
    expect(page.locator("#detail-orders tr").first).to_be_visible()
    assert untranslated(page.content(), "de") == []
    Holiday.objects.create(date=shop_today() + days(30), name="Inventur")
    for view, filled in [("forecast", "#forecast-rows tr"), ("plans", "#plan-rows tr"),
                         ("holidays", "#holiday-rows li")]:
        page.click(f".subs-tabs a[data-view={view}]")
        expect(page.locator(filled).first).to_be_visible()
        assert untranslated(page.content(), "de") == [], view
    page.click(".subs-tabs a[data-view=picking]")
    page.fill("#picking-date", kari.next_delivery_date.isoformat())
    page.click("#picking-form button[type=submit]")
    expect(page.locator("#picking-list")).to_contain_text("KAFFE-1")
    assert untranslated(page.content(), "de") == []
    assert errors == []


def test_staff_without_the_permission_are_told_and_see_no_subscription(browser, live_server,
                                                                       subscriptions_world):
    page = browser.new_page()
    errors = watch_errors(page)
    log_in_as = factories.create_staff("kasse@example.com")
    page.goto(live_server.url + "/staff/subscriptions/?lang=nb")
    page.fill("#page-login-email", log_in_as.email)
    page.fill("#page-login-password", "password")
    page.press("#page-login-password", "Enter")
    expect(page.locator("#page-denied")).to_be_visible()
    expect(page.locator("#page")).to_be_hidden()
    assert "kari@example.com" not in page.content()
    assert untranslated(page.content(), "nb") == []
    assert errors == []
