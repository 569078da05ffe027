"""The till's page, its assets and Klarna's callbacks."""
from django.urls import re_path

from . import views as till_views

urlpatterns = [
    re_path(r"^till/$", till_views.till_page, name="till"),
    re_path(r"^till/assets/(?P<name>till\.(?:js|css))$", till_views.till_asset, name="till-asset"),
    re_path(r"^till/klarna/status/$", till_views.klarna_status_callback,
            name="till-klarna-status"),
    re_path(r"^till/klarna/notification/$", till_views.klarna_notification,
            name="till-klarna-notification"),
]
# the pages the demo lists: (what it is, URL name)
PAGES = [("Klarna in-store till (staff)", "till")]
