"""The subscriptions staff page (/staff/subscriptions/): served under its security policy in
five languages, and every GraphQL document its script sends refused to anyone without
MANAGE_SUBSCRIPTIONS and working for staff with it; the list's product and customer filters
and its paging."""
import datetime
import json

import pytest
from django.test import Client
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.core.permissions import SubscriptionPermissions
from saleor_plugins.subscription.models import Holiday, Subscription, SubscriptionPlan
from saleor_plugins.subscription.plugin import SubscriptionPlugin
from saleor_plugins.subscription.staff_documents import DOCUMENTS
from saleor_plugins.subscription.staff_page import PERMISSION

from . import factories
from .graphql_client import is_permission_denied
from .page_checks import english_texts, untranslated
from .subscription_helpers import (  # noqa: F401 (fixture)
    create_plan,
    days,
    gid,
    make_subscription,
    subscriptions_on,
)
from .test_subscription_manage import shop_today

URL = "/staff/subscriptions/"
MANAGE = SubscriptionPermissions.MANAGE_SUBSCRIPTIONS


def page(language="en"):
    response = Client().get(URL, {"lang": language})
    assert response.status_code == 200
    return response, response.content.decode()


def page_config(html):
    return json.loads(html.split('id="page-config" type="application/json">')[1]
                      .split("</script>")[0])


def test_the_page_is_served_under_the_strict_policy(subscriptions_on):
    response, html = page()
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self'",
                      "require-trusted-types-for 'script'", "frame-ancestors 'self'"):
        assert directive in policy
    assert response["Cache-Control"] == "no-store"
    # no inline script but the configuration (JSON, never run), no inline style
    assert html.count("<script") == 4 and html.count('type="application/json"') == 1
    assert html.count("<script src=") == 3
    assert "style=" not in html and "<style" not in html
    config = page_config(html)
    assert config["permission"] == PERMISSION
    assert set(config["documents"]) == set(DOCUMENTS)
    for asset in ("staff_subscriptions.js", "staff_subscription_setup.js",
                  "staff_subscriptions.css"):
        src = html.split(f"/pages/assets/subscription/{asset}?v=")[1].split('"')[0]
        served = Client().get(f"/pages/assets/subscription/{asset}", {"v": src})
        assert served.status_code == 200 and "immutable" in served["Cache-Control"]


def test_the_permission_the_page_asks_for_is_the_one_staff_are_granted(api, subscriptions_on):
    manager = factories.create_staff(permissions=[MANAGE])
    me = api(manager).data("{ me { userPermissions { code } } }")["me"]
    assert PERMISSION in {p["code"] for p in me["userPermissions"]}


@pytest.mark.parametrize("language", ["nb", "sv", "da", "de"])
def test_the_page_shows_nothing_in_english(subscriptions_on, language):
    _, html = page(language)
    assert f'<html lang="{language}">' in html
    assert untranslated(html, language) == []


def test_the_english_page_uses_the_catalogue(subscriptions_on):
    _, html = page("en")
    texts = english_texts(html)
    assert "Upcoming orders" in texts and "Cancel the subscription" in texts
    assert "Create and charge the next renewal order now?" in texts  # a script text


def test_switched_off_the_page_says_so_and_runs_no_script(db):
    PluginConfiguration.objects.update_or_create(
        identifier=SubscriptionPlugin.PLUGIN_ID,
        defaults={"name": SubscriptionPlugin.PLUGIN_NAME, "active": False, "configuration": []})
    _, html = page("en")
    assert "This feature is switched off for this shop." in html
    assert "staff_subscriptions.js" not in html and 'id="view-list"' not in html


# -- the documents the page sends ---------------------------------------------------------

@pytest.fixture
def world(db, shop, customer, subscriptions_on):
    plan = create_plan(shop.coffee, intervals=("1w", "2w"), name="Kaffe hver uke")
    subscription = make_subscription(customer, shop.coffee, shop_today() + days(2), "1w",
                                     plan=plan, comment="Ring på",
                                     shipping_method=shop.shipping_method,
                                     shipping_method_name=shop.shipping_method.name)
    Holiday.objects.create(date=shop_today() + days(40), name="Fridag")

    class World:
        pass

    World.plan, World.subscription, World.shop = plan, subscription, shop
    World.holiday = shop_today() + days(40)
    return World


