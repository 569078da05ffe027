"""Customers manage their own subscriptions, staff (MANAGE_SUBSCRIPTIONS) any, through
/graphql/: permissions for every operation, plans, lists, forecast, renew now, picking lists."""
import base64
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_plugins.core.permissions import SubscriptionPermissions
from saleor_plugins.subscription.models import Holiday, Renewal, Subscription, SubscriptionPlan
from saleor_plugins.subscription.scheduling import local_today

from . import factories
from .graphql_client import is_permission_denied
from .subscription_helpers import (  # noqa: F401 (fixture)
    create_plan,
    days,
    gid,
    make_subscription,
    subscriptions_on,
)

MANAGE = SubscriptionPermissions.MANAGE_SUBSCRIPTIONS
FIELDS = "id status quantity interval nextDeliveryDate pausedUntil comment deliveriesTotal " \
         "billing renewalTotal { amount }"
ERRORS = "subscriptionErrors { field message code }"

PAUSE = "mutation($id: ID!, $until: Date!) { productSubscriptionPause(id: $id, until: $until) " \
        "{ subscription { %s } %s } }" % (FIELDS, ERRORS)
RESUME = "mutation($id: ID!) { productSubscriptionResume(id: $id) { subscription { %s } %s } }" \
         % (FIELDS, ERRORS)
SKIP = "mutation($id: ID!) { productSubscriptionSkipNext(id: $id) { subscription { %s } %s } }" \
       % (FIELDS, ERRORS)
CANCEL = "mutation($id: ID!) { productSubscriptionCancel(id: $id) { subscription { %s } %s } }" \
         % (FIELDS, ERRORS)
EXTEND = "mutation($id: ID!, $n: Int!) { productSubscriptionExtend(id: $id, deliveries: $n) " \
         "{ subscription { %s } %s } }" % (FIELDS, ERRORS)
UPDATE = "mutation($id: ID!, $input: ProductSubscriptionUpdateInput!) { " \
         "productSubscriptionUpdate(id: $id, input: $input) { subscription { %s } %s } }" \
         % (FIELDS, ERRORS)
RENEW_NOW = "mutation($id: ID!) { productSubscriptionRenewNow(id: $id) { result " \
            "subscription { %s } %s } }" % (FIELDS, ERRORS)
MINE = "{ mySubscriptions { %s } }" % FIELDS
ONE = "query($id: ID!) { productSubscription(id: $id) { %s } }" % FIELDS
LIST = "query($filter: ProductSubscriptionFilterInput) { productSubscriptions(filter: $filter) " \
       "{ %s customerEmail } }" % FIELDS
FORECAST = "query($start: Date!, $end: Date!) { subscriptionForecast(start: $start, end: $end) " \
           "{ orderDate deliveryDate cycle amount { amount } subscription { id } } }"
PICKING = "query($d: Date!) { subscriptionPickingList(deliveryDate: $d) { deliveryDate " \
          "customers { name email address comments items { sku name quantity sources } } } }"
DOCUMENT = "query($d: Date!, $f: PickingListFormat!) { subscriptionPickingListDocument(" \
           "deliveryDate: $d, format: $f) { filename contentType contentBase64 } }"
PLAN_CREATE = "mutation($input: SubscriptionPlanInput!) { subscriptionPlanCreate(input: $input)" \
              " { plan { id name intervals pricingMode firstOrderDiscount deliveries } %s } }" \
              % ERRORS


def shop_today():
    return local_today(timezone.now(), "Europe/Oslo")


@pytest.fixture
def people(db, customer):
    class People:
        owner = customer
        other = factories.create_customer()
        staff = factories.create_staff()
        manager = factories.create_staff(permissions=[MANAGE])

    return People


@pytest.fixture
def subscription(shop, customer, subscriptions_on):
    plan = create_plan(shop.coffee, intervals=("1w", "2w"), deliveries=3, max_deliveries=6)
    return make_subscription(customer, shop.coffee, shop_today(), "1w", plan=plan,
                             deliveries_total=3, comment="Ring på",
                             shipping_method=shop.shipping_method,
                             shipping_method_name=shop.shipping_method.name)


def sid(subscription):
    return gid("ProductSubscription", subscription.pk)


