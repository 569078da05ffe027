"""Issue 14 item 20: no ``assert`` in the package's code; ``python -O`` removes them, so a
check written as one stops checking in production."""
import ast
from pathlib import Path

import saleor_plugins

PACKAGE = Path(saleor_plugins.__file__).resolve().parent


def assert_statements():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [f"{relative}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Assert)]
    return found


def test_item14_20_the_package_has_no_assert_statements():
    assert assert_statements() == []


def test_item14_20_the_scan_sees_every_module():
    modules = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")}
    assert {"core/plugin.py", "subscription/renewal.py", "klarna/client.py"} <= modules
