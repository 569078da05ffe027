"""The till page: server-rendered HTML and a small script that uses only /graphql/."""
import json

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .plugin import PLUGIN_ID


def script_texts() -> dict:
    """Texts the script shows, translated on the server for the page's language."""
    return {
        "NOT_SENT": _("Not sent"),
        "SENT": _("Link sent, not opened yet"),
        "OPENED": _("The customer opened the link"),
        "DECLINED": _("Declined by Klarna"),
        "CANCELLED_BY_CUSTOMER": _("Cancelled by the customer"),
        "PAID": _("Paid"),
        "IN_REVIEW": _("Klarna is reviewing the payment. Keep the goods for now."),
        "DISABLED": _("Link disabled"),
        "EXPIRED": _("Link expired"),
        "CANCELLED": _("Sale cancelled"),
        "waiting": _("Waiting for response from Klarna"),
        "paidDone": _("Paid. Press OK to finish."),
        "finished": _("Sale finished. Order %(number)s; the receipt is sent by e-mail."),
        "noMatch": _("No product matches."),
        "noCustomer": _("No customer matches."),
        "remove": _("Remove"),
        "quantity": _("Quantity"),
        "price": _("Price"),
        "listPrice": _("list price %(price)s"),
        "items": _("Items"),
        "vatRate": _("VAT %(rate)s %%"),
        "loginFailed": _("Wrong e-mail or password."),
        "noPermission": _("Your account may not use the till."),
        "text": _("Text"),
        "choose": _("Choose"),
        "sentTo": _("Sent to %(to)s"),
        "cancelled": _("The sale was cancelled. Nothing was charged."),
        "error": _("Something went wrong. Try again."),
    }


def render_till_page(request):
    from saleor.plugins.manager import get_plugins_manager

    plugin = get_plugins_manager().get_plugin(PLUGIN_ID)
    languages = [(code, name) for code, name in settings.LANGUAGES
                 if code in ("en", "nb", "sv", "da", "de")]
    requested = request.GET.get("lang", "")
    if requested in dict(languages):
        translation.activate(requested)
    language = translation.get_language() or settings.LANGUAGE_CODE
    context = {
        "licensed": bool(plugin and plugin.active),
        "api_url": reverse("api"),
        "language": language.split("-")[0],
        "languages": languages,
        "currency": settings.DEFAULT_CURRENCY,
        "texts_json": json.dumps(script_texts()).replace("<", "\\u003c"),
        "default_vat_rate": plugin.config.default_vat_rate if plugin else 25,
    }
    response = render(request, "klarna_instore/till.html", context)
    if requested in dict(languages):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, requested, samesite="Lax")
    response["Cache-Control"] = "no-store"
    response["X-Frame-Options"] = "DENY"
    return response
