"""Saleor's URLs with the package's /graphql/ schema and the features' own pages."""
from importlib import import_module

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from saleor.urls import urlpatterns as saleor_urlpatterns

from .conf import features
from .graphql.schema import schema
from .graphql.view import PackageGraphQLView
from .platform import saleor


def feature_urlpatterns():
    """``urlpatterns`` of each feature that has pages (``saleor_plugins.<feature>.urls``)."""
    patterns = []
    for name in features():
        try:
            module = import_module(f"saleor_plugins.{name}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"saleor_plugins.{name}.urls":
                raise
            continue
        patterns += module.urlpatterns
    return patterns


package_urlpatterns = [
    # Keep the name "api": Saleor authenticates app tokens only on reverse("api").
    re_path(r"^graphql/", csrf_exempt(saleor.api.api_view(schema, PackageGraphQLView)), name="api"),
] + feature_urlpatterns()

urlpatterns = package_urlpatterns + [
    pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"
]
