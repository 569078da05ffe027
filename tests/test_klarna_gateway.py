"""Klarna as Saleor's payment gateway, driven through /graphql/ against the simulator."""
from decimal import Decimal

import pytest
from graphene import Node
from saleor.core.permissions import OrderPermissions, PluginsPermissions
from saleor.order.models import Order
from saleor.payment import ChargeStatus
from saleor.payment.models import Payment

from saleor_plugins.klarna import sessions
from saleor_plugins.klarna.models import KlarnaCustomerToken, KlarnaOrder, KlarnaPaymentSession

from . import factories
from .checkout_helpers import (
    CHECKOUT_COMPLETE,
    LINES_ADD,
    PAYMENT_CREATE,
    SHIPPING_UPDATE,
    create_checkout,
)
from .conftest import KLARNA_PASSWORD

GATEWAY = "saleor_plugins.klarna"

SESSION_CREATE = """
mutation($checkoutId: ID!) {
  klarnaSessionCreate(checkoutId: $checkoutId) {
    session {
      sessionId clientToken intent gateway expiresAt
      amount { amount currency }
      paymentMethodCategories { identifier name standardAssetUrl }
    }
    klarnaErrors { field message code }
  }
}"""

ORDER_ACTION = """
mutation($id: ID!, $amount: Decimal!) {
  %s(id: $id, amount: $amount) {
    order { paymentStatus totalCaptured { amount } }
    orderErrors { field message code }
  }
}"""

ORDER_VOID = """
mutation($id: ID!) {
  orderVoid(id: $id) {
    order { paymentStatus }
    orderErrors { field message code }
  }
}"""


def start_checkout(client, shop, lines=None):
    checkout = create_checkout(client, lines or [(shop.coffee, 3), (shop.mug, 1)])
    shipping = client.data(SHIPPING_UPDATE, {
        "checkoutId": checkout["id"],
        "shippingMethodId": Node.to_global_id("ShippingMethod", shop.shipping_method.pk),
    })["checkoutShippingMethodUpdate"]
    assert shipping["checkoutErrors"] == []
    checkout["total"] = Decimal(str(shipping["checkout"]["totalPrice"]["gross"]["amount"]))
    return checkout


def open_session(client, checkout):
    result = client.data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
    assert result["klarnaErrors"] == [], result
    return result["session"]


def pay(client, checkout, token, amount=None):
    result = client.data(PAYMENT_CREATE, {
        "checkoutId": checkout["id"],
        "input": {"gateway": GATEWAY, "token": token, "amount": str(amount or checkout["total"])},
    })["checkoutPaymentCreate"]
    assert result["paymentErrors"] == []
    return client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]


def paid_order(api, customer, shop, klarna):
    client = api(customer)
    checkout = start_checkout(client, shop)
    session = open_session(client, checkout)
    completed = pay(client, checkout, klarna.authorize(session["sessionId"]))
    assert completed["checkoutErrors"] == []
    return completed["order"]


def test_gateway_listed_only_when_active_and_without_credentials(api, klarna_gateway, shop):
    query = "{ shop { availablePaymentGateways { id name config { field value } } } }"
    gateways = api().data(query)["shop"]["availablePaymentGateways"]
    klarna = [g for g in gateways if g["id"] == GATEWAY]
    assert len(klarna) == 1 and klarna[0]["name"] == "Klarna"
    config = {c["field"]: c["value"] for c in klarna[0]["config"]}
    assert config["session_mutation"] == "klarnaSessionCreate"
    assert KLARNA_PASSWORD not in str(gateways)

    from saleor.plugins.models import PluginConfiguration

    PluginConfiguration.objects.filter(identifier=GATEWAY).update(active=False)
    gateways = api().data(query)["shop"]["availablePaymentGateways"]
    assert GATEWAY not in [g["id"] for g in gateways]


