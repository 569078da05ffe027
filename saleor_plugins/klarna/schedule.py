"""Celery beat entries of the Klarna layer (merged by ``saleor_plugins.conf``)."""
import datetime

BEAT_SCHEDULE = {
    "saleor_plugins.klarna.release_unlinked_orders": {
        "task": "saleor_plugins.klarna.tasks.release_unlinked_klarna_orders",
        "schedule": datetime.timedelta(minutes=15),
    },
}
