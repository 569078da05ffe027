"""The subscriber's self-service page: signed links from every subscription e-mail, the
access token they buy (that customer's subscriptions only), every action through the page's
API path with the API's typed errors, the page itself in five languages."""
import datetime
import re
import time

import pytest
from django.test import Client

from saleor_plugins.subscription import notifications
from saleor_plugins.subscription import self_service_links as links
from saleor_plugins.subscription.models import MonthlyInvoice, Renewal, Subscription

from . import factories
from .graphql_client import GraphQLClient, is_permission_denied
from .page_checks import untranslated
from .subscription_helpers import (  # noqa: F401 (fixture)
    configure,
    create_plan,
    gid,
    make_subscription,
    subscriptions_on,
)
from .test_subscription_manage import (
    CANCEL,
    EXTEND,
    MINE,
    ONE,
    PAUSE,
    RESUME,
    SKIP,
    UPDATE,
    shop_today,
)

EXCHANGE = """mutation($link: String!) { subscriptionAccessTokenCreate(link: $link) {
  access { accessToken expiresAt customerEmail } subscriptionErrors { field message code } } }"""
PAGE = "/my/subscriptions/"


class LinkClient(GraphQLClient):
    """The page's API path: no login, the access token of a link in its own header."""

    def __init__(self, access_token, language=None):
        super().__init__(language=language)
        self.access_token = access_token

    def _send(self, query, variables, headers):
        headers = dict(headers, HTTP_X_SUBSCRIPTION_ACCESS=self.access_token)
        return super()._send(query, variables, headers)


def exchange(link, client=None):
    return (client or GraphQLClient()).data(EXCHANGE, {"link": link})[
        "subscriptionAccessTokenCreate"]


def link_client(customer, days=14, now=None):
    result = exchange(links.link_token(customer.pk, days, now=now))
    assert result["subscriptionErrors"] == []
    return LinkClient(result["access"]["accessToken"])


@pytest.fixture
def subscription(shop, customer, subscriptions_on):  # noqa: F811
    plan = create_plan(shop.coffee, intervals=("1w", "2w"), deliveries=3, max_deliveries=6)
    return make_subscription(customer, shop.coffee, shop_today() + datetime.timedelta(days=7),
                             "1w", plan=plan, deliveries_total=3,
                             shipping_method=shop.shipping_method,
                             shipping_method_name=shop.shipping_method.name)


@pytest.fixture
def others_subscription(shop, subscription):
    return make_subscription(factories.create_customer("ola@example.com"), shop.coffee,
                             subscription.next_delivery_date, "1w")


# -- the link ------------------------------------------------------------------------------

def test_a_link_names_one_customer_and_expires():
    token = links.link_token(42, 14, now=1_000_000)
    assert links.read_link(token, now=1_000_000 + 13 * 86400) == links.Grant(
        links.VALID, 42, 1_000_000 + 14 * 86400)
    assert links.read_link(token, now=1_000_000 + 14 * 86400).state == links.EXPIRED


