"""A changed delivery calendar re-plans the deliveries already planned: holidays added or
deleted through /graphql/, closing weekdays and lead time through ``pluginUpdate``, a lost
re-plan caught up by the renewal run, a renewal running at the same moment; renewal orders
already made get a staff note instead of being moved."""
import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from saleor.core.permissions import PluginsPermissions
from saleor.order import OrderEvents

from saleor_plugins.core.permissions import SubscriptionPermissions
from saleor_plugins.subscription import renewal as renewal_module
from saleor_plugins.subscription.models import Holiday, Renewal, Subscription
from saleor_plugins.subscription.scheduling import DeliveryCalendar, local_today
from saleor_plugins.subscription.subscriptions import advance, delivery_calendar, plugin

from . import factories
from .graphql_client import GraphQLClient
from .subscription_helpers import (  # noqa: F401 (fixture)
    days,
    make_subscription,
    run_renewals,
    subscriptions_on,
)
from .test_faults_workers import wait_for

ERRORS = "subscriptionErrors { field message code }"
HOLIDAY_ADD = "mutation($d: Date!, $n: String) { subscriptionHolidayAdd(date: $d, name: $n) " \
              "{ holiday { date } %s } }" % ERRORS
HOLIDAY_DELETE = "mutation($d: Date!) { subscriptionHolidayDelete(date: $d) { ok %s } }" % ERRORS
HOLIDAYS = "{ subscriptionHolidays { date name } }"
PLUGIN_UPDATE = """mutation($input: PluginUpdateInput!) {
  pluginUpdate(id: "saleor_plugins.subscription", input: $input) {
    plugin { id } pluginsErrors { field message code } } }"""


def shop_today():
    return local_today(timezone.now(), "Europe/Oslo")


@pytest.fixture
def calendar_on(subscriptions_on):
    """Renewal hour 0: the re-plan's "today" is the shop's local day at any hour."""
    def configure(**values):
        subscriptions_on(renewal_hour=0, **values)
    configure()
    return configure


@pytest.fixture
def manager(db):
    return factories.create_staff(permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])


@pytest.fixture
def plugin_admin(db):
    return factories.create_staff(permissions=[PluginsPermissions.MANAGE_PLUGINS])


def weekly(user, variant, first_delivery, lead_time=0, holidays=(), closed=()):
    """A weekly subscription whose next delivery (cycle 1) is ``first_delivery``."""
    calendar = DeliveryCalendar.build(closed, set(holidays), lead_time)
    return make_subscription(user, variant, first_delivery - days(7), "1w", calendar=calendar)


def planned(subscription):
    subscription.refresh_from_db()
    return subscription.next_delivery_date, subscription.next_order_date, subscription.due_on


def notes(order):
    """The order's notes about a closed delivery day."""
    return [note for note in order.events.filter(type=OrderEvents.NOTE_ADDED).values_list(
        "parameters__message", flat=True) if "now closed" in note]


