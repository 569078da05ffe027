"""What the cart rules' plugin is on every Saleor: its description, configuration and
the hooks that run while it is off."""
from ..core.config import ConfigField

PLUGIN_DESCRIPTION = (
    "Cart rules with conditions: fixed, percentage, free shipping or gift product, "
    "as a discount or a surcharge. Switching the plugin off keeps the rules."
)
CONFIG_FIELDS = (
    ConfigField(
        "show_public_rules", "boolean", True, "Show public rules to storefronts",
        "Storefronts may list active rules that need no code.",
    ),
)


def always_active(hook):
    """A hook that also runs while the plugin is off: giving uses back is bookkeeping of
    orders made while it was on."""
    hook.respects_active = True
    return hook
