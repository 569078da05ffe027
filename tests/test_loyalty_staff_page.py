"""The loyalty staff page as the server renders it, and the API it added: staff searches for
customers and products, a customer's orders with their points, reviews' product names."""
import pytest
from django.test import Client
from graphene import Node
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.core.permissions import LoyaltyPermissions
from saleor_plugins.loyalty.models import LoyaltyAccount, ProductPointsSetting, ProductReview
from saleor_plugins.loyalty.plugin import LoyaltyPlugin

from . import factories
from .graphql_client import is_permission_denied
from .loyalty_helpers import checkout_with_shipping, configure, give_points, pay_and_complete
from .page_checks import catalogue, english_texts, page_texts, untranslated

URL = "/staff/loyalty/"
CUSTOMERS = """query($search: String!, $first: Int) { loyaltyCustomers(search: $search, first: $first) {
  id email firstName lastName balance excluded } }"""
PRODUCTS = """query($search: String!) { loyaltyProducts(search: $search) {
  id name earnsPoints redeemable } }"""
ORDERS = """query($userId: ID!, $first: Int, $offset: Int) { loyaltyAccount(userId: $userId) {
  orders(first: $first, offset: $offset) { orderId number createdAt total { amount currency }
    loyalty { pointsEarned earnedStatus pointsRedeemed pointsReversed pointsReturned } } } }"""
MY_ORDERS = "{ me { loyalty { orders { number loyalty { pointsEarned } } } } }"
REVIEWS = """query($first: Int, $offset: Int) { productReviews(status: PENDING, first: $first,
  offset: $offset) { id productName authorName } }"""
PRODUCT_UPDATE = """mutation($productId: ID!, $earnsPoints: Boolean) {
  loyaltyProductUpdate(productId: $productId, earnsPoints: $earnsPoints) {
    earnsPoints loyaltyErrors { field code } } }"""


@pytest.fixture
def loyalty(all_plugins_active):
    configure()


@pytest.fixture
def manager():
    return factories.create_staff(permissions=[LoyaltyPermissions.MANAGE_LOYALTY])


def gid(type_name, pk):
    return Node.to_global_id(type_name, pk)


def render(language="en"):
    response = Client().get(URL, {"lang": language})
    assert response.status_code == 200
    return response, response.content.decode()


# --- the page ------------------------------------------------------------------------------

def test_the_page_is_served_under_a_strict_policy_with_its_own_assets(loyalty):
    response, html = render()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "require-trusted-types-for 'script'" in policy and "frame-ancestors 'self'" in policy
    assert response["Cache-Control"] == "no-store"
    assert "<script>" not in html and " style=" not in html  # nothing inline
    assert '"permission": "MANAGE_LOYALTY"' in html
    for name in ("loyalty.js", "loyalty.css"):
        url = html.split(f'/pages/assets/loyalty/{name}?v=')[1].split('"')[0]
        asset = Client().get(f"/pages/assets/loyalty/{name}", {"v": url})
        assert asset.status_code == 200 and "immutable" in asset["Cache-Control"]
    texts = english_texts(html)
    assert {"Find a customer", "Adjust points", "Points on each order", "Reviews"} <= texts


@pytest.mark.parametrize("language", ["nb", "sv", "da", "de"])
def test_the_page_shows_nothing_in_english(loyalty, language):
    _, html = render(language)
    assert f'<html lang="{language}">' in html
    assert untranslated(html, language) == []
    texts, script_texts = page_texts(html)
    translations = catalogue(language)
    assert translations["Find a customer"] in texts
    assert translations["Review approved. Its author holds %(points)s points for it."] \
        in script_texts


def test_a_shop_without_loyalty_sees_it_switched_off(db):
    PluginConfiguration.objects.update_or_create(
        identifier=LoyaltyPlugin.PLUGIN_ID,
        defaults={"name": LoyaltyPlugin.PLUGIN_NAME, "active": False,
                  "configuration": LoyaltyPlugin.DEFAULT_CONFIGURATION})
    _, html = render()
    assert "This feature is switched off for this shop." in html
    assert "loyalty.js" not in html and 'id="customer-search-form"' not in html


# --- finding customers -----------------------------------------------------------------------

def test_staff_find_customers_by_e_mail_or_name_with_their_points(api, loyalty, manager):
    kari = factories.create_customer("kari@example.com", first_name="Kari", last_name="Nordmann")
    factories.create_customer("kari.berg@example.com", first_name="Kari", last_name="Berg")
    factories.create_customer("ola@example.com", first_name="Ola", last_name="Nordmann")
    factories.create_staff("kari.staff@example.com")  # staff are not customers
    give_points(kari, 40)
    LoyaltyAccount.objects.filter(user=kari).update(excluded=True)
    staff = api(manager)
    found = staff.data(CUSTOMERS, {"search": "kari"})["loyaltyCustomers"]
    assert [c["email"] for c in found] == ["kari.berg@example.com", "kari@example.com"]
    assert found[1] == {"id": gid("User", kari.pk), "email": "kari@example.com",
                        "firstName": "Kari", "lastName": "Nordmann", "balance": 40,
                        "excluded": True}
    assert found[0]["balance"] == 0 and found[0]["excluded"] is False  # no account yet
    both_words = staff.data(CUSTOMERS, {"search": " KARI   nord "})["loyaltyCustomers"]
    assert [c["email"] for c in both_words] == ["kari@example.com"]
    assert len(staff.data(CUSTOMERS, {"search": "example", "first": 2})["loyaltyCustomers"]) == 2
    assert not LoyaltyAccount.objects.filter(user__email="kari.berg@example.com").exists()


