"""Celery beat entries of the till (merged by ``saleor_plugins.conf``)."""
import datetime

BEAT_SCHEDULE = {
    # Klarna's status callbacks can be lost; poll sales still waiting for payment.
    "saleor_plugins.klarna_instore.refresh_waiting_till_sales": {
        "task": "saleor_plugins.klarna_instore.tasks.refresh_waiting_till_sales",
        "schedule": datetime.timedelta(minutes=1),
    },
}