def test_plugin_settings_never_show_the_password(api, klarna_gateway):
    staff = factories.create_staff(permissions=[PluginsPermissions.MANAGE_PLUGINS])
    data = api(staff).data(
        '{ plugin(id: "%s") { active configuration { name value type } } }' % GATEWAY
    )["plugin"]
    values = {c["name"]: c for c in data["configuration"]}
    assert values["password"]["type"] == "PASSWORD" and not values["password"]["value"]
    assert values["username"]["value"]
    assert KLARNA_PASSWORD not in str(data)


def test_full_checkout_paid_with_klarna_then_captured_and_refunded(
        api, klarna_gateway, shop, customer, klarna):
    client = api(customer)
    checkout = start_checkout(client, shop)
    assert checkout["total"] == Decimal("3") * Decimal("129.00") + Decimal("89.50") + Decimal("49.00")
    session = open_session(client, checkout)
    assert session["intent"] == "BUY" and session["gateway"] == GATEWAY
    assert Decimal(str(session["amount"]["amount"])) == checkout["total"]
    assert session["paymentMethodCategories"][0]["identifier"] == "pay_later"

    token = klarna.authorize(session["sessionId"])
    completed = pay(client, checkout, token)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    payment = order.payments.get()
    assert (payment.gateway, payment.charge_status) == (GATEWAY, ChargeStatus.NOT_CHARGED)

    link = KlarnaOrder.objects.get(order=order)
    remote = klarna.orders[link.klarna_order_id]
    assert remote["status"] == "AUTHORIZED"
    assert remote["order_amount"] == 52550 == link.order_amount
    assert remote["merchant_reference1"] == str(order.pk)
    assert [line["reference"] for line in remote["order_lines"]] == ["KAFFE-1", "KRUS-1", "shipping"]
    assert remote["billing_address"]["postal_code"] == "0154"

    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    order_id = Node.to_global_id("Order", order.pk)
    captured = staff.data(ORDER_ACTION % "orderCapture",
                          {"id": order_id, "amount": "525.50"})["orderCapture"]
    assert captured["orderErrors"] == []
    assert captured["order"]["paymentStatus"] == "FULLY_CHARGED"
    assert klarna.orders[link.klarna_order_id]["status"] == "CAPTURED"

    refunded = staff.data(ORDER_ACTION % "orderRefund",
                          {"id": order_id, "amount": "89.50"})["orderRefund"]
    assert refunded["orderErrors"] == []
    assert refunded["order"]["paymentStatus"] == "PARTIALLY_REFUNDED"
    assert klarna.orders[link.klarna_order_id]["refunded_amount"] == 8950
    payment.refresh_from_db()
    assert payment.captured_amount == Decimal("436.00")

    too_much = staff.data(ORDER_ACTION % "orderRefund",
                          {"id": order_id, "amount": "500.00"})["orderRefund"]
    assert too_much["orderErrors"] and klarna.orders[link.klarna_order_id]["refunded_amount"] == 8950


def test_capture_is_not_repeated_when_klarna_answers_late(api, klarna_gateway, shop, customer, klarna):
    klarna_gateway(timeout_seconds=1)
    order = paid_order(api, customer, shop, klarna)
    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    klarna.inject(method="POST", path="/captures", delay=1.5, after=True)
    result = staff.data(ORDER_ACTION % "orderCapture", {
        "id": Node.to_global_id("Order", Order.objects.get(token=order["token"]).pk),
        "amount": "525.50"})["orderCapture"]
    assert result["orderErrors"] == []
    remote = list(klarna.orders.values())[0]
    assert len(remote["captures"]) == 1 and remote["captured_amount"] == 52550


def test_void_cancels_the_klarna_order(api, klarna_gateway, shop, customer, klarna):
    order = paid_order(api, customer, shop, klarna)
    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    saleor_order = Order.objects.get(token=order["token"])
    result = staff.data(ORDER_VOID, {"id": Node.to_global_id("Order", saleor_order.pk)})["orderVoid"]
    assert result["orderErrors"] == []
    link = KlarnaOrder.objects.get(order=saleor_order)
    assert klarna.orders[link.klarna_order_id]["status"] == "CANCELLED"
    assert link.cancelled
    assert not saleor_order.payments.get().is_active


