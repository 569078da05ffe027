"""Saleor 3.23's dashboard mounts app pages: the package installs itself as an app.

Saleor's ``manage.py install_app <manifest URL>`` fetches the manifest over HTTP (refused for
loopback addresses unless ``HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS``, and only while the shop is
serving); :func:`install_app` installs the manifest built in this process instead, after
Saleor's own manifest check, as ``install_app`` would: an active, installed third-party App
with the manifest's permissions and one AppExtension per page. Installing again replaces the
app's extensions and permissions (a new shop URL, a feature ported since).

No app token is created: the pages never act as the app. The dashboard hands a mounted page
a token of the signed-in staff member limited to the app's permissions that member has
(``saleor.core.jwt.create_access_token_for_app``), which /graphql/ reads as that member.
"""
APP_EXTENSIONS = True
PAGE_EXTRA_PERMISSIONS = ["MANAGE_PLUGINS", "MANAGE_SHIPPING"]


def install_app(manifest: dict):
    from django.db import transaction
    from saleor.app.manifest_validations import clean_manifest_data
    from saleor.app.models import App, AppExtension
    from saleor.app.types import AppType

    with transaction.atomic():
        existing = App.objects.filter(identifier=manifest["id"]).first()
        if existing is not None:  # Saleor's check refuses an identifier already installed
            existing.identifier = f"{manifest['id']}-reinstalling"
            existing.save(update_fields=["identifier"])
        data = dict(manifest, extensions=[dict(e) for e in manifest["extensions"]])
        clean_manifest_data(data)  # permissions → Permission rows; mounts, URLs checked
        app = existing or App(type=AppType.THIRDPARTY)
        app.name = data["name"]
        app.identifier = data["id"]
        app.version = data["version"]
        app.about_app = data.get("about")
        app.app_url = data["appUrl"]
        app.manifest_url = data["appUrl"] + "/app-manifest/"
        app.is_active = app.is_installed = True
        app.save()
        app.permissions.set(data["permissions"])
        app.extensions.all().delete()
        for extension in data["extensions"]:
            row = AppExtension.objects.create(
                app=app, label=extension["label"], url=extension["url"],
                mount=extension["mount"], target=extension["target"],
                identifier=extension["identifier"], settings={})
            row.permissions.set(extension["permissions"])
    return app