OPERATIONS = {
    "pause": (PAUSE, lambda s: {"until": (shop_today() + days(20)).isoformat()}),
    "resume": (RESUME, lambda s: {}),
    "skipNext": (SKIP, lambda s: {}),
    "extend": (EXTEND, lambda s: {"n": 2}),
    "update": (UPDATE, lambda s: {"input": {"quantity": 3, "comment": "Bak huset"}}),
    "cancel": (CANCEL, lambda s: {}),
}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("who", ["anonymous", "other", "staff"])
def test_nobody_else_can_change_a_subscription(api, people, subscription, operation, who):
    query, variables = OPERATIONS[operation]
    client = api(None if who == "anonymous" else getattr(people, who))
    result = client.data(query, {"id": sid(subscription), **variables(subscription)})
    [payload] = result.values()
    assert payload["subscription"] is None
    assert payload["subscriptionErrors"][0]["code"] == "NOT_FOUND"
    before = Subscription.objects.get(pk=subscription.pk)
    assert (before.status, before.quantity, before.comment, before.next_cycle) == (
        subscription.status, subscription.quantity, subscription.comment,
        subscription.next_cycle)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("who", ["owner", "manager"])
def test_owner_and_staff_with_the_permission_can(api, people, subscription, operation, who):
    query, variables = OPERATIONS[operation]
    result = api(getattr(people, who)).data(query, {"id": sid(subscription),
                                                   **variables(subscription)})
    [payload] = result.values()
    if operation == "resume":  # not paused: resuming keeps it active
        assert payload["subscription"]["status"] == "ACTIVE"
        return
    assert payload["subscriptionErrors"] == []
    after = Subscription.objects.get(pk=subscription.pk)
    expected = {
        "pause": lambda s: s.status == "paused" and s.paused_until == shop_today() + days(20),
        "skipNext": lambda s: s.next_cycle == 2 and Renewal.objects.get(
            subscription=s, cycle=1).status == Renewal.SKIPPED,
        "extend": lambda s: s.deliveries_total == 5,
        "update": lambda s: s.quantity == 3 and s.comment == "Bak huset",
        "cancel": lambda s: s.status == "cancelled" and s.cancelled_at is not None,
    }[operation]
    assert expected(after)


def test_pause_then_resume_moves_to_the_first_delivery_after_the_pause(
        api, people, subscription):
    client = api(people.owner)
    until = shop_today() + days(20)
    paused = client.data(PAUSE, {"id": sid(subscription), "until": until.isoformat()})
    data = paused["productSubscriptionPause"]["subscription"]
    assert data["status"] == "PAUSED"
    assert datetime.date.fromisoformat(data["nextDeliveryDate"]) >= until
    bad = client.data(PAUSE, {"id": sid(subscription), "until": shop_today().isoformat()})
    assert bad["productSubscriptionPause"]["subscriptionErrors"][0]["field"] == "until"
    resumed = client.data(RESUME, {"id": sid(subscription)})["productSubscriptionResume"]
    assert resumed["subscription"]["status"] == "ACTIVE"
    assert resumed["subscription"]["nextDeliveryDate"] == (
        subscription.anchor_date + days(7)).isoformat()


def test_paused_subscription_is_not_renewed_and_resumes_itself(api, people, subscription):
    from .subscription_helpers import run_renewals

    until = shop_today() + days(10)
    api(people.owner).data(PAUSE, {"id": sid(subscription), "until": until.isoformat()})
    assert run_renewals(shop_today() + days(7)) == 0
    assert not Renewal.objects.filter(subscription=subscription, order__isnull=False).exists()
    run_renewals(until)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.ACTIVE
    assert subscription.next_delivery_date == subscription.anchor_date + days(14)