def test_auto_capture_pays_the_order_at_checkout(api, klarna_gateway, shop, customer, klarna):
    klarna_gateway(auto_capture=True)
    order = paid_order(api, customer, shop, klarna)
    saleor_order = Order.objects.get(token=order["token"])
    assert saleor_order.payments.get().charge_status == ChargeStatus.FULLY_CHARGED
    assert saleor_order.is_fully_paid()
    remote = klarna.orders[KlarnaOrder.objects.get(order=saleor_order).klarna_order_id]
    assert (remote["status"], remote["captured_amount"]) == ("CAPTURED", 52550)


def test_auto_capture_takes_no_money_when_the_answer_to_placing_is_lost(
        api, klarna_gateway, shop, customer, klarna):
    """Klarna places the order but its answer never arrives: the shop cannot know the order
    (Klarna has no lookup), so it must hold an authorization only, never a capture."""
    klarna_gateway(auto_capture=True)
    client = api(customer)
    checkout = start_checkout(client, shop)
    token = klarna.authorize(open_session(client, checkout)["sessionId"])
    klarna.inject(method="POST", path="/authorizations/.*/order", drop=True, after=True)
    completed = pay(client, checkout, token)
    assert [e["code"] for e in completed["checkoutErrors"]] == ["PAYMENT_ERROR"]
    (lost,) = klarna.orders.values()
    assert (lost["status"], lost["captured_amount"]) == ("AUTHORIZED", 0)
    assert not KlarnaOrder.objects.exists()

    completed = pay(client, checkout, klarna.authorize(open_session(client, checkout)["sessionId"]))
    assert completed["checkoutErrors"] == []
    placed = KlarnaOrder.objects.get(order__token=completed["order"]["token"])
    remote = klarna.orders[placed.klarna_order_id]
    assert (remote["status"], remote["captured_amount"], len(remote["captures"])) == (
        "CAPTURED", 52550, 1)


def test_auto_capture_that_fails_after_placing_is_released(
        api, klarna_gateway, shop, customer, klarna):
    import datetime

    from django.utils import timezone

    from saleor_plugins.klarna.tasks import release_unlinked_klarna_orders

    klarna_gateway(auto_capture=True)
    client = api(customer)
    checkout = start_checkout(client, shop)
    token = klarna.authorize(open_session(client, checkout)["sessionId"])
    klarna.inject(method="POST", path="/captures", status=503, times=3)  # every retry
    completed = pay(client, checkout, token)
    assert [e["code"] for e in completed["checkoutErrors"]] == ["PAYMENT_ERROR"]
    assert not Order.objects.exists()
    placed = KlarnaOrder.objects.get(order__isnull=True)
    KlarnaOrder.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=31))
    assert release_unlinked_klarna_orders.delay().get() == 1
    assert klarna.orders[placed.klarna_order_id]["status"] == "CANCELLED"


def test_cart_changed_after_authorization_asks_to_approve_again(
        api, klarna_gateway, shop, customer, klarna):
    client = api(customer)
    checkout = start_checkout(client, shop)
    session = open_session(client, checkout)
    old_token = klarna.authorize(session["sessionId"])
    added = client.data(LINES_ADD, {"checkoutId": checkout["id"], "lines": [
        {"variantId": Node.to_global_id("ProductVariant", shop.mug.pk), "quantity": 1}]}
    )["checkoutLinesAdd"]
    new_total = Decimal(str(added["checkout"]["totalPrice"]["gross"]["amount"]))
    completed = pay(client, checkout, old_token, amount=new_total)
    assert [e["code"] for e in completed["checkoutErrors"]] == ["PAYMENT_ERROR"]
    assert "approve the payment again" in completed["checkoutErrors"][0]["message"]
    assert not Order.objects.exists() and not klarna.orders

    refreshed = open_session(client, checkout)
    assert refreshed["sessionId"] == session["sessionId"]  # the same session, updated
    assert Decimal(str(refreshed["amount"]["amount"])) == new_total
    completed = pay(client, checkout, klarna.authorize(session["sessionId"]), amount=new_total)
    assert completed["checkoutErrors"] == []
    assert len(klarna.orders) == 1


