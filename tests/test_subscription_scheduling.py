"""Pure date rules of subscriptions: anchors, month ends, closing days, lead time, DST."""
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_plugins.subscription import scheduling
from saleor_plugins.subscription.scheduling import DeliveryCalendar, Interval

D = datetime.date
MONTHLY = Interval(1, "m")
OPEN = DeliveryCalendar()


@pytest.mark.parametrize("code,expected", [("1m", Interval(1, "m")), ("2W", Interval(2, "w")),
                                           (" 10d ", Interval(10, "d"))])
def test_interval_codes(code, expected):
    assert Interval.parse(code) == expected


@pytest.mark.parametrize("code", ["", "0w", "m", "1y", "400d", "25m", "1.5w", "-1d", None])
def test_bad_interval_codes_are_refused(code):
    with pytest.raises(scheduling.ScheduleError):
        Interval.parse(code)


def test_month_end_anchor_clamps_and_returns_to_the_31st():
    dates = [scheduling.scheduled_date(D(2027, 1, 31), MONTHLY, n) for n in range(6)]
    assert dates == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30),
                     D(2027, 5, 31), D(2027, 6, 30)]


def test_leap_february():
    assert scheduling.scheduled_date(D(2028, 1, 31), MONTHLY, 1) == D(2028, 2, 29)
    assert scheduling.scheduled_date(D(2028, 1, 29), MONTHLY, 1) == D(2028, 2, 29)
    assert scheduling.scheduled_date(D(2027, 1, 29), MONTHLY, 1) == D(2027, 2, 28)
    assert scheduling.scheduled_date(D(2027, 1, 29), MONTHLY, 2) == D(2027, 3, 29)


@pytest.mark.parametrize("day", [28, 29, 30, 31])
def test_anchors_late_in_the_month_never_drift(day):
    anchor = D(2027, 1, day)
    for n in range(1, 30):
        date = scheduling.scheduled_date(anchor, MONTHLY, n)
        assert date.day == min(day, [31, 29 if date.year % 4 == 0 else 28, 31, 30, 31, 30,
                                     31, 31, 30, 31, 30, 31][date.month - 1])


def test_weeks_and_days_step_from_the_anchor():
    assert scheduling.scheduled_date(D(2027, 3, 1), Interval(2, "w"), 3) == D(2027, 4, 12)
    assert scheduling.scheduled_date(D(2027, 3, 1), Interval(10, "d"), 2) == D(2027, 3, 21)


@settings(max_examples=300, deadline=None)
@given(anchor=st.dates(D(2000, 1, 1), D(2090, 12, 31)), count=st.integers(1, 24),
       steps=st.integers(0, 60))
def test_months_property_same_day_or_month_end(anchor, count, steps):
    date = scheduling.scheduled_date(anchor, Interval(count, "m"), steps)
    months = (date.year - anchor.year) * 12 + date.month - anchor.month
    assert months == count * steps
    if date.day != anchor.day:
        assert date.day < anchor.day
        assert (date + datetime.timedelta(days=1)).day == 1  # clamped to the month's end


@settings(max_examples=200, deadline=None)
@given(anchor=st.dates(D(2000, 1, 1), D(2090, 12, 31)), steps=st.integers(0, 100),
       closed=st.sets(st.sampled_from(scheduling.WEEKDAYS), max_size=6))
def test_deliveries_are_on_open_days_never_earlier_and_within_a_week(anchor, steps, closed):
    calendar = DeliveryCalendar.build(closed)
    planned = scheduling.scheduled_date(anchor, Interval(1, "w"), steps)
    delivery = scheduling.delivery_date(anchor, Interval(1, "w"), steps, calendar)
    assert calendar.is_open(delivery)
    assert 0 <= (delivery - planned).days < 7


