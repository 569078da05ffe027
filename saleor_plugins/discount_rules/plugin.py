"""Cart rules as a Saleor plugin: price hooks and order hooks → ``cart``."""
from django.utils.functional import cached_property

from ..core.config import ConfigField
from ..core.plugin import PackagePlugin
from . import cart


class DiscountRulesPlugin(PackagePlugin):
    PLUGIN_ID = "saleor_plugins.discount_rules"
    PLUGIN_NAME = "Discount rules"
    PLUGIN_DESCRIPTION = (
        "Cart rules with conditions: fixed, percentage, free shipping or gift product, "
        "as a discount or a surcharge. Switching the plugin off keeps the rules."
    )
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = (
        ConfigField(
            "show_public_rules", "boolean", True, "Show public rules to storefronts",
            "Storefronts may list active rules that need no code.",
        ),
    )

    @cached_property
    def rules(self):
        # once per plugin manager, i.e. once per request
        return cart.load_rules()

    @cached_property
    def include_taxes(self) -> bool:
        from saleor.site.models import SiteSettings

        return SiteSettings.objects.values_list("include_taxes_in_prices", flat=True).first() \
            is not False

    def evaluate(self, checkout, discounts, lines=None):
        if not self.rules:
            return None, {}
        return cart.evaluate_checkout(checkout, discounts, self.rules, self.include_taxes, lines)

    def calculate_checkout_line_total(self, checkout_line, discounts, previous_value):
        checkout = checkout_line.checkout
        evaluation, signature = self.evaluate(checkout, discounts)
        if evaluation is None:
            return previous_value
        if signature.get(checkout_line.pk) != (checkout_line.variant_id, checkout_line.quantity):
            cart.forget(checkout)  # the cart changed since it was evaluated
            evaluation, signature = self.evaluate(checkout, discounts)
        return cart.adjust_line_total(
            previous_value, evaluation.per_unit.get(checkout_line.pk, 0),
            checkout_line.quantity, self.include_taxes,
        )

    def calculate_checkout_shipping(self, checkout, lines, discounts, previous_value):
        evaluation, _ = self.evaluate(checkout, discounts)
        if evaluation is not None and evaluation.free_shipping:
            return cart.zero_shipping(previous_value.currency)
        return previous_value

    def calculate_order_shipping(self, order, previous_value):
        from .models import OrderRule

        if OrderRule.objects.filter(order=order, free_shipping=True).exists():
            return cart.zero_shipping(previous_value.currency)
        return previous_value

    def checkout_quantity_changed(self, checkout, previous_value):
        cart.forget(checkout)
        return previous_value

    def preprocess_order_creation(self, checkout, discounts, previous_value):
        evaluation, _ = self.evaluate(checkout, discounts)
        if evaluation is not None:
            cart.reserve_codes(checkout, evaluation)
        return previous_value

    def order_created(self, order, previous_value):
        from django.utils import timezone
        from saleor.checkout.models import Checkout
        from saleor.discount.utils import fetch_discounts

        checkout = Checkout.objects.filter(token=order.checkout_token).first() \
            if order.checkout_token else None
        if checkout is not None:
            evaluation, _ = self.evaluate(checkout, fetch_discounts(timezone.now()))
            if evaluation is not None and evaluation.applied:
                cart.record_order(order, checkout, evaluation)
        return previous_value
