"""Issue 14 item 10: Saleor apps holding the package's permissions, through /graphql/ with a
real app token (``Authorization: Bearer <token>``): every operation that records who acted
records the app; the till refuses apps (a sale names the staff member at the counter)."""
import datetime

import pytest
from graphene import Node

from saleor_plugins.core.permissions import (
    DiscountRulePermissions,
    LoyaltyPermissions,
    SubscriptionPermissions,
    TillPermissions,
)
from saleor_plugins.discount_rules.models import DiscountRule
from saleor_plugins.klarna_instore.models import TillSale
from saleor_plugins.loyalty.models import LedgerEntry, ProductReview
from saleor_plugins.subscription.models import PaymentMethodChange, Subscription

from . import factories
from .graphql_client import GraphQLClient, is_permission_denied
from .loyalty_helpers import configure as configure_loyalty
from .subscription_helpers import create_plan, make_subscription, subscriptions_on  # noqa: F401
from .till_helpers import CUSTOMERS, SALE_CREATE, till_on  # noqa: F401

ADJUST = """mutation($userId: ID!, $points: Int!, $reason: String!) {
  loyaltyPointsAdjust(userId: $userId, points: $points, reason: $reason) {
    entry { points staffEmail } loyaltyErrors { field message code } } }"""
ACCOUNT = """query($userId: ID!) { loyaltyAccount(userId: $userId) {
  balance history { kind points staffEmail appName } } }"""
MODERATE = """mutation($id: ID!, $approve: Boolean!) {
  productReviewModerate(id: $id, approve: $approve) {
    review { status } pointsAwarded loyaltyErrors { field code } } }"""
SESSION = """mutation($id: ID!) { productSubscriptionPaymentSessionCreate(id: $id) {
  session { sessionId intent } subscriptionErrors { field message code } } }"""
PAUSE = """mutation($id: ID!, $until: Date!) { productSubscriptionPause(id: $id, until: $until) {
  subscription { status } subscriptionErrors { field message code } } }"""
RULE_CREATE = """mutation($input: DiscountRuleInput!) {
  discountRuleCreate(input: $input) { rule { id name } discountRuleErrors { field code } } }"""


def gid(type_name, pk):
    return Node.to_global_id(type_name, pk)


def app_client(*permissions, name="Kundeservice-app"):
    app, token = factories.create_app(name, permissions)
    return app, GraphQLClient(app_token=token)


@pytest.fixture
def loyalty_on(all_plugins_active):
    configure_loyalty(review_points=25)


def test_item14_10_app_adjusts_points_and_is_recorded_as_the_actor(db, loyalty_on):
    customer = factories.create_customer("kari@example.com")
    app, client = app_client(LoyaltyPermissions.MANAGE_LOYALTY)
    payload = client.data(ADJUST, {"userId": gid("User", customer.pk), "points": 250,
                                   "reason": "Damaged parcel"})["loyaltyPointsAdjust"]
    assert payload["loyaltyErrors"] == []
    assert payload["entry"] == {"points": 250, "staffEmail": None}
    entry = LedgerEntry.objects.get(account__user=customer, kind="adjust")
    assert (entry.app_id, entry.staff_user_id) == (app.pk, None)
    history = client.data(ACCOUNT, {"userId": gid("User", customer.pk)})["loyaltyAccount"]
    assert history["balance"] == 250
    assert history["history"][0]["appName"] == app.name


def test_staff_adjustment_still_records_the_staff_member(api, db, loyalty_on):
    customer = factories.create_customer("kari@example.com")
    staff = factories.create_staff("ola@shop.example.com", [LoyaltyPermissions.MANAGE_LOYALTY])
    payload = api(staff).data(ADJUST, {"userId": gid("User", customer.pk), "points": 5,
                                       "reason": "Goodwill"})["loyaltyPointsAdjust"]
    assert payload["entry"] == {"points": 5, "staffEmail": staff.email}
    entry = LedgerEntry.objects.get(account__user=customer, kind="adjust")
    assert entry.staff_user_id == staff.pk


