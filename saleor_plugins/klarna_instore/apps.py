from django.apps import AppConfig


class KlarnaInstoreConfig(AppConfig):
    name = "saleor_plugins.klarna_instore"
    label = "saleor_plugins_klarna_instore"
    verbose_name = "Klarna in-store till"
