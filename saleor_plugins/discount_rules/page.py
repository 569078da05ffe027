"""The cart rules' staff page: the shell, its script's texts and the documents that differ
between the Saleors (the plugin's switch). Everything else the script asks /graphql/."""
from pathlib import Path

from django.utils.translation import gettext as _

from ..pages import assets, manifest
from ..pages.rendering import page_language, render_staff_page
from ..platform import saleor
from .models import MAX_CONDITIONS, SUPPORTED_RULES
from .graphql.schema import PLUGIN_ID

ASSET_GROUP = assets.register(
    "discount_rules", Path(__file__).resolve().parent / "static" / "discount_rules")
PERMISSION = "MANAGE_DISCOUNT_RULES"
# in Saleor's dashboard (3.23): an entry of the Discounts menu
manifest.register_extension("discount-rules", label="Cart rules", mount="NAVIGATION_DISCOUNTS",
                            url_name="discount-rules-staff-page", permission=PERMISSION)


def kind_texts() -> dict:
    return {
        "kind.FIXED": _("Fixed amount"),
        "kind.PERCENTAGE": _("Percentage"),
        "kind.FREE_SHIPPING": _("Free shipping"),
        "kind.GIFT": _("Gift product"),
        "direction.DISCOUNT": _("Discount"),
        "direction.SURCHARGE": _("Surcharge"),
    }


def condition_texts() -> dict:
    """Each condition type's name (the picker) and its wording in the list."""
    return {
        "condition.MIN_QUANTITY": _("Number of products ordered"),
        "condition.PRODUCT": _("A product in the cart"),
        "condition.CART_AMOUNT_AT_LEAST": _("Cart amount at least"),
        "condition.CART_AMOUNT_BELOW": _("Cart amount below"),
        "condition.CODE": _("Discount code"),
        "condition.SINGLE_USE_CODE": _("Single-use code (once per customer)"),
        "condition.CATEGORY": _("Products from a category"),
        "condition.CUSTOMER_GROUP": _("Customers in a group"),
        "condition.SECOND_ORDER": _("The customer's second order"),
        "condition.FROM_SECOND_ORDER": _("Every order from the second on"),
        "condition.LIFETIME_TOTAL_AT_LEAST": _("Customer's orders total at least"),
        "condition.SHIPPING_METHOD": _("Shipping method"),
        "condition.SHIPPING_COUNTRY": _("Shipping country"),
        "words.MIN_QUANTITY": _("at least %(quantity)s products"),
        "words.PRODUCT": _("%(name)s in the cart"),
        "words.CART_AMOUNT_AT_LEAST": _("cart amount at least %(amount)s"),
        "words.CART_AMOUNT_BELOW": _("cart amount below %(amount)s"),
        "words.CODE": _("with a discount code"),
        "words.SINGLE_USE_CODE": _("with a single-use code"),
        "words.CATEGORY": _("products from %(name)s"),
        "words.CUSTOMER_GROUP": _("customers in %(name)s"),
        "words.SECOND_ORDER": _("the customer's second order"),
        "words.FROM_SECOND_ORDER": _("every order from the second on"),
        "words.LIFETIME_TOTAL_AT_LEAST": _("customer's orders total at least %(amount)s"),
        "words.SHIPPING_METHOD": _("shipped with %(name)s"),
        "words.SHIPPING_COUNTRY": _("shipped to %(name)s"),
    }


def script_texts() -> dict:
    return {
        **kind_texts(),
        **condition_texts(),
        "always": _("Always"),
        "noConditions": _("No conditions"),
        "and": _("and"),
        "from": _("from %(date)s"),
        "until": _("until %(date)s"),
        "uses": _("%(used)s of %(limit)s"),
        "percent": _("%(value)s %%"),
        "giftOf": _("%(quantity)s × gift"),
        "active": _("Active"),
        "inactive": _("Inactive"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "codes": _("Codes"),
        "editRule": _("Change %(name)s"),
        "newRule": _("New discount / surcharge"),
        "deleteRule": _("Delete the rule %(name)s? Orders keep what it gave them."),
        "deleted": _("The rule was deleted."),
        "remove": _("Remove"),
        "condition": _("Condition %(number)s"),
        "conditionType": _("Type"),
        "search": _("Search"),
        "choose": _("Choose"),
        "noMatch": _("Nothing matches."),
        "amount": _("Amount"),
        "quantity": _("Quantity"),
        "noInput": _("Nothing to fill in."),
        "needsShipping": _("Your account cannot list shipping methods."),
        "codesFor": _("Codes of %(name)s"),
        "codesAdded": _("%(count)s codes added."),
        "noCodes": _("No codes yet."),
        "switchOn": _("The cart rules are switched on."),
        "switchOff": _("The cart rules are switched off: no rule applies now. The rules are kept."),
        "groupSaved": _("The group was saved."),
        "members": _("%(count)s members"),
        "supported": _("Up to %(supported)s rules working together are supported."),
    }


def render_page(request):
    page_language(request)  # before the texts below are translated
    switch = dict(saleor.api.PLUGIN_SWITCH, pluginId=PLUGIN_ID)
    return render_staff_page(
        request, "discount_rules/staff_page.html", title=_("Discounts and surcharges"),
        permission=PERMISSION, asset_group=ASSET_GROUP, script="rules.js",
        stylesheet="rules.css", texts=script_texts(),
        config={"maxConditions": MAX_CONDITIONS, "supportedRules": SUPPORTED_RULES,
                "pluginSwitch": switch},
        context={"max_conditions": MAX_CONDITIONS,
                 "pickers_js_url": assets.asset_url(ASSET_GROUP, "rules-pickers.js")},
    )
