"""The till page in headless Chromium (Debian's package, driven by Playwright) against the
running app and the Klarna simulator. Screenshots go to <state dir>/screenshots/."""
import pytest
from django.core import mail
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_plugins.klarna_instore.models import TillSale

from .browser import (  # noqa: F401 (the browser fixture)
    CHROMIUM,
    DESKTOP,
    NEEDS_BROWSER,
    PHONE,
    SCREENSHOTS,
    browser,
    expect,
    sync_playwright,
)
from .till_helpers import configure_till, till_staff  # noqa: F401 (fixture)

pytestmark = NEEDS_BROWSER + [pytest.mark.django_db(transaction=True)]
# The page forbids eval (its Content-Security-Policy), so waits use locators, not
# wait_for_function.


@pytest.fixture
def till_app(live_server, klarna_gateway, till_staff):  # noqa: F811
    configure_till(public_url=live_server.url)  # Klarna's callbacks reach the running app
    return live_server


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def log_in(page, url, staff):
    page.goto(url + "/till/?lang=en")
    page.fill("#login-email", staff.email)
    page.fill("#login-password", "password")
    page.press("#login-password", "Enter")
    page.wait_for_selector("#till:not(.hidden)")
    assert page.evaluate("document.activeElement.id") == "article"


def scan(page, text):
    page.fill("#article", text)
    page.press("#article", "Enter")


def line_row(page, name):
    return page.locator("#cart-lines tr", has_text=name)


def test_sell_with_klarna_from_search_to_paid_order(browser, till_app, till_staff, shop, customer,
                                                    klarna):
    page = browser.new_page()
    log_in(page, till_app.url, till_staff)

    scan(page, "KAFFE-1")  # a barcode scanner: SKU + Enter adds at once
    line_row(page, "Kaffe Fjell").wait_for()
    scan(page, "k")  # several matches: a list to pick from, by keyboard
    page.wait_for_selector("#article-picks:not(.hidden)")
    assert page.locator("#article-picks li").count() == 2
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    picked = "Krus" if "Krus" in focused else "Kaffe Fjell"
    page.locator("#cart-lines tr").first.wait_for()
    if picked == "Kaffe Fjell":  # the list order is by name; pick the mug explicitly
        scan(page, "krus")
    line_row(page, "Krus").wait_for()

    qty = line_row(page, "Kaffe Fjell").locator("input.qty")
    qty.fill("3")
    qty.press("Tab")
    expect(page.locator("#total")).to_contain_text("476.50")
    price = line_row(page, "Krus").locator("input.price")
    price.fill("79.50")
    price.press("Tab")
    line_row(page, "Krus").locator(".change").wait_for()
    assert "89.50" in line_row(page, "Krus").locator(".change").text_content()

    page.click("#text-line summary")
    page.fill("#text-text", "Gavepapir")
    page.fill("#text-amount", "10")
    page.press("#text-amount", "Enter")
    line_row(page, "Gavepapir").wait_for()
    expect(page.locator("#total")).to_contain_text("476.50")
    assert page.text_content("#item-count") == "4"
    assert "95.30" in page.text_content("#vat-total")
    assert "95.30" in page.text_content(".vat-group")

    page.fill("#customer-search", "Kari")
    page.press("#customer-search", "Enter")
    page.wait_for_selector("#customer-picks:not(.hidden)")
    page.keyboard.press("Enter")
    expect(page.locator("#phone")).to_have_value("+4722334455")
    assert page.input_value("#email") == "kari@example.com"
    shot(page, "till-cart-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "till-cart-phone")
    page.set_viewport_size(DESKTOP)

    assert page.is_hidden("#waiting")
    page.click("#send")
    page.wait_for_selector("#payment-status[data-status=SENT]")
    assert "Waiting for response from Klarna" in page.text_content("#waiting-title")
    assert "+4722334455" in page.text_content("#sent-to")
    [sms] = klarna.outbox
    assert sms["to"] == "+4722334455"

    customer_page = browser.new_page()
    customer_page.set_viewport_size(PHONE)
    customer_page.goto(sms["link"])
    page.wait_for_selector("#payment-status[data-status=OPENED]", timeout=15000)
    customer_page.click("#pay")
    customer_page.wait_for_selector("#result")
    shot(customer_page, "klarna-hosted-page-paid-phone")

    page.wait_for_selector("#payment-status[data-status=PAID]", timeout=15000)
    assert not page.is_disabled("#ok")
    page.click("#ok")
    expect(page.locator("#waiting-title")).to_contain_text("Sale finished")
    shot(page, "till-paid-desktop")

    order = Order.objects.get()
    assert order.status == OrderStatus.FULFILLED
    assert order.total.gross.amount == 476.50
    assert order.payments.get().captured_amount == order.total.gross.amount
    assert {line.product_name for line in order.lines.all()} == {"Kaffe Fjell", "Krus", "Gavepapir"}
    assert TillSale.objects.get().finished_at is not None
    assert [m.to for m in mail.outbox] == [["kari@example.com"]]


def test_cancel_during_payment_on_a_phone(browser, till_app, till_staff, shop, klarna):
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    log_in(page, till_app.url, till_staff)
    scan(page, "KRUS-1")
    line_row(page, "Krus").wait_for()
    page.fill("#phone", "912 34 567")
    page.fill("#email", "gjest@example.com")
    page.click("#send")
    page.wait_for_selector("#payment-status[data-status=SENT]")
    assert klarna.outbox[0]["to"] == "+4791234567"
    customer_page = browser.new_page()
    customer_page.goto(klarna.outbox[0]["link"])
    page.wait_for_selector("#payment-status[data-status=OPENED]", timeout=15000)
    shot(page, "till-waiting-phone")
    page.click("#cancel")
    expect(page.locator("#waiting-title")).to_contain_text("cancelled")
    shot(page, "till-cancelled-phone")
    assert klarna.state.hpp[klarna.outbox[0]["session_id"]]["status"] == "DISABLED"
    customer_page.reload()
    assert "no longer valid" in customer_page.text_content("body")
    assert TillSale.objects.get().status == "cancelled"
    assert Order.objects.count() == 0 and klarna.state.charge_count == 0


def test_page_is_translated(browser, till_app):
    page = browser.new_page()
    for language, word in (("nb", "Logg inn"), ("sv", "Logga in"), ("da", "Log ind"),
                           ("de", "Anmelden")):
        page.goto(till_app.url + f"/till/?lang={language}")
        assert page.get_attribute("html", "lang") == language
        assert word in page.text_content("#login"), language