def test_app_without_the_permission_is_refused(db, loyalty_on):
    customer = factories.create_customer("kari@example.com")
    _app, client = app_client(SubscriptionPermissions.MANAGE_SUBSCRIPTIONS)
    content = client.execute(ADJUST, {"userId": gid("User", customer.pk), "points": 5,
                                      "reason": "x"})
    assert is_permission_denied(content)
    assert not LedgerEntry.objects.filter(kind="adjust").exists()


def test_item14_10_app_moderates_a_review_and_is_recorded(shop, loyalty_on):
    customer = factories.create_customer("kari@example.com")
    review = ProductReview.objects.create(product=shop.coffee.product, user=customer,
                                          author_name="Kari N.", rating=5, text="God")
    app, client = app_client(LoyaltyPermissions.MANAGE_LOYALTY)
    payload = client.data(MODERATE, {"id": gid("ProductReview", review.pk), "approve": True})[
        "productReviewModerate"]
    assert payload["loyaltyErrors"] == []
    assert (payload["review"]["status"], payload["pointsAwarded"]) == ("APPROVED", 25)
    review.refresh_from_db()
    assert (review.moderated_by_app_id, review.moderated_by_id) == (app.pk, None)


@pytest.fixture
def subscription(shop, subscriptions_on):
    customer = factories.create_customer("kari@example.com")
    return make_subscription(customer, shop.coffee,
                             datetime.date.today() + datetime.timedelta(days=10),
                             interval="1m", plan=create_plan(shop.coffee),
                             gateway="saleor_plugins.klarna")


def test_item14_10_app_opens_a_payment_method_session_and_is_recorded(subscription,
                                                                      klarna_gateway):
    app, client = app_client(SubscriptionPermissions.MANAGE_SUBSCRIPTIONS)
    payload = client.data(SESSION, {"id": gid("ProductSubscription", subscription.pk)})[
        "productSubscriptionPaymentSessionCreate"]
    assert payload["subscriptionErrors"] == []
    assert payload["session"]["intent"] == "TOKENIZE"
    change = PaymentMethodChange.objects.get(session_id=payload["session"]["sessionId"])
    assert (change.opened_by_app_id, change.opened_by_id) == (app.pk, None)


def test_owner_opening_a_session_is_recorded_as_the_user(api, subscription, klarna_gateway):
    payload = api(subscription.user).data(SESSION, {"id": gid("ProductSubscription",
                                                              subscription.pk)})
    session = payload["productSubscriptionPaymentSessionCreate"]["session"]
    change = PaymentMethodChange.objects.get(session_id=session["sessionId"])
    assert change.opened_by_id == subscription.user.pk


def test_app_with_the_permission_manages_subscriptions_and_cart_rules(subscription):
    _app, client = app_client(SubscriptionPermissions.MANAGE_SUBSCRIPTIONS,
                              DiscountRulePermissions.MANAGE_DISCOUNT_RULES)
    until = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()
    paused = client.data(PAUSE, {"id": gid("ProductSubscription", subscription.pk),
                                 "until": until})["productSubscriptionPause"]
    assert paused["subscriptionErrors"] == []
    assert Subscription.objects.get(pk=subscription.pk).status == Subscription.PAUSED
    created = client.data(RULE_CREATE, {"input": {"name": "Sommer", "kind": "PERCENTAGE",
                                                  "value": "10"}})["discountRuleCreate"]
    assert created["discountRuleErrors"] == []
    assert DiscountRule.objects.filter(name="Sommer").exists()


def test_item14_10_the_till_refuses_apps_even_with_use_till(db, till_on):
    customer = factories.create_customer("kari@example.com")
    _app, client = app_client(TillPermissions.USE_TILL)
    content = client.execute(SALE_CREATE, {"tillName": "Disk 1", "languageCode": "nb"})
    assert is_permission_denied(content)
    assert not TillSale.objects.exists()
    content = client.execute(CUSTOMERS, {"search": customer.email})
    assert is_permission_denied(content)
    assert content["data"] is None
