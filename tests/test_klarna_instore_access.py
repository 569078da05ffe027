"""Who gets into the till and what the till shows: login lifetime, refresh, logout, the
page's Content-Security-Policy, customer search and the staff fields of an order."""
import json
import re
from datetime import datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from graphql_jwt.shortcuts import get_token
from saleor.account.models import User
from saleor.core.permissions import OrderPermissions
from saleor.order.models import Order

from saleor_plugins.klarna_instore.models import TillSale

from . import factories
from .till_helpers import (  # noqa: F401 (fixtures)
    CUSTOMER_SET,
    CUSTOMERS,
    REFRESH,
    SEND,
    configure_till,
    gid,
    till,
    till_on,
    till_staff,
)

LOGIN = """mutation($email: String!, $password: String!) {
  tillLogin(email: $email, password: $password) {
    token refreshToken expiresAt sessionExpiresAt tillErrors { field message code } } }"""
TOKEN_REFRESH = """mutation($refreshToken: String!) {
  tillTokenRefresh(refreshToken: $refreshToken) {
    token refreshToken expiresAt tillErrors { field message code } } }"""
LOGOUT = """mutation($refreshToken: String!) {
  tillLogout(refreshToken: $refreshToken) { loggedOut tillErrors { field message code } } }"""
SALEOR_TOKEN_REFRESH = """mutation($token: String!) { tokenRefresh(token: $token) { token } }"""
TILL_SALES = "{ tillSales { id } }"
ME = "{ me { email } }"


def post(query, variables=None, token=None):
    """One request to /graphql/ with exactly this token (or none)."""
    headers = {"HTTP_AUTHORIZATION": f"JWT {token}"} if token else {}
    response = Client().post(reverse("api"), json.dumps({"query": query,
                                                         "variables": variables or {}}),
                             content_type="application/json", **headers)
    assert response.status_code in (200, 400), response.content[:500]
    return response.json()


def exception_codes(content):
    return [((e.get("extensions") or {}).get("exception") or {}).get("code")
            for e in content.get("errors") or []]


def log_in(user, password="password"):
    result = post(LOGIN, {"email": user.email, "password": password})["data"]["tillLogin"]
    assert result["tillErrors"] == [], result
    return result


def works(token) -> bool:
    content = post(TILL_SALES, token=token)
    return "errors" not in content and content["data"]["tillSales"] == []


# -- item 14.04: till logins expire, refresh, and end on logout -----------------------------

def test_item14_04_till_token_is_short_lived_and_refused_once_expired(till_staff, till_on):
    login = log_in(till_staff)
    assert works(login["token"])
    lifetime = (datetime.fromisoformat(login["expiresAt"]) - timezone.now())
    assert timedelta(minutes=4) < lifetime <= timedelta(minutes=5)  # login_token_minutes
    assert datetime.fromisoformat(login["sessionExpiresAt"]) > timezone.now() + \
        timedelta(hours=11)

    from saleor_plugins.klarna_instore import sessions
    from saleor_plugins.klarna_instore.models import TillSession

    session = TillSession.objects.get(user=till_staff)
    # the same session's token, issued six minutes ago: its five minutes are over
    old, _expiry = sessions.access_token(session, till_staff, 5,
                                         now=timezone.now() - timedelta(minutes=6))
    content = post(TILL_SALES, token=old)
    assert exception_codes(content) == ["JSONWebTokenExpired"], content
    assert post(ME, token=old)["data"]["me"] is None  # refused everywhere, not only the till


def test_item14_04_refresh_gives_a_new_token_and_uses_up_the_old_refresh_token(
        till_staff, till_on):
    login = log_in(till_staff)
    renewed = post(TOKEN_REFRESH, {"refreshToken": login["refreshToken"]})["data"][
        "tillTokenRefresh"]
    assert renewed["tillErrors"] == [] and renewed["refreshToken"] != login["refreshToken"]
    assert works(renewed["token"])
    # the used refresh token again: someone holds a copy, so the login ends for both
    reused = post(TOKEN_REFRESH, {"refreshToken": login["refreshToken"]})["data"][
        "tillTokenRefresh"]
    assert [(e["field"], e["code"]) for e in reused["tillErrors"]] == [
        ("refreshToken", "TILL_SESSION_ENDED")]
    assert reused["token"] is None
    assert not works(renewed["token"])
    again = post(TOKEN_REFRESH, {"refreshToken": renewed["refreshToken"]})["data"][
        "tillTokenRefresh"]
    assert again["tillErrors"][0]["code"] == "TILL_SESSION_ENDED"