def test_klarna_unreachable_leaves_the_checkout_to_retry(api, klarna_gateway, shop, customer, klarna):
    client = api(customer)
    checkout = start_checkout(client, shop)
    token = klarna.authorize(open_session(client, checkout)["sessionId"])
    klarna.inject(method="POST", path="/authorizations/.*/order", status=503)
    completed = pay(client, checkout, token)
    assert completed["checkoutErrors"][0]["code"] == "PAYMENT_ERROR"
    assert "could not be reached" in completed["checkoutErrors"][0]["message"]
    assert not Order.objects.exists()
    completed = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]
    assert completed["checkoutErrors"] == []
    assert Order.objects.count() == 1 and len(klarna.orders) == 1


LINES_UPDATE = """
mutation($checkoutId: ID!, $lines: [CheckoutLineInput]!) {
  checkoutLinesUpdate(checkoutId: $checkoutId, lines: $lines) {
    checkoutErrors { field message code }
  }
}"""


def test_cart_shrunk_after_payment_is_refused(api, klarna_gateway, shop, customer, klarna):
    client = api(customer)
    checkout = start_checkout(client, shop)
    token = klarna.authorize(open_session(client, checkout)["sessionId"])
    created = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": GATEWAY, "token": token, "amount": str(checkout["total"])}})
    assert created["checkoutPaymentCreate"]["paymentErrors"] == []
    # Saleor still sees the (bigger) payment as covering the smaller cart
    client.data(LINES_UPDATE, {"checkoutId": checkout["id"], "lines": [
        {"variantId": Node.to_global_id("ProductVariant", shop.mug.pk), "quantity": 0}]})
    completed = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]
    assert completed["checkoutErrors"][0]["code"] == "PAYMENT_ERROR"
    assert "does not match" in completed["checkoutErrors"][0]["message"]
    assert not klarna.orders and not Order.objects.exists()


@pytest.fixture
def subscription_checkouts():
    """Stand-in for the subscription feature: every checkout asks for a customer token."""
    def check(checkout, lines):
        return True

    sessions.register_tokenize_check(check)
    yield
    sessions.TOKENIZE_CHECKS.remove(check)


def test_checkout_with_subscription_stores_a_customer_token(
        api, klarna_gateway, shop, customer, klarna, subscription_checkouts):
    client = api(customer)
    checkout = start_checkout(client, shop)
    session = open_session(client, checkout)
    assert session["intent"] == "BUY_AND_TOKENIZE"
    completed = pay(client, checkout, klarna.authorize(session["sessionId"]))
    assert completed["checkoutErrors"] == []
    token = KlarnaCustomerToken.objects.get(user=customer)
    assert klarna.state.tokens[token.token_id]["status"] == "ACTIVE"
    customer.refresh_from_db()
    assert customer.get_value_from_private_metadata("SALEOR_PLUGINS.KLARNA.customer_id") == token.token_id
    sources = client.data("{ me { storedPaymentSources { gateway } } }")["me"]
    assert sources["storedPaymentSources"] == [{"gateway": GATEWAY}]


def test_guests_are_never_tokenized(api, klarna_gateway, shop, klarna, subscription_checkouts):
    client = api()
    checkout = start_checkout(client, shop)
    assert open_session(client, checkout)["intent"] == "BUY"


def test_session_for_someone_elses_checkout_is_not_found(api, klarna_gateway, shop, customer):
    checkout = start_checkout(api(customer), shop)
    for user in (None, factories.create_customer()):
        result = api(user).data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
        assert result["session"] is None
        assert result["klarnaErrors"] == [
            {"field": "checkoutId", "code": "NOT_FOUND", "message": result["klarnaErrors"][0]["message"]}
        ]
    assert not KlarnaPaymentSession.objects.exists()


