"""The merchant digest: once a shop day, to the configured address, the renewal orders and
the picking list of the day ``digest_days_ahead`` ahead; once even when workers race."""
import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings
from saleor.core.permissions import PluginsPermissions

from saleor_plugins.conf import beat_schedule, features
from saleor_plugins.subscription import tasks
from saleor_plugins.subscription.models import MerchantDigest, Renewal

from . import factories
from .subscription_helpers import configure, make_subscription, subscriptions_on  # noqa: F401

TODAY = datetime.date(2027, 6, 1)  # a Tuesday
DAY = "2027-06-01"
STAFF_ADDRESS = "lager@butikken.example"


@pytest.fixture
def digest_world(shop, customer, subscriptions_on):  # noqa: F811
    configure(digest_email=STAFF_ADDRESS, digest_days_ahead=2,
              public_url="https://shop.example.com")
    delivery = TODAY + datetime.timedelta(days=2)
    anchor = delivery - datetime.timedelta(weeks=1)  # cycle 1 is one interval after it
    planned = make_subscription(customer, shop.coffee, anchor, "1w", quantity=3,
                                comment="Ring the bell twice")
    other = factories.create_customer("ola@example.com", first_name="Ola", last_name="Hansen")
    ordered = make_subscription(other, shop.mug, anchor, "1w")
    order = factories.create_order(user=other, lines=[(shop.mug, 1)])
    Renewal.objects.create(subscription=ordered, cycle=ordered.next_cycle,
                           delivery_date=delivery, status=Renewal.PAID, order=order)
    later = make_subscription(factories.create_customer("per@example.com"), shop.coffee,
                              anchor + datetime.timedelta(days=1), "1w")

    class World:
        pass

    World.planned, World.ordered, World.order, World.later = planned, ordered, order, later
    World.delivery = delivery
    return World


def digests(outbox):
    return [m for m in outbox.messages if STAFF_ADDRESS in m.to]


def test_the_digest_lists_the_days_renewal_orders_and_picking_list(digest_world, shop,
                                                                    outbox):
    assert tasks.send_merchant_digest(DAY) == "sent"
    [mail] = digests(outbox)
    assert mail.to == (STAFF_ADDRESS,)
    assert "2027-06-03" in mail.subject and "renewal orders: 2" in mail.subject
    for text in (mail.body, mail.html):
        assert "kari@example.com" in text and "ola@example.com" in text
        assert f"#{digest_world.order.pk}" in text  # made already (its order)
        assert "made on 2027-06-03" in text  # the schedule makes it that day
        assert "Ring the bell twice" in text  # the picking list's customer note
        assert "per@example.com" not in text  # delivered a day later
    assert f"3 × {shop.coffee.product.name}" in mail.body  # picked: quantity and product
    assert f"1 × {shop.mug.product.name}" in mail.body
    assert "<table" in mail.html and "Picking list" in mail.html
    assert "https://shop.example.com/staff/subscriptions/" in mail.body  # PDF and CSV there
    assert 'href="https://shop.example.com/staff/subscriptions/"' in mail.html
    row = MerchantDigest.objects.get()
    assert (row.sent_on, row.delivery_date, row.recipient) == (
        TODAY, digest_world.delivery, STAFF_ADDRESS)


def test_days_ahead_chooses_the_delivery_day(digest_world, outbox):
    configure(digest_email=STAFF_ADDRESS, digest_days_ahead=3,
              public_url="https://shop.example.com")
    assert tasks.send_merchant_digest(DAY) == "sent"
    [mail] = digests(outbox)
    assert "2027-06-04" in mail.subject and "per@example.com" in mail.body
    assert "kari@example.com" not in mail.body


def test_an_empty_day_says_so(subscriptions_on, outbox):  # noqa: F811
    configure(digest_email=STAFF_ADDRESS, digest_days_ahead=0)
    assert tasks.send_merchant_digest(DAY) == "sent"
    [mail] = digests(outbox)
    assert "No renewal orders for this day." in mail.body
    assert "Nothing to pick on this day." in mail.body


def test_sent_once_a_day_however_often_the_beat_runs(digest_world, outbox):
    assert tasks.send_merchant_digest(DAY) == "sent"
    assert tasks.send_merchant_digest(DAY) == "already sent"
    assert len(digests(outbox)) == 1
    assert tasks.send_merchant_digest("2027-06-02") == "sent"  # the next day: its own
    assert len(digests(outbox)) == 2 and MerchantDigest.objects.count() == 2


