from django.apps import AppConfig


class DiscountRulesConfig(AppConfig):
    name = "saleor_plugins.discount_rules"
    label = "saleor_plugins_discount_rules"
    verbose_name = "Discount rules"

    def ready(self):
        # the rules by name in Klarna's order lines and in the order e-mails
        from ..core.order_summary import register_order_adjustments
        from ..klarna.saleor_data import register_checkout_adjustments
        from .klarna_lines import checkout_adjustments
        from .orders import order_adjustments

        register_checkout_adjustments(checkout_adjustments)
        register_order_adjustments(order_adjustments)