def test_item14_04_after_logout_the_old_token_is_refused(till_staff, till_on):
    login = log_in(till_staff)
    assert works(login["token"])
    result = post(LOGOUT, {"refreshToken": login["refreshToken"]})["data"]["tillLogout"]
    assert result == {"loggedOut": True, "tillErrors": []}
    content = post(TILL_SALES, token=login["token"])
    assert exception_codes(content) == ["JSONWebTokenError"], content
    refreshed = post(TOKEN_REFRESH, {"refreshToken": login["refreshToken"]})["data"][
        "tillTokenRefresh"]
    assert refreshed["tillErrors"][0]["code"] == "TILL_SESSION_ENDED"
    again = post(LOGOUT, {"refreshToken": login["refreshToken"]})["data"]["tillLogout"]
    assert again["loggedOut"] is False


def test_item14_04_a_till_token_cannot_be_swapped_for_a_lasting_one(till_staff, till_on):
    login = log_in(till_staff)
    content = post(SALEOR_TOKEN_REFRESH, {"token": login["token"]})
    assert content["data"]["tokenRefresh"] is None
    assert exception_codes(content) == ["JSONWebTokenError"], content


def test_item14_04_till_login_needs_the_password_and_the_till_permission(till_staff, till_on):
    wrong = post(LOGIN, {"email": till_staff.email, "password": "nope"})["data"]["tillLogin"]
    assert [(e["field"], e["code"]) for e in wrong["tillErrors"]] == [
        ("email", "TILL_INVALID_CREDENTIALS")] and wrong["token"] is None
    manager = factories.create_staff("leder@shop.example.com")
    refused = post(LOGIN, {"email": manager.email, "password": "password"})["data"]["tillLogin"]
    assert refused["tillErrors"][0]["code"] == "TILL_LOGIN_NOT_PERMITTED"
    configure_till(active=False)
    unlicensed = post(LOGIN, {"email": till_staff.email, "password": "password"})["data"][
        "tillLogin"]
    assert unlicensed["tillErrors"][0]["code"] == "TILL_NOT_LICENSED"
    from saleor_plugins.klarna_instore.models import TillSession

    assert TillSession.objects.count() == 0


def test_item14_04_password_change_ends_the_till_login(till_staff, till_on):
    login = log_in(till_staff)
    till_staff.set_password("another password")
    till_staff.save()
    refreshed = post(TOKEN_REFRESH, {"refreshToken": login["refreshToken"]})["data"][
        "tillTokenRefresh"]
    assert refreshed["tillErrors"][0]["code"] == "TILL_SESSION_ENDED"
    assert not works(login["token"])


def test_item14_04_storefront_tokens_keep_saleors_rules(till_staff, till_on, customer):
    """The deliberate choice (README): only till tokens are checked for expiry; a customer's
    tokenCreate token lives as Saleor 2.10 decides (JWT_VERIFY_EXPIRATION)."""
    from graphql_jwt.settings import jwt_settings

    payload = jwt_settings.JWT_PAYLOAD_HANDLER(customer)
    payload["exp"] = int((timezone.now() - timedelta(hours=1)).timestamp())
    old = jwt_settings.JWT_ENCODE_HANDLER(payload)
    assert post(ME, token=old)["data"]["me"] == {"email": customer.email}
    assert post(ME, token=get_token(customer))["data"]["me"] == {"email": customer.email}


