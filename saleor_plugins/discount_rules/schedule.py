"""Celery beat entries of the discount rules (merged by ``saleor_plugins.conf``)."""
import datetime

BEAT_SCHEDULE = {
    "saleor_plugins.discount_rules.release_stale_code_reservations": {
        "task": "saleor_plugins.discount_rules.tasks.release_stale_code_reservations",
        "schedule": datetime.timedelta(minutes=30),
    },
}
