"""The warning staff see when more rules are active than are supported working together."""
from typing import Optional

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SUPPORTED_RULES, DiscountRule


def active_rule_count(now=None) -> int:
    now = now or timezone.now()
    return DiscountRule.objects.filter(is_active=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)).count()


def support_warning() -> Optional[str]:
    count = active_rule_count()
    if count <= SUPPORTED_RULES:
        return None
    return _("%(count)d rules are active. Up to %(supported)d rules working together are "
             "supported: with more, their combinations are hard to foresee and test.") % {
        "count": count, "supported": SUPPORTED_RULES}