def test_change_interval_date_and_typed_errors(api, people, subscription, subscriptions_on):
    client = api(people.owner)
    new_date = shop_today() + days(10)
    result = client.data(UPDATE, {"id": sid(subscription), "input": {
        "interval": "2w", "nextDeliveryDate": new_date.isoformat()}})["productSubscriptionUpdate"]
    assert result["subscriptionErrors"] == []
    assert result["subscription"]["interval"] == "2w"
    assert result["subscription"]["nextDeliveryDate"] == new_date.isoformat()
    for bad_input, code in [
        ({"interval": "3w"}, "SUBSCRIPTION_INTERVAL_NOT_OFFERED"),
        ({"quantity": 0}, "INVALID"),
        ({"nextDeliveryDate": shop_today().isoformat()}, "SUBSCRIPTION_DATE_TOO_EARLY"),
        ({"planId": gid("SubscriptionPlan", create_plan(factories.create_variant()).pk)},
         "SUBSCRIPTION_PLAN_NOT_OFFERED"),
        ({"shippingAddress": {"country": "NO", "postalCode": "x"}}, "REQUIRED"),
    ]:
        errors = client.data(UPDATE, {"id": sid(subscription), "input": bad_input})[
            "productSubscriptionUpdate"]["subscriptionErrors"]
        assert errors and errors[0]["code"] == code, (bad_input, errors)
    subscription.refresh_from_db()
    assert subscription.interval == "2w" and subscription.quantity == 1
    Holiday.objects.create(date=shop_today() + days(12))
    errors = client.data(UPDATE, {"id": sid(subscription), "input": {
        "nextDeliveryDate": (shop_today() + days(12)).isoformat()}})[
        "productSubscriptionUpdate"]["subscriptionErrors"]
    assert errors[0]["code"] == "SUBSCRIPTION_DATE_CLOSED"


def test_change_shipping_address(api, people, subscription):
    address = {"firstName": "Ola", "lastName": "Nordmann", "streetAddress1": "Storgata 2",
               "city": "Bergen", "postalCode": "5003", "country": "NO"}
    result = api(people.owner).data(UPDATE, {"id": sid(subscription), "input": {
        "shippingAddress": address}})["productSubscriptionUpdate"]
    assert result["subscriptionErrors"] == []
    subscription.refresh_from_db()
    assert subscription.shipping_address.city == "BERGEN"


def test_extend_only_fixed_term_and_cancelled_cannot_be_changed(api, people, shop, customer,
                                                                subscriptions_on):
    open_ended = make_subscription(customer, shop.coffee, shop_today(), "1w")
    client = api(people.owner)
    errors = client.data(EXTEND, {"id": sid(open_ended), "n": 1})[
        "productSubscriptionExtend"]["subscriptionErrors"]
    assert errors[0]["code"] == "SUBSCRIPTION_NOT_FIXED_TERM"
    client.data(CANCEL, {"id": sid(open_ended)})
    errors = client.data(SKIP, {"id": sid(open_ended)})[
        "productSubscriptionSkipNext"]["subscriptionErrors"]
    assert errors[0]["code"] == "SUBSCRIPTION_ENDED"


def test_customers_see_only_their_own(api, people, subscription, shop, subscriptions_on):
    theirs = make_subscription(people.other, shop.mug, shop_today(), "1w")
    mine = api(people.owner).data(MINE)["mySubscriptions"]
    assert [s["id"] for s in mine] == [sid(subscription)]
    assert api(people.owner).data(ONE, {"id": sid(theirs)})["productSubscription"] is None
    assert api(people.owner).data(ONE, {"id": "nonsense"})["productSubscription"] is None
    assert api(people.manager).data(ONE, {"id": sid(theirs)})["productSubscription"]["id"]
    assert is_permission_denied(api().execute(MINE))


@pytest.mark.parametrize("query,variables", [
    (LIST, {}), (FORECAST, {"start": "2027-01-01", "end": "2027-01-31"}),
    (PICKING, {"d": "2027-01-04"}), (DOCUMENT, {"d": "2027-01-04", "f": "CSV"}),
])
@pytest.mark.parametrize("who", ["anonymous", "owner", "staff"])
def test_staff_reports_need_the_permission(api, people, subscription, query, variables, who):
    client = api(None if who == "anonymous" else getattr(people, who))
    assert is_permission_denied(client.execute(query, variables))