def test_closing_days_and_holidays_move_the_delivery_to_the_next_open_day():
    calendar = DeliveryCalendar.build(["sat", "sun"], {D(2027, 12, 27), D(2027, 12, 28)}, 2)
    # Christmas 2027: Sat 25, Sun 26 closed, Mon 27 and Tue 28 holidays
    assert calendar.next_open_day(D(2027, 12, 25)) == D(2027, 12, 29)
    assert calendar.next_open_day(D(2027, 12, 29)) == D(2027, 12, 29)
    # lead time: the order is created two days before the delivery
    assert calendar.order_date(D(2027, 12, 29)) == D(2027, 12, 27)


def test_the_schedule_does_not_drift_after_a_moved_delivery():
    calendar = DeliveryCalendar.build(["sun"])
    anchor = D(2027, 1, 2)  # a Saturday
    week = Interval(1, "w")
    # a holiday moves one delivery; the next one is back on Saturday
    with_holiday = DeliveryCalendar.build(["sun"], {D(2027, 1, 9)})
    assert scheduling.delivery_date(anchor, week, 1, with_holiday) == D(2027, 1, 11)
    assert scheduling.delivery_date(anchor, week, 2, with_holiday) == D(2027, 1, 16)
    assert scheduling.delivery_date(anchor, week, 2, calendar) == D(2027, 1, 16)


def test_a_calendar_closed_every_day_is_an_error_not_a_hang():
    calendar = DeliveryCalendar.build(scheduling.WEEKDAYS)
    with pytest.raises(scheduling.ScheduleError):
        calendar.next_open_day(D(2027, 1, 1))


def test_first_delivery_on_or_after_skips_missed_cycles():
    steps = scheduling.first_delivery_on_or_after(D(2027, 1, 1), Interval(1, "w"), 1,
                                                  D(2027, 1, 20), OPEN)
    assert steps == 3  # Jan 22


OSLO = "Europe/Oslo"
UTC = datetime.timezone.utc


def test_local_day_around_midnight_and_dst():
    # 22:30 UTC on 28 March 2027 is 00:30 on the 29th in Oslo (summer time, UTC+2)
    assert scheduling.local_today(datetime.datetime(2027, 3, 28, 22, 30, tzinfo=UTC),
                                  OSLO) == D(2027, 3, 29)
    # in winter (UTC+1) the same UTC clock is still the 28th... of November
    assert scheduling.local_today(datetime.datetime(2027, 11, 28, 22, 30, tzinfo=UTC),
                                  OSLO) == D(2027, 11, 28)


def test_renewal_hour_is_local_wall_clock_across_dst():
    # 06:00 Oslo is 05:00 UTC in winter and 04:00 UTC in summer
    winter = scheduling.local_moment(D(2027, 3, 27), 6, OSLO)
    summer = scheduling.local_moment(D(2027, 3, 28), 6, OSLO)  # DST starts 28 March 02:00
    assert winter.astimezone(UTC).hour == 5 and summer.astimezone(UTC).hour == 4
    # at 04:30 UTC on the DST day it is 06:30 local: that day's renewals are made
    assert scheduling.renewal_day(datetime.datetime(2027, 3, 28, 4, 30, tzinfo=UTC), OSLO, 6) \
        == D(2027, 3, 28)
    # one day earlier (winter time) 04:30 UTC is 05:30 local: still the previous day
    assert scheduling.renewal_day(datetime.datetime(2027, 3, 27, 4, 30, tzinfo=UTC), OSLO, 6) \
        == D(2027, 3, 26)
    # DST ends 31 October: 05:30 UTC is 06:30 local (UTC+1)
    assert scheduling.renewal_day(datetime.datetime(2027, 10, 31, 5, 30, tzinfo=UTC), OSLO, 6) \
        == D(2027, 10, 31)


@settings(max_examples=200, deadline=None)
@given(moment=st.datetimes(datetime.datetime(2020, 1, 1), datetime.datetime(2040, 1, 1)))
def test_every_instant_renews_exactly_one_local_day(moment):
    moment = moment.replace(tzinfo=UTC)
    day = scheduling.renewal_day(moment, OSLO, 6)
    local = moment.astimezone(scheduling.ZoneInfo(OSLO))
    assert day in (local.date(), local.date() - datetime.timedelta(days=1))
    assert (day == local.date()) == (local.hour >= 6)
