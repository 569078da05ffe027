"""Saleor 3.23: staff are warned about more rules working together than are supported only
where they can meet, in one channel (rules of other channels never apply to its checkouts)."""
import pytest

from saleor_plugins.core.permissions import DiscountRulePermissions

from . import factories
from .graphql_client import GraphQLClient

CREATE = """
mutation($input: DiscountRuleInput!) {
  discountRuleCreate(input: $input) { supportWarning errors { field code message } }
}"""
WARNING = "{ discountRulesWarning }"


@pytest.fixture
def staff(db):
    for slug, currency in (("butikk-nok", "NOK"), ("butikk-sek", "SEK")):
        factories.create_channel(slug, currency)
    return GraphQLClient(factories.create_staff(
        permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES]), language="en")


def create(staff, name, channels=()):
    payload = staff.data(CREATE, {"input": {"name": name, "kind": "PERCENTAGE", "value": "5",
                                            "channels": list(channels)}})["discountRuleCreate"]
    assert payload["errors"] == []
    return payload["supportWarning"]


def test_three_rules_per_channel_are_supported_however_many_there_are(staff):
    assert create(staff, "Overalt") is None
    for name in ("Norge 1", "Norge 2"):
        assert create(staff, name, ["butikk-nok"]) is None
    for name in ("Sverige 1", "Sverige 2"):
        assert create(staff, name, ["butikk-sek"]) is None
    assert staff.data(WARNING)["discountRulesWarning"] is None  # five rules, three per channel

    warning = create(staff, "Sverige 3", ["butikk-sek"])
    assert warning == ("4 rules are active in the channel butikk-sek. Up to 3 rules working "
                       "together are supported: with more, their combinations are hard to "
                       "foresee and test.")
    assert staff.data(WARNING)["discountRulesWarning"] == warning


def test_rules_of_every_channel_count_everywhere(staff):
    for name in ("A", "B", "C"):
        assert create(staff, name) is None
    warning = create(staff, "D")
    assert warning.startswith("4 rules are active. Up to 3")
    german = GraphQLClient(staff.user, language="de").data(WARNING)["discountRulesWarning"]
    assert german.startswith("4 Regeln sind aktiv.")