@pytest.mark.parametrize("who", ["anonymous", "owner", "staff"])
def test_staff_mutations_need_the_permission(api, people, subscription, shop, who):
    client = api(None if who == "anonymous" else getattr(people, who))
    assert is_permission_denied(client.execute(RENEW_NOW, {"id": sid(subscription)}))
    assert is_permission_denied(client.execute(PLAN_CREATE, {"input": {
        "name": "X", "productId": gid("Product", shop.mug.product_id), "intervals": ["1w"]}}))
    assert SubscriptionPlan.objects.count() == 1
    assert not Renewal.objects.exists()


def test_staff_filterable_list(api, people, subscription, shop, subscriptions_on):
    other = make_subscription(people.other, shop.mug, shop_today(), "1w", billing="monthly")
    client = api(people.manager)
    everything = client.data(LIST)["productSubscriptions"]
    assert {s["id"] for s in everything} == {sid(subscription), sid(other)}
    by_email = client.data(LIST, {"filter": {"search": people.other.email}})
    assert [s["id"] for s in by_email["productSubscriptions"]] == [sid(other)]
    by_billing = client.data(LIST, {"filter": {"billing": "MONTHLY"}})
    assert [s["id"] for s in by_billing["productSubscriptions"]] == [sid(other)]
    client.data(CANCEL, {"id": sid(other)})
    active = client.data(LIST, {"filter": {"status": ["ACTIVE"]}})["productSubscriptions"]
    assert [s["id"] for s in active] == [sid(subscription)]


def test_plan_setup_by_staff(api, people, shop):
    client = api(people.manager)
    result = client.data(PLAN_CREATE, {"input": {
        "name": "Kaffeabonnement", "productId": gid("Product", shop.coffee.product_id),
        "intervals": ["1w", "2W", "1m", "1w"], "pricingMode": "FLOATING",
        "firstOrderDiscount": "15", "laterOrderDiscount": "5", "deliveries": 6}}
    )["subscriptionPlanCreate"]
    assert result["subscriptionErrors"] == []
    assert result["plan"]["intervals"] == ["1w", "2w", "1m"]
    assert result["plan"]["pricingMode"] == "FLOATING" and result["plan"]["deliveries"] == 6
    for bad, field in [({"intervals": ["1y"]}, "intervals"), ({"intervals": []}, "intervals"),
                       ({"firstOrderDiscount": "100"}, "firstOrderDiscount"),
                       ({"productId": "bad"}, "productId")]:
        data = {"name": "X", "productId": gid("Product", shop.coffee.product_id),
                "intervals": ["1w"], **bad}
        errors = client.data(PLAN_CREATE, {"input": data})["subscriptionPlanCreate"][
            "subscriptionErrors"]
        assert errors and errors[0]["field"] == field, (bad, errors)
    plans = api().data("query($p: ID) { subscriptionPlans(productId: $p) { name } }",
                       {"p": gid("Product", shop.coffee.product_id)})["subscriptionPlans"]
    assert plans == [{"name": "Kaffeabonnement"}]


def test_forecast_lists_upcoming_orders_without_skipped_or_paused(
        api, people, subscription, shop, subscriptions_on):
    client = api(people.manager)
    start, end = shop_today(), shop_today() + days(21)
    entries = client.data(FORECAST, {"start": start.isoformat(), "end": end.isoformat()})[
        "subscriptionForecast"]
    # fixed term of 3 with one made: two more
    assert [e["cycle"] for e in entries] == [1, 2]
    assert entries[0]["amount"]["amount"] == 178.0
    api(people.owner).data(SKIP, {"id": sid(subscription)})
    entries = client.data(FORECAST, {"start": start.isoformat(), "end": end.isoformat()})[
        "subscriptionForecast"]
    assert [e["cycle"] for e in entries] == [2, 3]
    assert is_permission_denied(client.execute(FORECAST, {"start": "2027-01-01",
                                                          "end": "2028-01-01"})) is False


def test_renew_now(api, people, subscription):
    result = api(people.manager).data(RENEW_NOW, {"id": sid(subscription)})[
        "productSubscriptionRenewNow"]
    assert result["result"] == "paid"
    renewal = Renewal.objects.get(subscription=subscription, cycle=1)
    assert renewal.order.payments.get().captured_amount == Decimal("178.00")


