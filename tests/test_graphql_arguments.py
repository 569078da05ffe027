"""Issue 14 item 8: the package's one rule for arguments (text PostgreSQL can store, finite
numbers, dates in years 1900-2999), applied to every package operation before its resolver
runs, and a schedule that cannot reach a date answered as a typed error, through /graphql/."""
import datetime
from decimal import Decimal

import pytest

from saleor_plugins.core.permissions import DiscountRulePermissions, SubscriptionPermissions
from saleor_plugins.discount_rules.models import DiscountCode, DiscountRule
from saleor_plugins.graphql.schema import schema as package_schema
from saleor_plugins.klarna_instore.models import TillSale
from saleor_plugins.subscription.models import Subscription

from . import factories
from .api_schema import database_fingerprint
from .subscription_helpers import create_plan, gid, make_subscription, subscriptions_on  # noqa: F401
from .till_helpers import CUSTOMERS, SALE_CREATE, till, till_on, till_staff  # noqa: F401

CODE_ADD = """mutation($checkoutId: ID!, $code: String!) {
  checkoutDiscountCodeAdd(checkoutId: $checkoutId, code: $code) {
    checkout { id } discountRuleErrors { field message code } } }"""
CODES_CREATE = """mutation($ruleId: ID!, $codes: [String!]) {
  discountCodesCreate(ruleId: $ruleId, codes: $codes) { codes discountRuleErrors { field message code } } }"""
RULE_CREATE = """mutation($input: DiscountRuleInput!) {
  discountRuleCreate(input: $input) { rule { id } discountRuleErrors { field message code } } }"""
UPDATE = """mutation($id: ID!, $input: ProductSubscriptionUpdateInput!) {
  productSubscriptionUpdate(id: $id, input: $input) {
    subscription { comment } subscriptionErrors { field message code } } }"""
PAUSE = """mutation($id: ID!, $until: Date!) {
  productSubscriptionPause(id: $id, until: $until) {
    subscription { status pausedUntil } subscriptionErrors { field message code } } }"""
FORECAST = """query($start: Date!, $end: Date!) {
  subscriptionForecast(start: $start, end: $end) { orderDate } }"""

NUL = "\x00"


@pytest.fixture
def customer_checkout(shop, all_plugins_active):
    customer = factories.create_customer("kari@example.com")
    variant = shop.coffee
    rule = DiscountRule.objects.create(name="Ti", kind="percentage", value=Decimal("10"))
    DiscountCode.objects.create(rule=rule, code="SOMMER")
    checkout = factories.create_checkout(customer, [(variant, 1)])
    return customer, checkout, rule


def test_item14_08_nul_in_checkout_discount_code_add_is_a_typed_error(api, customer_checkout):
    customer, checkout, _rule = customer_checkout
    before = database_fingerprint()
    payload = api(customer).data(CODE_ADD, {"checkoutId": gid("Checkout", checkout.token),
                                            "code": "SOM" + NUL + "MER"})["checkoutDiscountCodeAdd"]
    assert payload["checkout"] is None
    [error] = payload["discountRuleErrors"]
    assert (error["field"], error["code"]) == ("code", "INVALID")
    assert "NUL" in error["message"]
    assert database_fingerprint() == before


def test_item14_08_unpaired_surrogate_in_a_list_names_its_index(api, customer_checkout):
    _customer, _checkout, rule = customer_checkout
    manager = factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])
    before = database_fingerprint()
    payload = api(manager).data(CODES_CREATE, {"ruleId": gid("DiscountRule", rule.pk),
                                               "codes": ["HOST", "VINTER\ud800"]})
    [error] = payload["discountCodesCreate"]["discountRuleErrors"]
    assert (error["field"], error["code"]) == ("codes.1", "INVALID")
    assert "surrogate" in error["message"]
    assert database_fingerprint() == before


def test_item14_08_nul_in_till_customers_search_is_a_top_level_typed_error(api, till):
    content = till.client.execute(CUSTOMERS, {"search": "kari" + NUL})
    assert content["data"] is None
    [error] = content["errors"]
    assert error["extensions"]["field"] == "search"
    assert error["extensions"]["code"] == "INVALID"
    assert error["extensions"]["exception"]["code"] == "ArgumentError"
    assert error["message"].startswith("search: ")


def test_item14_08_nul_in_till_sale_create_is_a_typed_error_and_no_sale(api, till):
    result = till.run(SALE_CREATE, tillName="Disk" + NUL + "1", languageCode="nb")
    assert result["sale"] is None
    [error] = result["tillErrors"]
    assert (error["field"], error["code"]) == ("tillName", "INVALID")
    assert not TillSale.objects.exists()


@pytest.fixture
def subscription(shop, subscriptions_on):
    customer = factories.create_customer("kari@example.com")
    variant = shop.coffee
    plan = create_plan(variant)
    return make_subscription(customer, variant, datetime.date.today() + datetime.timedelta(days=10),
                             interval="1w", plan=plan, comment="Ring på")


