"""Updating a subscription's payment method through /graphql/ with the Klarna simulator:
a tokenize session, the customer's approval, a new customer token, the declined delivery
charged once on the new token."""
import pytest
from django.core import mail

from saleor_plugins.core.permissions import SubscriptionPermissions
from saleor_plugins.klarna.models import KlarnaCustomerToken
from saleor_plugins.subscription.models import (
    ChargeAttempt,
    MonthlyInvoice,
    PaymentMethodChange,
    Renewal,
    Subscription,
)

from . import factories
from .subscription_helpers import (  # noqa: F401 (fixture)
    buy,
    create_plan,
    days,
    gid,
    invoice_a_month,
    run_renewals,
    subscriptions_on,
)

ERRORS = "subscriptionErrors { field message code }"
SESSION = """mutation($id: ID!) { productSubscriptionPaymentSessionCreate(id: $id) {
    session { sessionId clientToken intent expiresAt } %s } }""" % ERRORS
UPDATE = """mutation($id: ID!, $token: String!) {
  productSubscriptionPaymentMethodUpdate(id: $id, authorizationToken: $token) {
    subscription { status nextDeliveryDate } %s } }""" % ERRORS


@pytest.fixture
def bought(api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    subscription = buy(api, customer, shop, klarna, create_plan(shop.coffee), "2w", quantity=2)
    mail.outbox.clear()
    return subscription


def sid(subscription):
    return gid("ProductSubscription", subscription.pk)


def open_session(client, subscription):
    payload = client.data(SESSION, {"id": sid(subscription)})[
        "productSubscriptionPaymentSessionCreate"]
    assert payload[ERRORS.split()[0]] == [], payload
    return payload["session"]


def update(client, subscription, token):
    return client.data(UPDATE, {"id": sid(subscription), "token": token})[
        "productSubscriptionPaymentMethodUpdate"]


def hard_decline(subscription):
    run_renewals(subscription.next_order_date)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.PAYMENT_REQUIRED


def test_declined_subscription_gets_a_new_payment_method_and_is_charged_once(
        bought, api, customer, klarna):
    old_token, due = bought.klarna_token_id, bought.next_order_date
    klarna.set_token_status(old_token, "CANCELLED")
    hard_decline(bought)
    charges = klarna.state.charge_count
    client = api(customer)
    session = open_session(client, bought)
    assert session["intent"] == "TOKENIZE" and session["clientToken"]
    sent = klarna.state.sessions[session["sessionId"]]["data"]
    assert sent["intent"] == "tokenize" and sent["order_amount"] == 0
    assert sent["order_lines"][0]["subscription"]["interval"] == "WEEK"
    authorization = klarna.authorize(session["sessionId"])
    updated = update(client, bought, authorization)
    assert updated["subscriptionErrors"] == []
    assert updated["subscription"]["status"] == "ACTIVE"
    bought.refresh_from_db()
    new_token = bought.klarna_token_id
    assert new_token and new_token != old_token
    assert KlarnaCustomerToken.objects.get(token_id=new_token).user == customer
    assert klarna.state.tokens[new_token]["status"] == "ACTIVE"
    assert klarna.state.charge_count == charges  # nothing charged by the update
    # the declined delivery is charged at the next run, as a new attempt with a new key
    assert run_renewals(due) == 1
    renewal = Renewal.objects.get(subscription=bought, cycle=1)
    assert renewal.status == Renewal.PAID
    declined, charged = renewal.attempts.order_by("number")
    assert (declined.status, charged.status) == (ChargeAttempt.HARD_DECLINED,
                                                 ChargeAttempt.CHARGED)
    assert declined.idempotency_key != charged.idempotency_key
    assert klarna.state.charge_count == charges + 1
    assert klarna.orders[charged.klarna_order_id]["customer_token"] == new_token
    assert renewal.order.payments.get().captured_amount == renewal.order.total.gross.amount
    assert run_renewals(due) == 0 and run_renewals(due + days(1)) == 0
    assert klarna.state.charge_count == charges + 1
    # the same approval cannot be used again
    again = update(client, bought, authorization)
    assert again["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_AUTHORIZATION_USED"
    assert again["subscriptionErrors"][0]["field"] == "authorizationToken"


def test_active_subscription_only_replaces_the_token_and_cancels_the_unused_one(
        bought, api, customer, klarna):
    old_token = bought.klarna_token_id
    schedule = (bought.next_cycle, bought.due_on)
    client = api(customer)
    updated = update(client, bought, klarna.authorize(open_session(client, bought)["sessionId"]))
    assert updated["subscriptionErrors"] == []
    bought.refresh_from_db()
    assert bought.klarna_token_id != old_token
    assert (bought.next_cycle, bought.due_on) == schedule
    assert klarna.state.tokens[old_token]["status"] == "CANCELLED"
    assert KlarnaCustomerToken.objects.get(token_id=old_token).status == "CANCELLED"
    assert run_renewals(bought.next_order_date) == 1
    attempt = ChargeAttempt.objects.get(renewal__subscription=bought)
    assert klarna.orders[attempt.klarna_order_id]["customer_token"] == bought.klarna_token_id


def test_a_token_still_used_by_another_subscription_is_not_cancelled(
        bought, api, customer, klarna, shop):
    other = Subscription.objects.get(pk=bought.pk)
    other.pk = None
    other.save()  # a second subscription on the same Klarna token
    client = api(customer)
    update(client, bought, klarna.authorize(open_session(client, bought)["sessionId"]))
    assert klarna.state.tokens[other.klarna_token_id]["status"] == "ACTIVE"
    assert KlarnaCustomerToken.objects.get(token_id=other.klarna_token_id).status == "ACTIVE"


def test_monthly_invoice_declined_is_charged_again_on_the_new_token(
        bought, api, customer, klarna):
    month, month_end = invoice_a_month(bought)
    klarna.set_token_status(bought.klarna_token_id, "CANCELLED")
    run_renewals(month_end)
    invoice = MonthlyInvoice.objects.get(subscription=bought, month=month)
    assert invoice.status == MonthlyInvoice.FAILED
    bought.refresh_from_db()
    assert bought.status == Subscription.PAYMENT_REQUIRED
    charges = klarna.state.charge_count
    client = api(customer)
    update(client, bought, klarna.authorize(open_session(client, bought)["sessionId"]))
    run_renewals(month_end)
    invoice.refresh_from_db()
    assert invoice.status == MonthlyInvoice.PAID
    assert [a.status for a in invoice.attempts.order_by("number")] == [
        ChargeAttempt.HARD_DECLINED, ChargeAttempt.CHARGED]
    assert klarna.state.charge_count == charges + 1


@pytest.mark.parametrize("who", ["anonymous", "other", "staff"])
def test_only_the_owner_and_staff_with_the_permission_may(bought, api, klarna, who):
    user = {"anonymous": None, "other": factories.create_customer(),
            "staff": factories.create_staff()}[who]
    client = api(user)
    opened = client.data(SESSION, {"id": sid(bought)})["productSubscriptionPaymentSessionCreate"]
    assert opened["session"] is None
    assert opened["subscriptionErrors"][0]["code"] == "NOT_FOUND"
    assert PaymentMethodChange.objects.count() == 0
    owner_session = open_session(api(bought.user), bought)
    token = klarna.authorize(owner_session["sessionId"])
    refused = update(client, bought, token)
    assert refused["subscriptionErrors"][0]["code"] == "NOT_FOUND"
    assert Subscription.objects.get(pk=bought.pk).klarna_token_id == bought.klarna_token_id
    assert not klarna.requests_to("/customer-token", "POST")[1:]  # only the first purchase's


def test_staff_with_the_permission_opens_the_session_for_the_customer(bought, api, klarna):
    manager = factories.create_staff(permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])
    client = api(manager)
    session = open_session(client, bought)
    assert PaymentMethodChange.objects.get(session_id=session["sessionId"]).opened_by == manager
    updated = update(client, bought, klarna.authorize(session["sessionId"]))
    assert updated["subscriptionErrors"] == []
    bought.refresh_from_db()
    assert KlarnaCustomerToken.objects.get(token_id=bought.klarna_token_id).user == bought.user


@pytest.mark.parametrize("token,code", [
    ("", "SUBSCRIPTION_AUTHORIZATION_INVALID"),
    ("not-a-klarna-authorization", "SUBSCRIPTION_AUTHORIZATION_INVALID"),
    ("x" * 300, "SUBSCRIPTION_AUTHORIZATION_INVALID"),
])
def test_bad_authorization_tokens_are_typed_errors(bought, api, customer, klarna, token, code):
    before = bought.klarna_token_id
    refused = update(api(customer), bought, token)
    assert refused["subscription"] is None
    assert refused["subscriptionErrors"][0]["code"] == code
    assert Subscription.objects.get(pk=bought.pk).klarna_token_id == before
    assert KlarnaCustomerToken.objects.count() == 1


def test_an_expired_approval_is_refused(bought, api, customer, klarna):
    client = api(customer)
    token = klarna.authorize(open_session(client, bought)["sessionId"])
    klarna.advance(60 * 60 * 24 * 2)  # authorizations live 60 minutes at Klarna
    expired = update(client, bought, token)
    assert expired["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_AUTHORIZATION_INVALID"
    assert "expired" in expired["subscriptionErrors"][0]["message"]


def test_ended_subscription_cannot_get_a_payment_method(bought, api, customer):
    bought.status = Subscription.CANCELLED
    bought.save()
    refused = api(customer).data(SESSION, {"id": sid(bought)})[
        "productSubscriptionPaymentSessionCreate"]
    assert refused["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_ENDED"
    assert PaymentMethodChange.objects.count() == 0


def test_errors_are_in_the_customers_language(bought, api, customer):
    client = api(customer)
    client.language = "nb"
    refused = update(client, bought, "not-a-klarna-authorization")
    assert refused["subscriptionErrors"][0]["message"] == (
        "Godkjenningen fra Klarna er utløpt eller ikke gyldig. Godkjenn på nytt.")


def test_klarna_down_or_switched_off_is_a_typed_error_and_changes_nothing(
        bought, api, customer, klarna):
    from saleor.plugins.models import PluginConfiguration

    client = api(customer)
    token = klarna.authorize(open_session(client, bought)["sessionId"])
    klarna.inject(method="POST", path="/payments/v1/authorizations/.*/customer-token",
                  status=503, times=10)
    down = update(client, bought, token)
    assert down["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_KLARNA_UNAVAILABLE"
    assert Subscription.objects.get(pk=bought.pk).klarna_token_id == bought.klarna_token_id
    assert not PaymentMethodChange.objects.filter(authorization_token=token).exists()
    PluginConfiguration.objects.filter(identifier="saleor_plugins.klarna").update(active=False)
    off = client.data(SESSION, {"id": sid(bought)})["productSubscriptionPaymentSessionCreate"]
    assert off["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_KLARNA_UNAVAILABLE"


PAUSE = """mutation($id: ID!, $until: Date!) { productSubscriptionPause(id: $id, until: $until) {
    subscription { status } %s } }""" % ERRORS
RESUME = """mutation($id: ID!) { productSubscriptionResume(id: $id) {
    subscription { status } %s } }""" % ERRORS


def test_item14_16_payment_required_does_not_become_active_through_pause_and_resume(
        bought, api, customer, klarna):
    klarna.set_token_status(bought.klarna_token_id, "CANCELLED")
    hard_decline(bought)
    charges = klarna.state.charge_count
    client = api(customer)
    until = bought.next_delivery_date + days(3)
    paused = client.data(PAUSE, {"id": sid(bought), "until": until.isoformat()})[
        "productSubscriptionPause"]
    assert paused["subscription"] is None
    assert paused["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_PAYMENT_REQUIRED"
    resumed = client.data(RESUME, {"id": sid(bought)})["productSubscriptionResume"]
    assert resumed["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_PAYMENT_REQUIRED"
    bought.refresh_from_db()
    assert bought.status == Subscription.PAYMENT_REQUIRED and bought.paused_until is None
    assert run_renewals(until) == 0  # nothing is charged on the cancelled token
    assert klarna.state.charge_count == charges


def test_item14_16_paused_subscription_on_a_token_cancelled_meanwhile_does_not_resume(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    from .subscription_helpers import klarna_subscriptions

    declined, paused = klarna_subscriptions(api, customer, shop, klarna, 2)
    owner = api(paused.user)
    until = paused.next_delivery_date + days(20)
    result = owner.data(PAUSE, {"id": sid(paused), "until": until.isoformat()})
    assert result["productSubscriptionPause"]["subscriptionErrors"] == []
    klarna.set_token_status(declined.klarna_token_id, "CANCELLED")
    hard_decline(declined)  # cancels the token both subscriptions are charged with
    assert KlarnaCustomerToken.objects.get(
        token_id=paused.klarna_token_id).status == KlarnaCustomerToken.CANCELLED
    resumed = owner.data(RESUME, {"id": sid(paused)})["productSubscriptionResume"]
    assert resumed["subscriptionErrors"][0]["code"] == "SUBSCRIPTION_PAYMENT_REQUIRED"
    paused.refresh_from_db()
    assert paused.status == Subscription.PAUSED
