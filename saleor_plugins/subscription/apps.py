from django.apps import AppConfig


class SubscriptionConfig(AppConfig):
    name = "saleor_plugins.subscription"
    label = "saleor_plugins_subscription"
    verbose_name = "Subscriptions"

    def ready(self):
        from ..klarna.saleor_data import register_line_subscription
        from ..klarna.sessions import register_tokenize_check
        from .checkout_lines import klarna_line_subscription, wants_token

        register_tokenize_check(wants_token)
        register_line_subscription(klarna_line_subscription)