def test_item14_08_nul_in_a_nested_input_field_is_a_typed_error(api, subscription):
    before = database_fingerprint()
    payload = api(subscription.user).data(UPDATE, {
        "id": gid("ProductSubscription", subscription.pk),
        "input": {"quantity": 2, "comment": "Legg den" + NUL + " bak"}})["productSubscriptionUpdate"]
    [error] = payload["subscriptionErrors"]
    assert (error["field"], error["code"]) == ("comment", "INVALID")
    subscription.refresh_from_db()
    assert (subscription.comment, subscription.quantity) == ("Ring på", 1)
    assert database_fingerprint() == before


@pytest.mark.parametrize("until", ["9999-12-31", "3000-01-01"])
def test_item14_08_pause_until_a_date_out_of_range_is_a_typed_error(api, subscription, until):
    before = database_fingerprint()
    payload = api(subscription.user).data(PAUSE, {
        "id": gid("ProductSubscription", subscription.pk), "until": until})
    [error] = payload["productSubscriptionPause"]["subscriptionErrors"]
    assert (error["field"], error["code"]) == ("until", "INVALID")
    assert "2999-12-31" in error["message"]
    assert database_fingerprint() == before


def test_item14_08_pause_beyond_what_the_schedule_can_reach_is_a_typed_error(api, subscription):
    """In range, but a daily subscription would need more than 10000 steps to get there:
    the schedule's own ScheduleError became an unhandled exception."""
    subscription.interval = "1d"
    subscription.save()
    before = database_fingerprint()
    payload = api(subscription.user).data(PAUSE, {
        "id": gid("ProductSubscription", subscription.pk), "until": "2900-01-01"})
    [error] = payload["productSubscriptionPause"]["subscriptionErrors"]
    assert (error["field"], error["code"]) == ("until", "INVALID")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.ACTIVE
    assert database_fingerprint() == before


def test_item14_08_far_future_dates_in_a_query_are_a_top_level_typed_error(api, subscription):
    manager = factories.create_staff(permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])
    content = api(manager).execute(FORECAST, {"start": "9999-12-01", "end": "9999-12-31"})
    [error] = content["errors"]
    assert (error["extensions"]["field"], error["extensions"]["code"]) == ("start", "INVALID")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_item14_08_a_non_finite_decimal_is_a_typed_error(api, db, value):
    manager = factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])
    payload = api(manager).data(RULE_CREATE, {"input": {"name": "Fast", "kind": "FIXED",
                                                        "value": value}})["discountRuleCreate"]
    [error] = payload["discountRuleErrors"]
    assert (error["field"], error["code"]) == ("value", "INVALID")
    assert not DiscountRule.objects.exists()


def test_item14_08_the_rule_covers_every_package_field_with_arguments_and_no_saleor_field():
    from saleor_plugins.graphql.arguments import package_fields

    checked = package_fields(package_schema)
    for expected in [("Mutation", "checkoutDiscountCodeAdd"), ("Query", "tillCustomers"),
                     ("Mutation", "tillSaleCreate"), ("Mutation", "productSubscriptionUpdate"),
                     ("Mutation", "productSubscriptionPause"),
                     ("LoyaltyAccount", "pointsExpiringSoon")]:
        assert expected in checked
    for saleor_field in [("Mutation", "checkoutCreate"), ("Query", "products"),
                         ("Mutation", "tokenCreate")]:
        assert saleor_field not in checked


# -- found by the fuzz suite once its strategies reached past the ID checks -----------------

RULE_UPDATE = """mutation($id: ID!, $input: DiscountRuleInput!) {
  discountRuleUpdate(id: $id, input: $input) {
    rule { name description } discountRuleErrors { field message code } } }"""
GROUP_SAVE = """mutation($input: CustomerGroupInput!) {
  customerGroupSave(input: $input) { group { name } discountRuleErrors { field message code } } }"""
SUBSCRIPTIONS = """query($first: Int) { productSubscriptions(first: $first) { id } }"""


@pytest.fixture
def rule_manager(db):
    return factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])


def test_item14_08_null_for_a_rule_field_leaves_it_as_it_is(api, rule_manager):
    rule = DiscountRule.objects.create(name="Ti", description="Ti prosent", kind="percentage",
                                       value=Decimal("10"))
    payload = api(rule_manager).data(RULE_UPDATE, {"id": gid("DiscountRule", rule.pk), "input": {
        "description": None, "isActive": None, "priority": None, "direction": None}})
    assert payload["discountRuleUpdate"]["discountRuleErrors"] == []
    rule.refresh_from_db()
    assert (rule.description, rule.is_active, rule.priority, rule.direction) == (
        "Ti prosent", True, 0, "discount")


