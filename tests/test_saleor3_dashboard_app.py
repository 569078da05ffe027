"""The package as an app of Saleor 3.23's dashboard: its manifest, its installation, and the
token the dashboard hands a mounted page (the signed-in staff member's, limited to the app's
permissions), which the package's permission checks read as that member."""
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from saleor.app.models import App
from saleor.core.jwt import create_access_token_for_app

from saleor_plugins.core.permissions import DiscountRulePermissions
from saleor_plugins.pages.manifest import APP_ID, app_manifest
from saleor_plugins.platform import saleor

from . import factories
from .celery_worker import ROOT
from .graphql_client import GraphQLClient

SHOP = "https://shop.example.com"
RULES = "{ discountRules { id name } }"


def test_the_manifest_mounts_the_cart_rules_page_in_the_discounts_menu(db):
    response = Client().get("/staff/app-manifest/")
    manifest = response.json()
    assert response.status_code == 200 and manifest["id"] == APP_ID
    assert manifest["appUrl"] == "http://testserver/staff"  # the address it was asked at
    assert manifest["permissions"][0] == "MANAGE_DISCOUNT_RULES"
    assert manifest["extensions"] == [{
        "identifier": "discount-rules", "label": "Cart rules", "mount": "NAVIGATION_DISCOUNTS",
        "target": "APP_PAGE", "permissions": ["MANAGE_DISCOUNT_RULES"],
        "url": "/discount-rules/"}]
    # the URL the dashboard frames: appUrl + url, without its trailing slash
    assert Client().get("/staff/discount-rules").status_code == 200


def test_installing_twice_keeps_one_app_with_the_pages_at_the_new_address(db):
    call_command("install_dashboard_app", SHOP)
    call_command("install_dashboard_app", SHOP + "/")  # again: replaced, not doubled
    app = App.objects.get(identifier=APP_ID)
    assert app.is_active and app.is_installed and app.app_url == SHOP + "/staff"
    assert sorted(app.permissions.values_list("codename", flat=True)) == [
        "manage_discount_rules", "manage_plugins", "manage_shipping"]
    extension = app.extensions.get()
    assert (extension.url, extension.mount, extension.target) == (
        "/discount-rules/", "navigation_discounts", "app_page")
    assert list(extension.permissions.values_list("codename", flat=True)) == [
        "manage_discount_rules"]
    assert not app.tokens.exists()  # the pages never act as the app


def test_the_dashboards_token_for_a_page_is_the_staff_members_within_the_apps_permissions(
        db):
    app = saleor.dashboard.install_app(app_manifest(SHOP))
    manager = factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])
    other = factories.create_staff(permissions=[saleor.permissions.OrderPermissions.MANAGE_ORDERS])
    token = create_access_token_for_app(app, manager)
    page_me = GraphQLClient(app_token=token).data("{ me { email userPermissions { code } } }")
    assert page_me["me"]["email"] == manager.email
    assert [p["code"] for p in page_me["me"]["userPermissions"]] == ["MANAGE_DISCOUNT_RULES"]
    assert GraphQLClient(app_token=token).data(RULES) == {"discountRules": []}
    # the member lacks the permission: the app's does not lend it
    refused = GraphQLClient(app_token=create_access_token_for_app(app, other)).execute(RULES)
    assert refused["errors"][0]["path"] == ["discountRules"] and not refused.get("data")
    # the app lacks it (an app installed for orders only): the member's does not reach the page
    app.permissions.set(app.permissions.exclude(codename="manage_discount_rules"))
    refused = GraphQLClient(app_token=create_access_token_for_app(app, manager)).execute(RULES)
    assert refused["errors"][0]["path"] == ["discountRules"] and not refused.get("data")


@pytest.mark.django_db(transaction=True)
def test_saleors_own_install_app_command_installs_the_served_manifest(live_server):
    """``manage install_app <shop>/staff/app-manifest/`` as the README says (a loopback shop
    needs HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS: Saleor refuses local addresses by default)."""
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.demo_server_settings",  # DEBUG: no RSA key
               PYTHONPATH=str(ROOT),
               SALEOR_PLUGINS_TEST_DB_NAME=connection.settings_dict["NAME"],
               HTTP_IP_FILTER_ALLOW_LOOPBACK_IPS="True")
    with override_settings(PUBLIC_URL=live_server.url):  # the shop's address, port and all
        done = subprocess.run(
            [sys.executable, "-m", "saleor_plugins", "manage", "install_app",
             f"{live_server.url}/staff/app-manifest/", "--activate"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    app = App.objects.get(identifier=APP_ID)
    assert app.is_active and app.app_url == f"{live_server.url}/staff"
    extension = app.extensions.get()
    assert (extension.url, extension.mount, extension.target) == (
        "/discount-rules/", "navigation_discounts", "app_page")