def test_picking_list_per_customer_with_one_off_orders_and_comments(
        api, people, subscription, shop, subscriptions_on):
    from .subscription_helpers import run_renewals

    delivery = subscription.next_delivery_date
    second = make_subscription(people.owner, shop.mug, subscription.anchor_date, "1w",
                               quantity=2, comment="Ekstra krus")
    run_renewals(subscription.next_order_date)  # both renewal orders exist now
    one_off = factories.create_order(people.other, [(shop.coffee, 4)])
    one_off.customer_note = "Leveres i resepsjonen"
    one_off.save()
    one_off_day = local_today(one_off.created, "Europe/Oslo")
    client = api(people.manager)
    picking = client.data(PICKING, {"d": delivery.isoformat()})["subscriptionPickingList"]
    [owner] = [c for c in picking["customers"] if c["email"] == people.owner.email]
    items = {i["sku"]: i["quantity"] for i in owner["items"]}
    assert items == {"KAFFE-1": 1, "KRUS-1": 2}
    assert set(owner["comments"]) == {"Ring på", "Ekstra krus"}
    other_day = client.data(PICKING, {"d": one_off_day.isoformat()})["subscriptionPickingList"]
    [other] = [c for c in other_day["customers"] if c["email"] == people.other.email]
    assert other["items"][0]["quantity"] == 4 and other["comments"] == ["Leveres i resepsjonen"]
    assert other["items"][0]["sources"] == ["order #%d" % one_off.pk]
    csv_doc = client.data(DOCUMENT, {"d": delivery.isoformat(), "f": "CSV"})[
        "subscriptionPickingListDocument"]
    text = base64.b64decode(csv_doc["contentBase64"]).decode()
    assert csv_doc["contentType"] == "text/csv"
    assert "KAFFE-1" in text and "Ekstra krus" in text
    pdf = client.data(DOCUMENT, {"d": delivery.isoformat(), "f": "PDF"})[
        "subscriptionPickingListDocument"]
    assert pdf["filename"] == f"picking-list-{delivery.isoformat()}.pdf"
    assert base64.b64decode(pdf["contentBase64"]).startswith(b"%PDF")


def test_item14_18_extending_a_long_completed_subscription_plans_from_today(
        api, people, shop, customer, subscriptions_on):
    from .subscription_helpers import run_renewals

    plan = create_plan(shop.coffee, intervals=("1w",), deliveries=2)
    anchor = shop_today() - days(140)
    ended = make_subscription(customer, shop.coffee, anchor, "1w", plan=plan,
                              deliveries_total=2)
    run_renewals(anchor + days(7))  # the second and last delivery, twenty weeks ago
    ended.refresh_from_db()
    assert ended.status == Subscription.COMPLETED and ended.next_delivery_date < shop_today()
    result = api(people.manager).data(EXTEND, {"id": sid(ended), "n": 1})[
        "productSubscriptionExtend"]
    assert result["subscriptionErrors"] == []
    assert result["subscription"]["status"] == "ACTIVE"
    ended.refresh_from_db()
    # the first delivery of the schedule whose order can still be made: today
    assert ended.next_delivery_date == ended.next_order_date == shop_today()
    assert (ended.next_delivery_date - anchor).days % 7 == 0
    run_renewals(shop_today())
    renewal = Renewal.objects.get(subscription=ended, cycle=ended.next_cycle)
    assert renewal.delivery_date == shop_today() and renewal.status == Renewal.PAID


def test_item14_22_plan_switch_takes_the_whole_plans_terms(
        api, people, shop, customer, subscriptions_on):
    from .subscription_helpers import run_renewals

    open_ended = create_plan(shop.coffee, intervals=("1w",), later="5",
                             pricing_mode="floating")
    trial = create_plan(shop.coffee, intervals=("1w",), later="40", deliveries=2,
                        name="Prøveabonnement")
    subscription = make_subscription(customer, shop.coffee, shop_today(), "1w",
                                     plan=open_ended, pricing_mode="floating",
                                     later_order_discount=Decimal("5"))
    shop.coffee.price_override_amount = Decimal("139.00")  # the catalogue price today
    shop.coffee.save()
    result = api(people.owner).data(UPDATE, {"id": sid(subscription), "input": {
        "planId": gid("SubscriptionPlan", trial.pk)}})["productSubscriptionUpdate"]
    assert result["subscriptionErrors"] == []
    subscription.refresh_from_db()
    assert (subscription.plan, subscription.pricing_mode, subscription.later_order_discount,
            subscription.deliveries_total) == (trial, "fixed", Decimal("40"), 2)
    assert subscription.unit_price == Decimal("139.00")  # fixed from the switch on
    run_renewals(subscription.next_order_date)
    renewal = Renewal.objects.get(subscription=subscription, cycle=1)
    assert renewal.order.total.gross.amount == Decimal("83.40") + Decimal("49.00")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.COMPLETED  # the trial's two deliveries


