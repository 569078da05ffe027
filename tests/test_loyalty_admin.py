"""Welcome, review and referral points; staff adjust and exclude; who may do what."""
import pytest
from graphene import Node
from saleor.account.models import User
from saleor.core.permissions import AccountPermissions

from saleor_plugins.core.permissions import LoyaltyPermissions
from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import LedgerEntry, LoyaltyAccount, ProductReview

from . import factories
from .graphql_client import is_permission_denied
from .loyalty_helpers import ME, checkout_with_shipping, configure, give_points, pay_and_complete

ADJUST = """
mutation($userId: ID!, $points: Int!, $reason: String!, $key: String) {
  loyaltyPointsAdjust(userId: $userId, points: $points, reason: $reason, idempotencyKey: $key) {
    account { balance history { kind points reason staffEmail } }
    loyaltyErrors { field message code availablePoints }
  }
}"""
EXCLUDE = """
mutation($userId: ID!, $excluded: Boolean!) {
  loyaltyCustomerExclude(userId: $userId, excluded: $excluded) {
    account { excluded } loyaltyErrors { field code }
  }
}"""
PRODUCT_UPDATE = """
mutation($productId: ID!) {
  loyaltyProductUpdate(productId: $productId, earnsPoints: false, redeemable: false) {
    earnsPoints redeemable loyaltyErrors { field code }
  }
}"""
ACCOUNT = """
query($userId: ID!) { loyaltyAccount(userId: $userId) {
  balance userEmail history { kind points reason staffEmail } } }"""
REVIEWS = "{ productReviews(status: PENDING) { id rating text authorName status } }"
REVIEW_CREATE = """
mutation($productId: ID!, $rating: Int!, $text: String) {
  productReviewCreate(productId: $productId, rating: $rating, text: $text) {
    review { id rating status } loyaltyErrors { field message code }
  }
}"""
REVIEW_MODERATE = """
mutation($id: ID!, $approve: Boolean!) {
  productReviewModerate(id: $id, approve: $approve) {
    review { status } pointsAwarded loyaltyErrors { field code }
  }
}"""
PRODUCT = """
query($id: ID!) { product(id: $id) { loyaltyPoints reviews { rating text authorName }
  rating { average count } } }"""
REFERRAL = """
mutation($code: String!) { loyaltyReferralClaim(code: $code) {
  account { referralCode } loyaltyErrors { field message code } } }"""


@pytest.fixture
def loyalty(all_plugins_active):
    configure(welcome_points=50, review_points=25, referral_points=100)


@pytest.fixture
def manager():
    return factories.create_staff(permissions=[LoyaltyPermissions.MANAGE_LOYALTY])


def gid(type_name, pk):
    return Node.to_global_id(type_name, pk)


def test_welcome_bonus_on_registration_and_on_staff_created_customers(api, loyalty):
    registered = api().data("""mutation { accountRegister(input: {email: "ny@example.com",
        password: "S3cret-pass!",
        redirectUrl: "http://shop.example.com/confirm"}) { accountErrors { field code } } }""")["accountRegister"]
    assert registered["accountErrors"] == []
    user = User.objects.get(email="ny@example.com")
    account = LoyaltyAccount.objects.get(user=user)
    assert account.balance == 50 and len(account.referral_code) == 8
    staff = api(factories.create_staff(permissions=[AccountPermissions.MANAGE_USERS]))
    created = staff.data("""mutation { customerCreate(input: {email: "butikk@example.com"}) {
        accountErrors { field code } } }""")["customerCreate"]
    assert created["accountErrors"] == []
    assert LoyaltyAccount.objects.get(user__email="butikk@example.com").balance == 50
    assert [e.kind for e in LedgerEntry.objects.all()] == ["earn_signup", "earn_signup"]


