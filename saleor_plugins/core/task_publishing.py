"""Celery tasks published inside a database transaction go to the broker when it commits.

Saleor queues its e-mails (``send_order_confirmation.delay(order.pk)``) from inside
transactions, e.g. ``checkoutComplete`` and the package's renewals. A worker can pick such a
task up before the commit, find no order and fail: the e-mail is lost. Publishing on commit
fixes every task, Saleor's and the package's, without changing their call sites. A
transaction that rolls back drops its tasks, as it drops its rows.
"""
import inspect
import logging

from celery.utils import uuid
from django.db import transaction

logger = logging.getLogger(__name__)


def publish_tasks_after_commit(app):
    """Make ``app`` hold back tasks sent inside a transaction until it commits.

    The hook is ``app.send_task``: ``Task.apply_async`` (and so ``delay``, canvas and beat)
    publishes through it, and so does sending a task by name, so both behave alike. Eager
    mode never reaches it for ``apply_async`` and is left as is: the test suite runs every
    test in a transaction that never commits, so deferring there would drop every e-mail.
    """
    send_now = app.send_task
    if getattr(send_now, "publishes_after_commit", False):
        return
    signature = inspect.signature(send_now)

    def send_task(*args, **kwargs):
        call = signature.bind(*args, **kwargs)
        given = call.arguments
        if (app.conf.task_always_eager or not transaction.get_connection().in_atomic_block
                # a caller's own broker connection or producer is gone by the commit
                or given.get("connection") or given.get("producer") or given.get("publisher")):
            return send_now(*call.args, **call.kwargs)
        # the caller gets its result at once, under the id the task is later sent with
        given["task_id"] = given.get("task_id") or uuid()
        transaction.on_commit(lambda: _send_committed(send_now, call))
        return (given.get("result_cls") or app.AsyncResult)(given["task_id"])

    send_task.publishes_after_commit = True
    send_task.__doc__ = send_now.__doc__
    app.send_task = send_task


def _send_committed(send_now, call):
    # the data is committed: a broker error here must not fail the caller's request nor
    # skip the transaction's other commit hooks (Django runs them one after another)
    try:
        send_now(*call.args, **call.kwargs)
    except Exception:
        logger.exception("Publishing task %s after commit failed", call.arguments["name"])
