"""Celery beat entries of the loyalty points (merged by ``saleor_plugins.conf``)."""
import datetime

BEAT_SCHEDULE = {
    "saleor_plugins.loyalty.expire_points": {
        "task": "saleor_plugins.loyalty.tasks.expire_points",
        "schedule": datetime.timedelta(hours=1),
    },
    "saleor_plugins.loyalty.release_stale_reservations": {
        "task": "saleor_plugins.loyalty.tasks.release_stale_reservations",
        "schedule": datetime.timedelta(minutes=15),
    },
    "saleor_plugins.loyalty.send_expiry_reminders": {
        "task": "saleor_plugins.loyalty.tasks.send_expiry_reminders",
        "schedule": datetime.timedelta(days=1),
    },
}
