"""Celery tasks of the discount rules (arguments are primary keys)."""
import datetime

from django.utils import timezone
from saleor.celeryconf import app

from .models import CodeRedemption, RuleUse

# A use of a code or of a rule with a usage limit is reserved when checkoutComplete starts
# (before payment); if the payment then fails and the checkout is abandoned, the
# reservation is released after this long.
RESERVATION_LIFETIME = datetime.timedelta(hours=2)


@app.task
def release_stale_code_reservations() -> int:
    cutoff = timezone.now() - RESERVATION_LIFETIME
    codes, _ = CodeRedemption.objects.filter(order__isnull=True, created_at__lt=cutoff).delete()
    rules, _ = RuleUse.objects.filter(order__isnull=True, created_at__lt=cutoff).delete()
    return codes + rules
