"""Date rules of subscriptions, pure (no database, no clock).

Every delivery date is computed from the anchor (the first delivery) and the cycle number,
never from the previous date or from when a charge succeeded: a month-end anchor clamps
(31 → 30, 28 or 29) and comes back to the 31st; a retried charge never shifts later dates.
Dates are the shop's local calendar days; ``local_today`` turns an instant into one.
"""
import calendar
import datetime
import hashlib
import re
from dataclasses import dataclass
from typing import Collection, Iterable, Optional
from zoneinfo import ZoneInfo

DAYS, WEEKS, MONTHS = "d", "w", "m"
UNITS = (DAYS, WEEKS, MONTHS)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_COUNT = {DAYS: 365, WEEKS: 52, MONTHS: 24}
_CODE = re.compile(r"^(\d{1,3})([dwm])$")
# A shop never closes for longer than this; beyond it the calendar is misconfigured.
MAX_CLOSED_RUN = 60


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Interval:
    count: int
    unit: str

    @classmethod
    def parse(cls, code: str) -> "Interval":
        match = _CODE.match((code or "").strip().lower())
        if not match:
            raise ScheduleError("An interval is a number and d, w or m, e.g. 2w.")
        count, unit = int(match.group(1)), match.group(2)
        if not 1 <= count <= MAX_COUNT[unit]:
            raise ScheduleError("Interval %s is out of range." % code)
        return cls(count, unit)

    @property
    def code(self) -> str:
        return f"{self.count}{self.unit}"

    def __str__(self):
        return self.code


def add_months(start: datetime.date, months: int, day: int) -> datetime.date:
    """The ``day`` of the month ``months`` after ``start``'s, clamped to that month's end."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def scheduled_date(anchor: datetime.date, interval: Interval, steps: int) -> datetime.date:
    """The date ``steps`` intervals after the anchor (before the calendar moves it)."""
    if steps < 0:
        raise ScheduleError("steps must not be negative")
    if interval.unit == DAYS:
        return anchor + datetime.timedelta(days=interval.count * steps)
    if interval.unit == WEEKS:
        return anchor + datetime.timedelta(weeks=interval.count * steps)
    return add_months(anchor, interval.count * steps, anchor.day)


@dataclass(frozen=True)
class DeliveryCalendar:
    closing_weekdays: frozenset = frozenset()  # 0 = Monday
    holidays: frozenset = frozenset()
    lead_time_days: int = 0

    @classmethod
    def build(cls, closing_weekdays: Iterable[str] = (), holidays: Collection = (),
              lead_time_days: int = 0) -> "DeliveryCalendar":
        return cls(frozenset(WEEKDAYS.index(d) for d in closing_weekdays), frozenset(holidays),
                   lead_time_days)

    def is_open(self, day: datetime.date) -> bool:
        return day.weekday() not in self.closing_weekdays and day not in self.holidays

    def next_open_day(self, day: datetime.date) -> datetime.date:
        """``day`` itself when open, else the next open day."""
        for _ in range(MAX_CLOSED_RUN + 1):
            if self.is_open(day):
                return day
            day += datetime.timedelta(days=1)
        raise ScheduleError("The shop is closed for more than %d days in a row." % MAX_CLOSED_RUN)

    def order_date(self, delivery: datetime.date) -> datetime.date:
        """When the renewal order is created for a delivery: the lead time before it."""
        return delivery - datetime.timedelta(days=self.lead_time_days)

    @property
    def key(self) -> str:
        """Equal for equal calendars: a subscription keeps the key of the calendar its
        next delivery was planned with, so a changed calendar shows which are stale."""
        text = "%s|%d|%s" % (",".join(map(str, sorted(self.closing_weekdays))),
                             self.lead_time_days,
                             ",".join(day.isoformat() for day in sorted(self.holidays)))
        return hashlib.sha256(text.encode()).hexdigest()


def delivery_date(anchor: datetime.date, interval: Interval, steps: int,
                  delivery_calendar: DeliveryCalendar) -> datetime.date:
    return delivery_calendar.next_open_day(scheduled_date(anchor, interval, steps))


def first_delivery_on_or_after(anchor: datetime.date, interval: Interval, after_steps: int,
                               earliest: datetime.date, delivery_calendar: DeliveryCalendar
                               ) -> int:
    """The first number of steps ≥ ``after_steps`` whose delivery is on or after ``earliest``."""
    steps = after_steps
    while delivery_date(anchor, interval, steps, delivery_calendar) < earliest:
        steps += 1
        if steps - after_steps > 10000:
            raise ScheduleError("no delivery date found")
    return steps


def local_today(now: datetime.datetime, time_zone: str) -> datetime.date:
    """The shop's calendar day at the instant ``now`` (aware)."""
    return now.astimezone(ZoneInfo(time_zone)).date()


def local_moment(day: datetime.date, hour: int, time_zone: str) -> datetime.datetime:
    """``hour`` o'clock of a local day as an aware instant (the wall clock, across DST)."""
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo(time_zone))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month_start(day: datetime.date) -> datetime.date:
    return month_start(month_start(day) - datetime.timedelta(days=1))


def parse_interval(code: Optional[str]) -> Interval:
    return Interval.parse(code or "")


def renewal_day(now: datetime.datetime, time_zone: str, hour: int) -> datetime.date:
    """The day whose renewals are made at ``now``: today from ``hour`` o'clock local wall
    time on, yesterday before it (so DST changes never move a renewal to another day)."""
    local = now.astimezone(ZoneInfo(time_zone))
    day = local.date()
    return day if local.hour >= hour else day - datetime.timedelta(days=1)
