"""Django 3.0's PostgreSQL backend with a tz factory that accepts psycopg2 2.9 offsets,
and a health check of reused connections.

Django 3.0 checks ``offset != 0`` for every timestamp it reads; psycopg2 2.9 passes the
offset as a ``timedelta``, so every read of a timestamp failed.
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
    # Django 3.0 reuses a persistent connection (Saleor's CONN_MAX_AGE=600) unchecked, so
    # after a database restart the first request of every web process that was idle during
    # it failed. Like Django 4.1's CONN_HEALTH_CHECKS: a connection kept at the start or end
    # of a request is checked (SELECT 1) once, on its next use, and replaced if dead.
    # (Celery workers close connections around every task: Celery's Django fixup.)
    health_check_done = True

    def close_if_unusable_or_obsolete(self):
        super().close_if_unusable_or_obsolete()
        self.health_check_done = self.connection is None

    def ensure_connection(self):
        if not self.health_check_done and not self.in_atomic_block:
            self.health_check_done = True
            if self.connection is not None and not self.is_usable():
                self.close()
        super().ensure_connection()

    def create_cursor(self, name=None):
        cursor = super().create_cursor(name)
        if cursor.tzinfo_factory is not None:
            cursor.tzinfo_factory = utc_tzinfo_factory
        return cursor
