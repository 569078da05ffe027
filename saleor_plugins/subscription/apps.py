from django.apps import AppConfig


class SubscriptionConfig(AppConfig):
    name = "saleor_plugins.subscription"
    label = "saleor_plugins_subscription"
    verbose_name = "Subscriptions"
