"""The base class of the package's Saleor plugins.

- Hooks do nothing while the plugin is inactive (Saleor 2.10.1 calls inactive plugins):
  every hook a subclass defines is wrapped to return ``previous_value`` when inactive.
- Configuration is declared as ``CONFIG_FIELDS`` and read typed via ``self.config``;
  ``pluginUpdate`` rejects bad values with one error per field.
- ``__init__`` stays Saleor's (no queries): the manager is rebuilt many times per request.
"""
import functools
import logging
from typing import Dict, Sequence

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from saleor.plugins.base_plugin import BasePlugin
from saleor.plugins.error_codes import PluginErrorCode

from .config import ConfigError, ConfigField, PluginConfig, copy_items, raw_values

logger = logging.getLogger(__name__)

_NOT_HOOKS = {
    "validate_plugin_configuration",
    "save_plugin_configuration",
    "get_default_active",
    "get_plugin_configuration",
}
# Called by Saleor's manager though BasePlugin does not declare it.
_UNDECLARED_HOOKS = {"checkout_quantity_changed", "void_payment"}
HOOK_NAMES = frozenset(
    name
    for name, value in vars(BasePlugin).items()
    if callable(value) and not name.startswith("_") and name not in _NOT_HOOKS
) | _UNDECLARED_HOOKS


def _inactive_returns_previous(method):
    @functools.wraps(method)
    def hook(self, *args, previous_value=None, **kwargs):
        if not self.active:
            return previous_value
        return method(self, *args, previous_value=previous_value, **kwargs)

    hook.respects_active = True
    return hook


class PackagePlugin(BasePlugin):
    CONFIG_FIELDS: Sequence[ConfigField] = ()
    HIDDEN = False  # Saleor 3.23 leaves hidden plugins out of its plugin list

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in HOOK_NAMES:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "respects_active", False):
                setattr(cls, name, _inactive_returns_previous(method))
        if "CONFIG_FIELDS" in cls.__dict__:
            cls.DEFAULT_CONFIGURATION = [
                {"name": f.name, "value": f.default_value()} for f in cls.CONFIG_FIELDS
            ]
            cls.CONFIG_STRUCTURE = {
                f.name: {"type": f.saleor_type, "label": f.label, "help_text": f.help_text}
                for f in cls.CONFIG_FIELDS
            }

    def get_plugin_configuration(self, configuration):
        # Saleor hands over the class-level DEFAULT_CONFIGURATION and then updates its dicts
        # in place; work on a copy so one instance never changes another's defaults.
        return super().get_plugin_configuration(copy_items(configuration))

    @classmethod
    def parse_configuration(cls, configuration) -> Dict[str, object]:
        """Parse stored items into typed values; raise ``ValidationError`` per field."""
        raw = raw_values(configuration)
        values, errors = {}, {}
        for config_field in cls.CONFIG_FIELDS:
            try:
                values[config_field.name] = config_field.parse(raw.get(config_field.name))
            except ConfigError as exc:
                errors[config_field.name] = ValidationError(
                    "%s: %s" % (config_field.label, exc), code=PluginErrorCode.INVALID.value
                )
        if not errors:
            try:
                cls.clean_config(PluginConfig(values))
            except ValidationError as exc:
                errors.update(_as_field_errors(exc))
        if errors:
            raise ValidationError(errors)
        return values

    @classmethod
    def clean_config(cls, config: PluginConfig) -> None:
        """Cross-field checks; raise ``ValidationError({name: message})``."""

    @classmethod
    def validate_plugin_configuration(cls, plugin_configuration, **_kwargs):
        cls.parse_configuration(plugin_configuration.configuration)

    @cached_property
    def config(self) -> PluginConfig:
        try:
            return PluginConfig(self.parse_configuration(self.configuration))
        except ValidationError as exc:
            # A row edited outside pluginUpdate: keep the shop running on defaults.
            logger.error("Invalid configuration for %s: %s", self.PLUGIN_ID, exc)
            return PluginConfig(self.parse_configuration(self.DEFAULT_CONFIGURATION))


class SaleorPluginsPlugin(PackagePlugin):
    """The package's shared part as a plugin: on Saleor 3.23 its entry point is what
    installs the shared app (permissions, translations, templates). It has no hooks and
    needs no configuration, so it is hidden from the plugin list."""

    PLUGIN_ID = "saleor_plugins.core"
    PLUGIN_NAME = "saleor-plugins"
    PLUGIN_DESCRIPTION = "Shared parts of the saleor-plugins features. Needs no configuration."
    CONFIGURATION_PER_CHANNEL = False
    DEFAULT_ACTIVE = False
    HIDDEN = True
    CONFIG_FIELDS = ()


def package_plugin_classes():
    """The package's plugin classes listed in ``settings.PLUGINS``, in that order."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    classes = [import_string(path) for path in settings.PLUGINS]
    return [cls for cls in classes if issubclass(cls, PackagePlugin)]


def _as_field_errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            name: ValidationError(
                [e.message % (e.params or {}) for e in errors],
                code=errors[0].code or PluginErrorCode.INVALID.value,
            )
            for name, errors in error.error_dict.items()
        }
    return {"configuration": error}
