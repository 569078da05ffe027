"""``manage install_dashboard_app https://shop.example.com``: mount the package's staff pages
in Saleor's dashboard (3.23), as Saleor's ``install_app`` would from /staff/app-manifest/."""
from django.core.management import BaseCommand, CommandError

from ....pages.manifest import app_manifest
from ....platform import saleor


class Command(BaseCommand):
    help = "Install the package as a Saleor app whose extensions are its staff pages."

    def add_arguments(self, parser):
        parser.add_argument("shop_url", help="where the shop serves /staff/..., e.g. "
                                             "https://shop.example.com")

    def handle(self, *args, shop_url, **options):
        if not shop_url.startswith(("https://", "http://")):
            raise CommandError("the shop's URL starts with https:// (or http://)")
        try:
            app = saleor.dashboard.install_app(app_manifest(shop_url))
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        labels = ", ".join(app.extensions.values_list("label", flat=True))
        self.stdout.write(f"Installed the app {app.name!r} with the pages: {labels}")
