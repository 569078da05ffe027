"""The README's GraphQL examples are valid against the schema each Saleor serves: a
storefront developer can paste them. Sections of features that are not installed on this
Saleor (not yet ported to 3.23) are left out; the cart rules' examples run on both."""
import re
from pathlib import Path

import pytest
from django.apps import apps
from graphql import parse, validate

from saleor_plugins.graphql.schema import schema as package_schema
from saleor_plugins.platform import saleor_release

README = Path(__file__).resolve().parent.parent / "README.md"
# README section (## heading) → the app it documents
SECTIONS = {
    "Discount rules": "saleor_plugins.discount_rules",
    "Loyalty points": "saleor_plugins.loyalty",
    "Subscriptions": "saleor_plugins.subscription",
    "Klarna": "saleor_plugins.klarna",
    "Klarna in-store till": "saleor_plugins.klarna_instore",
}
BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)


def sections():
    """{heading: text} of the README's level-2 sections, without their subsections for
    another Saleor ("### ... (Saleor 3.23)" on 2.10.1)."""
    parts = re.split(r"^## (.+)$", README.read_text(), flags=re.M)
    return {heading: _for_this_saleor(text) for heading, text in zip(parts[1::2], parts[2::2])}


def _for_this_saleor(section: str) -> str:
    parts = re.split(r"^(### .+)$", section, flags=re.M)
    kept = [parts[0]]
    for heading, text in zip(parts[1::2], parts[2::2]):
        release = re.search(r"\(Saleor (\d+\.\d+)\)\s*$", heading)
        if release is None or release.group(1) == saleor_release():
            kept.append(heading + text)
    return "".join(kept)


def operations(block: str):
    """The block's operations, each on its own (a block may hold several)."""
    text = re.sub(r"#[^\n]*", "", block)
    starts = [m.start() for m in re.finditer(r"^(query|mutation|subscription|\{)", text, re.M)]
    return [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)])]


def examples_of_installed_features():
    found = []
    for heading, app in SECTIONS.items():
        if not apps.is_installed(app):
            continue
        for number, block in enumerate(BLOCK.findall(sections()[heading]), 1):
            for index, operation in enumerate(operations(block), 1):
                found.append(pytest.param(operation, id=f"{heading}-{number}.{index}"))
    return found


def test_the_cart_rules_section_has_examples_for_staff_and_storefronts():
    ops = [op for block in BLOCK.findall(sections()["Discount rules"]) for op in operations(block)]
    text = "\n".join(ops)
    for name in ("discountRuleCreate", "discountCodesCreate", "customerGroupSave",
                 "checkoutDiscountCodeAdd", "discountRules", "publicDiscountRules"):
        assert name in text
    assert len(ops) >= 5


@pytest.mark.parametrize("operation", examples_of_installed_features())
def test_readme_example_is_valid_against_the_served_schema(operation):
    graphql_schema = getattr(package_schema, "graphql_schema", package_schema)
    errors = validate(graphql_schema, parse(operation))
    assert errors == [], "\n".join(str(error) for error in errors) + "\n\n" + operation