def test_staff_adjust_with_reason_and_once_per_key(api, loyalty, customer, manager):
    staff = api(manager)
    variables = {"userId": gid("User", customer.pk), "points": 120,
                 "reason": "Damaged parcel", "key": "ticket-77"}
    first = staff.data(ADJUST, variables)["loyaltyPointsAdjust"]
    again = staff.data(ADJUST, variables)["loyaltyPointsAdjust"]
    assert first["loyaltyErrors"] == [] and again["loyaltyErrors"] == []
    assert again["account"]["balance"] == 120
    assert again["account"]["history"] == [{"kind": "ADJUST", "points": 120,
                                           "reason": "Damaged parcel",
                                           "staffEmail": manager.email}]
    too_much = staff.data(ADJUST, dict(variables, points=-500, key=None)
                          )["loyaltyPointsAdjust"]
    assert too_much["loyaltyErrors"] == [{
        "field": "points", "code": "INSUFFICIENT_POINTS", "availablePoints": 120,
        "message": "The customer has only 120 points."}]
    no_reason = staff.data(ADJUST, dict(variables, reason="  ", key=None))["loyaltyPointsAdjust"]
    assert no_reason["loyaltyErrors"][0]["code"] == "REQUIRED"
    bad_id = staff.data(ADJUST, dict(variables, userId="nope"))["loyaltyPointsAdjust"]
    assert bad_id["loyaltyErrors"][0]["code"] == "GRAPHQL_ERROR"
    shown = staff.data(ACCOUNT, {"userId": gid("User", customer.pk)})["loyaltyAccount"]
    assert shown["balance"] == 120 and shown["userEmail"] == customer.email
    # the customer sees the reason but not who made the change
    mine = api(customer).data(ME)["me"]["loyalty"]["history"]
    assert mine[0]["reason"] == "Damaged parcel"
    assert ledger.check_account(LoyaltyAccount.objects.get(user=customer))


def test_reviews_only_by_buyers_approved_by_staff_earn_points_once(api, loyalty, shop, customer,
                                                                   manager):
    product_id = gid("Product", shop.coffee.product_id)
    client = api(customer)
    not_bought = client.data(REVIEW_CREATE, {"productId": product_id, "rating": 5}
                             )["productReviewCreate"]
    assert not_bought["loyaltyErrors"][0]["code"] == "NOT_PURCHASED"
    assert pay_and_complete(client, checkout_with_shipping(client, shop))["checkoutErrors"] == []
    balance = client.data(ME)["me"]["loyalty"]["balance"]
    bad = client.data(REVIEW_CREATE, {"productId": product_id, "rating": 6})
    assert bad["productReviewCreate"]["loyaltyErrors"][0]["field"] == "rating"
    created = client.data(REVIEW_CREATE, {"productId": product_id, "rating": 4,
                                          "text": "God kaffe"})["productReviewCreate"]
    assert created["loyaltyErrors"] == [] and created["review"]["status"] == "PENDING"
    twice = client.data(REVIEW_CREATE, {"productId": product_id, "rating": 5})
    assert twice["productReviewCreate"]["loyaltyErrors"][0]["code"] == "UNIQUE"
    assert client.data(PRODUCT, {"id": product_id})["product"]["reviews"] == []
    staff = api(manager)
    assert [r["text"] for r in staff.data(REVIEWS)["productReviews"]] == ["God kaffe"]
    review_id = created["review"]["id"]
    approved = staff.data(REVIEW_MODERATE, {"id": review_id, "approve": True}
                          )["productReviewModerate"]
    assert approved["pointsAwarded"] == 25 and approved["review"]["status"] == "APPROVED"
    staff.data(REVIEW_MODERATE, {"id": review_id, "approve": True})  # approving again
    assert client.data(ME)["me"]["loyalty"]["balance"] == balance + 25
    product = api().data(PRODUCT, {"id": product_id})["product"]
    assert product["reviews"] == [{"rating": 4, "text": "God kaffe", "authorName": "Kari N."}]
    assert product["rating"] == {"average": 4.0, "count": 1}
    assert product["loyaltyPoints"] == 129


def test_referral_rewards_both_when_the_first_order_is_paid(api, loyalty, shop, customer):
    referrer = factories.create_customer()
    code = ledger.account_for(referrer).referral_code
    client = api(customer)
    own = client.data(REFERRAL, {"code": ledger.account_for(customer).referral_code})
    assert own["loyaltyReferralClaim"]["loyaltyErrors"][0]["code"] == "INVALID"
    wrong = client.data(REFERRAL, {"code": "NOPE"})["loyaltyReferralClaim"]
    assert wrong["loyaltyErrors"][0]["code"] == "NOT_FOUND"
    claimed = client.data(REFERRAL, {"code": code.lower()})["loyaltyReferralClaim"]
    assert claimed["loyaltyErrors"] == []
    again = client.data(REFERRAL, {"code": code})["loyaltyReferralClaim"]
    assert again["loyaltyErrors"][0]["code"] == "ALREADY_REFERRED"
    assert pay_and_complete(client, checkout_with_shipping(client, shop))["checkoutErrors"] == []
    assert pay_and_complete(client, checkout_with_shipping(client, shop))["checkoutErrors"] == []
    assert LoyaltyAccount.objects.get(user=referrer).balance == 100
    assert client.data(ME)["me"]["loyalty"]["balance"] == 476 * 2 + 100
    late = api(factories.create_customer())
    give_points(referrer, 1)
    assert late.data(REFERRAL, {"code": code})["loyaltyReferralClaim"]["loyaltyErrors"] == []