def test_off_without_an_address_or_with_the_plugin_off(digest_world, outbox):
    configure(digest_email="")
    assert tasks.send_merchant_digest(DAY) == "off"
    factories.set_package_plugins_active(False)
    assert tasks.send_merchant_digest(DAY) == "inactive"
    assert outbox.messages == [] and not MerchantDigest.objects.exists()


@override_settings(LANGUAGE_CODE="nb")
def test_in_the_shops_language(digest_world, outbox):
    tasks.send_merchant_digest(DAY)
    [mail] = digests(outbox)
    assert "Abonnementsleveringer 2027-06-03" in mail.subject
    assert "Fornyelsesordrer" in mail.body and "Plukkliste" in mail.html


def test_the_beat_runs_it_hourly():
    entries = [e for e in beat_schedule(features()).values()
               if e["task"] == "saleor_plugins.subscription.tasks.send_merchant_digest"]
    assert [e["schedule"] for e in entries] == [datetime.timedelta(hours=1)]


@pytest.mark.parametrize("name, value, field", [
    ("digest_email", "not an address", "digestEmail"),
    ("digest_days_ahead", "31", "digestDaysAhead"),
    ("digest_days_ahead", "-1", "digestDaysAhead"),
    ("self_service_link_days", "0", "selfServiceLinkDays"),
    ("public_url", "shop.example.com", "publicUrl"),
])
def test_the_settings_are_checked_with_typed_errors(api, subscriptions_on, name, value,  # noqa
                                                    field):
    staff = api(factories.create_staff(permissions=[PluginsPermissions.MANAGE_PLUGINS]))
    result = staff.data("""mutation($value: String) { pluginUpdate(
        id: "saleor_plugins.subscription", input: {configuration: [{name: "%s", value: $value}]})
        { pluginsErrors { field code message } } }""" % name, {"value": value})["pluginUpdate"]
    assert [e["field"] for e in result["pluginsErrors"]] == [field]


# -- concurrency: real transactions, one database connection per worker -------------------

def run_at_once(function, count):
    barrier = threading.Barrier(count)
    results = [None] * count

    def work(index):
        try:
            barrier.wait()
            results[index] = function()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_one_digest(digest_world, outbox):
    results = run_at_once(lambda: tasks.send_merchant_digest(DAY), 6)
    assert sorted(results) == ["already sent"] * 5 + ["sent"]
    assert len(digests(outbox)) == 1 and MerchantDigest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first_commits", [True, False])
def test_a_worker_waits_for_the_one_sending_the_day(digest_world, outbox, first_commits):
    """A run that has claimed the day holds it until it commits: a second run waits on the
    unique day, then sends nothing (or, if the first rolled back, sends it itself)."""
    claimed, release, results = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                MerchantDigest.objects.create(sent_on=TODAY, delivery_date=TODAY,
                                              recipient=STAFF_ADDRESS)
                claimed.set()
                release.wait(30)
                if not first_commits:
                    transaction.set_rollback(True)
        finally:
            connection.close()

    def second():
        try:
            results.append(tasks.send_merchant_digest(DAY))
        finally:
            connection.close()

    holder = threading.Thread(target=first)
    holder.start()
    assert claimed.wait(30)
    waiter = threading.Thread(target=second)
    waiter.start()
    waiter.join(2)
    assert waiter.is_alive() and results == []  # blocked on the claimed day
    release.set()
    holder.join(30)
    waiter.join(30)
    if first_commits:
        assert results == ["already sent"] and digests(outbox) == []
    else:
        assert results == ["sent"] and len(digests(outbox)) == 1
    assert MerchantDigest.objects.count() == 1


def test_a_failed_send_leaves_the_day_to_the_next_run(digest_world, outbox):
    from .shop_server import free_port

    closed = free_port()  # nothing listens there: the mail server is down
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed, EMAIL_TIMEOUT=5):
        with pytest.raises(OSError):
            tasks.send_merchant_digest(DAY)
    assert not MerchantDigest.objects.exists()
    assert tasks.send_merchant_digest(DAY) == "sent"  # the next hourly run
    assert len(digests(outbox)) == 1