def test_item14_22_switch_to_a_plan_with_fewer_deliveries_than_made_is_refused(
        api, people, shop, customer, subscriptions_on):
    open_ended = create_plan(shop.coffee, intervals=("1w",))
    trial = create_plan(shop.coffee, intervals=("1w",), later="40", deliveries=2)
    subscription = make_subscription(customer, shop.coffee, shop_today(), "1w",
                                     plan=open_ended, deliveries_made=3)
    errors = api(people.owner).data(UPDATE, {"id": sid(subscription), "input": {
        "planId": gid("SubscriptionPlan", trial.pk)}})["productSubscriptionUpdate"][
        "subscriptionErrors"]
    assert errors[0]["code"] == "SUBSCRIPTION_PLAN_TOO_SHORT" and errors[0]["field"] == "planId"
    subscription.refresh_from_db()
    assert subscription.plan == open_ended and subscription.later_order_discount == 0
    assert subscription.deliveries_total is None


def test_item14_22_customers_extend_only_up_to_the_plans_maximum(
        api, people, shop, customer, subscriptions_on):
    plan = create_plan(shop.coffee, intervals=("1w",), deliveries=3)
    subscription = make_subscription(customer, shop.coffee, shop_today(), "1w", plan=plan,
                                     deliveries_total=3)
    owner, manager = api(people.owner), api(people.manager)

    def extend(client, n):
        return client.data(EXTEND, {"id": sid(subscription), "n": n})[
            "productSubscriptionExtend"]["subscriptionErrors"]

    # a plan without a maximum cannot be extended by customers
    assert extend(owner, 1)[0]["code"] == "SUBSCRIPTION_EXTENSION_LIMIT"
    subscription.refresh_from_db()
    assert subscription.deliveries_total == 3
    SubscriptionPlan.objects.filter(pk=plan.pk).update(max_deliveries=6)
    assert extend(owner, 2000)[0]["code"] == "SUBSCRIPTION_EXTENSION_LIMIT"
    assert extend(owner, 3) == []
    assert extend(owner, 1)[0]["message"] == "This subscription cannot be extended further."
    assert extend(owner, 0)[0]["code"] == "INVALID"
    subscription.refresh_from_db()
    assert subscription.deliveries_total == 6
    # staff with the permission may go past the plan, up to 1000 deliveries in all
    assert extend(manager, 10) == []
    assert extend(manager, 1000)[0]["code"] == "SUBSCRIPTION_EXTENSION_LIMIT"
    subscription.refresh_from_db()
    assert subscription.deliveries_total == 16


def test_item14_22_plan_maximum_is_set_by_staff_and_checked(api, people, shop):
    client = api(people.manager)
    base = {"name": "Kaffe 6", "productId": gid("Product", shop.coffee.product_id),
            "intervals": ["1w"]}
    created = client.data(PLAN_CREATE.replace("deliveries }", "deliveries maxDeliveries }"), {
        "input": dict(base, deliveries=6, maxDeliveries=12)})["subscriptionPlanCreate"]
    assert created["subscriptionErrors"] == [] and created["plan"]["maxDeliveries"] == 12
    for bad in ({"deliveries": 6, "maxDeliveries": 5}, {"maxDeliveries": 4},
                {"deliveries": 6, "maxDeliveries": 1001}):
        errors = client.data(PLAN_CREATE, {"input": dict(base, **bad)})[
            "subscriptionPlanCreate"]["subscriptionErrors"]
        assert errors and errors[0]["field"] == "maxDeliveries", (bad, errors)