def variables(name, world):
    sub = gid("ProductSubscription", world.subscription.pk)
    plan = gid("SubscriptionPlan", world.plan.pk)
    day = world.subscription.next_delivery_date.isoformat()
    return {
        "list": {"filter": {"status": ["ACTIVE"]}, "first": 21, "offset": 0},
        "one": {"id": sub},
        "forecast": {"start": shop_today().isoformat(),
                     "end": (shop_today() + days(30)).isoformat()},
        "picking": {"d": day},
        "document": {"d": day, "f": "CSV"},
        "plans": {},
        "products": {"q": "Kaffe"},
        "planCreate": {"input": {"name": "Krus", "productId": gid(
            "Product", world.shop.mug.product_id), "intervals": ["1m"], "pricingMode": "FIXED",
            "firstOrderDiscount": 10, "laterOrderDiscount": 0, "deliveries": 0,
            "maxDeliveries": 0, "isActive": True}},
        "planUpdate": {"id": plan, "input": {"name": "Kaffe annenhver uke",
                                             "intervals": ["2w"]}},
        "planDelete": {"id": plan},
        "holidays": {},
        "holidayAdd": {"date": (shop_today() + days(50)).isoformat(), "name": "Stengt"},
        "holidayDelete": {"date": world.holiday.isoformat()},
        "pause": {"id": sub, "until": (shop_today() + days(20)).isoformat()},
        "resume": {"id": sub},
        "skip": {"id": sub},
        "renew": {"id": sub},
        "cancel": {"id": sub},
    }[name]


STAFF_ONLY = ["list", "forecast", "picking", "document", "planCreate", "planUpdate",
              "planDelete", "holidayAdd", "holidayDelete", "renew"]
THE_OWNERS = ["pause", "resume", "skip", "cancel"]  # the customer's own: NOT_FOUND to others
PUBLIC = ["plans", "holidays", "products"]  # no subscription data without the permission


def test_every_document_is_classified():
    assert sorted(STAFF_ONLY + THE_OWNERS + PUBLIC + ["one"]) == sorted(DOCUMENTS)


def unchanged(world):
    found = Subscription.objects.get(pk=world.subscription.pk)
    return (found.status, found.next_cycle, found.paused_until) == (
        world.subscription.status, world.subscription.next_cycle,
        world.subscription.paused_until) and SubscriptionPlan.objects.filter(
        pk=world.plan.pk, name=world.plan.name).exists() and Holiday.objects.count() == 1


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("who", ["anonymous", "another customer", "staff without permission"])
def test_without_the_permission_the_page_gets_nothing(api, world, name, who):
    user = {"anonymous": None, "another customer": factories.create_customer(),
            "staff without permission": factories.create_staff()}[who]
    content = api(user).execute(DOCUMENTS[name], variables(name, world))
    if name in STAFF_ONLY:
        assert is_permission_denied(content), content
    elif name in THE_OWNERS:
        [payload] = content["data"].values()
        assert payload["subscription"] is None
        assert payload["subscriptionErrors"][0]["code"] == "NOT_FOUND"
    elif name == "one":
        assert content["data"]["productSubscription"] is None
    elif name == "plans":
        assert content["data"]["subscriptionPlans"] == []
    else:
        assert "errors" not in content  # holidays and products are public
    assert unchanged(world)


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_with_the_permission_every_document_works(api, world, name):
    manager = factories.create_staff(permissions=[MANAGE])
    data = api(manager).data(DOCUMENTS[name], variables(name, world))
    [payload] = data.values()
    if isinstance(payload, dict) and "subscriptionErrors" in payload:
        assert payload["subscriptionErrors"] == [], payload
    found = Subscription.objects.get(pk=world.subscription.pk)
    expected = {
        "list": lambda: [s["id"] for s in payload] == [gid("ProductSubscription", found.pk)],
        "one": lambda: payload["comment"] == "Ring på" and payload["plan"]["name"],
        "forecast": lambda: {e["subscription"]["id"] for e in payload} == {
            gid("ProductSubscription", found.pk)},
        "picking": lambda: payload["customers"][0]["comments"] == ["Ring på"],
        "document": lambda: payload["filename"].endswith(".csv"),
        "plans": lambda: [p["name"] for p in payload] == ["Kaffe hver uke"],
        "products": lambda: [e["node"]["name"] for e in payload["edges"]] == ["Kaffe Fjell"],
        "planCreate": lambda: SubscriptionPlan.objects.filter(name="Krus").exists(),
        "planUpdate": lambda: SubscriptionPlan.objects.get(pk=world.plan.pk).intervals == ["2w"],
        "planDelete": lambda: not SubscriptionPlan.objects.filter(pk=world.plan.pk).exists(),
        "holidays": lambda: [h["name"] for h in payload] == ["Fridag"],
        "holidayAdd": lambda: Holiday.objects.filter(name="Stengt").exists(),
        "holidayDelete": lambda: not Holiday.objects.exists(),
        "pause": lambda: found.status == Subscription.PAUSED,
        "resume": lambda: found.status == Subscription.ACTIVE,
        "skip": lambda: found.next_cycle == 2,
        "renew": lambda: found.renewals.filter(order__isnull=False).exists(),
        "cancel": lambda: found.status == Subscription.CANCELLED,
    }[name]
    assert expected()


