from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "saleor_plugins.loyalty"
    label = "saleor_plugins_loyalty"
    verbose_name = "Loyalty points"
