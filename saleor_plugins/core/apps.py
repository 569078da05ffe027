from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "saleor_plugins.core"
    label = "saleor_plugins"
    verbose_name = "Saleor plugins"

    def ready(self):
        from ..platform import saleor

        saleor.apps.ready()
