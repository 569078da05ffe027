"""The extended schema: committed, unchanged for Saleor's own API, one /graphql/ endpoint."""
from pathlib import Path

from django.urls import resolve, reverse
from graphql.type.definition import GraphQLObjectType
from saleor.graphql.api import schema as saleor_schema

from saleor_plugins import __version__
from saleor_plugins.core.plugin import package_plugin_classes
from saleor_plugins.graphql.printing import print_schema, printed_schema_name
from saleor_plugins.graphql.schema import schema as package_schema

from . import factories

ROOT = Path(__file__).resolve().parent.parent
PRINTED_SCHEMAS = ("schema.graphql", "schema-saleor3.graphql")  # Saleor 2.10.1, 3.23


def test_committed_schema_of_this_saleor_matches_the_code():
    name = printed_schema_name()
    assert (ROOT / name).read_text() == print_schema(), (
        f"{name} is out of date: run `python -m saleor_plugins schema --committed` "
        "in this Saleor's environment"
    )


def test_both_saleors_have_a_committed_schema_of_their_own():
    # each platform's run checks its own file against the code (the test above)
    assert printed_schema_name() in PRINTED_SCHEMAS
    texts = [(ROOT / name).read_text() for name in PRINTED_SCHEMAS]
    assert all("saleorPlugins: SaleorPluginsInfo!" in text for text in texts)
    assert texts[0] != texts[1]


def test_saleor_types_keep_every_field_with_the_same_type():
    ours = package_schema.get_type_map()
    for name, saleor_type in saleor_schema.get_type_map().items():
        if name.startswith("__"):
            continue
        package_type = ours.get(name)
        assert package_type is not None, f"{name} missing from the extended schema"
        if isinstance(saleor_type, GraphQLObjectType):
            for field_name, field in saleor_type.fields.items():
                assert field_name in package_type.fields, f"{name}.{field_name} missing"
                assert str(package_type.fields[field_name].type) == str(field.type)
                assert sorted(package_type.fields[field_name].args) == sorted(field.args)


def test_one_graphql_endpoint_named_api_serves_the_package_schema():
    assert reverse("api") == "/graphql/"
    view = resolve("/graphql/").func
    assert view.view_initkwargs["schema"] is package_schema


def test_saleor_queries_answer_unchanged(api, shop, customer):
    content = api(customer).data(
        """{
          shop { name countries { code } saleorPlugins { version } }
          products(first: 5%s) {
            edges { node { name variants { sku pricing { price { gross { currency } } } } } }
          }
          me { email defaultShippingAddress { city } }
        }""" % factories.channel_argument()
    )
    currencies = {variant["pricing"]["price"]["gross"]["currency"]
                  for edge in content["products"]["edges"] for variant in edge["node"]["variants"]}
    assert currencies == {"NOK"}
    assert content["shop"]["saleorPlugins"]["version"] == __version__
    names = {edge["node"]["name"] for edge in content["products"]["edges"]}
    assert {"Kaffe Fjell", "Krus"} <= names
    assert content["me"]["email"] == customer.email
    assert content["me"]["defaultShippingAddress"]["city"] == "OSLO"


def test_anonymous_me_is_null_not_an_error(api):
    assert api().data("{ me { email } }") == {"me": None}


def test_shop_lists_package_features_with_their_active_flag(api, all_plugins_active):
    features = api().data("{ shop { saleorPlugins { features { id name active } } } }")
    listed = {f["id"]: f["active"] for f in features["shop"]["saleorPlugins"]["features"]}
    assert listed == {cls.PLUGIN_ID: True for cls in all_plugins_active}


def test_features_are_inactive_until_the_merchant_switches_them_on(api, db):
    features = api().data("{ shop { saleorPlugins { features { id active } } } }")
    listed = {f["id"]: f["active"] for f in features["shop"]["saleorPlugins"]["features"]}
    # every feature of this Saleor is listed, none is on
    assert set(listed) == {cls.PLUGIN_ID for cls in package_plugin_classes() if not cls.HIDDEN}
    assert not any(listed.values())


def test_browser_get_of_graphql_serves_the_playground_page(db):
    from django.test import Client

    response = Client().get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"GraphQL API" in response.content
