"""Saleor's URLs with the package's /graphql/ schema and the package's own pages."""
from django.conf.urls import url
from django.views.decorators.csrf import csrf_exempt
from saleor.graphql.views import GraphQLView
from saleor.urls import urlpatterns as saleor_urlpatterns

from .graphql.schema import schema

package_urlpatterns = [
    # Keep the name "api": Saleor authenticates app tokens only on reverse("api").
    url(r"^graphql/", csrf_exempt(GraphQLView.as_view(schema=schema)), name="api"),
]

urlpatterns = package_urlpatterns + [
    pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"
]