def waits_for_this_session() -> bool:
    """Another session waits for a lock this test's transaction holds (``pg_locks``: unlike
    ``pg_stat_activity`` it is not a snapshot taken once per transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted "
                       "AND pg_backend_pid() = ANY(pg_blocking_pids(pid)))")
        return cursor.fetchone()[0]


def update_plugin(api, admin, **values):
    result = api(admin).data(PLUGIN_UPDATE, {"input": {"configuration": [
        {"name": name, "value": str(value)} for name, value in values.items()]}})
    assert result["pluginUpdate"]["pluginsErrors"] == []


def test_item14_17_holiday_add_replans_planned_deliveries_and_notes_made_orders(
        api, manager, shop, customer, calendar_on):
    calendar_on(lead_time_days=2)
    day = shop_today() + days(12)
    ordered = weekly(customer, shop.coffee, day, lead_time=2)
    run_renewals(day - days(2))  # its order for ``day`` is made
    made = Renewal.objects.get(subscription=ordered, cycle=1)
    assert made.order is not None and made.delivery_date == day
    waiting = weekly(factories.create_customer(), shop.mug, day, lead_time=2)
    assert planned(waiting) == (day, day - days(2), day - days(2))

    added = api(manager).data(HOLIDAY_ADD, {"d": day.isoformat(), "n": "Grunnlovsdag"})
    assert added["subscriptionHolidayAdd"][ERRORS.split()[0]] == []

    assert planned(waiting) == (day + days(1), day - days(1), day - days(1))
    assert waiting.calendar_key == delivery_calendar(plugin().config).key
    made.refresh_from_db()
    assert made.delivery_date == day  # the order already made is not moved...
    [note] = notes(made.order)  # ...staff are told
    assert day.isoformat() in note and "Grunnlovsdag" in note
    assert planned(ordered)[0] == day + days(7)
    # idempotent: again changes nothing and notes nothing twice
    from saleor_plugins.subscription.tasks import replan_subscriptions

    assert replan_subscriptions.delay().get() == 0
    assert planned(waiting)[0] == day + days(1) and len(notes(made.order)) == 1
    assert run_renewals(day - days(2)) == 0  # no order for the holiday
    run_renewals(day - days(1))
    assert Renewal.objects.get(subscription=waiting, cycle=1).delivery_date == day + days(1)


def test_item14_17_holiday_delete_replans_back_onto_the_day(
        api, manager, shop, customer, calendar_on):
    day = shop_today() + days(12)
    Holiday.objects.create(date=day, name="Stengt")
    subscription = weekly(customer, shop.coffee, day, holidays=[day])
    assert planned(subscription)[0] == day + days(1)
    deleted = api(manager).data(HOLIDAY_DELETE, {"d": day.isoformat()})
    assert deleted["subscriptionHolidayDelete"]["ok"] is True
    assert planned(subscription) == (day, day, day)


def test_item14_17_closing_weekdays_change_through_plugin_update_replans(
        api, plugin_admin, shop, customer, calendar_on):
    day = shop_today() + days(12)
    subscription = weekly(customer, shop.coffee, day)
    paused = weekly(factories.create_customer(), shop.mug, day)
    paused.status, paused.paused_until = Subscription.PAUSED, day - days(3)
    paused.save()
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    update_plugin(api, plugin_admin, closing_weekdays=weekday)
    assert planned(subscription) == (day + days(1), day + days(1), day + days(1))
    assert planned(paused)[0] == day + days(1)
    update_plugin(api, plugin_admin, closing_weekdays="")  # open again: back on the day
    assert planned(subscription)[0] == day


def test_item14_17_lead_time_days_change_through_plugin_update_replans(
        api, plugin_admin, shop, customer, calendar_on):
    today = shop_today()
    later = weekly(customer, shop.coffee, today + days(12))
    soon = weekly(factories.create_customer(), shop.mug, today + days(1))
    update_plugin(api, plugin_admin, lead_time_days=3)
    # the order is made three days before the delivery now
    assert planned(later) == (today + days(12), today + days(9), today + days(9))
    # three days before tomorrow has passed: the first day three days ahead, ordered today
    assert planned(soon) == (today + days(3), today, today)


def test_item14_17_holidays_are_listed_by_the_shops_day_not_the_servers(
        api, shop, calendar_on):
    server_today = datetime.date.today()  # the process's time zone (Django's TIME_ZONE)
    # one of these two zones is on another calendar day than the server at any moment
    zone = next(z for z in ("Pacific/Kiritimati", "Etc/GMT+12")
                if local_today(timezone.now(), z) != server_today)
    calendar_on(time_zone=zone)
    shop_day = local_today(timezone.now(), zone)
    Holiday.objects.create(date=shop_day - days(31), name="Listed")
    Holiday.objects.create(date=shop_day - days(32), name="Too old")
    listed = api().data(HOLIDAYS)["subscriptionHolidays"]
    assert [h["name"] for h in listed] == ["Listed"]


def test_item14_17_holiday_whose_replan_was_lost_is_replanned_by_the_renewal_run(
        shop, customer, calendar_on):
    day = shop_today() + days(12)
    subscription = weekly(customer, shop.coffee, day)
    Holiday.objects.create(date=day)  # no re-plan task ran (e.g. the broker was down)
    assert run_renewals(day) == 0
    assert planned(subscription)[0] == day + days(1)
    assert not Renewal.objects.filter(subscription=subscription).exists()


def test_item14_17_renewal_replans_a_stale_subscription_before_ordering(
        shop, customer, calendar_on):
    day = shop_today() + days(12)
    subscription = weekly(customer, shop.coffee, day)
    Holiday.objects.create(date=day)
    result = renewal_module.renew(subscription.pk, plugin().config, day)
    assert result == renewal_module.NOT_DUE
    assert planned(subscription)[0] == day + days(1)
    assert not Renewal.objects.filter(subscription=subscription).exists()


@pytest.mark.django_db(transaction=True)
def test_item14_17_replan_waits_for_a_renewal_holding_the_row_and_replans_its_result(
        shop, customer, calendar_on):
    day = shop_today() + days(12)
    subscription = weekly(customer, shop.coffee, day)
    manager = factories.create_staff(
        permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])
    results = []

    def add_holiday():
        try:
            results.append(GraphQLClient(manager).data(
                HOLIDAY_ADD, {"d": (day + days(7)).isoformat(), "n": None}))
        except Exception as error:  # noqa: BLE001 (asserted below)
            results.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=add_holiday, daemon=True)
    with transaction.atomic():  # a renewal: the row locked, the calendar read before
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        old_calendar = delivery_calendar(plugin().config)
        thread.start()
        wait_for(waits_for_this_session, 20, "the re-plan to wait for the row lock")
        advance(locked, old_calendar, day)  # plans cycle 2 on the new holiday
        locked.deliveries_made += 1
        locked.save()
    thread.join(20)
    assert not thread.is_alive() and not isinstance(results[0], Exception), results
    assert planned(subscription)[0] == day + days(8)


def test_closing_every_weekday_is_refused(api, plugin_admin, calendar_on):
    result = api(plugin_admin).data(PLUGIN_UPDATE, {"input": {"configuration": [
        {"name": "closing_weekdays", "value": "mon,tue,wed,thu,fri,sat,sun"}]}})
    [error] = result["pluginUpdate"]["pluginsErrors"]
    assert error["field"] == "closingWeekdays"
    assert plugin().config.closing_weekdays == []