def test_guest_checkout_session(api, klarna_gateway, shop, klarna):
    client = api()
    checkout = start_checkout(client, shop)
    session = open_session(client, checkout)
    completed = pay(client, checkout, klarna.authorize(session["sessionId"]))
    assert completed["checkoutErrors"] == []
    assert not KlarnaCustomerToken.objects.exists()


@pytest.mark.parametrize("checkout_id", ["not-an-id", Node.to_global_id("Checkout", "nope"),
                                         Node.to_global_id("Product", 1)])
def test_session_with_a_bad_checkout_id_is_a_typed_error(api, klarna_gateway, checkout_id):
    result = api().execute(SESSION_CREATE, {"checkoutId": checkout_id})
    payload = result["data"]["klarnaSessionCreate"]
    assert payload["session"] is None
    assert payload["klarnaErrors"][0]["field"] == "checkoutId"
    assert payload["klarnaErrors"][0]["code"] in ("GRAPHQL_ERROR", "NOT_FOUND", "INVALID")


def test_session_when_klarna_is_off_or_unreachable(api, shop, klarna_gateway, klarna):
    from saleor.plugins.models import PluginConfiguration

    client = api()
    checkout = start_checkout(client, shop)
    klarna.inject(method="POST", path="/payments/v1/sessions$", status=503)
    result = client.data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
    assert result["klarnaErrors"][0]["code"] == "KLARNA_UNAVAILABLE"
    PluginConfiguration.objects.filter(identifier=GATEWAY).update(active=False)
    result = client.data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
    assert result["klarnaErrors"][0]["code"] == "NOT_AVAILABLE"
    assert not KlarnaPaymentSession.objects.exists()


@pytest.mark.parametrize("reset", ["soon", "-1", "nan"])
def test_item14_09_bad_ratelimit_reset_while_refreshing_a_session_is_klarna_unavailable(
        api, shop, klarna_gateway, klarna, reset):
    client = api()
    checkout = start_checkout(client, shop)
    session = open_session(client, checkout)
    klarna.inject(method="GET", path="/payments/v1/sessions/", status=429, times=5,
                  headers={"X-Ratelimit-Reset": reset})
    result = client.data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
    assert result["session"] is None
    assert [e["code"] for e in result["klarnaErrors"]] == ["KLARNA_UNAVAILABLE"]
    assert len(klarna.requests_to(f"/sessions/{session['sessionId']}", "GET")) == 3


def test_unconfigured_gateway_is_reported_not_crashed(api, shop, klarna_gateway, klarna):
    klarna_gateway(username="", password="")
    client = api()
    checkout = start_checkout(client, shop)
    result = client.data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
    assert result["klarnaErrors"][0]["code"] == "NOT_AVAILABLE"
    completed = pay(client, checkout, "some-token")
    assert completed["checkoutErrors"][0]["code"] == "PAYMENT_ERROR"
    assert "not set up" in completed["checkoutErrors"][0]["message"]
    assert Payment.objects.filter(gateway=GATEWAY).exists() and not Order.objects.exists()


def test_demo_points_the_gateway_at_the_simulator_but_keeps_real_credentials(db):
    from saleor.plugins.models import PluginConfiguration

    from saleor_plugins.klarna.demo import point_gateway_at

    assert point_gateway_at("http://127.0.0.1:5555")
    values = {i["name"]: i["value"] for i in
              PluginConfiguration.objects.get(identifier=GATEWAY).configuration}
    assert values["api_url"] == "http://127.0.0.1:5555" and values["username"] == "demo_merchant"
    assert point_gateway_at("http://127.0.0.1:6666")  # a new demo run, a new port
    config = PluginConfiguration.objects.get(identifier=GATEWAY)
    for item in config.configuration:
        if item["name"] in ("api_url", "username"):
            item["value"] = "" if item["name"] == "api_url" else "K123_live"
    config.save()
    assert not point_gateway_at("http://127.0.0.1:7777")
    values = {i["name"]: i["value"] for i in
              PluginConfiguration.objects.get(identifier=GATEWAY).configuration}
    assert (values["username"], values["api_url"]) == ("K123_live", "")


