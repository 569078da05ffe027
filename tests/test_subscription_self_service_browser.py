"""The subscriber's page in headless Chromium (Debian's package, driven by Playwright): from
the link in a real subscription e-mail, pause until a date, resume, leave a comment, in
German, at phone and desktop width. Screenshots go to <state dir>/screenshots/."""
import datetime
import time
import re

import pytest

from saleor_plugins.subscription import subscriptions, tasks
from saleor_plugins.subscription.models import Subscription

from .browser import (  # noqa: F401 (the browser fixture)
    DESKTOP,
    NEEDS_BROWSER,
    PHONE,
    browser,
    expect,
    screenshot,
)
from .page_checks import catalogue, untranslated
from .subscription_helpers import configure, create_plan, make_subscription

pytestmark = NEEDS_BROWSER + [pytest.mark.django_db(transaction=True)]


def tr(language, message):
    """The catalogue's translation (several pages share the status names)."""
    return catalogue(language)[message]




@pytest.fixture
def subscriber(live_server, shop, customer):
    configure(public_url=live_server.url, reminder_days=3)
    today = tasks.renewal.now_local_today(tasks.plugin().config)
    plan = create_plan(shop.coffee, intervals=("1w", "2w"), name="Kaffe-Abo")
    # its next order is three days away: today's reminder e-mail goes out
    anchor = today + datetime.timedelta(days=3) - datetime.timedelta(weeks=2)
    subscription = make_subscription(customer, shop.coffee, anchor, "2w", plan=plan,
                                     quantity=2, language_code="de",
                                     shipping_method=shop.shipping_method,
                                     shipping_method_name=shop.shipping_method.name)
    return subscription, today


