"""The pages' shared assets and the app manifest that mounts them in Saleor's dashboard."""
from django.urls import re_path

from .assets import serve_asset
from .manifest import manifest_view

urlpatterns = [
    re_path(r"^pages/assets/(?P<group>[a-z0-9_-]+)/(?P<name>[A-Za-z0-9_.-]+)$", serve_asset,
            name="page-asset"),
    re_path(r"^staff/app-manifest/$", manifest_view, name="staff-app-manifest"),
]