PLUGIN_UPDATE = """
mutation($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) {
    plugin { configuration { name value } }
    pluginsErrors { field message code }
  }
}"""


def stored_api_url():
    from saleor.plugins.models import PluginConfiguration

    row = PluginConfiguration.objects.get(identifier=GATEWAY)
    return {item["name"]: item["value"] for item in row.configuration}["api_url"]


def update_api_url(api, url):
    staff = factories.create_staff(permissions=[PluginsPermissions.MANAGE_PLUGINS])
    return api(staff).data(PLUGIN_UPDATE, {"id": GATEWAY, "input": {
        "configuration": [{"name": "api_url", "value": url}]}})["pluginUpdate"]


@pytest.mark.parametrize("url", [
    "https://evil.example.com",
    "http://evil.example.com",
    "http://api.klarna.com",  # Klarna's host, but the password in clear text
    "https://api.klarna.com.evil.example.com",
    "https://evil.example.com\\@api.klarna.com",
    "https://user:pw@api.klarna.com",
    "https://api.klarna.com:8443",
    "https://api.klarna.com/proxy",
    "http://10.0.0.5:8089",
    "http://169.254.169.254",
    "ftp://api.klarna.com",
])
def test_item14_02_plugin_update_refuses_an_api_url_that_is_not_klarnas(api, klarna_gateway,
                                                                        klarna, url):
    result = update_api_url(api, url)
    assert [(e["field"], e["code"]) for e in result["pluginsErrors"]] == [("apiUrl", "INVALID")]
    assert "Klarna's API addresses" in result["pluginsErrors"][0]["message"]
    assert stored_api_url() == klarna.url


@pytest.mark.parametrize("url", ["https://api.playground.klarna.com", "https://api-na.klarna.com",
                                 "https://api-oc.playground.klarna.com/", ""])
def test_item14_02_plugin_update_takes_klarnas_own_hosts(api, klarna_gateway, url):
    result = update_api_url(api, url)
    assert result["pluginsErrors"] == []
    assert stored_api_url() == url


def test_item14_02_the_simulator_on_loopback_only_where_the_settings_allow_it(
        api, klarna_gateway, klarna, settings):
    assert update_api_url(api, "http://127.0.0.1:8089")["pluginsErrors"] == []
    assert update_api_url(api, "http://localhost:8089")["pluginsErrors"] == []
    assert update_api_url(api, klarna.url)["pluginsErrors"] == []
    settings.SALEOR_PLUGINS_KLARNA_SIMULATOR = False
    result = update_api_url(api, "http://127.0.0.1:8089")
    assert [(e["field"], e["code"]) for e in result["pluginsErrors"]] == [("apiUrl", "INVALID")]
    assert stored_api_url() == klarna.url


def test_item14_02_a_stored_api_url_that_is_not_allowed_is_never_called(
        api, shop, customer, klarna_gateway, klarna, settings):
    """A value stored before the check (or the flag switched off later) sends nothing."""
    client = api(customer)
    checkout = start_checkout(client, shop)
    token = klarna.authorize(open_session(client, checkout)["sessionId"])
    settings.SALEOR_PLUGINS_KLARNA_SIMULATOR = False  # the stored simulator URL is now bad
    calls = len(klarna.request_log)

    result = client.data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
    assert [e["code"] for e in result["klarnaErrors"]] == ["NOT_AVAILABLE"]
    completed = pay(client, checkout, token)
    assert [e["code"] for e in completed["checkoutErrors"]] == ["PAYMENT_ERROR"]
    assert "not set up" in completed["checkoutErrors"][0]["message"]
    assert len(klarna.request_log) == calls and not klarna.orders
    assert not Order.objects.exists()