def test_from_the_email_link_pause_resume_and_comment(browser, live_server, subscriber,
                                                      shop, outbox):
    subscription, today = subscriber
    assert tasks.send_renewal_reminders(today.isoformat()) == 1
    [mail] = [m for m in outbox.messages if subscription.user.email in m.to]
    link = re.search(r"(http://\S+/my/subscriptions/\?link=[\w:.-]+)", mail.body).group(1)
    assert link.startswith(live_server.url)

    paused_mug = make_subscription(subscription.user, shop.mug, today, "1m",
                                   shipping_method=shop.shipping_method)
    subscriptions.pause(paused_mug, today + datetime.timedelta(days=60), tasks.plugin().config)
    page = browser.new_page()
    page.goto(link + "&lang=de")
    expect(page.locator("article.card")).to_have_count(2)
    card = page.locator("article.card", has_text=shop.coffee.product.name)
    expect(card.locator(".badge")).to_have_text(tr("de", "Active"))
    assert "link=" not in page.url  # the link leaves the address bar once read
    assert untranslated(page.content(), "de") == []
    screenshot(page, "self-service-de-1280", "self-service-1280.png")

    until = today + datetime.timedelta(days=30)
    card.locator('[data-action="pause"]').click()
    card.locator('[data-field="until"]').fill(until.isoformat())
    card.locator('[data-field="until"]').press("Enter")  # keyboard: Enter submits
    expect(card.locator(".badge")).to_have_text(tr("de", "Paused"))
    subscription.refresh_from_db()
    assert (subscription.status, subscription.paused_until) == (Subscription.PAUSED, until)

    card.locator('[data-action="resume"]').click()
    expect(card.locator(".badge")).to_have_text(tr("de", "Active"))
    subscription.refresh_from_db()
    assert subscription.status == Subscription.ACTIVE and subscription.paused_until is None

    card.locator('[data-action="comment"]').click()
    card.locator('[data-field="comment"]').fill("Bitte beim Nachbarn abgeben")
    card.locator('form[data-panel="comment"] button[type="submit"]').click()
    expect(card.locator("dd", has_text="Bitte beim Nachbarn abgeben")).to_have_count(1)
    subscription.refresh_from_db()
    assert subscription.comment == "Bitte beim Nachbarn abgeben"
    assert untranslated(page.content(), "de") == []

    page.set_viewport_size(PHONE)
    page.reload()  # the session goes on without the link in the address
    expect(page.locator("article.card")).to_have_count(2)
    screenshot(page, "self-service-de-390", "self-service-390.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # nothing wider than the phone


def test_a_tampered_link_shows_the_login(browser, live_server, subscriber):
    page = browser.new_page()
    page.goto(live_server.url + "/my/subscriptions/?link=abc:def&lang=de")
    expect(page.locator("#link-problem")).to_contain_text("Dieser Link ist ungültig.")
    expect(page.locator("#page-login")).to_be_visible()
    expect(page.locator("#page")).to_be_hidden()
    assert untranslated(page.content(), "de") == []


def test_logged_in_with_the_account_skip_and_cancel_with_confirmation(browser, live_server,
                                                                       subscriber):
    """No link: the customer logs in with their Saleor account (tokenCreate), in Swedish."""
    subscription, _today = subscriber
    before = subscription.next_delivery_date
    page = browser.new_page()
    page.goto(live_server.url + "/my/subscriptions/?lang=sv")
    page.fill("#page-login-email", subscription.user.email)
    page.fill("#page-login-password", "wrong")
    page.press("#page-login-password", "Enter")
    expect(page.locator("#page-login-error")).not_to_be_empty()
    page.fill("#page-login-password", "password")
    page.press("#page-login-password", "Enter")
    card = page.locator("article.card")
    expect(card).to_have_count(1)
    expect(page.locator("#page-who")).to_have_text(subscription.user.email)

    card.locator('[data-action="skip"]').click()
    expect(page.locator("#page-confirm")).to_be_visible()
    page.keyboard.press("Escape")  # Esc: nothing happens
    expect(page.locator("#page-confirm")).to_be_hidden()
    subscription.refresh_from_db()
    assert subscription.next_delivery_date == before
    card.locator('[data-action="skip"]').click()
    page.locator("#page-confirm-ok").click()
    expect(page.locator("#page-message")).to_contain_text("Överhoppad")
    subscription.refresh_from_db()
    assert subscription.next_delivery_date > before

    page.locator('article.card [data-action="cancel"]').click()
    expect(page.locator("#page-confirm-text")).to_contain_text("Vill du avsluta")
    page.locator("#page-confirm-ok").click()
    expect(page.locator("article.card .badge")).to_have_text(tr("sv", "Cancelled"))
    subscription.refresh_from_db()
    assert subscription.status == Subscription.CANCELLED
    assert untranslated(page.content(), "sv") == []


def test_a_new_address_the_method_does_not_ship_to_asks_for_another(browser, live_server,
                                                                     subscriber, outbox):
    from . import factories

    subscription, today = subscriber
    denmark = factories.create_shipping_zone(countries=["DK"], price="99.00", name="Danmark")
    method = denmark.shipping_methods.get()
    tasks.send_renewal_reminders(today.isoformat())
    link = re.search(r"(http://\S+/my/subscriptions/\?link=[\w:.-]+)",
                     outbox.messages[-1].body).group(1)
    page = browser.new_page()
    page.goto(link + "&lang=da")
    card = page.locator("article.card")
    card.locator('[data-action="address"]').click()
    card.locator('[data-field="streetAddress1"]').fill("Strøget 1")
    card.locator('[data-field="postalCode"]').fill("1160")
    card.locator('[data-field="city"]').fill("København")
    card.locator('[data-field="country"]').fill("DK")
    card.locator('[data-field="country"]').press("Enter")
    picker = card.locator('[data-field="shippingMethodId"]')
    expect(picker).to_be_visible()  # refused: the old method does not ship to Denmark
    expect(picker.locator("option")).to_have_text([method.name])
    subscription.refresh_from_db()
    assert subscription.shipping_address.country.code == "NO"  # nothing saved
    card.locator('form[data-panel="address"] button[type="submit"]').click()
    expect(page.locator("article.card dd", has_text="DK")).to_have_count(1)
    subscription.refresh_from_db()
    assert (subscription.shipping_address.country.code, subscription.shipping_method_id) == (
        "DK", method.pk)
    assert untranslated(page.content(), "da") == []


def test_an_ended_access_token_is_renewed_from_the_link_until_the_link_expires(
        browser, live_server, subscriber):
    from saleor_plugins.subscription import self_service_links as links

    subscription, _today = subscriber
    before = subscription.next_delivery_date
    page = browser.new_page()
    page.goto(live_server.url + "/my/subscriptions/?lang=de&link="
              + links.link_token(subscription.user_id, 14))
    card = page.locator("article.card")
    expect(card).to_have_count(1)
    key = "saleor-plugins.my-subscriptions"
    # the hour is over: the page trades the link from its session for a new access token
    page.evaluate(f"sessionStorage.setItem('{key}.token', 'ended'); "
                  f"sessionStorage.setItem('{key}.expiresAt', '1')")
    page.reload()
    expect(card).to_have_count(1)
    card.locator('[data-action="skip"]').click()
    page.locator("#page-confirm-ok").click()
    expect(page.locator("#page-message")).to_contain_text(
        tr("de", "Skipped: next delivery %(date)s.").split("%")[0].strip())
    subscription.refresh_from_db()
    assert subscription.next_delivery_date > before
    # the link itself has expired too: the login, with why
    expired = links.link_token(subscription.user_id, 1, now=time.time() - 2 * 86400)
    page.evaluate(f"sessionStorage.setItem('{key}.link', '{expired}'); "
                  f"sessionStorage.setItem('{key}.expiresAt', '1')")
    page.reload()
    expect(page.locator("#page-login")).to_be_visible()
    expect(page.locator("#page-login-error")).to_have_text(
        tr("de", "The link from your e-mail has expired. Log in to go on."))
    expect(page.locator("#page")).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem('{key}.token')") is None  # forgotten
