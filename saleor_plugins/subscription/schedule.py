"""Celery beat entries of subscriptions (merged by ``saleor_plugins.conf``).

Renewals run hourly: a missed run is caught up by the next one, and dates are the shop's
local days, so the hour a run happens at never moves a renewal to another day.
"""
import datetime

BEAT_SCHEDULE = {
    "saleor_plugins.subscription.renew_due_subscriptions": {
        "task": "saleor_plugins.subscription.tasks.renew_due_subscriptions",
        "schedule": datetime.timedelta(hours=1),
    },
    "saleor_plugins.subscription.send_renewal_reminders": {
        "task": "saleor_plugins.subscription.tasks.send_renewal_reminders",
        "schedule": datetime.timedelta(hours=6),
    },
    # hourly: a lost run is caught up; the day's row makes it one e-mail a day
    "saleor_plugins.subscription.send_merchant_digest": {
        "task": "saleor_plugins.subscription.tasks.send_merchant_digest",
        "schedule": datetime.timedelta(hours=1),
    },
}