def test_the_pause_shows_the_apis_typed_error(api, world):
    manager = factories.create_staff(permissions=[MANAGE])
    result = api(manager).data(DOCUMENTS["pause"], {
        "id": gid("ProductSubscription", world.subscription.pk),
        "until": shop_today().isoformat()})["productSubscriptionPause"]
    assert result["subscription"] is None
    [error] = result["subscriptionErrors"]
    assert error["field"] == "until" and error["message"] and error["code"]
    assert unchanged(world)


# -- the list's filters and paging ----------------------------------------------------------

def list_ids(client, filter=None, first=None, offset=None):
    found = client.data(DOCUMENTS["list"], {"filter": filter or {}, "first": first,
                                            "offset": offset})["productSubscriptions"]
    return [s["id"] for s in found]


def test_filters_by_product_customer_and_next_delivery_and_pages(api, world, shop):
    ola = factories.create_customer("ola@example.com", first_name="Ola", last_name="Hansen")
    mugs = [make_subscription(ola, shop.mug, shop_today() + days(n), "1w") for n in (3, 4, 5)]
    client = api(factories.create_staff(permissions=[MANAGE]))
    coffee = gid("ProductSubscription", world.subscription.pk)
    mug_ids = [gid("ProductSubscription", s.pk) for s in mugs]

    assert list_ids(client, {"product": "krus"}) == mug_ids
    assert list_ids(client, {"product": "KAFFE-1"}) == [coffee]
    assert list_ids(client, {"customer": "ola hansen"}) == mug_ids
    assert list_ids(client, {"customer": "kari@example"}) == [coffee]
    assert list_ids(client, {"customer": "Ola Nordmann"}) == []
    assert list_ids(client, {"product": "krus", "customer": "kari"}) == []
    middle = mugs[1].next_delivery_date.isoformat()
    assert list_ids(client, {"nextDeliveryFrom": middle, "nextDeliveryTo": middle}) == [
        mug_ids[1]]
    # ordered by next delivery: pages follow each other without gaps or repeats
    every = [coffee] + mug_ids
    assert list_ids(client) == every
    assert list_ids(client, first=2) == every[:2]
    assert list_ids(client, first=2, offset=2) == every[2:]
    assert list_ids(client, first=2, offset=4) == []


def test_a_negative_offset_is_a_typed_error(api, world):
    client = api(factories.create_staff(permissions=[MANAGE]))
    content = client.execute(DOCUMENTS["list"], {"offset": -1})
    [error] = content["errors"]
    assert error["extensions"]["field"] == "offset" and error["extensions"]["code"] == "INVALID"
    assert error["message"].startswith("offset: ")


@pytest.mark.parametrize("who", ["anonymous", "another customer", "staff without permission"])
def test_the_new_filters_need_the_permission_too(api, world, who):
    user = {"anonymous": None, "another customer": factories.create_customer(),
            "staff without permission": factories.create_staff()}[who]
    content = api(user).execute(DOCUMENTS["list"], {"filter": {"customer": "kari"},
                                                    "offset": 0})
    assert is_permission_denied(content) and content["data"] is None


def test_the_forecast_range_is_limited(api, world):
    client = api(factories.create_staff(permissions=[MANAGE]))
    start = datetime.date(2027, 1, 1)
    content = client.execute(DOCUMENTS["forecast"], {
        "start": start.isoformat(), "end": (start + days(93)).isoformat()})
    assert content["errors"] and content["data"] is None
