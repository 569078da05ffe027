"""The subscriptions staff page: one shell (list, one subscription, upcoming orders, picking
list, plans, holidays) whose script uses only the package's GraphQL API, so the page works
on every Saleor the feature runs on."""
from pathlib import Path

from django.utils.translation import gettext as _

from ..pages import assets
from ..pages.rendering import page_language, render_staff_page
from . import subscriptions
from .staff_documents import DOCUMENTS

ASSET_GROUP = assets.register("subscription", Path(__file__).resolve().parent / "static" /
                              "subscription")
PERMISSION = "MANAGE_SUBSCRIPTIONS"  # SubscriptionPermissions.MANAGE_SUBSCRIPTIONS's code
PAGE_SIZE = 20


def status_texts() -> dict:
    return {
        "status_ACTIVE": _("Active"),
        "status_PAUSED": _("Paused"),
        "status_PAYMENT_REQUIRED": _("Waiting for a payment method"),
        "status_CANCELLED": _("Cancelled"),
        "status_COMPLETED": _("Completed"),
        "renewal_PENDING": _("Being charged"),
        "renewal_RETRYING": _("Declined, retrying"),
        "renewal_PAID": _("Paid"),
        "renewal_INVOICED": _("On the monthly invoice"),
        "renewal_DROPPED": _("Not delivered (not paid)"),
        "renewal_SKIPPED": _("Skipped"),
        "renewal_UNRESOLVED": _("Klarna never answered: check the order in Klarna"),
        "result_paid": _("paid"),
        "result_invoiced": _("on the monthly invoice"),
        "result_retrying": _("declined, retried tomorrow"),
        "result_dropped": _("declined, delivery dropped"),
        "result_payment_required": _("declined, a new payment method is needed"),
        "result_unresolved": _("Klarna did not answer"),
        "result_locked": _("already being renewed"),
        "result_not_due": _("nothing due"),
        "result_resumed": _("resumed"),
        "pricing_FIXED": _("Fixed: the first order's price"),
        "pricing_FLOATING": _("Floating: the price at each renewal"),
    }


def script_texts() -> dict:
    """The texts the script shows, in the page's language."""
    return {
        **status_texts(),
        "customer": _("Customer"),
        "product": _("Product"),
        "interval": _("Interval"),
        "nextDelivery": _("Next delivery"),
        "nextOrder": _("Next order"),
        "statusLabel": _("Status"),
        "nextCharge": _("Next charge"),
        "open": _("Open"),
        "openOf": _("Open the subscription of %(name)s"),
        "rows": "%(first)s–%(last)s",  # numbers only: nothing to translate
        "plan": _("Plan"),
        "noPlan": _("No plan (deleted)"),
        "quantityOf": _("quantity %(quantity)s"),
        "pricing": _("Pricing"),
        "pausedUntil": _("Paused until"),
        "deliveries": _("Deliveries"),
        "deliveriesOf": _("%(made)s of %(total)s made"),
        "deliveriesMade": _("%(made)s made, until cancelled"),
        "shippingIncluded": _("shipping %(shipping)s"),
        "payment": _("Payment"),
        "payNeedsMethod": _("Charges declined: the customer has been asked for a new payment method."),
        "payRetrying": _("The last charge was declined (%(days)s days); next try %(date)s."),
        "payUnresolved": _("Klarna never answered the last charge: check it in Klarna before shipping."),
        "payMonthly": _("Charged once a month for the month's deliveries."),
        "payPerDelivery": _("Charged at each delivery; no problems."),
        "shipping": _("Shipping"),
        "address": _("Address"),
        "comment": _("Comment"),
        "noComment": _("No comment."),
        "since": _("Since"),
        "delivery": _("Delivery"),
        "deliveryDay": _("Delivery day"),
        "order": _("Order"),
        "firstOrder": _("First order"),
        "retryOn": _("next try %(date)s"),
        "notFound": _("That subscription was not found."),
        "renewed": _("Renewed now: %(result)s."),
        "done_pause": _("The subscription is paused."),
        "done_resume": _("The subscription is active again."),
        "done_skip": _("The next delivery is skipped."),
        "done_cancel": _("The subscription is cancelled."),
        "chooseDate": _("Choose a date."),
        "renewQuestion": _("Create and charge the next renewal order now?"),
        "renewNow": _("Renew now"),
        "cancelQuestion": _("Cancel the subscription to %(name)s? No more orders or charges "
                            "will be made; this cannot be undone."),
        "cancelSubscription": _("Cancel the subscription"),
        "orderDay": _("Order day"),
        "orders": _("Orders"),
        "quantity": _("Quantity"),
        "amountLabel": _("Amount"),
        "forecastTotal": _("%(count)s orders, %(total)s in all."),
        "nothingToPick": _("Nothing to pick for that day."),
        "comments": _("Comments"),
        "sku": _("SKU"),
        "from": _("From"),
        "name": _("Name"),
        "intervals": _("Intervals"),
        "firstOff": _("First order off"),
        "laterOff": _("Later orders off"),
        "untilCancelled": _("until cancelled"),
        "offered": _("Offered"),
        "yes": _("Yes"),
        "no": _("No"),
        "edit": _("Edit"),
        "editOf": _("Edit %(name)s"),
        "delete": _("Delete"),
        "deleteOf": _("Delete %(name)s"),
        "deleted": _("Deleted."),
        "chooseProduct": _("Choose a product"),
        "editPlan": _("Edit the plan %(name)s"),
        "newPlan": _("New plan"),
        "deletePlanQuestion": _("Delete the plan %(name)s? Running subscriptions go on "
                                "without it."),
        "deleteHolidayQuestion": _("Deliver on %(date)s again? Planned deliveries are "
                                   "planned again."),
    }


def render_subscriptions_page(request):
    page_language(request)  # before the texts are translated
    found = subscriptions.plugin()
    return render_staff_page(
        request, "subscription/staff_subscriptions.html", title=_("Subscriptions"),
        permission=PERMISSION, asset_group=ASSET_GROUP, script="staff_subscriptions.js",
        stylesheet="staff_subscriptions.css", texts=script_texts(),
        config={"pageSize": PAGE_SIZE, "documents": DOCUMENTS},
        # plans and holidays: a second script, loaded before the page's own
        context={"setup_js_url": assets.asset_url(ASSET_GROUP, "staff_subscription_setup.js")},
        available=bool(found and found.active))