@pytest.mark.parametrize("search", ["", "k", "  k  "])
def test_a_search_too_short_is_a_typed_error(api, loyalty, manager, search):
    content = api(manager, language="de").execute(CUSTOMERS, {"search": search})
    [error] = content["errors"]
    assert error["extensions"]["field"] == "search" and error["extensions"]["code"] == "INVALID"
    assert error["message"] == "search: Geben Sie mindestens 2 Zeichen ein."
    products = api(manager).execute(PRODUCTS, {"search": search})
    assert products["errors"][0]["extensions"]["field"] == "search"


@pytest.mark.parametrize("role", ["anonymous", "customer", "staff_without", "staff_with"])
def test_only_loyalty_staff_may_search(api, loyalty, shop, customer, manager, role):
    requester = {"anonymous": None, "customer": customer,
                 "staff_without": factories.create_staff(), "staff_with": manager}[role]
    client = api(requester)
    customers = client.execute(CUSTOMERS, {"search": "kari"})
    products = client.execute(PRODUCTS, {"search": "kaffe"})
    orders = client.execute(ORDERS, {"userId": gid("User", customer.pk)})
    if role == "staff_with":
        assert customers["data"]["loyaltyCustomers"][0]["email"] == customer.email
        assert products["data"]["loyaltyProducts"][0]["name"] == "Kaffe Fjell"
        assert orders["data"]["loyaltyAccount"]["orders"] == []
    else:
        for content in (customers, products, orders):
            assert is_permission_denied(content), (role, content)
            assert customer.email not in str(content.get("data"))


# --- products --------------------------------------------------------------------------------

def test_staff_find_products_by_name_or_sku_with_their_switches(api, loyalty, shop, manager):
    staff = api(manager)
    coffee_id = gid("Product", shop.coffee.product_id)
    assert staff.data(PRODUCTS, {"search": "kaffe"})["loyaltyProducts"] == [
        {"id": coffee_id, "name": "Kaffe Fjell", "earnsPoints": True, "redeemable": True}]
    by_sku = staff.data(PRODUCTS, {"search": "krus-"})["loyaltyProducts"]
    assert [p["name"] for p in by_sku] == ["Krus"]
    switched = staff.data(PRODUCT_UPDATE, {"productId": coffee_id, "earnsPoints": False})
    assert switched["loyaltyProductUpdate"] == {"earnsPoints": False, "loyaltyErrors": []}
    assert staff.data(PRODUCTS, {"search": "fjell"})["loyaltyProducts"][0] == {
        "id": coffee_id, "name": "Kaffe Fjell", "earnsPoints": False, "redeemable": True}
    assert ProductPointsSetting.objects.get().earns_points is False
    assert staff.data(PRODUCTS, {"search": "nothing like it"})["loyaltyProducts"] == []


# --- points on each order --------------------------------------------------------------------

def test_staff_see_the_points_of_each_order_of_a_customer(api, loyalty, shop, customer,
                                                          manager):
    client = api(customer)
    for _ in range(2):
        assert pay_and_complete(client, checkout_with_shipping(client, shop)
                                )["checkoutErrors"] == []
    factories.create_order(customer, [(shop.mug, 1)])  # placed without the programme
    factories.create_order(factories.create_customer(), [(shop.mug, 1)])  # someone else's
    staff = api(manager)
    orders = staff.data(ORDERS, {"userId": gid("User", customer.pk)}
                        )["loyaltyAccount"]["orders"]
    assert len(orders) == 3
    assert orders[0]["loyalty"] is None  # the newest: no points recorded
    assert [o["loyalty"] for o in orders[1:]] == [
        {"pointsEarned": 476, "earnedStatus": "POSTED", "pointsRedeemed": 0,
         "pointsReversed": 0, "pointsReturned": 0}] * 2
    assert orders[1]["total"] == {"amount": 525.5, "currency": "NOK"}
    assert int(orders[1]["number"]) > int(orders[2]["number"])
    page = staff.data(ORDERS, {"userId": gid("User", customer.pk), "first": 1, "offset": 2}
                      )["loyaltyAccount"]["orders"]
    assert [o["number"] for o in page] == [orders[2]["number"]]
    mine = client.data(MY_ORDERS)["me"]["loyalty"]["orders"]
    assert [o["number"] for o in mine] == [o["number"] for o in orders]


# --- the review queue ------------------------------------------------------------------------

def test_the_review_queue_names_the_product_and_pages(api, loyalty, shop, manager):
    authors = [factories.create_customer() for _ in range(3)]
    for number, author in enumerate(authors):
        ProductReview.objects.create(product=shop.coffee.product, user=author, rating=4,
                                     author_name=f"Author {number}")
    staff = api(manager)
    first = staff.data(REVIEWS, {"first": 2, "offset": 0})["productReviews"]
    rest = staff.data(REVIEWS, {"first": 2, "offset": 2})["productReviews"]
    assert [r["authorName"] for r in first + rest] == ["Author 2", "Author 1", "Author 0"]
    assert {r["productName"] for r in first + rest} == {"Kaffe Fjell"}
    assert staff.data(REVIEWS, {"first": 2, "offset": -5})["productReviews"] == first
