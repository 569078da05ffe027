"""The staff pages' shared parts: assets, security headers, the shell in five languages and
the staff login documents each Saleor serves."""
import json

import pytest
from django.test import Client, RequestFactory, override_settings

from saleor_plugins.pages.assets import asset_url
from saleor_plugins.pages.rendering import render_staff_page
from saleor_plugins.platform import saleor

from . import factories
from .page_checks import catalogue, english_texts, page_texts, untranslated

SHELL = "saleor_plugins/staff_page.html"


def render_shell(language="en", **kwargs):
    request = RequestFactory().get("/staff/", {"lang": language})
    response = render_staff_page(request, SHELL, title="Shell", permission="MANAGE_X",
                                 asset_group="shared", script="staff.js", **kwargs)
    return response, response.content.decode()


def test_a_shared_asset_is_served_with_its_version_cached():
    url = asset_url("shared", "staff.js")
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "immutable" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    unversioned = Client().get(url.split("?")[0])
    assert unversioned.status_code == 200 and unversioned["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/pages/assets/shared/nothing.js",
                                  "/pages/assets/shared/staff.py",
                                  "/pages/assets/unknown/staff.js",
                                  "/pages/assets/shared/..%2Fpages%2Furls.py"])
def test_anything_else_is_not_found(path):
    assert Client().get(path).status_code == 404


def test_the_shell_may_be_framed_only_by_the_shop_and_its_dashboard():
    response, _ = render_shell()
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "X-Frame-Options" not in response
    with override_settings(SALEOR_PLUGINS_DASHBOARD_ORIGINS=["https://dash.example.com",
                                                             "javascript:alert(1)"]):
        response, _ = render_shell()
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://dash.example.com" in policy
    assert "javascript" not in policy
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("language", ["nb", "sv", "da", "de"])
def test_the_shell_shows_nothing_in_english(language):
    response, html = render_shell(language)
    assert f'<html lang="{language}">' in html
    assert untranslated(html, language) == []
    texts, script_texts = page_texts(html)
    translations = set(catalogue(language).values())
    assert "Log in" not in texts and "Wrong e-mail or password." not in script_texts
    assert any(text in translations for text in texts)
    assert response.cookies["django_language"].value == language


def test_the_check_catches_a_string_left_in_english():
    _, html = render_shell("de")
    leaked = html.replace("</main>", "<p>Log out</p></main>")
    assert untranslated(leaked, "de") == ["Log out"]
    assert "Log out" in english_texts(leaked)


def test_a_switched_off_feature_shows_why_and_no_login():
    _, html = render_shell(available=False)
    assert "This feature is switched off for this shop." in html
    assert 'id="page-login-form"' not in html


def test_the_page_logs_staff_in_with_the_documents_this_saleor_serves():
    """The login and renewal documents in the page's configuration work on this Saleor."""
    _, html = render_shell()
    config = json.loads(html.split('id="page-config" type="application/json">')[1]
                        .split("</script>")[0])
    assert config["login"] == saleor.api.STAFF_LOGIN and config["permission"] == "MANAGE_X"
    staff = factories.create_staff(password="secret-pass-1")
    client = Client()

    def call(query, variables, token=None):
        headers = {"HTTP_AUTHORIZATION": f"JWT {token}"} if token else {}
        return client.post(config["api"], json.dumps({"query": query, "variables": variables}),
                           content_type="application/json", **headers).json()

    created = call(config["login"]["create"], {"email": staff.email, "password": "secret-pass-1"})
    login = created["data"]["tokenCreate"]
    assert login["token"] and not login["errors"]
    # (3.23 delays logins after a failed one: the wrong password comes last)
    wrong = call(config["login"]["create"], {"email": staff.email, "password": "nope"})
    assert not wrong["data"]["tokenCreate"]["token"]
    assert wrong["data"]["tokenCreate"]["errors"]
    renewed = call(config["login"]["refresh"], {"token": login[config["login"]["renewWith"]]})
    token = renewed["data"]["tokenRefresh"]["token"]
    me = call("{ me { email isStaff userPermissions { code } } }", {}, token)
    assert me["data"]["me"]["email"] == staff.email and me["data"]["me"]["isStaff"] is True
