"""Typed plugin configuration on top of Saleor's list of string items.

Saleor stores a plugin's configuration as ``[{"name": ..., "value": ...}]`` and hands every
value over as a string (booleans excepted). A plugin declares ``ConfigField``s once; the
base class derives Saleor's ``DEFAULT_CONFIGURATION`` and ``CONFIG_STRUCTURE`` from them,
validates ``pluginUpdate`` input and parses values into Python types.
"""
import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Optional, Sequence

from saleor.plugins.base_plugin import ConfigurationTypeField


class ConfigError(ValueError):
    """A configuration value that cannot be used; the message is shown to staff."""


def _parse_bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise ConfigError("Enter true or false.")


def _parse_int(raw) -> int:
    text = str(raw).strip()
    try:
        return int(text)
    except ValueError:
        raise ConfigError("Enter a whole number.") from None


def _parse_decimal(raw) -> Decimal:
    text = str(raw).strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ConfigError("Enter a number.") from None
    if not value.is_finite():
        raise ConfigError("Enter a number.")
    return value


def _parse_text(raw) -> str:
    return "" if raw is None else str(raw).strip()


def _parse_list(raw) -> list:
    if isinstance(raw, (list, tuple)):
        items = raw
    else:
        items = str(raw or "").replace("\n", ",").split(",")
    return [str(item).strip() for item in items if str(item).strip()]


KINDS = {
    # kind: (parser, Saleor field type)
    "boolean": (_parse_bool, ConfigurationTypeField.BOOLEAN),
    "integer": (_parse_int, ConfigurationTypeField.STRING),
    "decimal": (_parse_decimal, ConfigurationTypeField.STRING),
    "string": (_parse_text, ConfigurationTypeField.STRING),
    "list": (_parse_list, ConfigurationTypeField.STRING),
    "secret": (_parse_text, ConfigurationTypeField.SECRET),
    "password": (_parse_text, ConfigurationTypeField.PASSWORD),
}


@dataclass(frozen=True)
class ConfigField:
    name: str
    kind: str
    default: Any
    label: str
    help_text: str = ""
    min_value: Optional[Any] = None
    max_value: Optional[Any] = None
    choices: Optional[Sequence[str]] = None
    required: bool = False
    # extra per-value check: raise ConfigError with a message
    check: Optional[Callable[[Any], None]] = field(default=None, compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown config kind {self.kind!r}")

    @property
    def saleor_type(self) -> str:
        return KINDS[self.kind][1]

    def default_value(self):
        """The default as Saleor stores it (a string, or a bool for booleans)."""
        if self.kind == "boolean":
            return bool(self.default)
        if self.kind == "list":
            return ", ".join(self.default or [])
        return "" if self.default is None else str(self.default)

    def parse(self, raw):
        parser = KINDS[self.kind][0]
        if raw is None:  # item missing from the stored configuration
            raw = self.default_value()
        empty = isinstance(raw, str) and not raw.strip()
        if empty and self.required:
            raise ConfigError("This field is required.")
        if empty and self.kind in ("integer", "decimal"):
            raw = self.default_value()
            if not raw.strip():
                raise ConfigError("This field is required.")
        value = parser(raw)
        if self.min_value is not None and value < self.min_value:
            raise ConfigError(f"Enter a value of at least {self.min_value}.")
        if self.max_value is not None and value > self.max_value:
            raise ConfigError(f"Enter a value of at most {self.max_value}.")
        if self.choices is not None:
            values = value if isinstance(value, list) else [value]
            unknown = [v for v in values if v not in self.choices]
            if unknown:
                raise ConfigError(
                    "Choose from: %s (got %s)." % (", ".join(self.choices), ", ".join(unknown))
                )
        if self.check is not None:
            self.check(value)
        return value


class PluginConfig:
    """Parsed configuration values, read as attributes (``config.points_per_unit``)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)

    def __repr__(self):
        return "PluginConfig(%s)" % ", ".join(sorted(self.__dict__))


def raw_values(configuration) -> dict:
    return {item["name"]: item.get("value") for item in configuration or []}


_SCALARS = (str, bool, int, float, type(None))


def copy_items(configuration):
    """A copy of stored items that Saleor may update in place. Items are flat dicts of
    strings and booleans, so copying each dict is enough (and far cheaper than a deep copy,
    with a manager built per price)."""
    if not configuration:
        return configuration
    return [
        {key: value if isinstance(value, _SCALARS) else copy.deepcopy(value)
         for key, value in item.items()}
        for item in configuration
    ]