@pytest.mark.parametrize("language,text", [
    ("nb", "Vi fikk ikke kontakt med Klarna"),
    ("sv", "Vi kunde inte nå Klarna"),
    ("da", "Vi kunne ikke få forbindelse til Klarna"),
    ("de", "Klarna ist gerade nicht erreichbar"),
    ("en", "Klarna could not be reached"),
])
def test_payment_errors_come_in_the_shoppers_language(
        klarna_gateway, shop, customer, klarna, language, text):
    from .graphql_client import GraphQLClient

    client = GraphQLClient(customer, language=language)
    checkout = start_checkout(client, shop)
    token = klarna.authorize(open_session(client, checkout)["sessionId"])
    klarna.inject(method="POST", path="/authorizations/.*/order", status=503)
    completed = pay(client, checkout, token)
    assert text in completed["checkoutErrors"][0]["message"]


def place_without_order(client, shop, klarna):
    """checkoutComplete's payment step as Saleor runs it, then the request dies."""
    from saleor.payment import gateway

    checkout = start_checkout(client, shop)
    token = klarna.authorize(open_session(client, checkout)["sessionId"])
    client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": GATEWAY, "token": token, "amount": str(checkout["total"])}})
    payment = Payment.objects.get(token=token)
    assert gateway.process_payment(payment=payment, token=token).is_success
    return KlarnaOrder.objects.get(payment=payment)


@pytest.mark.parametrize("auto_capture,status,refunded", [(False, "CANCELLED", 0),
                                                          (True, "CAPTURED", 52550)])
def test_klarna_orders_whose_checkout_never_became_an_order_are_released(
        api, klarna_gateway, shop, customer, klarna, auto_capture, status, refunded):
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from saleor_plugins.klarna.tasks import release_unlinked_klarna_orders

    klarna_gateway(auto_capture=auto_capture)
    orphan = place_without_order(api(), shop, klarna)
    completed = paid_order(api, customer, shop, klarna)  # a normal order, linked
    recent = place_without_order(api(), shop, klarna)
    KlarnaOrder.objects.exclude(pk=recent.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=31))

    assert release_unlinked_klarna_orders.delay().get() == 1
    assert release_unlinked_klarna_orders.delay().get() == 0  # nothing twice
    remote = klarna.orders[orphan.klarna_order_id]
    assert (remote["status"], remote["refunded_amount"]) == (status, refunded)
    orphan.refresh_from_db()
    assert orphan.cancelled and not orphan.payment.is_active
    linked = KlarnaOrder.objects.get(order__token=completed["token"])
    assert klarna.orders[linked.klarna_order_id]["status"] != "CANCELLED" and not linked.cancelled
    assert klarna.orders[recent.klarna_order_id]["refunded_amount"] == 0
    assert "saleor_plugins.klarna.release_unlinked_orders" in settings.CELERY_BEAT_SCHEDULE


def test_a_forked_process_opens_its_own_klarna_connections(klarna):
    """Celery prefork and gunicorn --preload fork after the parent talked to Klarna: the
    child must not reuse the parent's pooled sockets (both would read one stream)."""
    import multiprocessing
    from types import SimpleNamespace

    from saleor_plugins.klarna import payments

    config = SimpleNamespace(username="PK_test_merchant", password=KLARNA_PASSWORD, region="eu",
                             playground=True, api_url=klarna.url, timeout_seconds=5)
    parent_client = payments.client_for(config)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def child():
        inherited = len(payments._clients)
        queue.put((inherited, payments.client_for(config)._session is parent_client._session))

    process = context.Process(target=child)
    process.start()
    inherited, same_session = queue.get(timeout=30)
    process.join(30)
    assert inherited == 0 and same_session is False
    assert payments.client_for(config) is parent_client  # the parent keeps its own
