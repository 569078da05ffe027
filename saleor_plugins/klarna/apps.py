from django.apps import AppConfig


class KlarnaConfig(AppConfig):
    name = "saleor_plugins.klarna"
    label = "saleor_plugins_klarna"
    verbose_name = "Klarna"
