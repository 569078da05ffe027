"""One charging run per subscription at a time, across workers.

A renewal or a monthly invoice is charged in steps with commits between them (the attempt
is stored before Klarna is called, the answer recorded after), so a row lock, which ends
with its transaction, cannot cover the run. A PostgreSQL session advisory lock on the
subscription does: a second worker does not wait, it moves on; a worker that dies loses
the lock with its connection.
"""
import contextlib
import logging

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

# the first key of the two-key advisory lock form (its key space is apart from the
# one-key form the checkout lock uses)
NAMESPACE = 0x53554253  # "SUBS"


@contextlib.contextmanager
def subscription_run(subscription_pk: int):
    """Yields True while this connection holds the subscription's run, False if another does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, subscription_pk])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            _release(subscription_pk)


def _release(subscription_pk: int):
    if connection.connection is None:
        return  # the connection closed: its session locks went with it
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, subscription_pk])
    except DatabaseError:
        logger.exception("Could not release the run of subscription %s; closing the "
                         "connection", subscription_pk)
        connection.close()
