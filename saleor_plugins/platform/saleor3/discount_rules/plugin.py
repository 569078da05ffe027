"""Cart rules as a Saleor 3.23 plugin: checkout hooks write Saleor's discount rows (``rows``),
completion reserves the uses and the order keeps them (``orders``)."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ....core.checkout_payment import check_payment_is_due
from ....core.plugin import PackagePlugin
from ....discount_rules import rules, uses
from ....discount_rules.plugin_config import CONFIG_FIELDS, PLUGIN_DESCRIPTION, always_active
from . import facts, orders, rows


class DiscountRulesPlugin(PackagePlugin):
    PLUGIN_ID = "saleor_plugins.discount_rules"
    PLUGIN_NAME = "Discount rules"
    PLUGIN_DESCRIPTION = PLUGIN_DESCRIPTION
    CONFIGURATION_PER_CHANNEL = False
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = CONFIG_FIELDS

    # what the package's GraphQL asks every platform's plugin
    @property
    def rules(self):
        return facts.channel_rules(None)

    def checkout_evaluation(self, checkout, _discounts=None):
        return facts.evaluate(checkout)[0]

    def unmet_conditions(self, checkout, rule_id, _discounts=None):
        rule = next((r for r in facts.channel_rules(checkout.channel.slug) if r.id == rule_id),
                    None)
        if rule is None:
            return []
        lines = facts.checkout_lines(checkout)
        cart = facts.build_cart(checkout, lines, facts.unit_prices(checkout, lines), [rule])
        return rules.unmet_conditions(rule, cart)

    def forget(self, checkout):
        """The checkout's codes changed: its rows follow now."""
        rows.write(checkout, facts.evaluate)

    @classmethod
    def save_plugin_configuration(cls, plugin_configuration, cleaned_data):
        was_active = plugin_configuration.active if plugin_configuration.pk else False
        saved = super().save_plugin_configuration(plugin_configuration, cleaned_data)
        if was_active and not saved.active:
            rows.clear_open_checkouts()
        return saved

    # Saleor's hooks
    def checkout_created(self, checkout, previous_value, **_kwargs):
        rows.write(checkout, facts.evaluate)
        return previous_value

    def checkout_updated(self, checkout, previous_value, **_kwargs):
        rows.write(checkout, facts.evaluate)
        return previous_value

    def preprocess_order_creation(self, checkout_info, lines=None, previous_value=None,
                                  **_kwargs):
        from saleor.checkout.error_codes import CheckoutErrorCode

        checkout = checkout_info.checkout
        # Saleor runs this inside the completion's transaction: the locks last until the
        # uses are reserved
        uses.lock_for_completion(checkout)
        changed, evaluation = rows.write_and_evaluate(checkout, facts.evaluate)
        if changed:
            # the order would be made from the prices before the change: the next try gets it
            raise ValidationError(
                _("The cart's offers changed. Check the new total and try again."),
                code=CheckoutErrorCode.CHECKOUT_NOT_FULLY_PAID.value)
        if evaluation is None:  # the checkout is gone: Saleor answers that itself
            return previous_value
        payment = checkout.get_last_active_payment()
        if payment is not None:  # a payment made before a code lowered the total
            check_payment_is_due(payment, checkout.total_gross_amount
                                 - checkout.get_total_gift_cards_balance().amount)
        uses.reserve_uses(checkout, evaluation)
        orders.remember(checkout, evaluation)
        return previous_value

    def order_created(self, order, previous_value, **_kwargs):
        orders.record(order)
        return previous_value

    @always_active
    def order_cancelled(self, order, previous_value, **_kwargs):
        uses.return_uses(order)
        return previous_value

    @always_active
    def order_fully_refunded(self, order, previous_value, **_kwargs):
        uses.return_uses(order)
        return previous_value
