"""A process with a real broker (not eager) that queues Saleor's order confirmation inside or
outside a database transaction, for tests/test_task_publishing.py.

``python -m tests.task_publisher commit|rollback|outside`` prints one JSON line per step and,
where a transaction is open, waits for a line on stdin before it ends the transaction.
"""
import json
import sys

import django


class RollBack(Exception):
    pass


def say(**data):
    print(json.dumps(data), flush=True)


def wait_for_test():
    sys.stdin.readline()


def main(scenario):
    django.setup()
    from django.db import transaction
    from saleor.celeryconf import app
    from saleor.order.emails import send_order_confirmation

    from tests import factories

    if scenario == "commit":
        with transaction.atomic():
            order = factories.create_order()
            queued = send_order_confirmation.delay(order.pk, "")
            say(order=order.pk, task=queued.id)
            wait_for_test()
        say(committed=True)
    elif scenario == "rollback":
        try:
            with transaction.atomic():
                order = factories.create_order()
                queued = send_order_confirmation.delay(order.pk, "")
                by_name = app.send_task("saleor.order.emails.send_order_confirmation",
                                        [order.pk, ""])
                say(order=order.pk, tasks=[queued.id, by_name.id])
                wait_for_test()
                raise RollBack
        except RollBack:
            pass
        marker = factories.create_order()
        say(marker=marker.pk, task=send_order_confirmation.delay(marker.pk, "").id)
    elif scenario == "outside":
        order = factories.create_order()
        queued = send_order_confirmation.delay(order.pk, "")
        with transaction.atomic():  # a later transaction must not hold the task back
            say(order=order.pk, task=queued.id)
            wait_for_test()
    else:
        raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    main(sys.argv[1])
