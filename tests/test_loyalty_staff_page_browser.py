"""The loyalty staff page in headless Chromium against the running app: staff log in, find a
customer, book points with a reason, approve a review from the queue and switch a product's
earning off; screenshots at 1280 and 390 px; nothing left in English in German."""
import pytest

from saleor_plugins.core.permissions import LoyaltyPermissions
from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import LedgerEntry, LoyaltyAccount, ProductPointsSetting
from saleor_plugins.loyalty.models import ProductReview

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
from .loyalty_helpers import checkout_with_shipping, configure, give_points, pay_and_complete
from .page_checks import untranslated

pytestmark = NEEDS_BROWSER + [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loyalty_app(live_server, all_plugins_active):
    configure(review_points=25)
    return live_server




def log_in(page, url, staff):
    submit_staff_login(page, url + "/staff/loyalty/?lang=en", staff)
    page.wait_for_selector("#page:not(.hidden)")


def open_customer(page, search, email):
    page.fill("#customer-search", search)
    page.press("#customer-search", "Enter")
    button = page.locator("#customer-results tr", has_text=email).locator("button.open-customer")
    button.focus()
    page.keyboard.press("Enter")  # by keyboard
    page.wait_for_selector("#account:not(.hidden)")
    page.locator("#ledger tbody tr").first.wait_for()


def test_staff_manage_points_reviews_and_products(browser, loyalty_app, api, shop, customer):
    staff = factories.create_staff(permissions=[LoyaltyPermissions.MANAGE_LOYALTY])
    give_points(customer, 100)
    shopper = api(customer)
    assert pay_and_complete(shopper, checkout_with_shipping(shopper, shop))["checkoutErrors"] == []
    factories.create_customer("kari.berg@example.com", first_name="Kari", last_name="Berg")
    reviewer = factories.create_customer("per@example.com", first_name="Per")
    review = ProductReview.objects.create(product=shop.coffee.product, user=reviewer, rating=5,
                                          text="Beste kaffen", author_name="Per")
    page = browser.new_page()
    log_in(page, loyalty_app.url, staff)
    expect(page.locator("#page-who")).to_have_text(staff.email)

    page.fill("#customer-search", "k")  # too short: the API's typed error at the field
    page.press("#customer-search", "Enter")
    expect(page.locator("#customer-search + .field-error")).to_have_text(
        "Type at least 2 characters.")
    open_customer(page, "kari", customer.email)
    expect(page.locator("#account-title")).to_have_text(customer.email)
    expect(page.locator("#stat-balance")).to_have_text("576")  # 100 given, 476 for the order
    order_row = page.locator("#orders tbody tr").first
    expect(order_row).to_contain_text("476")
    expect(order_row).to_contain_text("Booked")

    # a typed error beside its field, nothing booked
    page.fill("#adjust-points", "-5000")
    page.fill("#adjust-reason", "Mistake")
    page.press("#adjust-reason", "Enter")
    expect(page.locator("#adjust-points + .field-error")).to_have_text(
        "The customer has only 576 points.")
    assert page.get_attribute("#adjust-points", "aria-invalid") == "true"

    page.fill("#adjust-points", "250")
    page.fill("#adjust-reason", "Damaged parcel")
    page.press("#adjust-reason", "Enter")
    first_line = page.locator("#ledger tbody tr").first
    expect(first_line).to_contain_text("Damaged parcel")
    expect(first_line).to_contain_text("+250")
    expect(first_line).to_contain_text(staff.email)
    expect(page.locator("#stat-balance")).to_have_text("826")
    expect(page.locator("#page-message")).to_contain_text("New balance: 826")
    assert page.locator("#adjust-form .field-error").count() == 0
    account = LoyaltyAccount.objects.get(user=customer)
    assert account.balance == 826
    entry = LedgerEntry.objects.filter(account=account).first()
    assert (entry.points, entry.reason, entry.staff_user_id) == (250, "Damaged parcel", staff.pk)

    queued = page.locator("#review-list tbody tr", has_text="Beste kaffen")
    expect(queued).to_contain_text("Kaffe Fjell")
    queued.locator("button.approve").click()
    expect(page.locator("#page-message")).to_contain_text(
        "Review approved. Its author holds 25 points for it.")
    expect(page.locator("#review-list tbody")).not_to_contain_text("Beste kaffen")
    expect(page.locator("#review-status")).to_be_focused()  # the queue is empty now
    review.refresh_from_db()
    assert review.status == ProductReview.APPROVED
    assert LoyaltyAccount.objects.get(user=reviewer).balance == 25

    page.fill("#product-search", "kaffe")
    page.press("#product-search", "Enter")
    earning = page.locator("#product-results tr", has_text="Kaffe Fjell").locator(
        "input.switch-earnsPoints")
    expect(earning).to_be_checked()
    earning.focus()
    page.keyboard.press("Space")
    expect(page.locator("#page-message")).to_contain_text("Kaffe Fjell earns no points.")
    expect(earning).not_to_be_checked()
    setting = ProductPointsSetting.objects.get(product=shop.coffee.product)
    assert setting.earns_points is False and setting.redeemable is True

    # the pictures for the README without the passing message over them
    page.evaluate("document.getElementById('page-message').classList.add('hidden')")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "loyalty-desktop", "loyalty-1280.png")
    page.set_viewport_size(PHONE)
    page.locator("#account").scroll_into_view_if_needed()
    screenshot(page, "loyalty-phone", "loyalty-390.png")
    page.set_viewport_size(DESKTOP)

    # excluding asks first (the page's own dialog)
    page.click("#account-exclude")
    expect(page.locator("#page-confirm-text")).to_contain_text(customer.email)
    page.click("#page-confirm-ok")
    expect(page.locator("#account-status")).to_have_text("Excluded")
    assert LoyaltyAccount.objects.get(user=customer).excluded is True

    # in German once the page has filled itself: nothing left in English
    for number in range(9):  # 12 entries: two pages of the ledger
        ledger.adjust(account, 1, f"Goodwill {number}", staff)
    page.goto(loyalty_app.url + "/staff/loyalty/?lang=de")
    page.wait_for_selector("#page:not(.hidden)")  # still logged in
    page.select_option("#review-status", "APPROVED")
    expect(page.locator("#review-list tbody")).to_contain_text("Beste kaffen")
    open_customer(page, "kari", customer.email)
    expect(page.locator("#ledger tbody tr").first).to_contain_text("Goodwill 8")
    expect(page.locator("#ledger tbody tr")).to_have_count(10)
    page.locator("#ledger-pager button", has_text="Weiter").click()
    expect(page.locator("#ledger-pager")).to_contain_text("Seite 2")
    expect(page.locator("#ledger tbody tr")).to_have_count(2)
    expect(page.locator("#ledger tbody tr").first).to_contain_text("Einkauf")
    page.locator("#orders tbody tr").first.wait_for()
    page.fill("#product-search", "kaffe")
    page.press("#product-search", "Enter")
    page.locator("#product-results tbody tr").first.wait_for()
    assert untranslated(page.content(), "de") == []
    assert "Vom Personal angepasst" in page.text_content("#ledger")


def test_staff_without_the_permission_see_why(browser, loyalty_app):
    staff = factories.create_staff()
    page = browser.new_page()
    page.set_viewport_size(PHONE)
    log_in_denied = page.goto(loyalty_app.url + "/staff/loyalty/?lang=nb")
    assert log_in_denied.status == 200
    page.fill("#page-login-email", staff.email)
    page.fill("#page-login-password", "password")
    page.press("#page-login-password", "Enter")
    page.wait_for_selector("#page-denied:not(.hidden)")
    assert page.is_hidden("#page")
    assert untranslated(page.content(), "nb") == []