@pytest.mark.parametrize("field, value", [("name", "x" * 121), ("description", "x" * 501),
                                          ("value", "10000000000"), ("value", "0.001")])
def test_item14_08_rule_values_its_columns_cannot_hold_are_typed_errors(
        api, rule_manager, field, value):
    payload = api(rule_manager).data(RULE_CREATE, {"input": dict(
        {"name": "Fast", "kind": "FIXED", "value": "10"}, **{field: value})})
    [error] = payload["discountRuleCreate"]["discountRuleErrors"]
    assert (error["field"], error["code"]) == (field, "INVALID")
    assert not DiscountRule.objects.exists()


def test_item14_08_a_condition_amount_beyond_its_column_is_a_typed_error(api, rule_manager):
    payload = api(rule_manager).data(RULE_CREATE, {"input": {
        "name": "Stor handel", "kind": "PERCENTAGE", "value": "5",
        "conditions": [{"type": "CART_AMOUNT_AT_LEAST", "amount": "1e12"}]}})
    [error] = payload["discountRuleCreate"]["discountRuleErrors"]
    assert (error["field"], error["code"]) == ("conditions.0", "INVALID")
    assert not DiscountRule.objects.exists()


def test_item14_08_a_customer_group_name_longer_than_its_column_is_a_typed_error(
        api, rule_manager):
    payload = api(rule_manager).data(GROUP_SAVE, {"input": {"name": "V" * 101}})
    [error] = payload["customerGroupSave"]["discountRuleErrors"]
    assert (error["field"], error["code"]) == ("name", "INVALID")


def test_item14_08_a_negative_first_lists_subscriptions_instead_of_failing(api, subscription):
    manager = factories.create_staff(permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])
    listed = api(manager).data(SUBSCRIPTIONS, {"first": -1})["productSubscriptions"]
    assert listed == [{"id": gid("ProductSubscription", subscription.pk)}]


REVIEW_CREATE = """mutation($productId: ID!) {
  productReviewCreate(productId: $productId, rating: 5, text: "God") {
    review { authorName } loyaltyErrors { field code } } }"""


def test_item14_08_a_review_by_a_customer_with_a_long_name_is_saved(api, shop):
    customer = factories.create_customer("kari@example.com", first_name="K" * 200,
                                         last_name="Nordmann")
    factories.create_order(customer, [(shop.coffee, 1)])
    payload = api(customer).data(REVIEW_CREATE, {"productId": gid(
        "Product", shop.coffee.product_id)})["productReviewCreate"]
    assert payload["loyaltyErrors"] == []
    assert payload["review"]["authorName"] == "K" * 100



def test_item14_08_a_mutation_whose_codes_lack_invalid_answers_graphql_error():
    """The rule answers INVALID; a mutation whose error codes lack it gets GRAPHQL_ERROR
    rather than a code its enum cannot serialise."""
    from types import SimpleNamespace

    import graphene
    from saleor.graphql.core.mutations import BaseMutation
    from saleor.graphql.core.types import Error

    from saleor_plugins.graphql.arguments import error_codes, refuse
    from saleor_plugins.klarna_instore.graphql.mutations import TillSaleCreate

    class LoginCode(graphene.Enum):
        GRAPHQL_ERROR = "graphql_error"
        LOCKED = "locked"

    class LoginError(Error):
        code = LoginCode(required=True)

    class Login(BaseMutation):
        class Arguments:
            email = graphene.String()

        class Meta:
            description = "A login whose error codes have no INVALID."
            error_type_class = LoginError
            error_type_field = "login_errors"

    assert error_codes(Login) == {"graphql_error", "locked"}
    assert "invalid" in error_codes(TillSaleCreate)
    info = SimpleNamespace(return_type=SimpleNamespace(graphene_type=Login))
    [error] = refuse(info, "email", "No NUL.").login_errors
    assert (error.field, error.code) == ("email", "graphql_error")


ADJUST = """mutation($userId: ID!, $points: Int!) {
  loyaltyPointsAdjust(userId: $userId, points: $points, reason: "Goodwill") {
    account { balance } loyaltyErrors { field message code } } }"""


@pytest.mark.parametrize("points", [True, False])
def test_item14_08_a_boolean_for_a_number_is_a_typed_error(api, all_plugins_active, points):
    """Found by the fuzz suite: graphql-core 2 takes JSON true as an Int."""
    from saleor_plugins.core.permissions import LoyaltyPermissions

    customer = factories.create_customer()
    staff = factories.create_staff(permissions=[LoyaltyPermissions.MANAGE_LOYALTY])
    before = database_fingerprint()
    payload = api(staff).data(ADJUST, {"userId": gid("User", customer.pk),
                                       "points": points})["loyaltyPointsAdjust"]
    assert payload["account"] is None
    [error] = payload["loyaltyErrors"]
    assert (error["field"], error["code"]) == ("points", "INVALID")
    assert database_fingerprint() == before
