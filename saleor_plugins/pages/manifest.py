"""The package as a Saleor app, so Saleor's dashboard (3.23) mounts its staff pages.

A feature's page module calls :func:`register_extension` at import (the features' URLs are
loaded only for features that run on the installed Saleor, so only those get an extension).
``/staff/app-manifest/`` serves the app manifest Saleor's ``install_app`` command (or the
dashboard's "install from manifest") reads; ``manage install_dashboard_app <shop URL>``
installs the same manifest without fetching it (see ``platform.<saleor>.dashboard``).
On a Saleor whose dashboard mounts no app pages (2.10.1) the manifest is not found.
"""
from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import get_resolver, reverse

from ..platform import saleor

APP_ID = "saleor-plugins"
APP_NAME = "Saleor plugins"
APP_PATH = "/staff"  # every staff page lives below it: extension URLs are relative to it
_extensions = {}


def register_extension(identifier: str, *, label: str, url_name: str, mount: str,
                       permission: str, target: str = "APP_PAGE"):
    """Mount the page ``url_name`` (below ``/staff/``) in the dashboard at ``mount`` (e.g.
    ``NAVIGATION_DISCOUNTS``) for staff with ``permission`` (the package permission's code)."""
    _extensions[identifier] = {"label": label, "url_name": url_name, "mount": mount,
                               "permission": permission, "target": target}


def app_manifest(base_url: str) -> dict:
    """The app manifest for a shop served at ``base_url`` (``https://shop.example.com``)."""
    from .. import __version__

    get_resolver().url_patterns  # loads the URLs: the features' page modules register then
    base_url = base_url.rstrip("/")
    extensions, permissions = [], []
    for identifier, extension in sorted(_extensions.items()):
        path = reverse(extension["url_name"])
        if not path.startswith(APP_PATH + "/"):
            raise ValueError(f"{identifier}: a staff page lives below {APP_PATH}/, not {path}")
        extensions.append({
            "identifier": identifier,
            "label": extension["label"],
            "mount": extension["mount"],
            "target": extension["target"],
            "permissions": [extension["permission"]],
            "url": path[len(APP_PATH):],
        })
        if extension["permission"] not in permissions:
            permissions.append(extension["permission"])
    return {
        "id": APP_ID,
        "name": APP_NAME,
        "version": __version__,
        "about": "The staff pages of saleor-plugins, inside Saleor's dashboard.",
        # the dashboard hands a page a token with the app's permissions that the signed-in
        # staff member also has: the pages' own permissions, and what their switches and
        # pickers ask Saleor for (a plugin's switch, shipping methods)
        "permissions": permissions + [p for p in saleor.dashboard.PAGE_EXTRA_PERMISSIONS
                                      if p not in permissions],
        "appUrl": base_url + APP_PATH,
        "extensions": extensions,
    }


def manifest_view(request):
    if not saleor.dashboard.APP_EXTENSIONS:
        raise Http404
    # Saleor's PUBLIC_URL (3.23) when set: Saleor fetches the manifest with a Host header
    # without the port, so the request's own address may not be the shop's
    base_url = getattr(settings, "PUBLIC_URL", None) or request.build_absolute_uri("/")
    response = JsonResponse(app_manifest(base_url))
    response["Cache-Control"] = "no-store"
    return response
