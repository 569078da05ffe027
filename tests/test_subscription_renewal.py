"""Renewals through the Celery tasks: order, charge, retries, declines, timeouts, crashes,
month ends, calendar, consolidation, reminders."""
import datetime
from decimal import Decimal

import pytest
from django.core import mail
from saleor.order import OrderStatus
from saleor.order.models import Order
from saleor.payment import ChargeStatus

from saleor_plugins.subscription import renewal as renewal_module
from saleor_plugins.subscription.models import (
    ChargeAttempt,
    MonthlyInvoice,
    Renewal,
    Subscription,
)
from saleor_plugins.subscription.tasks import send_renewal_reminders

from .subscription_helpers import (  # noqa: F401 (fixture)
    buy,
    create_plan,
    days,
    make_subscription,
    run_renewals,
    subscriptions_on,
)

D = datetime.date


@pytest.fixture
def bought(api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    plan = create_plan(shop.coffee, first="10", later="5")
    subscription = buy(api, customer, shop, klarna, plan, "2w", quantity=2)
    mail.outbox.clear()
    subscription.charges_before = klarna.state.charge_count
    return subscription


def renewal_orders(subscription):
    return Order.objects.filter(metadata__subscription_id=str(subscription.pk)).order_by("pk")


def test_renewal_creates_a_paid_order_charged_once(bought, klarna):
    anchor, due = bought.anchor_date, bought.next_order_date
    assert run_renewals(due - days(1)) == 0  # not yet
    assert run_renewals(due) == 1
    [order] = renewal_orders(bought)
    # 2 × 129.00 − 5 % = 245.10, + the first order's 49.00 shipping
    assert order.total.gross.amount == Decimal("294.10")
    assert order.shipping_price.gross.amount == Decimal("49.00")
    assert order.status == OrderStatus.UNFULFILLED and order.user == bought.user
    payment = order.payments.get()
    assert payment.charge_status == ChargeStatus.FULLY_CHARGED
    assert payment.captured_amount == Decimal("294.10")
    assert klarna.state.charge_count == bought.charges_before + 1
    klarna_order = klarna.orders[payment.token]
    assert klarna_order["order_amount"] == 29410 and klarna_order["captured_amount"] == 29410
    subjects = [m.subject for m in mail.outbox]
    assert any(str(order.pk) in s and "Thank you" in s or "order" in s.lower() for s in subjects)
    assert order.events.filter(type="placed").exists()
    bought.refresh_from_db()
    assert bought.next_cycle == 2 and bought.deliveries_made == 2
    assert bought.next_delivery_date == anchor + days(28)
    # the same day again, or the task twice: nothing more
    assert run_renewals(due) == 0
    renewal_module.renew(bought.pk, _config(), due)
    assert klarna.state.charge_count == bought.charges_before + 1
    assert renewal_orders(bought).count() == 1


def _config():
    from saleor_plugins.subscription.subscriptions import plugin

    return plugin().config


def test_failed_charge_cancels_the_order_and_retries_next_day(bought, klarna):
    due = bought.next_order_date
    klarna.decline_token_orders(bought.klarna_token_id, times=1)
    run_renewals(due)
    [failed] = renewal_orders(bought)
    assert failed.status == OrderStatus.CANCELED
    renewal = Renewal.objects.get(subscription=bought, cycle=1)
    assert renewal.status == Renewal.RETRYING and renewal.retry_on == due + days(1)
    assert any("failed" in m.subject for m in mail.outbox)
    bought.refresh_from_db()
    assert bought.next_delivery_date == bought.anchor_date + days(14)  # schedule kept
    run_renewals(due + days(1))
    failed_again, paid = renewal_orders(bought)
    assert paid.payments.get().charge_status == ChargeStatus.FULLY_CHARGED
    renewal.refresh_from_db()
    assert renewal.status == Renewal.PAID and renewal.order == paid
    bought.refresh_from_db()
    # dates come from the schedule, not from the day the charge succeeded
    assert bought.next_delivery_date == bought.anchor_date + days(28)
    keys = list(ChargeAttempt.objects.filter(renewal=renewal).values_list(
        "idempotency_key", flat=True))
    assert len(set(keys)) == 2
    assert klarna.state.charge_count == bought.charges_before + 1


def test_three_retry_days_then_the_renewal_is_dropped(bought, klarna):
    due = bought.next_order_date
    klarna.decline_token_orders(bought.klarna_token_id, times=10)
    for day in range(4):
        run_renewals(due + days(day))
        renewal = Renewal.objects.get(subscription=bought, cycle=1)
        assert renewal.failed_days == day + 1
    assert renewal.status == Renewal.DROPPED
    assert renewal_orders(bought).count() == 4
    assert set(renewal_orders(bought).values_list("status", flat=True)) == {
        OrderStatus.CANCELED}
    bought.refresh_from_db()
    assert bought.status == Subscription.ACTIVE and bought.next_cycle == 2
    assert bought.next_delivery_date == bought.anchor_date + days(28)
    assert any("cancelled" in m.subject for m in mail.outbox)
    assert run_renewals(due + days(4)) == 0  # no fifth try
    assert klarna.state.charge_count == bought.charges_before


def test_hard_decline_stops_and_asks_for_a_new_payment_method(bought, klarna):
    klarna.set_token_status(bought.klarna_token_id, "CANCELLED")
    due = bought.next_order_date
    run_renewals(due)
    bought.refresh_from_db()
    assert bought.status == Subscription.PAYMENT_REQUIRED
    assert Renewal.objects.get(subscription=bought, cycle=1).status == Renewal.DROPPED
    assert any("update the payment method" in m.subject for m in mail.outbox)
    assert run_renewals(due + days(1)) == 0


def test_klarna_answer_lost_is_retried_with_the_same_key_and_charged_once(bought, klarna):
    due = bought.next_order_date
    # Klarna places the order but every answer is lost (the client retries twice)
    klarna.inject(method="POST", path="/customer-token/v1/tokens/.*/order", drop=True,
                  after=True, times=3)
    run_renewals(due)
    renewal = Renewal.objects.get(subscription=bought, cycle=1)
    assert renewal.status == Renewal.RETRYING
    attempt = renewal.attempts.get()
    assert attempt.status == ChargeAttempt.UNKNOWN
    assert klarna.state.charge_count == bought.charges_before + 1
    # the next run sends the same key and gets Klarna's stored answer
    run_renewals(due)
    renewal.refresh_from_db()
    assert renewal.status == Renewal.PAID
    assert renewal.attempts.get().status == ChargeAttempt.CHARGED
    assert klarna.state.charge_count == bought.charges_before + 1
    sent_keys = {r["idempotency_key"] for r in klarna.requests_to("/customer-token/")}
    assert sent_keys == {attempt.idempotency_key}


def test_worker_dying_after_the_charge_does_not_charge_twice(bought, klarna, monkeypatch):
    due = bought.next_order_date
    real = renewal_module.record_payment

    def die(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(renewal_module, "record_payment", die)
    with pytest.raises(SystemExit):
        renewal_module.renew(bought.pk, _config(), due)
    # the order and the attempt (key and body) were stored before Klarna was called;
    # recording the answer was rolled back
    [attempt] = ChargeAttempt.objects.filter(renewal__subscription=bought, renewal__cycle=1)
    assert attempt.status == ChargeAttempt.STARTED and attempt.request_body["order_amount"]
    [order] = renewal_orders(bought)
    assert not order.payments.exists()
    assert klarna.state.charge_count == bought.charges_before + 1  # Klarna did charge
    monkeypatch.setattr(renewal_module, "record_payment", real)
    run_renewals(due)
    [paid] = renewal_orders(bought)
    assert paid == order and order.payments.get().charge_status == ChargeStatus.FULLY_CHARGED
    assert klarna.state.charge_count == bought.charges_before + 1
    assert {r["idempotency_key"] for r in klarna.requests_to("/customer-token/")} == {
        attempt.idempotency_key}


def test_out_of_stock_renewal_is_retried_without_charging(bought, klarna, shop):
    from saleor.warehouse.models import Stock

    Stock.objects.filter(product_variant=shop.coffee).update(quantity=0)
    run_renewals(bought.next_order_date)
    renewal = Renewal.objects.get(subscription=bought, cycle=1)
    assert renewal.status == Renewal.RETRYING and renewal.last_error == "out_of_stock"
    assert renewal_orders(bought).count() == 0
    assert klarna.state.charge_count == bought.charges_before


def test_floating_price_follows_the_catalogue_fixed_keeps_the_first(
        db, shop, customer, subscriptions_on):
    from prices import Money

    fixed = make_subscription(customer, shop.coffee, D(2027, 1, 4), "1w")
    floating = make_subscription(customer, shop.coffee, D(2027, 1, 4), "1w",
                                 pricing_mode="floating")
    product = shop.coffee.product
    product.price = Money(Decimal("150.00"), "NOK")
    product.save()
    run_renewals(D(2027, 1, 11))
    fixed_order, = renewal_orders(fixed)
    floating_order, = renewal_orders(floating)
    assert fixed_order.lines.get().unit_price.gross.amount == Decimal("129.00")
    assert floating_order.lines.get().unit_price.gross.amount == Decimal("150.00")


def test_month_end_anchor_renews_on_the_last_day_and_back_on_the_31st(
        db, shop, customer, subscriptions_on):
    subscription = make_subscription(customer, shop.coffee, D(2027, 1, 31), "1m")
    delivered = []
    for day in (D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)):
        subscription.refresh_from_db()
        assert subscription.next_delivery_date == day
        run_renewals(day)
        delivered.append(Renewal.objects.get(subscription=subscription,
                                             cycle=len(delivered) + 1).delivery_date)
    assert delivered == [D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]
    subscription.refresh_from_db()
    assert subscription.next_delivery_date == D(2027, 5, 31)


def test_closing_days_holidays_and_lead_time(db, shop, customer, subscriptions_on):
    from saleor_plugins.subscription.models import Holiday
    from saleor_plugins.subscription.scheduling import DeliveryCalendar

    subscriptions_on(lead_time_days=2, closing_weekdays="sat, sun")
    Holiday.objects.create(date=D(2027, 2, 1), name="Test day")
    calendar = DeliveryCalendar.build(["sat", "sun"], {D(2027, 2, 1)}, 2)
    # weekly from Saturday 23 January: 30 January is a Saturday, 1 February a holiday
    subscription = make_subscription(customer, shop.coffee, D(2027, 1, 23), "1w",
                                     calendar=calendar)
    assert subscription.next_delivery_date == D(2027, 2, 2)
    assert subscription.next_order_date == D(2027, 1, 31)
    run_renewals(D(2027, 1, 31))
    renewal = Renewal.objects.get(subscription=subscription, cycle=1)
    assert renewal.delivery_date == D(2027, 2, 2) and renewal.status == Renewal.PAID
    subscription.refresh_from_db()
    # back on the schedule: Saturday 6 February is closed → Monday 8
    assert subscription.next_delivery_date == D(2027, 2, 8)
    assert subscription.next_order_date == D(2027, 2, 6)


def test_a_job_that_did_not_run_for_weeks_does_not_charge_the_backlog(
        db, shop, customer, subscriptions_on):
    subscription = make_subscription(customer, shop.coffee, D(2027, 1, 4), "1w")
    run_renewals(D(2027, 2, 1))  # four weeks late
    assert Renewal.objects.filter(subscription=subscription).count() == 1
    subscription.refresh_from_db()
    assert subscription.next_delivery_date == D(2027, 2, 8)


def test_fixed_number_of_deliveries_completes(db, shop, customer, subscriptions_on):
    subscription = make_subscription(customer, shop.coffee, D(2027, 1, 4), "1w",
                                     deliveries_total=2)
    run_renewals(D(2027, 1, 11))
    subscription.refresh_from_db()
    assert subscription.status == Subscription.COMPLETED
    assert run_renewals(D(2027, 1, 18)) == 0


def test_monthly_consolidation_charges_the_month_once(bought, klarna):
    bought.billing = "monthly"
    bought.interval = "1w"
    bought.save()
    first_due = bought.next_order_date
    orders = []
    day = first_due
    month = first_due.replace(day=1)
    for _ in range(6):
        bought.refresh_from_db()
        if bought.next_order_date.replace(day=1) != month:
            break
        run_renewals(bought.next_order_date)
        orders = list(renewal_orders(bought))
    assert orders, "no delivery in the month"
    for order in orders:
        assert order.status == OrderStatus.UNFULFILLED
        assert not order.payments.exists()
    assert klarna.state.charge_count == bought.charges_before
    invoice = MonthlyInvoice.objects.get(subscription=bought)
    next_month = (month + days(32)).replace(day=1)
    run_renewals(next_month)
    invoice.refresh_from_db()
    assert invoice.status == MonthlyInvoice.PAID
    assert invoice.amount == sum(o.total.gross.amount for o in orders)
    assert klarna.state.charge_count == bought.charges_before + 1
    klarna_order = klarna.orders[invoice.attempts.get().klarna_order_id]
    assert klarna_order["order_amount"] == int(invoice.amount * 100)
    for order in orders:
        assert order.payments.get().charge_status == ChargeStatus.FULLY_CHARGED
    run_renewals(next_month + days(1))
    assert klarna.state.charge_count == bought.charges_before + 1


def test_reminder_e_mail_with_the_amount_once_and_not_when_paused(bought, api, customer):
    due = bought.next_order_date
    assert send_renewal_reminders.delay((due - days(3)).isoformat()).get() == 1
    [message] = mail.outbox
    assert "renews soon" in message.subject and "294.10" in message.body
    assert message.to == [customer.email]
    assert send_renewal_reminders.delay((due - days(3)).isoformat()).get() == 0
    bought.status = Subscription.PAUSED
    bought.reminded_cycle = 0
    bought.save()
    assert send_renewal_reminders.delay((due - days(3)).isoformat()).get() == 0


def test_reminder_in_the_customers_language(bought, customer):
    bought.language_code = "nb"
    bought.save()
    send_renewal_reminders.delay((bought.next_order_date - days(3)).isoformat()).get()
    [message] = mail.outbox
    assert "Abonnementet ditt" in message.subject