def test_excluded_customers_earn_nothing_more(api, loyalty, shop, customer, manager):
    excluded = api(manager).data(EXCLUDE, {"userId": gid("User", customer.pk), "excluded": True}
                                 )["loyaltyCustomerExclude"]
    assert excluded["account"] == {"excluded": True}
    client = api(customer)
    assert pay_and_complete(client, checkout_with_shipping(client, shop))["checkoutErrors"] == []
    assert client.data(ME)["me"]["loyalty"]["balance"] == 0


def test_products_can_be_left_out_of_earning(api, loyalty, shop, customer, manager):
    product_id = gid("Product", shop.coffee.product_id)
    updated = api(manager).data(PRODUCT_UPDATE, {"productId": product_id}
                                )["loyaltyProductUpdate"]
    assert updated == {"earnsPoints": False, "redeemable": False, "loyaltyErrors": []}
    assert api().data(PRODUCT, {"id": product_id})["product"]["loyaltyPoints"] == 0
    client = api(customer)
    assert pay_and_complete(client, checkout_with_shipping(client, shop))["checkoutErrors"] == []
    assert client.data(ME)["me"]["loyalty"]["balance"] == 89  # the mug only


def staff_operations(customer, review):
    user_id = gid("User", customer.pk)
    return [
        ("loyaltyAccount", ACCOUNT, {"userId": user_id}),
        ("productReviews", REVIEWS, {}),
        ("loyaltyPointsAdjust", ADJUST, {"userId": user_id, "points": 5, "reason": "x"}),
        ("loyaltyCustomerExclude", EXCLUDE, {"userId": user_id, "excluded": True}),
        ("loyaltyProductUpdate", PRODUCT_UPDATE,
         {"productId": gid("Product", review.product_id)}),
        ("productReviewModerate", REVIEW_MODERATE,
         {"id": gid("ProductReview", review.pk), "approve": True}),
    ]


@pytest.mark.parametrize("role", ["anonymous", "customer", "staff_without", "staff_with"])
def test_permission_matrix(api, loyalty, shop, customer, manager, role):
    review = ProductReview.objects.create(product=shop.coffee.product, user=customer, rating=5)
    give_points(customer, 10)
    requester = {"anonymous": None, "customer": customer,
                 "staff_without": factories.create_staff(), "staff_with": manager}[role]
    client = api(requester)
    for name, query, variables in staff_operations(customer, review):
        content = client.execute(query, variables)
        if role == "staff_with":
            assert "errors" not in content, (name, content)
            errors = content["data"][name].get("loyaltyErrors") \
                if isinstance(content["data"][name], dict) else None
            assert not errors, (name, errors)
        else:
            assert is_permission_denied(content), (name, role, content)
    account = LoyaltyAccount.objects.get(user=customer)
    review.refresh_from_db()
    if role == "staff_with":
        assert account.balance == 15 and account.excluded
        assert review.status == ProductReview.APPROVED
    else:
        assert account.balance == 10 and not account.excluded
        assert review.status == ProductReview.PENDING
    # customer-only operations: anonymous is refused; a customer acts only for themselves
    review_create = client.execute(REVIEW_CREATE, {
        "productId": gid("Product", review.product_id), "rating": 3})
    claim = client.execute(REFERRAL, {"code": account.referral_code})
    if role == "anonymous":
        assert is_permission_denied(review_create) and is_permission_denied(claim)
    else:
        errors = review_create["data"]["productReviewCreate"]["loyaltyErrors"]
        assert errors[0]["code"] in ("NOT_PURCHASED", "UNIQUE")
        claim_errors = claim["data"]["loyaltyReferralClaim"]["loyaltyErrors"]
        assert [e["code"] for e in claim_errors] == (["INVALID"] if role == "customer" else [])
    me = client.execute(ME)
    if role == "anonymous":
        assert me["data"]["me"] is None
    elif role == "customer":
        assert me["data"]["me"]["loyalty"]["balance"] in (10, 15)
    else:
        assert me["data"]["me"]["loyalty"]["balance"] == 0  # their own account, not the customer's


