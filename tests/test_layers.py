"""The package's layers (README "Architecture"): domain modules import neither Saleor nor
Django; only ``saleor_plugins/platform/`` asks which Saleor is installed."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "saleor_plugins"

# Saleor-free domain modules, shared by both platforms
DOMAIN_MODULES = (
    "discount_rules/rules.py",
    "klarna/amounts.py",
    "klarna/client.py",
    "klarna/endpoints.py",
    "klarna/errors.py",
    "klarna/results.py",
    "klarna/simulator/pages.py",
    "klarna/simulator/server.py",
    "klarna/simulator/state.py",
    "klarna/simulator/validation.py",
    "klarna_instore/cart.py",
    "subscription/scheduling.py",
)
FRAMEWORKS = ("saleor", "django", "graphene", "graphql")
# the names that tell the installed Saleor apart
PLATFORM_QUESTIONS = ("adapter_name", "saleor_version", "saleor_release")
# outside platform/: the state directory is named after the Saleor release (one per venv);
# the demo prints the version it serves (and branches on nothing)
MAY_ASK = {"embedded_db.py", "demo/runner.py"}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


@pytest.mark.parametrize("module", DOMAIN_MODULES)
def test_domain_module_imports_no_framework(module):
    found = [name for name in imported_modules(PACKAGE / module)
             if name.split(".")[0] in FRAMEWORKS]
    assert found == [], f"{module} imports {found}"


def test_only_the_platform_package_asks_which_saleor_runs():
    askers = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "platform" or str(relative) in MAY_ASK:
            continue
        tree = ast.parse(path.read_text(), str(path))
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                  for alias in node.names}
        if names & set(PLATFORM_QUESTIONS):
            askers.append(str(relative))
    assert askers == []
