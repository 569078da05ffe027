"""A subscription's terms from its plan: switching to another plan, extending a fixed term.

A switch takes the whole plan: pricing mode, later-order discount and number of
deliveries. The number of deliveries counts the deliveries already made (as a switch
between WooCommerce Subscriptions products with a prorated length does), so switching to
a short trial plan and back cannot restart the trial. Customers extend a fixed term up to
the plan's ``max_deliveries`` in all (Shopify's ``maxCycles``); staff with
MANAGE_SUBSCRIPTIONS up to ``MAX_TERM``.
"""
from django.utils.translation import gettext as _

from .models import FIXED, FLOATING, Subscription

MAX_TERM = 1000  # deliveries of one subscription in all, as plans allow


def switch_plan(subscription: Subscription, plan):
    """Take ``plan``'s terms (the caller checked that the plan is offered for the product
    and the interval is one of the plan's)."""
    from .subscriptions import SubscriptionError, current_unit_price

    if plan.pk == subscription.plan_id:
        return  # the plan the subscription has: its terms stay as agreed
    if plan.deliveries and subscription.deliveries_made >= plan.deliveries:
        raise SubscriptionError(
            _("This plan ends after %(count)s deliveries and this subscription has had "
              "%(made)s already.") % {"count": plan.deliveries,
                                      "made": subscription.deliveries_made},
            "subscription_plan_too_short", "planId")
    if plan.pricing_mode == FIXED and subscription.pricing_mode == FLOATING:
        # fixed from now on at the price the customer paid last: today's
        current = current_unit_price(subscription.variant)
        if current is not None:
            subscription.unit_price = current
    subscription.plan = plan
    subscription.pricing_mode = plan.pricing_mode
    subscription.later_order_discount = plan.later_order_discount
    subscription.deliveries_total = plan.deliveries


def extension_limit(subscription: Subscription, by_staff: bool) -> int:
    """The most deliveries the subscription may have in all after an extension."""
    if by_staff:
        return MAX_TERM
    plan = subscription.plan
    if plan is None or not plan.is_active or not plan.max_deliveries:
        return 0
    return min(plan.max_deliveries, MAX_TERM)


def extend(subscription: Subscription, deliveries: int, config, by_staff=False):
    from .subscriptions import SubscriptionError, delivery_calendar, place_next, today

    if not subscription.deliveries_total:
        raise SubscriptionError(_("This subscription runs until cancelled."),
                                "subscription_not_fixed_term", "deliveries")
    if subscription.status == Subscription.CANCELLED:
        raise SubscriptionError(_("This subscription has ended."), "subscription_ended")
    if deliveries < 1:
        raise SubscriptionError(_("Extend by at least one delivery."), "invalid", "deliveries")
    limit = extension_limit(subscription, by_staff)
    if subscription.deliveries_total + deliveries > limit:
        if limit <= subscription.deliveries_total:
            message = _("This subscription cannot be extended further.")
        else:
            message = _("This subscription can have at most %(limit)s deliveries: extend "
                        "by %(left)s at most.") % {
                "limit": limit, "left": limit - subscription.deliveries_total}
        raise SubscriptionError(message, "subscription_extension_limit", "deliveries")
    subscription.deliveries_total += deliveries
    if subscription.status == Subscription.COMPLETED:
        # the schedule planned at completion may lie in the past: the next delivery is
        # the first whose order can still be made, as after a pause
        subscription.status = Subscription.ACTIVE
        place_next(subscription, subscription.next_cycle, delivery_calendar(config),
                   today(config))
    subscription.save()
