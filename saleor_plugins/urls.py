"""Saleor's URLs with the package's /graphql/ schema and the features' own pages."""
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from saleor.urls import urlpatterns as saleor_urlpatterns

from .conf import feature_modules, features
from .graphql.schema import schema
from .graphql.view import PackageGraphQLView
from .pages.urls import urlpatterns as page_urlpatterns
from .platform import saleor

package_urlpatterns = [
    # Keep the name "api": Saleor authenticates app tokens only on reverse("api").
    re_path(r"^graphql/", csrf_exempt(saleor.api.api_view(schema, PackageGraphQLView)), name="api"),
] + page_urlpatterns + [
    pattern for module in feature_modules(features(), "urls") for pattern in module.urlpatterns]

urlpatterns = package_urlpatterns + [
    pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"
]
