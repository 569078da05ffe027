"""A client for Saleor's /graphql/ endpoint that logs in with a JWT, as storefronts do."""
import json

from django.test import Client
from django.urls import reverse
from graphql_jwt.shortcuts import get_token


class GraphQLClient:
    def __init__(self, user=None, language=None):
        self.user = user
        self.language = language
        self._http = Client()

    def post(self, query: str, variables=None):
        headers = {}
        if self.user is not None:
            headers["HTTP_AUTHORIZATION"] = f"JWT {get_token(self.user)}"
        if self.language:
            headers["HTTP_ACCEPT_LANGUAGE"] = self.language
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


def is_permission_denied(content: dict) -> bool:
    """Refused by a permission check (graphql_jwt's PermissionDenied), not any other error."""
    errors = content.get("errors") or []
    return any(
        ((error.get("extensions") or {}).get("exception") or {}).get("code") == "PermissionDenied"
        for error in errors
    )
