"""The warning staff see when more rules are active than are supported working together.

Rules work together when they can apply to the same checkout: those of one channel and those
of every channel (a rule limited to other channels never meets them)."""
from collections import Counter
from typing import Optional

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SUPPORTED_RULES, DiscountRule


def active_rule_channels(now=None) -> list:
    """The channel slugs of each active rule (empty: every channel)."""
    now = now or timezone.now()
    return list(DiscountRule.objects.filter(is_active=True).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)).values_list("channels", flat=True))


def rules_working_together(now=None):
    """(the most rules that can apply to one checkout, the channel where they do or None)."""
    rule_channels = active_rule_channels(now)
    everywhere = sum(1 for channels in rule_channels if not channels)
    per_channel = Counter(slug for channels in rule_channels for slug in set(channels))
    if not per_channel:
        return everywhere, None
    channel, count = max(per_channel.items(), key=lambda item: (item[1], item[0]))
    return everywhere + count, channel


def support_warning() -> Optional[str]:
    count, channel = rules_working_together()
    if count <= SUPPORTED_RULES:
        return None
    values = {"count": count, "supported": SUPPORTED_RULES, "channel": channel}
    if channel:
        return _("%(count)d rules are active in the channel %(channel)s. Up to %(supported)d "
                 "rules working together are supported: with more, their combinations are "
                 "hard to foresee and test.") % values
    return _("%(count)d rules are active. Up to %(supported)d rules working together are "
             "supported: with more, their combinations are hard to foresee and test.") % values