DANISH_ADDRESS = {"firstName": "Karen", "lastName": "Hansen", "streetAddress1": "Nørregade 1",
                  "city": "København", "postalCode": "1165", "country": "DK"}
SWEDISH_ADDRESS = {"firstName": "Karin", "lastName": "Svensson",
                   "streetAddress1": "Drottninggatan 1", "city": "Stockholm",
                   "postalCode": "111 51", "country": "SE"}
SHIPPING = "query($id: ID!, $country: CountryCode) { productSubscription(id: $id) { " \
           "shippingMethodName shippingPrice { amount } " \
           "availableShippingMethods(country: $country) { id name price { amount } } } }"


@pytest.fixture
def shipped(shop, customer, subscriptions_on):
    """A subscription shipped with the shop's method (Norway and Sweden, 49.00)."""
    return make_subscription(customer, shop.coffee, shop_today(), "1w",
                             shipping_method=shop.shipping_method,
                             shipping_method_name=shop.shipping_method.name)


def test_item14_23_address_change_needs_a_shipping_method_that_ships_there(
        api, people, shipped, shop):
    subscription = shipped
    danish = factories.create_shipping_zone(countries=["DK"], price="99.00",
                                            name="Danmark").shipping_methods.get()
    client = api(people.owner)
    refused = client.data(UPDATE, {"id": sid(subscription), "input": {
        "shippingAddress": DANISH_ADDRESS}})["productSubscriptionUpdate"]
    [error] = refused["subscriptionErrors"]
    assert (error["code"], error["field"]) == (
        "SUBSCRIPTION_SHIPPING_METHOD_UNAVAILABLE", "shippingMethodId")
    subscription.refresh_from_db()
    assert subscription.shipping_address.country.code == "NO"
    assert subscription.shipping_method == shop.shipping_method
    # the customer sees which methods ship to the new country, and picks one
    offered = client.data(SHIPPING, {"id": sid(subscription), "country": "DK"})[
        "productSubscription"]["availableShippingMethods"]
    assert [(m["id"], m["price"]["amount"]) for m in offered] == [
        (gid("ShippingMethod", danish.pk), 99.0)]
    moved = client.data(UPDATE, {"id": sid(subscription), "input": {
        "shippingAddress": DANISH_ADDRESS, "shippingMethodId": offered[0]["id"]}})[
        "productSubscriptionUpdate"]
    assert moved["subscriptionErrors"] == []
    subscription.refresh_from_db()
    assert subscription.shipping_address.country.code == "DK"
    assert (subscription.shipping_method, subscription.shipping_method_name,
            subscription.shipping_price) == (danish, danish.name, Decimal("99.00"))
    shown = client.data(SHIPPING, {"id": sid(subscription)})["productSubscription"]
    assert shown["shippingPrice"]["amount"] == 99.0
    # the Danish method does not ship to Sweden; Norway's (which does) is priced again
    back = client.data(UPDATE, {"id": sid(subscription), "input": {
        "shippingAddress": SWEDISH_ADDRESS}})["productSubscriptionUpdate"]
    assert back["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_SHIPPING_METHOD_UNAVAILABLE"
    again = client.data(UPDATE, {"id": sid(subscription), "input": {
        "shippingAddress": SWEDISH_ADDRESS,
        "shippingMethodId": gid("ShippingMethod", shop.shipping_method.pk)}})[
        "productSubscriptionUpdate"]
    assert again["subscriptionErrors"] == []
    subscription.refresh_from_db()
    assert (subscription.shipping_method, subscription.shipping_price) == (
        shop.shipping_method, Decimal("49.00"))


def test_address_in_the_methods_zone_keeps_method_and_price(api, people, shipped, shop):
    subscription = shipped
    subscription.shipping_price = Decimal("39.00")  # what the first order paid
    subscription.save()
    result = api(people.owner).data(UPDATE, {"id": sid(subscription), "input": {
        "shippingAddress": SWEDISH_ADDRESS}})["productSubscriptionUpdate"]
    assert result["subscriptionErrors"] == []
    subscription.refresh_from_db()
    assert subscription.shipping_address.country.code == "SE"
    assert (subscription.shipping_method, subscription.shipping_price) == (
        shop.shipping_method, Decimal("39.00"))