def test_item14_04_till_page_sends_a_strict_content_security_policy(till_on):
    response = Client().get("/till/?lang=en")
    policy = dict(part.strip().split(" ", 1) for part in
                  response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'"
    assert not any("unsafe" in value for value in policy.values())
    assert response["X-Frame-Options"] == "DENY" and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    # nothing inline for the policy to allow: no inline script, style element or attribute
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert [attrs for attrs, body in scripts if body.strip() and "application/json" not in attrs] \
        == []
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<[^>]+\son\w+=", html)  # no inline event handlers
    for name, content_type in (("till.js", "text/javascript"), ("till.css", "text/css")):
        url = re.search(rf'"(/till/assets/{re.escape(name)}\?v=\w+)"', html).group(1)
        asset = Client().get(url)
        assert asset.status_code == 200 and asset["Content-Type"].startswith(content_type)
        assert asset["X-Content-Type-Options"] == "nosniff"
    assert Client().get("/till/assets/till.html").status_code == 404


# -- item 14.05: the till's customer search -----------------------------------------------

def search(till, text, first=None):
    variables = {"search": text} if first is None else {"search": text, "first": first}
    query = CUSTOMERS.replace("$search: String!", "$search: String!, $first: Int").replace(
        "search: $search", "search: $search, first: $first") if first is not None else CUSTOMERS
    return till.client.execute(query, variables)


def test_item14_05_customer_search_lists_customers_only(till, customer):
    factories.create_staff("sjef@example.com", permissions=["saleor_plugins.use_till"])
    factories.create_staff("lager@example.com")
    found = search(till, "example.com")["data"]["tillCustomers"]
    assert [c["email"] for c in found] == ["kari@example.com"]
    assert search(till, "shop.example")["data"]["tillCustomers"] == []  # the till's own staff
    assert search(till, "sjef")["data"]["tillCustomers"] == []


def test_item14_05_customer_search_needs_three_characters(till, customer):
    for text in ("@", "a", "ka", " k  a "):
        content = search(till, text)
        assert content["data"] is None, text
        assert "at least 3 characters" in content["errors"][0]["message"], content
    assert [c["email"] for c in search(till, "kar")["data"]["tillCustomers"]] == [
        "kari@example.com"]
    # a shorter number is an exact customer number, never part of a name or an e-mail
    factories.create_customer("nummer42@example.com")
    found = [c["customerNumber"] for c in search(till, "42")["data"]["tillCustomers"]]
    assert found == (["42"] if User.objects.filter(pk=42, is_staff=False).exists() else [])


def test_item14_05_customer_search_is_capped(till):
    for number in range(25):
        factories.create_customer(f"kunde{number:02d}@example.com")
    assert len(search(till, "kunde")["data"]["tillCustomers"]) == 10
    assert len(search(till, "kunde", first=100)["data"]["tillCustomers"]) == 20


def test_item14_05_a_staff_account_cannot_be_the_customer(till, till_staff, customer):
    till.start()
    error = till.error(CUSTOMER_SET, customerId=gid("User", till_staff.pk))
    assert (error["field"], error["code"]) == ("customerId", "NOT_FOUND")
    assert TillSale.objects.get().customer is None
    assert till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))["email"] == customer.email


# -- item 14.06: staff fields of an order only for staff ----------------------------------

ORDER_BY_TOKEN = """query($token: UUID!) { orderByToken(token: $token) {
  tillSale { saleId tillName staffName staffEmail } metadata { key value } } }"""


def paid_till_order(till, shop, customer, klarna):
    till.start()
    till.add(shop.coffee)
    till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))
    till.ok(SEND)
    klarna.hpp_action(klarna.outbox[0]["session_id"], "pay")
    assert till.ok(REFRESH)["status"] == "PAID"
    return Order.objects.get()


def test_item14_06_order_by_token_shows_no_staff_member(api, till, till_staff, shop, customer,
                                                       klarna):
    order = paid_till_order(till, shop, customer, klarna)
    for who in (None, customer):  # anyone with the token (it is in the receipt link), the buyer
        content = api(who).data(ORDER_BY_TOKEN, {"token": str(order.token)})
        shown = content["orderByToken"]["tillSale"]
        assert shown["tillName"] == "Disk 1"
        assert (shown["staffName"], shown["staffEmail"]) == (None, None)
        assert till_staff.email not in json.dumps(content), content
    mine = api(customer).data("{ me { orders(first: 1) { edges { node { tillSale { "
                              "staffName staffEmail } } } } } }")
    assert mine["me"]["orders"]["edges"][0]["node"]["tillSale"] == {
        "staffName": None, "staffEmail": None}
    for staff in (factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]),
                  till_staff):
        shown = api(staff).data(ORDER_BY_TOKEN, {"token": str(order.token)})["orderByToken"]
        assert shown["tillSale"]["staffEmail"] == till_staff.email
    assert factories.create_staff().has_perms(["order.manage_orders"]) is False
    plain_staff = api(factories.create_staff()).data(ORDER_BY_TOKEN, {"token": str(order.token)})
    assert plain_staff["orderByToken"]["tillSale"]["staffEmail"] is None
    # the private metadata keeps who sold it, for the shop
    assert order.private_metadata["saleor_plugins.till"]["staff"] == till_staff.email


def test_item14_06_migration_drops_staff_from_orders_public_metadata(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "saleor_plugins.klarna_instore.migrations.0003_order_metadata_without_staff")
    order = factories.create_order()
    order.metadata = {"saleor_plugins.till": {"till": "Disk 1", "staff": "kasse@shop.example.com"},
                      "other": {"staff": "kept"}}
    order.save(update_fields=["metadata"])
    migration.drop_staff_from_public_metadata(apps, None)
    order.refresh_from_db()
    assert order.metadata == {"saleor_plugins.till": {"till": "Disk 1"},
                              "other": {"staff": "kept"}}
