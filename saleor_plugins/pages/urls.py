"""The pages' shared assets."""
from django.urls import re_path

from .assets import serve_asset

urlpatterns = [
    re_path(r"^pages/assets/(?P<group>[a-z0-9_-]+)/(?P<name>[A-Za-z0-9_.-]+)$", serve_asset,
            name="page-asset"),
]
