"""The till page: server-rendered HTML, a stylesheet and a script that uses only /graphql/.

The page runs under a strict Content-Security-Policy: no inline script or style, scripts,
styles and requests only from this site, never inside a frame.
"""
import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ..pages.security import secured
from .plugin import PLUGIN_ID

ASSET_DIR = Path(__file__).resolve().parent / "static" / "klarna_instore"
ASSET_TYPES = {"till.js": "text/javascript; charset=utf-8",
               "till.css": "text/css; charset=utf-8"}


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
        "noMatch": _("No product matches %(text)s."),
        "noCustomer": _("No customer matches."),
        "remove": _("Remove"),
        "quantity": _("Quantity"),
        "price": _("Price"),
        "listPrice": _("list price %(price)s"),
        "items": _("Items"),
        "vatRate": _("VAT %(rate)s %%"),
        "loginFailed": _("Wrong e-mail or password."),
        "loginEnded": _("Your till login has ended. Log in again."),
        "noPermission": _("Your account may not use the till."),
        "text": _("Text"),
        "choose": _("Choose"),
        "sentTo": _("Sent to %(to)s"),
        "cancelled": _("The sale was cancelled. Nothing was charged."),
        "error": _("Something went wrong. Try again."),
    }


@functools.lru_cache(maxsize=None)
def _asset(name: str):
    content = (ASSET_DIR / name).read_bytes()
    return content, hashlib.sha256(content).hexdigest()[:12]


def asset_url(name: str) -> str:
    return reverse("till-asset", kwargs={"name": name}) + "?v=" + _asset(name)[1]


def render_asset(request, name):
    if name not in ASSET_TYPES:
        raise Http404
    content, version = _asset(name)
    response = HttpResponse(content, content_type=ASSET_TYPES[name])
    # versioned URLs never change; an unversioned or old one is checked again each time
    response["Cache-Control"] = ("public, max-age=31536000, immutable"
                                 if request.GET.get("v") == version else "no-cache")
    return secured(response)


def render_till_page(request):
    from saleor.plugins.manager import get_plugins_manager

    plugin = get_plugins_manager().get_plugin(PLUGIN_ID)
    languages = [(code, name) for code, name in settings.LANGUAGES
                 if code in ("en", "nb", "sv", "da", "de")]
    requested = request.GET.get("lang", "")
    if requested in dict(languages):
        translation.activate(requested)
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    context = {
        "licensed": bool(plugin and plugin.active),
        "language": language,
        "languages": languages,
        "config": {"api": reverse("api"), "language": language,
                   "currency": settings.DEFAULT_CURRENCY, "texts": script_texts()},
        "css_url": asset_url("till.css"),
        "js_url": asset_url("till.js"),
        "default_vat_rate": plugin.config.default_vat_rate if plugin else 25,
    }
    response = render(request, "klarna_instore/till.html", context)
    if requested in dict(languages):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, requested, samesite="Lax")
    response["Cache-Control"] = "no-store"
    return secured(response)
