"""Rendering a staff page: its language, its configuration for the script, the shell."""
from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ..conf import PACKAGE_LANGUAGES
from ..platform import saleor
from .assets import asset_url
from .security import secured

PAGE_LANGUAGES = [code for code, _name in PACKAGE_LANGUAGES]


def page_language(request) -> str:
    """``?lang=`` wins (and is remembered in the language cookie), then Django's choice
    (cookie, Accept-Language), within the package's five languages."""
    requested = request.GET.get("lang", "")
    if requested in PAGE_LANGUAGES:
        translation.activate(requested)
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language not in PAGE_LANGUAGES:
        language = "en"
        translation.activate(language)
    return language


def shared_texts() -> dict:
    """Texts of the shared script (login, errors, confirmations), in the page's language."""
    return {
        "loginFailed": _("Wrong e-mail or password."),
        "loginEnded": _("Your login has ended. Log in again."),
        "noPermission": _("Your account may not use this page."),
        "error": _("Something went wrong. Try again."),
        "saved": _("Saved."),
        "confirm": _("Confirm"),
        "cancel": _("Cancel"),
        "loading": _("Loading…"),
        "previous": _("Previous"),
        "next": _("Next"),
        "none": _("Nothing to show."),
    }


def render_staff_page(request, template: str, *, title: str, permission: str, asset_group: str,
                      script: str, stylesheet: str = "", texts: dict = None, config: dict = None,
                      context: dict = None, available: bool = True):
    """Render ``template`` (extending ``saleor_plugins/staff_page.html``).

    ``permission`` is the package permission's GraphQL code (``MANAGE_DISCOUNT_RULES``): the
    script shows the page only to staff who have it; the API refuses the rest anyway.
    ``available`` False shows "switched off" instead of the page.
    """
    language = page_language(request)
    page_config = {
        "api": reverse("api"),
        "language": language,
        "permission": permission,
        "login": saleor.api.STAFF_LOGIN,
        "storageKey": f"saleor-plugins.{asset_group}",
        "texts": {**shared_texts(), **(texts or {})},
        **(config or {}),
    }
    page_context = {
        "title": title,
        "language": language,
        "languages": [(code, code.upper()) for code in PAGE_LANGUAGES],
        "available": available,
        "page_config": page_config,
        "shared_css_url": asset_url("shared", "staff.css"),
        "shared_js_url": asset_url("shared", "staff.js"),
        "css_url": asset_url(asset_group, stylesheet) if stylesheet else "",
        "js_url": asset_url(asset_group, script),
        **(context or {}),
    }
    response = render(request, template, page_context)
    if request.GET.get("lang", "") in PAGE_LANGUAGES:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    response["Cache-Control"] = "no-store"
    return secured(response, embeddable=True)
