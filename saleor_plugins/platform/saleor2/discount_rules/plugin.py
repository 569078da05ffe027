"""Cart rules as a Saleor 2.10.1 plugin: price hooks and order hooks → ``checkout_cart``,
``prices``, ``orders``."""
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property

from ....core import checkout_completion, order_checkout, priced_checkout, request_cache, taxes
from ....core.checkout_payment import check_last_payment_is_total
from ....core.plugin import PackagePlugin
from ....discount_rules import cart, codes, uses
from . import checkout_cart, orders, prices
from ....discount_rules.plugin_config import CONFIG_FIELDS, PLUGIN_DESCRIPTION, always_active

CACHE_SECTION = "discount_rules"


class DiscountRulesPlugin(PackagePlugin):
    PLUGIN_ID = "saleor_plugins.discount_rules"
    PLUGIN_NAME = "Discount rules"
    PLUGIN_DESCRIPTION = PLUGIN_DESCRIPTION
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = CONFIG_FIELDS

    @cached_property
    def _own_cache(self) -> dict:
        return {}

    @property
    def _cache(self) -> dict:
        # Saleor builds a manager per price; the request cache makes rules load once a request
        return request_cache.section(CACHE_SECTION, self._own_cache)

    @property
    def rules(self):
        return self.rules_for()

    def rules_for(self, checkout_token=None):
        """The request's rules; the first read asks ``core.checkout_rows`` about the
        checkout being priced along with them (one query for both)."""
        cache = self._cache
        if "rules" not in cache:
            cache["rules"] = cart.load_rules(fallback=self._own_cache,
                                             checkout_token=checkout_token)
        return cache["rules"]

    @property
    def include_taxes(self) -> bool:
        return taxes.include_taxes(self._own_cache)

    @property
    def evaluations(self) -> dict:
        return self._cache.setdefault("evaluations", {})

    def evaluate(self, checkout, discounts, lines=None):
        if not self.rules:
            return None, {}
        return checkout_cart.evaluate_checkout(
            checkout, discounts, self.rules, self.include_taxes, self.evaluations, lines
        )

    # what the package's GraphQL asks every platform's plugin
    def checkout_evaluation(self, checkout, discounts):
        return self.evaluate(checkout, discounts)[0]

    def unmet_conditions(self, checkout, rule_id, discounts):
        from ....discount_rules import rules

        rule = next((r for r in self.rules if r.id == rule_id), None)
        if rule is None:
            return []
        facts = checkout_cart.build_cart(checkout, list(checkout.lines.select_related("variant__product")),
                                discounts, self.include_taxes)
        return rules.unmet_conditions(rule, facts)

    def forget(self, checkout):
        """Drop the cached evaluation after the checkout's codes or lines changed."""
        checkout_cart.forget(self.evaluations, checkout)

    def calculate_checkout_line_total(self, checkout_line, discounts, previous_value):
        if not self.rules_for(checkout_line.checkout_id):
            return previous_value
        evaluation, signature = self._line_evaluation(checkout_line, discounts)
        prices.remember_line_price(self.evaluations, checkout_line, previous_value)
        return prices.checkout_line_total(
            previous_value, evaluation.line_cents.get(checkout_line.pk, 0),
            checkout_line.quantity, self.include_taxes,
        )

    def line_prices(self, checkout, lines, discounts):
        """The lines' totals before the rules (priced now if this request has not yet)."""
        return prices.line_prices(self.evaluations, checkout, lines, discounts)

    def calculate_checkout_total(self, checkout, lines, discounts, previous_value):
        """The cents a checkout line keeps of a discount that takes the whole line."""
        if not self.rules_for(checkout.pk):
            return previous_value
        lines = checkout_cart.loaded_lines(self.evaluations, checkout, lines) or list(lines)
        evaluation, _ = self.evaluate(checkout, discounts, lines)
        if evaluation is None or not evaluation.line_cents:
            return previous_value
        change = prices.checkout_total_change(
            evaluation, lines, self.line_prices(checkout, lines, discounts),
            self.include_taxes, previous_value.currency)
        if change is None:
            return previous_value
        total = previous_value + change
        if total.gross.amount < 0 or total.net.amount < 0:
            return prices.zero_shipping(previous_value.currency)
        return total

    def _line_evaluation(self, checkout_line, discounts):
        # Saleor resolves each line on its own, often without its checkout loaded: use the
        # request's latest evaluation of that checkout while it still describes this line.
        line_state = (checkout_line.variant_id, checkout_line.quantity)
        checkout = checkout_line._state.fields_cache.get("checkout")
        lines = None
        priced = priced_checkout.being_priced(checkout_line.checkout_id)
        if priced is not None:  # a subtotal: Saleor's own checkout and lines
            checkout, lines = priced if checkout is None else (checkout, priced[1])
            checkout_line.checkout = checkout  # the plugins after this one find it here
        elif checkout is None:
            latest = self.evaluations.get(("latest", checkout_line.checkout_id))
            if latest is not None and latest[1].get(checkout_line.pk) == line_state:
                return latest
            # the checkout comes with its lines (one query); the plugins after this one
            # find it on the line
            lines = checkout_cart.lines_with_checkout(checkout_line.checkout_id)
            checkout_line.checkout = lines[0].checkout if lines else checkout_line.checkout
            checkout = checkout_line.checkout
        result = self.evaluate(checkout, discounts, lines)
        if result[1].get(checkout_line.pk) != line_state:
            self.forget(checkout)  # the cart changed since it was evaluated
            result = self.evaluate(checkout, discounts, lines)
        return result

    def calculate_checkout_shipping(self, checkout, lines, discounts, previous_value):
        evaluation, _ = self.evaluate(checkout, discounts,
                                      checkout_cart.loaded_lines(self.evaluations, checkout, lines))
        if evaluation is not None and evaluation.free_shipping:
            return prices.zero_shipping(previous_value.currency)
        return previous_value

    def calculate_order_shipping(self, order, previous_value):
        from ....discount_rules.models import OrderRule

        if OrderRule.objects.filter(order=order, free_shipping=True).exists():
            return prices.zero_shipping(previous_value.currency)
        return previous_value

    def checkout_quantity_changed(self, checkout, previous_value):
        self.forget(checkout)
        return previous_value

    def preprocess_order_creation(self, checkout, discounts, previous_value):
        checkout_completion.claim(checkout)  # first: a second completion waits, then is refused
        order_checkout.remember(checkout, discounts)
        # rules change totals while shoppers pay: charge exactly the total, never an old one
        try:
            check_last_payment_is_total(checkout, discounts)
        except ValidationError:
            codes.refuse_lost_code(checkout)  # the total rose because a code was used up: say so
            raise
        evaluation, _ = self.evaluate(checkout, discounts)
        if evaluation is not None:
            uses.reserve_uses(checkout, evaluation)
        return previous_value

    def order_created(self, order, previous_value):
        checkout, discounts = order_checkout.checkout_of(order)
        if checkout is not None:
            lines = self.evaluations.get(("lines", checkout.pk)) or list(
                checkout.lines.select_related("variant__product"))
            evaluation, _ = self.evaluate(checkout, discounts, lines)
            if evaluation is not None and evaluation.applied:
                from saleor.plugins.manager import get_plugins_manager

                manager = get_plugins_manager()
                totals = {line.pk: manager.calculate_checkout_line_total(line, discounts)
                          for line in lines if evaluation.line_cents.get(line.pk)}
                orders.record_order(order, checkout, evaluation, lines,
                                    self.line_prices(checkout, lines, discounts), totals,
                                    self.include_taxes)
        return previous_value

    @always_active
    def order_cancelled(self, order, previous_value):
        uses.return_uses(order)
        return previous_value

    @always_active
    def order_updated(self, order, previous_value):
        # Saleor 2.10.1 has no refund hook: a refund fires order_updated
        if uses.gives_uses_back(order):
            uses.return_uses(order)
        return previous_value