def test_a_tampered_link_or_another_salt_is_invalid():
    token = links.link_token(42, 14)
    value, signature = token.rsplit(":", 1)
    tampered = links.link_token(43, 14).rsplit(":", 1)[0] + ":" + signature
    assert links.read_link(tampered).state == links.INVALID
    assert links.read_link(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")).state == \
        links.INVALID
    assert links.read_link("").state == links.INVALID
    # an access token is not a link, and a link is not an access token
    _grant, access = links.access_token(42, time.time() + 3600)
    assert links.read_link(access).state == links.INVALID
    assert links.read_access(token).state == links.INVALID


def test_the_link_is_exchanged_for_a_short_access_token(subscription, customer):
    result = exchange(links.link_token(customer.pk, 14))
    assert result["subscriptionErrors"] == []
    assert result["access"]["customerEmail"] == customer.email
    expires = datetime.datetime.fromisoformat(result["access"]["expiresAt"])
    left = expires.timestamp() - time.time()
    assert 3500 < left <= 3600  # one hour, not the link's 14 days
    mine = LinkClient(result["access"]["accessToken"]).data(MINE)["mySubscriptions"]
    assert [s["id"] for s in mine] == [gid("ProductSubscription", subscription.pk)]


def test_an_access_token_never_outlives_its_link(subscription, customer):
    link = links.link_token(customer.pk, 1, now=time.time() - 86400 + 600)  # 10 min left
    result = exchange(link)
    left = datetime.datetime.fromisoformat(result["access"]["expiresAt"]).timestamp() - \
        time.time()
    assert 0 < left <= 600


@pytest.mark.parametrize("make, code", [
    (lambda c: links.link_token(c.pk, 14, now=time.time() - 15 * 86400),
     "SUBSCRIPTION_LINK_EXPIRED"),
    (lambda c: links.link_token(c.pk, 14)[:-3] + "xyz", "SUBSCRIPTION_LINK_INVALID"),
    (lambda c: "not-a-link", "SUBSCRIPTION_LINK_INVALID"),
    (lambda c: links.link_token(999999, 14), "SUBSCRIPTION_LINK_INVALID"),  # no such customer
])
def test_an_expired_or_tampered_link_buys_nothing(subscription, customer, make, code):
    result = exchange(make(customer))
    assert result["access"] is None
    assert [(e["field"], e["code"]) for e in result["subscriptionErrors"]] == [("link", code)]


def test_a_deactivated_customers_link_buys_nothing(subscription, customer):
    link = links.link_token(customer.pk, 14)
    customer.is_active = False
    customer.save(update_fields=["is_active"])
    assert exchange(link)["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_LINK_INVALID"


def test_an_expired_or_forged_access_token_opens_nothing(subscription, customer):
    _grant, old = links.access_token(customer.pk, time.time() - 1, now=time.time() - 3600)
    forged = links.link_token(customer.pk, 14)  # a link sent as if it were an access token
    for token in (old, forged, "garbage"):
        assert is_permission_denied(LinkClient(token).execute(MINE))
        paused = LinkClient(token).data(PAUSE, {
            "id": gid("ProductSubscription", subscription.pk),
            "until": (shop_today() + datetime.timedelta(days=30)).isoformat()})
        assert paused["productSubscriptionPause"]["subscriptionErrors"][0]["code"] == \
            "NOT_FOUND"
    subscription.refresh_from_db()
    assert subscription.status == Subscription.ACTIVE


def test_the_access_token_opens_subscriptions_only_never_the_account(subscription, customer):
    client = link_client(customer)
    assert client.data("{ me { email } }")["me"] is None  # Saleor sees no logged-in user
    orders = client.execute("{ me { orders(first: 5) { edges { node { id } } } } }")
    assert orders["data"]["me"] is None


def test_a_link_never_acts_on_another_customers_subscription(subscription, customer,
                                                               others_subscription):
    client = link_client(customer)
    other = gid("ProductSubscription", others_subscription.pk)
    until = (shop_today() + datetime.timedelta(days=30)).isoformat()
    for document, variables in [
        (PAUSE, {"id": other, "until": until}), (RESUME, {"id": other}),
        (SKIP, {"id": other}), (CANCEL, {"id": other}), (EXTEND, {"id": other, "n": 1}),
        (UPDATE, {"id": other, "input": {"comment": "mine now", "quantity": 5}}),
    ]:
        result = next(iter(client.data(document, variables).values()))
        assert result["subscription"] is None
        assert [(e["field"], e["code"]) for e in result["subscriptionErrors"]] == \
            [("id", "NOT_FOUND")]
    assert client.data(ONE, {"id": other})["productSubscription"] is None
    assert [s["id"] for s in client.data(MINE)["mySubscriptions"]] == [
        gid("ProductSubscription", subscription.pk)]
    others_subscription.refresh_from_db()
    assert (others_subscription.status, others_subscription.comment,
            others_subscription.quantity) == (Subscription.ACTIVE, "", 1)


def test_anonymous_gets_nothing_without_a_link(subscription):
    anonymous = GraphQLClient()
    assert is_permission_denied(anonymous.execute(MINE))
    result = anonymous.data(CANCEL, {"id": gid("ProductSubscription", subscription.pk)})
    assert result["productSubscriptionCancel"]["subscriptionErrors"][0]["code"] == "NOT_FOUND"


def test_a_logged_in_customer_uses_their_own_account_not_a_link_header(
        subscription, customer, others_subscription):
    """A JWT wins over a link header: the other customer's link adds nothing."""
    _grant, others_token = links.access_token(others_subscription.user_id, time.time() + 3600)

    class Both(GraphQLClient):
        def _send(self, query, variables, headers):
            return super()._send(query, variables,
                                 dict(headers, HTTP_X_SUBSCRIPTION_ACCESS=others_token))

    mine = Both(customer).data(MINE)["mySubscriptions"]
    assert [s["id"] for s in mine] == [gid("ProductSubscription", subscription.pk)]


# -- every action through the page's API path ----------------------------------------------

def test_every_action_through_the_link_with_the_apis_rules(subscription, customer):
    client = link_client(customer)
    sid = gid("ProductSubscription", subscription.pk)
    until = shop_today() + datetime.timedelta(days=40)

    paused = client.data(PAUSE, {"id": sid, "until": until.isoformat()})[
        "productSubscriptionPause"]
    assert paused["subscriptionErrors"] == []
    assert (paused["subscription"]["status"], paused["subscription"]["pausedUntil"]) == \
        ("PAUSED", until.isoformat())
    resumed = client.data(RESUME, {"id": sid})["productSubscriptionResume"]
    assert resumed["subscriptionErrors"] == [] and resumed["subscription"]["status"] == "ACTIVE"

    before = Subscription.objects.get(pk=subscription.pk).next_delivery_date
    skipped = client.data(SKIP, {"id": sid})["productSubscriptionSkipNext"]
    assert skipped["subscriptionErrors"] == []
    assert skipped["subscription"]["nextDeliveryDate"] > before.isoformat()

    extended = client.data(EXTEND, {"id": sid, "n": 2})["productSubscriptionExtend"]
    assert extended["subscriptionErrors"] == [] and \
        extended["subscription"]["deliveriesTotal"] == 5
    too_far = client.data(EXTEND, {"id": sid, "n": 5})["productSubscriptionExtend"]
    assert too_far["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_EXTENSION_LIMIT"

    changed = client.data(UPDATE, {"id": sid, "input": {
        "interval": "2w", "quantity": 3, "comment": "Leave it by the door"}})[
        "productSubscriptionUpdate"]
    assert changed["subscriptionErrors"] == []
    assert (changed["subscription"]["interval"], changed["subscription"]["quantity"],
            changed["subscription"]["comment"]) == ("2w", 3, "Leave it by the door")
    not_offered = client.data(UPDATE, {"id": sid, "input": {"interval": "1m"}})[
        "productSubscriptionUpdate"]
    assert not_offered["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_INTERVAL_NOT_OFFERED"
    bad_quantity = client.data(UPDATE, {"id": sid, "input": {"quantity": 0}})[
        "productSubscriptionUpdate"]
    assert bad_quantity["subscriptionErrors"][0]["field"] == "quantity"
    staff_only = client.data(UPDATE, {"id": sid, "input": {"billing": "MONTHLY"}})[
        "productSubscriptionUpdate"]
    assert staff_only["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_BILLING_STAFF_ONLY"

    moved = client.data(UPDATE, {"id": sid, "input": {"shippingAddress": {
        "firstName": "Kari", "lastName": "Nordmann", "streetAddress1": "Storgata 2",
        "city": "Bergen", "postalCode": "5003", "country": "NO"}}})["productSubscriptionUpdate"]
    assert moved["subscriptionErrors"] == []
    abroad = client.data(UPDATE, {"id": sid, "input": {"shippingAddress": {
        "firstName": "Kari", "lastName": "Nordmann", "streetAddress1": "Strøget 1",
        "city": "København", "postalCode": "1160", "country": "DK"}}})[
        "productSubscriptionUpdate"]
    assert abroad["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_SHIPPING_METHOD_UNAVAILABLE"

    cancelled = client.data(CANCEL, {"id": sid})["productSubscriptionCancel"]
    assert cancelled["subscription"]["status"] == "CANCELLED"
    after = client.data(PAUSE, {"id": sid, "until": until.isoformat()})[
        "productSubscriptionPause"]
    assert after["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_ENDED"
    subscription.refresh_from_db()
    assert (subscription.status, subscription.quantity, subscription.interval,
            subscription.comment, subscription.shipping_address.city) == (
        Subscription.CANCELLED, 3, "2w", "Leave it by the door", "BERGEN")


def test_a_pause_date_in_the_past_is_a_typed_error(subscription, customer):
    result = link_client(customer).data(PAUSE, {
        "id": gid("ProductSubscription", subscription.pk),
        "until": (shop_today() - datetime.timedelta(days=3)).isoformat()})[
        "productSubscriptionPause"]
    assert result["subscription"] is None
    assert result["subscriptionErrors"][0]["field"] == "until"


# -- the link in every e-mail --------------------------------------------------------------

def test_every_subscription_email_links_to_the_page(subscription, customer, outbox):
    configure(public_url="https://shop.example.com", self_service_link_days=3)
    renewal = Renewal.objects.create(subscription=subscription, cycle=subscription.next_cycle,
                                     delivery_date=subscription.next_delivery_date)
    invoice = MonthlyInvoice.objects.create(subscription=subscription, currency="NOK",
                                            month=shop_today().replace(day=1), amount=10)
    retry_on = shop_today() + datetime.timedelta(days=1)
    notifications.renewal_reminder(subscription, subscription.unit_price)
    notifications.renewal_failed(subscription, renewal, retry_on)
    notifications.renewal_dropped(subscription, renewal)
    notifications.payment_method_declined(subscription)
    notifications.invoice_failed(subscription, invoice, retry_on)
    assert len(outbox.messages) == 5
    for mail in outbox.messages:
        found = re.findall(r"https://shop\.example\.com/my/subscriptions/\?link=([\w:.-]+)",
                           mail.body)
        assert found, mail.body
        assert f'href="https://shop.example.com/my/subscriptions/?link={found[0]}"' in mail.html
        grant = links.read_link(found[0])
        assert (grant.state, grant.customer_id) == (links.VALID, customer.pk)
        assert 2.9 * 86400 < grant.expires_at - time.time() <= 3 * 86400


def test_without_a_public_url_the_link_uses_the_sites_domain(subscription, customer, outbox):
    from django.contrib.sites.models import Site

    notifications.payment_method_declined(subscription)
    [mail] = outbox.messages
    domain = Site.objects.get_current().domain
    assert re.search(r"https?://%s/my/subscriptions/\?link=" % re.escape(domain), mail.body)


@pytest.mark.parametrize("language, text", [("de", "Abonnements verwalten"),
                                            ("nb", "Administrer abonnementene dine")])
def test_the_link_is_offered_in_the_customers_language(subscription, outbox, language, text):
    subscription.language_code = language
    subscription.save(update_fields=["language_code"])
    notifications.payment_method_declined(subscription)
    [mail] = outbox.messages
    assert text in mail.html and text in mail.body


# -- the page ------------------------------------------------------------------------------

def test_the_page_is_never_framed_and_not_cached(subscriptions_on):  # noqa: F811
    response = Client().get(PAGE)
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    assert "require-trusted-types-for 'script'" in response["Content-Security-Policy"]


def test_the_script_and_stylesheet_are_served(subscriptions_on):  # noqa: F811
    html = Client().get(PAGE).content.decode()
    for url in re.findall(r'(?:src|href)="(/pages/assets/subscription/[^"]+)"', html):
        assert Client().get(url.replace("&amp;", "&")).status_code == 200
    assert "self_service.js" in html
    assert 'id="page-denied"' not in html  # no staff permission gate on a customer's page


@pytest.mark.parametrize("state, heading", [
    ("expired", "This link has expired."), ("invalid", "This link is not valid.")])
def test_a_bad_link_shows_a_clear_page_with_a_login(subscriptions_on, customer,  # noqa: F811
                                                     state, heading):
    link = (links.link_token(customer.pk, 1, now=time.time() - 2 * 86400) if state == "expired"
            else links.link_token(customer.pk, 1) + "x")
    html = Client().get(PAGE, {"link": link, "lang": "en"}).content.decode()
    assert heading in html and 'id="page-login-form"' in html
    assert f'"linkState": "{state}"' in html


def test_a_switched_off_plugin_says_so(db):
    html = Client().get(PAGE, {"lang": "en"}).content.decode()
    assert "Subscriptions are not available in this shop." in html
    assert 'id="page-login-form"' not in html


@pytest.mark.parametrize("language", ["nb", "sv", "da", "de"])
def test_the_page_shows_nothing_in_english(subscriptions_on, customer,  # noqa: F811
                                           language):
    for link in ("", links.link_token(customer.pk, 1, now=time.time() - 2 * 86400), "bad"):
        response = Client().get(PAGE, {"lang": language, **({"link": link} if link else {})})
        html = response.content.decode()
        assert f'<html lang="{language}">' in html
        assert untranslated(html, language) == []
