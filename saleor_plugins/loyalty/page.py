"""The loyalty staff page: find a customer, see and adjust their points, moderate reviews,
choose which products earn and take points. The page's script uses only the package's
GraphQL API (the loyalty permission), so it runs unchanged on every Saleor loyalty runs on."""
from pathlib import Path

from django.utils.translation import gettext as _

from ..pages import assets
from ..pages.rendering import page_language, render_staff_page
from . import program

ASSETS = assets.register("loyalty", Path(__file__).resolve().parent / "static" / "loyalty")


def kind_texts() -> dict:
    """Ledger entry kinds and statuses, review statuses (GraphQL enum names)."""
    return {
        "kind.EARN_PURCHASE": _("Purchase"),
        "kind.EARN_REVIEW": _("Review"),
        "kind.EARN_SIGNUP": _("Welcome bonus"),
        "kind.EARN_REFERRAL": _("Referral"),
        "kind.REDEEM": _("Spent"),
        "kind.EXPIRE": _("Expired"),
        "kind.ADJUST": _("Adjusted by staff"),
        "kind.REVERSE_EARN": _("Taken back"),
        "kind.RETURN_REDEEMED": _("Given back"),
        "status.PENDING": _("Pending"),
        "status.POSTED": _("Booked"),
        "status.VOIDED": _("Void"),
        "review.PENDING": _("Waiting"),
        "review.APPROVED": _("Approved"),
        "review.REJECTED": _("Rejected"),
    }


def script_texts() -> dict:
    return {
        **kind_texts(),
        "noCustomer": _("No customer matches."),
        "noProduct": _("No product matches."),
        "noReview": _("No reviews to show."),
        "noOrders": _("No orders yet."),
        "open": _("Open"),
        "excluded": _("Excluded"),
        "included": _("Taking part"),
        "exclude": _("Exclude from the programme"),
        "include": _("Take back into the programme"),
        "confirmExclude": _("Exclude %(email)s? They stop earning and spending points; "
                            "held points are released."),
        "confirmInclude": _("Take %(email)s back into the programme?"),
        "confirmReject": _("Reject this review? Points given for it are taken back."),
        "adjusted": _("%(points)s points booked. New balance: %(balance)s."),
        "approved": _("Review approved. Its author holds %(points)s points for it."),
        "rejected": _("Review rejected."),
        "approve": _("Approve"),
        "reject": _("Reject"),
        "earnsOn": _("%(name)s earns points."),
        "earnsOff": _("%(name)s earns no points."),
        "redeemableOn": _("Points can pay for %(name)s."),
        "redeemableOff": _("Points cannot pay for %(name)s."),
        "by": _("by %(who)s"),
        "expires": _("expires %(date)s"),
        "stars": _("%(rating)s of 5"),
        "page": _("Page %(page)s"),
        "orderNumber": _("Order %(number)s"),
        "none": _("Nothing to show."),
    }


def render_loyalty_page(request):
    page_language(request)  # the texts below are translated into the page's language
    return render_staff_page(
        request, "loyalty/staff_page.html", title=_("Loyalty points"),
        permission="MANAGE_LOYALTY", asset_group=ASSETS, script="loyalty.js",
        stylesheet="loyalty.css", texts=script_texts(),
        available=program.active_plugin() is not None)
