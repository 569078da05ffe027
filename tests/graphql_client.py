"""A client for Saleor's /graphql/ endpoint that logs in with a JWT, as storefronts do."""
import json
import time

from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse

from . import factories

TOKEN_CREATE = """
mutation($email: String!, $password: String!) {
  tokenCreate(email: $email, password: $password) { token user { isStaff } errors { message } }
}"""


class GraphQLClient:
    """``user``: logged in with a JWT; ``app_token``: a Saleor app's token (``Bearer``)."""

    def __init__(self, user=None, language=None, app_token=None, user_agent=None):
        self.user = user
        self.language = language
        self.app_token = app_token
        self._http = Client(**({"HTTP_USER_AGENT": user_agent} if user_agent else {}))

    def post(self, query: str, variables=None):
        headers = {}
        if self.user is not None:
            headers["HTTP_AUTHORIZATION"] = factories.authorization_header(self.user)
        elif self.app_token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.app_token}"
        if self.language:
            headers["HTTP_ACCEPT_LANGUAGE"] = self.language
        capture = getattr(TestCase, "captureOnCommitCallbacks", None)  # Django 3.2+
        if capture is None or not connection.in_atomic_block:  # or commits are real
            return self._send(query, variables, headers)
        # a test in one transaction: what Saleor defers to the commit (Saleor 3.23's
        # checkout_updated hooks) runs when the request is done, as it would after a commit
        with capture(execute=True):
            return self._send(query, variables, headers)

    def _send(self, query, variables, headers):
        return self._http.post(
            reverse("api"),
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )

    def execute(self, query: str, variables=None) -> dict:
        """The whole JSON response (``data`` and maybe ``errors``); never a 500."""
        response = self.post(query, variables)
        assert response.status_code in (200, 400), response.content[:2000]
        return response.json()

    def data(self, query: str, variables=None) -> dict:
        """``data`` of a response that must have no top-level errors."""
        content = self.execute(query, variables)
        assert "errors" not in content, content["errors"]
        return content["data"]


class HttpGraphQLClient:
    """The same interface over real HTTP (``requests``), logged in through ``tokenCreate``.

    Every response's status and top-level errors are kept in ``statuses`` and ``errors`` so a
    test with many clients can count them afterwards instead of failing in a thread.
    """

    def __init__(self, url, timeout=30):
        import requests

        self.url = url
        self.timeout = timeout
        self.session = requests.Session()
        self.statuses = []
        self.errors = []
        self.history = []  # (seconds, operation, variables, response): to explain a failure

    def login(self, email, password):
        login = self.data(TOKEN_CREATE, {"email": email, "password": password})["tokenCreate"]
        assert login["errors"] == [], login["errors"]
        self.session.headers["Authorization"] = f"JWT {login['token']}"

    def execute(self, query: str, variables=None) -> dict:
        response = self.session.post(self.url, json={"query": query, "variables": variables or {}},
                                     timeout=self.timeout)
        self.statuses.append(response.status_code)
        assert response.status_code in (200, 400), response.text[:2000]
        content = response.json()
        self.errors.extend(content.get("errors") or [])
        operation = query.split("{", 2)[1].split("(")[0].strip() if "{" in query else query
        self.history.append((round(time.monotonic(), 3), operation, variables, content))
        return content

    def data(self, query: str, variables=None) -> dict:
        content = self.execute(query, variables)
        assert "errors" not in content, content["errors"]
        return content["data"]

    def close(self):
        self.session.close()


def is_permission_denied(content: dict) -> bool:
    """Refused by a permission check (graphql_jwt's PermissionDenied), not any other error."""
    errors = content.get("errors") or []
    return any(
        ((error.get("extensions") or {}).get("exception") or {}).get("code") == "PermissionDenied"
        for error in errors
    )
