"""Saleor's URLs with the package's /graphql/ schema and the package's own pages."""
from django.conf.urls import url
from django.views.decorators.csrf import csrf_exempt
from saleor.urls import urlpatterns as saleor_urlpatterns

from .graphql.schema import schema
from .graphql.view import PackageGraphQLView
from .klarna_instore import views as till_views

package_urlpatterns = [
    # Keep the name "api": Saleor authenticates app tokens only on reverse("api").
    url(r"^graphql/", csrf_exempt(PackageGraphQLView.as_view(schema=schema)), name="api"),
    url(r"^till/$", till_views.till_page, name="till"),
    url(r"^till/assets/(?P<name>till\.(?:js|css))$", till_views.till_asset, name="till-asset"),
    url(r"^till/klarna/status/$", till_views.klarna_status_callback, name="till-klarna-status"),
    url(r"^till/klarna/notification/$", till_views.klarna_notification,
        name="till-klarna-notification"),
]

urlpatterns = package_urlpatterns + [
    pattern for pattern in saleor_urlpatterns if getattr(pattern, "name", None) != "api"
]
