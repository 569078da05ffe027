"""The extended schema: committed, unchanged for Saleor's own API, one /graphql/ endpoint."""
from pathlib import Path

from django.urls import resolve, reverse
from graphql.type.definition import GraphQLObjectType
from saleor.graphql.api import schema as saleor_schema

from saleor_plugins import __version__
from saleor_plugins.graphql.printing import print_schema
from saleor_plugins.graphql.schema import schema as package_schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_committed_schema_matches_the_code():
    committed = SCHEMA_FILE.read_text()
    assert committed == print_schema(), (
        "schema.graphql is out of date: run `python -m saleor_plugins schema -o schema.graphql`"
    )


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
          shop { name defaultCurrency countries { code } saleorPlugins { version } }
          products(first: 5) { edges { node { name variants { sku } } } }
          me { email defaultShippingAddress { city } }
        }"""
    )
    assert content["shop"]["defaultCurrency"] == "NOK"
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
    flags = [f["active"] for f in features["shop"]["saleorPlugins"]["features"]]
    assert flags and not any(flags)


def test_browser_get_of_graphql_serves_the_playground_page(db):
    from django.test import Client

    response = Client().get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"GraphQL API" in response.content
