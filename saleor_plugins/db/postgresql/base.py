"""Django 3.0's PostgreSQL backend with a tz factory that accepts psycopg2 2.9 offsets.

Django 3.0 checks ``offset != 0`` for every timestamp it reads; psycopg2 2.9 passes the
offset as a ``timedelta``, so every read of a timestamp failed. Only that check changes.
"""
import datetime

from django.db.backends.postgresql import base
from django.utils.timezone import utc


def utc_tzinfo_factory(offset):
    if isinstance(offset, datetime.timedelta):
        offset = offset.total_seconds()
    if offset != 0:
        raise AssertionError("database connection isn't set to UTC")
    return utc


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if cursor.tzinfo_factory is not None:
            cursor.tzinfo_factory = utc_tzinfo_factory
        return cursor
