"""Which Saleor the package runs in, and the adapter that speaks to it.

The package's features never ask which Saleor they run on: they call
``saleor_plugins.platform.current()``'s modules (one adapter per Saleor release line,
``saleor2`` for 2.10.1 and ``saleor3`` for 3.23), which hold everything that differs.
The release line is read from the installed distribution's metadata, so this module
imports neither Django nor Saleor.
"""
from functools import lru_cache
from importlib import import_module, metadata

ADAPTERS = {2: "saleor2", 3: "saleor3"}


@lru_cache(maxsize=None)
def saleor_version() -> str:
    """The installed Saleor's version, e.g. ``"3.23.28"``."""
    try:
        return metadata.version("saleor")
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError("saleor-plugins needs Saleor installed in this environment") from exc


def saleor_release() -> str:
    """``"3.23"`` or ``"2.10"``: the release line, as dev.py and the state directory name it."""
    return ".".join(saleor_version().split(".")[:2])


@lru_cache(maxsize=None)
def adapter_name() -> str:
    major = int(saleor_version().split(".")[0])
    if major not in ADAPTERS:
        raise RuntimeError(f"saleor-plugins does not support Saleor {saleor_version()}")
    return ADAPTERS[major]


def current():
    """The adapter package of the installed Saleor (``saleor_plugins.platform.saleor3``…)."""
    return import_module(f"{__name__}.{adapter_name()}")


class _Adapter:
    """``saleor.<module>``: that module of the installed Saleor's adapter, imported on first
    use (``from saleor_plugins.platform import saleor; saleor.permissions.OrderPermissions``).
    Every adapter has the same modules with the same names."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        module = import_module(f"{current().__name__}.{name}")
        setattr(self, name, module)
        return module

    def __repr__(self):
        return f"<saleor-plugins adapter {adapter_name()} for Saleor {saleor_version()}>"


saleor = _Adapter()
