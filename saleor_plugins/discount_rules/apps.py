from django.apps import AppConfig


class DiscountRulesConfig(AppConfig):
    name = "saleor_plugins.discount_rules"
    label = "saleor_plugins_discount_rules"
    verbose_name = "Discount rules"