def test_plugin_settings_are_validated(api, all_plugins_active):
    from saleor.core.permissions import PluginsPermissions

    staff = api(factories.create_staff(permissions=[PluginsPermissions.MANAGE_PLUGINS]))
    result = staff.data("""mutation { pluginUpdate(id: "saleor_plugins.loyalty", input: {
        configuration: [{name: "point_value", value: "abc"},
                        {name: "earn_when", value: "shipped"}]}) {
        pluginsErrors { field code } } }""")["pluginUpdate"]
    assert {e["field"] for e in result["pluginsErrors"]} == {"pointValue", "earnWhen"}


CANCEL = """mutation($id: ID!) { orderCancel(id: $id) { orderErrors { field message code } } }"""
REFUND = """mutation($id: ID!, $amount: Decimal!) { orderRefund(id: $id, amount: $amount) {
    orderErrors { field message code } } }"""


def referred_first_order(api, shop, customer):
    from saleor.order.models import Order

    referrer = factories.create_customer()
    code = ledger.account_for(referrer).referral_code
    client = api(customer)
    assert client.data(REFERRAL, {"code": code})["loyaltyReferralClaim"]["loyaltyErrors"] == []
    completed = pay_and_complete(client, checkout_with_shipping(client, shop))
    assert completed["checkoutErrors"] == []
    assert LoyaltyAccount.objects.get(user=referrer).balance == 100
    assert client.data(ME)["me"]["loyalty"]["balance"] == 476 + 100
    return client, referrer, Order.objects.get(token=completed["order"]["token"])


@pytest.mark.parametrize("undo,referrer_left,customer_left", [
    ("cancel", 0, 0),
    ("refund", 80, 476 - 95 + 80),  # 105.10 of 525.50 refunded: 20 % of every point
])
def test_item14_14_referral_points_are_reversed_with_the_first_order(
        api, loyalty, shop, customer, undo, referrer_left, customer_left):
    from saleor.core.permissions import OrderPermissions

    client, referrer, order = referred_first_order(api, shop, customer)
    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    variables = {"id": gid("Order", order.pk)}
    if undo == "cancel":
        assert staff.data(CANCEL, variables)["orderCancel"]["orderErrors"] == []
    else:
        assert staff.data(REFUND, dict(variables, amount="105.10")
                          )["orderRefund"]["orderErrors"] == []
    referrer_account = LoyaltyAccount.objects.get(user=referrer)
    assert referrer_account.balance == referrer_left
    assert client.data(ME)["me"]["loyalty"]["balance"] == customer_left
    # the referral was the first order's: a later order brings none back
    assert pay_and_complete(client, checkout_with_shipping(client, shop))["checkoutErrors"] == []
    referrer_account.refresh_from_db()
    assert referrer_account.balance == referrer_left
    assert client.data(ME)["me"]["loyalty"]["balance"] == customer_left + 476
    for account in LoyaltyAccount.objects.all():
        assert ledger.check_account(account)


def test_item14_15_a_review_rejected_after_approval_loses_its_points(
        api, loyalty, shop, customer, manager):
    product_id = gid("Product", shop.coffee.product_id)
    client = api(customer)
    assert pay_and_complete(client, checkout_with_shipping(client, shop))["checkoutErrors"] == []
    assert client.data(ME)["me"]["loyalty"]["balance"] == 476
    created = client.data(REVIEW_CREATE, {"productId": product_id, "rating": 5}
                          )["productReviewCreate"]
    review_id = created["review"]["id"]
    staff = api(manager)

    def moderate(approve):
        result = staff.data(REVIEW_MODERATE, {"id": review_id, "approve": approve}
                            )["productReviewModerate"]
        assert result["loyaltyErrors"] == []
        return result["pointsAwarded"], client.data(ME)["me"]["loyalty"]["balance"]

    assert moderate(True) == (25, 476 + 25)
    assert moderate(False) == (0, 476)
    assert moderate(False) == (0, 476)  # rejecting again takes nothing more
    assert moderate(True) == (25, 476 + 25)  # approved again: its points again, once
    assert moderate(True) == (25, 476 + 25)
    # points already spent: rejecting takes them all the same, the next points pay it off
    account = LoyaltyAccount.objects.get(user=customer)
    ledger.adjust(account, -(476 + 25), "Spent at the shop", None)
    assert moderate(False) == (0, -25)
    give_points(customer, 100)
    account.refresh_from_db()
    assert account.balance == 75 and ledger.check_account(account)
    lots = LedgerEntry.objects.filter(account=account).values_list("remaining", flat=True)
    assert sum(lots) == 75
