"""Rendering the subscriber's self-service page: the link's state, the texts and
configuration of its script, the security headers (never framed: a customer's page)."""
from pathlib import Path

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..pages import assets
from ..pages.rendering import PAGE_LANGUAGES, page_language, shared_texts
from ..pages.security import secured
from ..platform import saleor
from . import self_service_links as links
from .self_service_texts import texts

ASSETS = assets.register("subscription", Path(__file__).resolve().parent / "static"
                         / "subscription")
TEMPLATE = "subscription/self_service.html"


def _available() -> bool:
    from .subscriptions import plugin

    found = plugin()
    return found is not None and found.active


def render_page(request):
    language = page_language(request)
    link = request.GET.get("link", "")
    link_state = links.read_link(link).state if link else ""
    page_config = {
        "api": reverse("api"),
        "language": language,
        "login": saleor.api.STAFF_LOGIN,  # Saleor's own tokenCreate: customers log in too
        "storageKey": "saleor-plugins.my-subscriptions",
        "linkState": link_state,
        "accessHeader": "X-Subscription-Access",
        "texts": {**shared_texts(), **texts()},
    }
    context = {
        "title": _("My subscriptions"),
        "language": language,
        "languages": [(code, code.upper()) for code in PAGE_LANGUAGES],
        "available": _available(),
        "link_state": link_state,
        "page_config": page_config,
        "shared_css_url": assets.asset_url("shared", "staff.css"),
        # the shared script's DOM, text and dialog helpers only: its staff login (start())
        # is never called here
        "shared_js_url": assets.asset_url("shared", "staff.js"),
        "css_url": assets.asset_url(ASSETS, "self_service.css"),
        "js_url": assets.asset_url(ASSETS, "self_service.js"),
    }
    response = render(request, TEMPLATE, context)
    if request.GET.get("lang", "") in PAGE_LANGUAGES:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    response["Cache-Control"] = "no-store"
    return secured(response, embeddable=False)
