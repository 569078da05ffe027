"""Saleor's background e-mail task runs in a real Celery worker on a real broker."""
import email
import email.policy
import time

import pytest

from . import factories

pytestmark = pytest.mark.broker


def wait_for_files(directory, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = list(directory.iterdir())
        if files:
            time.sleep(0.2)  # let the worker finish writing
            return files
        time.sleep(0.2)
    return []


def test_worker_sends_order_confirmation_with_package_templates(celery_worker, shop, customer):
    order = factories.create_order(customer, [(shop.coffee, 1)], shipping_price="49.00")
    order.language_code = "de"
    order.save()

    celery_worker.send_task("saleor.order.emails.send_order_confirmation", [order.pk, ""])

    files = wait_for_files(celery_worker.mail_dir)
    log = celery_worker.log.read_text()
    assert files, "no e-mail written by the worker:\n" + log[-3000:]
    # the file backend writes each message, separated by a line of dashes
    raw = files[0].read_text().split("\n" + "-" * 79)[0]
    message = email.message_from_string(raw, policy=email.policy.default)
    assert str(message["Subject"]) == f"Vielen Dank für Ihre Bestellung {order.pk}"
    assert message["To"] == customer.email
    assert "Kaffe Fjell" in message.get_body(("plain",)).get_content()
    assert "succeeded" in log
