"""The till page in headless Chromium under its Content-Security-Policy: the login renews
itself, ends on logout, and quick barcode scans each add one line to one sale."""
import os
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from saleor_plugins.klarna_instore.models import TillSale

from . import factories
from .test_klarna_instore_browser import (  # noqa: F401 (fixtures)
    CHROMIUM,
    browser,
    expect,
    line_row,
    log_in,
    scan,
    sync_playwright,
    till_app,
)
from .till_helpers import till_staff  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"browser tests need Debian's chromium at {CHROMIUM}"),
    pytest.mark.skipif(sync_playwright is None, reason="browser tests need playwright"),
    pytest.mark.django_db(transaction=True),
]
WAIT = 60000  # ms; a loaded machine is slow, nothing here depends on it


def watch_errors(page):
    """Console errors (Chromium reports each CSP violation there) and uncaught exceptions."""
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP violation: ' + e.violatedDirective));")
    return errors


def graphql(url, query, token=None):
    headers = {"Authorization": f"JWT {token}"} if token else {}
    return requests.post(url + "/graphql/", json={"query": query}, headers=headers,
                         timeout=30).json()


def refused_as(content):
    return [e["extensions"]["exception"]["code"] for e in content.get("errors", [])]


def test_item14_04_till_page_works_under_its_csp_renews_and_logs_out(
        browser, till_app, till_staff, shop):
    from saleor_plugins.klarna_instore import sessions
    from saleor_plugins.klarna_instore.models import TillSession

    page = browser.new_page()
    errors = watch_errors(page)
    response = page.goto(till_app.url + "/till/?lang=en")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    log_in(page, till_app.url, till_staff)
    scan(page, "KAFFE-1")
    line_row(page, "Kaffe Fjell").wait_for()

    # the token runs out while the page is open: the page renews it and carries on
    session = TillSession.objects.get(user=till_staff)
    expired, _expiry = sessions.access_token(session, till_staff, 5,
                                             now=timezone.now() - timedelta(minutes=6))
    assert refused_as(graphql(till_app.url, "{ tillSales { id } }", expired)) == [
        "JSONWebTokenExpired"]
    page.evaluate("token => sessionStorage.setItem('till.token', token)", expired)
    page.reload()
    page.wait_for_selector("#till:not(.hidden)")
    line_row(page, "Kaffe Fjell").wait_for()
    scan(page, "KRUS-1")
    line_row(page, "Krus").wait_for()
    renewed = TillSession.objects.get(pk=session.pk)
    assert renewed.refresh_hash != session.refresh_hash and renewed.ended_at is None

    # logged out elsewhere (the refresh token is all it takes): the page asks for a login
    refresh_token = page.evaluate("sessionStorage.getItem('till.refresh')")
    graphql(till_app.url, 'mutation { tillLogout(refreshToken: "%s") { loggedOut } }'
            % refresh_token)
    scan(page, "KAFFE-1")
    page.wait_for_selector("#login:not(.hidden)")
    expect(page.locator("#login-error")).to_contain_text("Your till login has ended")

    # Log out: the token the page held is refused from then on
    log_in(page, till_app.url, till_staff)
    token = page.evaluate("sessionStorage.getItem('till.token')")
    assert "errors" not in graphql(till_app.url, "{ tillSales { id } }", token)
    with page.expect_response(lambda r: "tillLogout" in (r.request.post_data or "")):
        page.click("#logout")
    page.wait_for_selector("#login:not(.hidden)")
    assert page.evaluate("sessionStorage.getItem('till.token')") is None
    assert refused_as(graphql(till_app.url, "{ tillSales { id } }", token)) == [
        "JSONWebTokenError"]
    assert TillSession.objects.filter(ended_at__isnull=True).count() == 0
    assert errors == []


def test_item15_11_ten_quick_scans_add_ten_lines_to_one_sale(browser, till_app, till_staff,
                                                             shop):
    skus = [f"SCAN-{number:02d}" for number in range(10)]
    for sku in skus:
        factories.create_variant("10.00", f"Vare {sku}", sku, warehouse=shop.warehouse)
    page = browser.new_page()
    errors = watch_errors(page)
    log_in(page, till_app.url, till_staff)  # the article field has the focus
    for sku in skus:  # a scanner: the code and Enter, without waiting for the page
        page.keyboard.type(sku)
        page.keyboard.press("Enter")
    expect(page.locator("#cart-lines tr")).to_have_count(10, timeout=WAIT)
    expect(page.locator("#item-count")).to_have_text("10", timeout=WAIT)
    sale = TillSale.objects.get()
    assert sorted(line.sku for line in sale.lines.all()) == skus
    assert {line.quantity for line in sale.lines.all()} == {1}
    assert page.input_value("#article") == "" and page.text_content("#article-error") == ""
    assert errors == []
